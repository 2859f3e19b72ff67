"""Other forms of a query's words that the stemmer leaves apart, searched where the corpus
uses them and shown with the glossary's expansions: the negative form of a negated word
("not effective": "ineffective") and a verb's noun of action and back ("identified":
"identification")."""
from __future__ import annotations

import re
from typing import Callable

_NEGATED = re.compile(r"\b(?:not|never|no longer)\s+(?:very\s+)?([a-z]{4,})\b", re.I)


def negations(query: str, known: Callable[[str], bool]) -> list[str]:
    """The negative form of a negated word, where the corpus uses it: "not effective" also
    searches "ineffective", "not aware" "unaware". (Not the other way: "information" is not
    "not formation".)"""
    out = []
    for m in _NEGATED.finditer(query):
        word = m.group(1).lower()
        out += [p + word for p in ("in", "un", "im", "ir", "il") if known(p + word)][:1]
    return out


# English derivation that the stemmer leaves apart: the verb and its noun of action
_DERIVATIONS = (("ified", "ification"), ("ifying", "ification"), ("ify", "ification"),
                ("ification", "ify"), ("ided", "ision"), ("iding", "ision"), ("ide", "ision"),
                ("ision", "ide"), ("ened", "ention"), ("ening", "ention"), ("ene", "ention"),
                ("ention", "ene"), ("ised", "ition"), ("ising", "ition"), ("ise", "ition"),
                ("ized", "ition"), ("izing", "ition"), ("ize", "ition"), ("ition", "ise"))


def derivations(query: str, known: Callable[[str], bool]) -> list[str]:
    """The noun of a query's verb and the verb of its noun, where the corpus uses them:
    "identified" also searches "identification", "decision" "decide"."""
    out = []
    for word in re.findall(r"[a-z]{5,}", query.lower()):
        for end, other in _DERIVATIONS:
            if word.endswith(end) and len(word) - len(end) >= 3:
                form = word[: -len(end)] + other
                if form not in out and known(form):
                    out.append(form)
                break
    return out
