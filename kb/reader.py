"""The knowledge base as one audience sees it.

`KnowledgeBase.reader(public_only)` fixes, once, whether restricted documents may be
seen: every facade method that takes `include_restricted` gets it from the reader
(passing it is an error), and every search's filters are scoped the same way. The
web app hands views only a reader for the person asking, so a new page or API route
cannot forget the rule: restricted documents fail closed."""
from __future__ import annotations

import functools
import inspect
from dataclasses import replace


class Reader:
    def __init__(self, kb, public_only: bool):
        self._kb = kb
        self.public_only = public_only

    @property
    def include_restricted(self) -> bool:
        return not self.public_only

    def __getattr__(self, name: str):
        attr = getattr(self._kb, name)
        if name.startswith("_") or not callable(attr):
            return attr
        signature, scope_flag, scope_filters = _scope_of(getattr(attr, "__func__", attr), hasattr(attr, "__self__"))
        if not (scope_flag or scope_filters):
            return attr

        @functools.wraps(attr)
        def scoped(*args, **kwargs):
            bound = signature.bind(*args, **kwargs)
            if "include_restricted" in bound.arguments:
                raise TypeError(f"{name}(): the reader fixes who may see restricted documents")
            if scope_flag:
                bound.arguments["include_restricted"] = self.include_restricted
            if scope_filters:
                from kb.search.searcher import Filters
                bound.arguments["filters"] = replace(bound.arguments.get("filters") or Filters(),
                                                     include_restricted=self.include_restricted)
            return attr(*bound.args, **bound.kwargs)

        return scoped


@functools.lru_cache(maxsize=256)
def _scope_of(function, bound: bool) -> tuple[inspect.Signature, bool, bool]:
    """A facade method's signature as called (without `self` when bound), read once since a
    reader is made per request, and whether it takes the audience flag or search filters."""
    signature = inspect.signature(function)
    if bound:
        signature = signature.replace(parameters=list(signature.parameters.values())[1:])
    return signature, "include_restricted" in signature.parameters, "filters" in signature.parameters
