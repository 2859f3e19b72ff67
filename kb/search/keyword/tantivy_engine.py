"""The tantivy keyword engine (compiled BM25, block-max WAND top-k), the default.

Text fields are analysed by one analyser registered with the index (simple tokenizer,
lowercase, the domain stop list, English Snowball stemmer); query words go through the
same analyser, so they match what was indexed. Filters are indexed fields (raw
strings and a year column) combined with the query as required clauses. A `words`
field (lowercase, unstemmed) is the vocabulary that spelling suggestions come from."""
from __future__ import annotations

import re
import shutil
import threading
from functools import lru_cache
from pathlib import Path
from typing import Iterable

import tantivy

from kb.search.keyword import folder_of, saved_meta, write_meta
from kb.search.keyword.analysis import STOP_WORDS, edit_distance, inflections
from kb.search.selection import Selection
from kb.search.keyword.query import Clause, fields_of

ANALYZER = "kb_en"
WORDS = "kb_words"
TEXT_FIELDS = ("text", "heading", "context", "title")
RAW_FIELDS = ("document", "themes", "statement_type", "doc_type", "visibility")
WRITER_HEAP = 128_000_000
_WORD = re.compile(r"[A-Za-z0-9]+")


def _analyzer() -> tantivy.TextAnalyzer:
    return (tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
            .filter(tantivy.Filter.lowercase())
            .filter(tantivy.Filter.custom_stopword(sorted(STOP_WORDS)))
            .filter(tantivy.Filter.stemmer("english"))
            .build())


def _words_analyzer() -> tantivy.TextAnalyzer:
    return tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple()).filter(tantivy.Filter.lowercase()).build()


def _schema() -> tantivy.Schema:
    sb = tantivy.SchemaBuilder()
    sb.add_unsigned_field("id", indexed=True, fast=True)
    for name in TEXT_FIELDS:
        sb.add_text_field(name, tokenizer_name=ANALYZER, index_option="position")
    sb.add_text_field("words", tokenizer_name=WORDS, index_option="basic")
    for name in RAW_FIELDS:
        sb.add_text_field(name, tokenizer_name="raw", index_option="basic")
    sb.add_integer_field("year", indexed=True, fast=True)
    return sb.build()


class TantivyIndex:
    engine = "tantivy"

    def __init__(self, home: Path):
        self.home = Path(home)
        self.folder = folder_of(self.home)
        self.schema = _schema()
        self.analyzer = _analyzer()
        self._ix: tantivy.Index | None = None
        self._lock = threading.Lock()

    # ------------------------------------------------------------ storage
    def exists(self) -> bool:
        return (self.folder / "meta.json").exists() and saved_meta(self.home).get("engine") == self.engine

    def meta(self) -> dict:
        return saved_meta(self.home)

    def _open(self, folder: Path | None = None, create: bool = False) -> tantivy.Index:
        folder = folder or self.folder
        if create:
            folder.mkdir(parents=True, exist_ok=True)
        ix = tantivy.Index(self.schema, path=str(folder), reuse=not create)
        ix.register_tokenizer(ANALYZER, _analyzer())
        ix.register_tokenizer(WORDS, _words_analyzer())
        return ix

    def index(self) -> tantivy.Index:
        with self._lock:
            if self._ix is None:
                self._ix = self._open()
            return self._ix

    def refresh(self) -> None:
        """See what another writer committed (cheap: new segments are opened, old ones kept)."""
        if self._ix is not None:
            self._ix.reload()
        _suggestion_terms.cache_clear()

    def close(self) -> None:
        with self._lock:
            self._ix = None

    def _document(self, point: dict, doc: dict) -> tantivy.Document:
        f = fields_of(point, doc)
        d = tantivy.Document()
        d.add_unsigned("id", f["id"])
        for name in TEXT_FIELDS:
            d.add_text(name, f[name])
        d.add_text("words", f["text"] + "\n" + f["heading"])
        for name in ("document", "statement_type", "doc_type", "visibility"):
            d.add_text(name, f[name])
        for theme in f["themes"]:
            d.add_text("themes", theme)
        d.add_integer("year", f["year"])
        return d

    def build(self, batches: Iterable[list[tuple[dict, dict]]], generation: int, progress=None) -> None:
        """Write a new index beside the old one and swap it in; readers of the old keep theirs."""
        fresh = self.folder.with_name(self.folder.name + ".new")
        shutil.rmtree(fresh, ignore_errors=True)
        ix = self._open(fresh, create=True)
        writer = ix.writer(heap_size=WRITER_HEAP, num_threads=1)
        for batch in batches:
            for point, doc in batch:
                writer.add_document(self._document(point, doc))
            if progress:
                progress(len(batch))
        writer.commit()
        writer.wait_merging_threads()
        self.close()
        old = self.folder.with_name(self.folder.name + ".old")
        shutil.rmtree(old, ignore_errors=True)
        if self.folder.exists():
            self.folder.rename(old)
        fresh.rename(self.folder)
        shutil.rmtree(old, ignore_errors=True)
        write_meta(self.home, {"engine": self.engine, "generation": generation})

    def update(self, remove_documents: Iterable[str], rows: list[tuple[dict, dict]], generation: int) -> None:
        """Remove documents' points and add new ones in place: no other entry is rewritten."""
        ix = self.index()
        writer = ix.writer(heap_size=WRITER_HEAP, num_threads=1)
        for doc_id in remove_documents:
            writer.delete_documents_by_term("document", doc_id)
        for point, doc in rows:
            writer.add_document(self._document(point, doc))
        writer.commit()
        writer.wait_merging_threads()
        ix.reload()
        write_meta(self.home, {"engine": self.engine, "generation": generation})

    # ------------------------------------------------------------ querying
    def terms(self, text: str) -> list[str]:
        return self.analyzer.analyze(text)

    def _positioned(self, text: str) -> list[tuple[int, str]]:
        """Analysed words with their places in the text, stop words leaving gaps as in the index."""
        out = []
        for n, word in enumerate(_WORD.findall(text)):
            out += [(n, t) for t in self.analyzer.analyze(word)]
        return out

    def _clause(self, c: Clause) -> tantivy.Query | None:
        if not c.phrase:
            terms = self.terms(c.text)
            queries = [tantivy.Query.term_query(self.schema, c.field, t) for t in terms]
            if not queries:
                return None
            q = queries[0] if len(queries) == 1 else tantivy.Query.boolean_query(
                [(tantivy.Occur.Should, x) for x in queries])
            return tantivy.Query.boost_query(q, c.boost)
        words = self._positioned(c.text)
        if len(words) < 2:
            if not words or not c.single_ok:
                return None
            q = tantivy.Query.term_query(self.schema, c.field, words[0][1])
        else:
            start = words[0][0]
            q = tantivy.Query.phrase_query(self.schema, c.field, [(n - start, t) for n, t in words], slop=c.slop)
        return tantivy.Query.boost_query(q, c.boost)

    def _filter(self, f: Selection) -> list[tantivy.Query]:
        s = self.schema
        must = []
        if f.documents is not None:
            must.append(tantivy.Query.term_set_query(s, "document", sorted(f.documents)))
        for name, values in (("doc_type", f.doc_types), ("statement_type", f.statement_types),
                             ("themes", f.themes)):
            if values:
                must.append(tantivy.Query.term_set_query(s, name, sorted(values)))
        if f.year_from or f.year_to:
            must.append(tantivy.Query.range_query(s, "year", tantivy.FieldType.Integer,
                                                  f.year_from or 1, f.year_to or 9999))
        if f.public_only:
            must.append(tantivy.Query.term_query(s, "visibility", "public"))
        return must

    def search(self, clauses: list[Clause], limit: int, filters: Selection | None = None
               ) -> list[tuple[int, float]]:
        should = [q for q in (self._clause(c) for c in clauses) if q is not None]
        if not should:
            return []
        query = tantivy.Query.boolean_query([(tantivy.Occur.Should, q) for q in should])
        if filters is not None and filters.active():
            query = tantivy.Query.boolean_query(
                [(tantivy.Occur.Must, query)] + [(tantivy.Occur.Must, q) for q in self._filter(filters)])
        searcher = self.index().searcher()
        hits = searcher.search(query, limit, count=False).hits
        ids = searcher.fast_field_values("id", [address for _, address in hits])
        return [(int(i), float(score)) for (score, _), i in zip(hits, ids)]

    def is_known(self, word: str) -> bool:
        """Whether the corpus uses the word, or a form of it with a regular ending
        (neglected: neglect). Not by stem alone: "curiousity" stems like "curious"."""
        searcher = self.index().searcher()
        return any(searcher.doc_freq("words", form) for form in inflections(word.lower()))

    def suggest(self, word: str) -> str | None:
        """The corpus word closest by edit distance (at most 2, same first letter), commonest first."""
        w = word.lower()
        if not w:
            return None
        best = None
        for term, count in _suggestion_terms(self, w[0]):
            if abs(len(term) - len(w)) > 2 or term == w:
                continue
            d = edit_distance(w, term, 2)
            if d <= 2 and (best is None or (d, -count) < best[:2]):
                best = (d, -count, term)
        return best[2] if best else None


@lru_cache(maxsize=64)
def _suggestion_terms(index: TantivyIndex, letter: str) -> tuple[tuple[str, int], ...]:
    searcher = index.index().searcher()
    return tuple((t, c) for t, c in searcher.terms_with_prefix("words", letter) if len(t) > 2)
