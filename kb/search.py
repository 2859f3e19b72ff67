"""Hybrid search: keyword (whoosh BM25F) and vector (faiss) rankings fused, then diversified."""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

import numpy as np

from . import fusion
from .errors import QueryError
from .glossary import Glossary
from .keyword_index import STOP_WORDS, KeywordIndex, tokens
from .statements import is_figures, is_label
from .store import Store
from .vector_index import VectorIndex

CANDIDATES = 100
KEYWORD_WEIGHT = 1.0
VECTOR_WEIGHT = 1.0
EXPANSION_WEIGHT = 0.8  # a third ranking: points that use an equivalent phrasing from the glossary
RRF_K = 60
SHORT_POINT_WORDS = 4   # points this short are usually labels, not statements of learning
SHORT_POINT_FACTOR = 0.75
FIGURES_FACTOR = 0.8    # paragraphs of statistics report figures rather than learning
MAX_PER_DOCUMENT = 6
FACET_POOL = 50     # facets count over this many best matches (semantic search has no hard result set)
THEME_FACTOR = 1.15 # a point carrying a theme the query is about


@dataclass
class Filters:
    doc_types: list[str] = field(default_factory=list)
    publishers: list[str] = field(default_factory=list)
    year_from: int | None = None
    year_to: int | None = None
    documents: list[str] = field(default_factory=list)
    statement_types: list[str] = field(default_factory=list)
    themes: list[str] = field(default_factory=list)
    include_restricted: bool = True

    def active(self) -> bool:
        return bool(self.doc_types or self.publishers or self.year_from or self.year_to or self.documents
                    or self.statement_types or self.themes or not self.include_restricted)

    def accepts(self, point: dict, doc: dict) -> bool:
        if not self.include_restricted and doc["visibility"] != "public":
            return False
        if self.documents and doc["id"] not in self.documents:
            return False
        if self.doc_types and doc["doc_type"] not in self.doc_types:
            return False
        if self.publishers and not any(p.lower() in (doc.get("publisher") or "").lower() for p in self.publishers):
            return False
        year = doc.get("year")
        if self.year_from and (year is None or year < self.year_from):
            return False
        if self.year_to and (year is None or year > self.year_to):
            return False
        if self.statement_types and point.get("statement_type") not in self.statement_types:
            return False
        if self.themes and not set(self.themes) & set(point.get("themes") or []):
            return False
        return True


@dataclass
class SearchResponse:
    query: str
    results: list[dict]
    expansions: list[str] = field(default_factory=list)
    did_you_mean: str | None = None
    total_candidates: int = 0
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return asdict(self)


def highlight_spans(text: str, terms: list[str]) -> list[tuple[int, int]]:
    """Character spans of words in `text` whose stem matches one of the query's stems."""
    wanted = set()
    for t in terms:
        wanted.update(tokens(t))
    spans = []
    for m in re.finditer(r"[A-Za-z0-9][A-Za-z0-9'’-]*", text):
        word = m.group(0)
        toks = tokens(word)
        if toks and toks[0] in wanted and word.lower() not in STOP_WORDS:
            spans.append((m.start(), m.end()))
    # a lone "not" or "no" is marked only as part of a marked phrase ("was not brought")
    keep = []
    for i, (start, end) in enumerate(spans):
        if text[start:end].lower() in ("not", "no"):
            near = [s for j, s in enumerate(spans) if j != i and (0 <= start - s[1] <= 5 or 0 <= s[0] - end <= 5)]
            if not any(text[a:b].lower() not in ("not", "no") for a, b in near):
                continue
        keep.append((start, end))
    return keep


class Searcher:
    """Runs one query against the indexes of a knowledge base."""

    def __init__(self, store: Store, keyword: KeywordIndex, vectors: VectorIndex, embedder, glossary: Glossary,
                 max_query_chars: int, tagger=None):
        self.tagger = tagger
        self.store = store
        self.keyword = keyword
        self.vectors = vectors
        self.embedder = embedder
        self.glossary = glossary
        self.max_query_chars = max_query_chars
        self._meta: dict[int, tuple[dict, dict]] | None = None
        self._meta_generation = -1

    # point id → (point fields used by filters, its document)
    def _point_meta(self) -> dict[int, tuple[dict, dict]]:
        gen = self.store.generation()
        if self._meta is None or gen != self._meta_generation:
            docs = {d["id"]: d for d in self.store.documents()}
            meta = {}
            for batch in self.store.iter_points():
                for p in batch:
                    meta[p["id"]] = ({"statement_type": p["statement_type"], "themes": p["themes"],
                                      "words": len(p["text"].split()),
                                      "figures": is_figures(p["text"]),
                                      "label": is_label(p["text"]),
                                      "key": " ".join(re.findall(r"[a-z0-9]+", p["text"].lower()))},
                                     docs[p["document_id"]])
            self._meta, self._meta_generation = meta, gen
        return self._meta

    @staticmethod
    def _prior(point: dict, query_themes: set[str] = frozenset()) -> float:
        prior = SHORT_POINT_FACTOR if point["words"] <= SHORT_POINT_WORDS or point["label"] else 1.0
        if point["figures"]:
            prior *= FIGURES_FACTOR
        if query_themes and query_themes & set(point["themes"] or ()):
            prior *= THEME_FACTOR
        return prior

    def query_themes(self, query: str, qvec) -> set[str]:
        """The themes a query is about, by the same tagger as the points (its words, its meaning)."""
        if self.tagger is None:
            return set()
        return {t.theme for t in self.tagger.tag([{"text": query}], np.asarray([qvec]))[0]}

    def validate(self, query: str) -> str:
        query = " ".join((query or "").split())
        if not query:
            raise QueryError("the search query is empty")
        if len(query) > self.max_query_chars:
            raise QueryError(f"the search query is {len(query)} characters long; the limit is "
                             f"{self.max_query_chars}. Use a few words or a short sentence.")
        return query

    def correct(self, query: str) -> str | None:
        unknown = self.keyword.unknown_words(query)
        if not unknown:
            return None
        corrected = query
        changed = False
        for word in unknown:
            suggestion = self.keyword.suggest(word)
            if suggestion and suggestion != word.lower():
                corrected = re.sub(rf"\b{re.escape(word)}\b", suggestion, corrected)
                changed = True
        return corrected if changed else None

    def search(self, query: str, k: int = 10, filters: Filters | None = None, expand: bool = True,
               offset: int = 0) -> SearchResponse:
        query = self.validate(query)
        filters = filters or Filters()
        did_you_mean = self.correct(query)
        effective = did_you_mean or query
        expansions = self.glossary.expand(effective) if expand else []
        meta = self._point_meta()

        allowed = None
        if filters.active():
            allowed = np.fromiter((pid for pid, (p, d) in meta.items() if filters.accepts(p, d)), dtype=np.int64)
        limit = CANDIDATES + offset + k
        kw_hits = self.keyword.search(effective, expansions, limit=limit if allowed is None else max(limit, 2000))
        if allowed is not None:
            allowed_set = set(allowed.tolist())
            kw_hits = [(i, s) for i, s in kw_hits if i in allowed_set][:limit]
        exp_hits = self.keyword.search("", expansions, limit=limit) if expansions else []
        if allowed is not None:
            exp_hits = [(i, s) for i, s in exp_hits if i in allowed_set]
        qvec = self.embedder.encode([effective])[0]
        vec_hits = self.vectors.search(qvec, limit, allowed=allowed)

        query_themes = self.query_themes(effective, qvec)
        kw_rank = {pid: r for r, (pid, _) in enumerate(kw_hits, start=1)}
        vec_rank = {pid: r for r, (pid, _) in enumerate(vec_hits, start=1)}
        fused = fusion.rrf([[p for p, _ in kw_hits], [p for p, _ in vec_hits], [p for p, _ in exp_hits]],
                           weights=[KEYWORD_WEIGHT, VECTOR_WEIGHT, EXPANSION_WEIGHT], k=RRF_K)
        fused = fusion.apply_prior(fused, {pid: self._prior(meta[pid][0], query_themes)
                                           for pid, _ in fused if pid in meta})
        fused = fusion.dedupe(fused, {pid: meta[pid][0]["key"] for pid, _ in fused if pid in meta})
        single_doc = len(filters.documents) == 1
        if not single_doc:
            groups = {pid: meta[pid][1]["id"] for pid, _ in fused if pid in meta}
            fused = fusion.diversify(fused, groups, max_per_group=MAX_PER_DOCUMENT * max(1, (offset + k) // 10),
                                     top=offset + k)
        facets = self._facets([meta[pid] for pid, _ in fused[:FACET_POOL] if pid in meta])
        page = fused[offset:offset + k]
        points = {p["id"]: p for p in self.store.points(ids=[pid for pid, _ in page])}
        terms = [effective] + expansions
        results = []
        for pid, score in page:
            p = points.get(pid)
            if p is None:
                continue
            doc = meta[pid][1]
            results.append({
                "id": pid,
                "text": p["text"],
                "context": p["context"],
                "document": {"id": doc["id"], "title": doc["title"], "publisher": doc["publisher"],
                             "doc_type": doc["doc_type"], "year": doc["year"], "date": doc["date"]},
                "section": p["section_path"],
                "page": p["page"],
                "position": p["position"],
                "case_name": p["case_name"],
                "statement_type": p["statement_type"],
                "themes": p["themes"],
                "score": round(score, 6),
                "keyword_rank": kw_rank.get(pid),
                "vector_rank": vec_rank.get(pid),
                "highlights": highlight_spans(p["text"], terms),
            })
        return SearchResponse(query=query, results=results, expansions=expansions,
                              did_you_mean=did_you_mean, total_candidates=min(len(fused), FACET_POOL),
                              facets=facets)

    @staticmethod
    def _facets(matches: list[tuple[dict, dict]]) -> dict[str, list[tuple[str, int]]]:
        """Counts of theme, document type, statement type, year and publisher among the best matches."""
        counts: dict[str, dict[str, int]] = {f: {} for f in ("theme", "doc_type", "statement_type", "year",
                                                             "publisher")}
        for point, doc in matches:
            values = {"theme": point["themes"] or [], "doc_type": [doc["doc_type"]],
                      "statement_type": [point["statement_type"]] if point["statement_type"] else [],
                      "year": [str(doc["year"])] if doc["year"] else [],
                      "publisher": [doc["publisher"]] if doc["publisher"] else []}
            for facet, vals in values.items():
                for v in vals:
                    counts[facet][v] = counts[facet].get(v, 0) + 1
        order = {"year": lambda kv: (-int(kv[0]), 0)}
        return {f: sorted(c.items(), key=order.get(f, lambda kv: (-kv[1], kv[0]))) for f, c in counts.items()}
