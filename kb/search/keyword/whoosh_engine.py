"""The whoosh keyword engine: pure Python, for places that cannot install a compiled
wheel (KB_KEYWORD_ENGINE=whoosh). BM25F (B=0.4) over the same fields and plan as
tantivy, Porter stemming, the same stop list; filters are a whoosh filter query."""
from __future__ import annotations

import shutil
from pathlib import Path
from typing import Iterable

from whoosh import index as windex
from whoosh import scoring
from whoosh.analysis import StemmingAnalyzer
from whoosh.fields import ID, KEYWORD, NUMERIC, TEXT, Schema
from whoosh.lang.porter import stem
from whoosh.query import And, NumericRange, Or, Phrase, Term

from kb.search.keyword import folder_of, saved_meta, write_meta
from kb.search.keyword.analysis import STOP_WORDS
from kb.search.selection import Selection
from kb.search.keyword.query import Clause, fields_of


def analyzer():
    return StemmingAnalyzer(stoplist=STOP_WORDS, minsize=1)


def schema() -> Schema:
    a = analyzer()
    return Schema(
        id=NUMERIC(stored=True, unique=True, bits=64, signed=False),
        document=ID(stored=False),
        text=TEXT(analyzer=a, phrase=True, spelling=True),
        heading=TEXT(analyzer=a, phrase=True),
        context=TEXT(analyzer=a, phrase=True),
        title=TEXT(analyzer=a),
        themes=KEYWORD(lowercase=True, commas=False, scorable=True),
        statement_type=ID(), doc_type=ID(), visibility=ID(),
        year=NUMERIC(bits=32, signed=True),
    )


def _whoosh_fields(point: dict, doc: dict) -> dict:
    f = fields_of(point, doc)
    f["themes"] = " ".join(f["themes"])
    return f


class WhooshIndex:
    engine = "whoosh"

    def __init__(self, home: Path):
        self.home = Path(home)
        self.folder = folder_of(self.home)
        self._analyzer = analyzer()
        self._ix = None
        self._searcher = None

    def exists(self) -> bool:
        return windex.exists_in(str(self.folder)) and saved_meta(self.home).get("engine", "whoosh") == self.engine

    def meta(self) -> dict:
        return saved_meta(self.home)

    def _open(self):
        if self._ix is None:
            self._ix = windex.open_dir(str(self.folder))
        return self._ix

    def searcher(self):
        if self._searcher is None:
            self._searcher = self._open().searcher(weighting=scoring.BM25F(B=0.4, K1=1.2))
        return self._searcher

    def refresh(self) -> None:
        self.close()

    def close(self) -> None:
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None
        self._ix = None

    def build(self, batches: Iterable[list[tuple[dict, dict]]], generation: int, progress=None) -> None:
        self.close()
        if self.folder.exists():
            shutil.rmtree(self.folder)
        self.folder.mkdir(parents=True)
        ix = windex.create_in(str(self.folder), schema())
        writer = ix.writer(limitmb=256, procs=1)
        for batch in batches:
            for point, doc in batch:
                writer.add_document(**_whoosh_fields(point, doc))
            if progress:
                progress(len(batch))
        writer.commit(optimize=True)
        write_meta(self.home, {"engine": self.engine, "generation": generation})

    def update(self, remove_documents: Iterable[str], rows: list[tuple[dict, dict]], generation: int) -> None:
        self.close()
        writer = self._open().writer()
        for doc_id in remove_documents:
            writer.delete_by_term("document", doc_id)
        for point, doc in rows:
            writer.add_document(**_whoosh_fields(point, doc))
        writer.commit()
        self.close()
        write_meta(self.home, {"engine": self.engine, "generation": generation})

    # ------------------------------------------------------------ querying
    def terms(self, text: str) -> list[str]:
        return [t.text for t in self._analyzer(text)]

    def _clause(self, c: Clause):
        words = self.terms(c.text)
        if not c.phrase:
            terms = [Term(c.field, w, boost=c.boost) for w in words]
            return terms[0] if len(terms) == 1 else (Or(terms) if terms else None)
        if len(words) < 2:
            return Term(c.field, words[0], boost=c.boost) if words and c.single_ok else None
        return Phrase(c.field, words, boost=c.boost, slop=c.slop)

    @staticmethod
    def _filter(f: Selection):
        parts = []
        if f.documents is not None:
            parts.append(Or([Term("document", d) for d in sorted(f.documents)]) if f.documents
                         else Term("document", "\x00none"))
        for name, values in (("doc_type", f.doc_types), ("statement_type", f.statement_types),
                             ("themes", f.themes)):
            if values:
                parts.append(Or([Term(name, v) for v in sorted(values)]))
        if f.year_from or f.year_to:
            parts.append(NumericRange("year", f.year_from or 1, f.year_to or 9999))
        if f.public_only:
            parts.append(Term("visibility", "public"))
        return And(parts) if parts else None

    def search(self, clauses: list[Clause], limit: int, filters: Selection | None = None
               ) -> list[tuple[int, float]]:
        parts = [q for q in (self._clause(c) for c in clauses) if q is not None]
        if not parts:
            return []
        flt = self._filter(filters) if filters is not None and filters.active() else None
        results = self.searcher().search(Or(parts), limit=limit, filter=flt)
        return [(int(hit["id"]), float(hit.score)) for hit in results]

    def is_known(self, word: str) -> bool:
        reader = self.searcher().reader()
        w = stem(word.lower())
        return bool(reader.frequency("text", w) or reader.frequency("heading", w))

    def suggest(self, word: str) -> str | None:
        found = self.searcher().corrector("text").suggest(word.lower(), limit=1, maxdist=2, prefix=1)
        return found[0] if found else None
