"""Which points a search may return, as both engines take it (kb.search resolves the
user's Filters into one: publishers and document ids become a set of documents)."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Selection:
    documents: frozenset[str] | None = None  # None: any document
    doc_types: frozenset[str] = frozenset()
    year_from: int | None = None
    year_to: int | None = None
    statement_types: frozenset[str] = frozenset()
    themes: frozenset[str] = frozenset()
    public_only: bool = False

    def active(self) -> bool:
        return bool(self.documents is not None or self.doc_types or self.year_from or self.year_to
                    or self.statement_types or self.themes or self.public_only)
