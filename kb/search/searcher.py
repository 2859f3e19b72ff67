"""Hybrid search: keyword (tantivy or whoosh BM25) and vector (faiss) rankings fused, then
diversified. Filters run inside both engines; only the fused candidates are read from the store."""
from __future__ import annotations

import re
from collections import OrderedDict
from dataclasses import asdict, dataclass, field, replace
from functools import lru_cache
from typing import Callable

import numpy as np

from kb.search import fusion
from kb.core.cache import GenerationCache
from kb.core.records import doc_ref
from kb.core.errors import QueryError
from kb.search.glossary import Glossary
from kb.search.keyword import KeywordIndex, plan
from kb.search.keyword.analysis import STOP_WORDS
from kb.search.word_forms import derivations, negations
from kb.search.questions import content_of
from kb.analysis.statements import is_headline, is_label
from kb.search.selection import Selection
from kb.search.spelling import Speller
from kb.core.store import Store
from kb.search.vector_index import VectorIndex

CANDIDATES = 100
KEYWORD_WEIGHT = 1.0
VECTOR_WEIGHT = 1.0
EXPANSION_WEIGHT = 0.8  # a third ranking: points that use an equivalent phrasing from the glossary
RRF_K = 30  # cross-validated (bench/search_cv.py; 60, the usual value, 20-40 and 100 tried)
SHORT_POINT_WORDS = 4   # points this short are usually labels, not statements of learning
SHORT_POINT_FACTOR = 0.75
MAX_PER_DOCUMENT = 10  # diversity by document: 6 and 8 cross-validated below 10 (bench/search_cv.py)
# A knowledge base of learning: background passages (the case, statistics, how a process works;
# half the points, a fifth of what practitioners judged relevant) rank a little below statements
# of learning that match as well. Cross-validated (bench/search_cv.py); other types left at 1.
STATEMENT_PRIORS = {"context": 0.9}
FACET_POOL = 50     # facets count over this many best matches (semantic search has no hard result set)
# Concept mapping, as bibliographic search maps free text to its controlled vocabulary: the
# query is tagged with the taxonomy's themes by the points' own tagger (triggers, meaning), and
# a ranking of its own searches the mapped themes' points for the query's words and the themes'
# names and trigger phrases (the controlled vocabulary), fused with the others. (With the
# vocabulary alone it scores the same, but a point first on both the keyword and the vector
# ranking could fall below the theme's generic statements.) Chosen by leave-one-need-out
# cross-validation over the development set and its reworded variants (bench/search_cv.py):
# that ranking gains; the x1.15 prior on the mapped themes' points it replaces no longer does,
# nor does ranking those points by meaning instead of by the themes' words (README, Search).
CONCEPT_WEIGHT = 1.0
# ...and, as PubMed adds the mapped MeSH heading to the words typed, the glossary ranking also
# searches each mapped theme's lead term (its first trigger phrase, the reference taxonomy's
# headline term: "professional curiosity" for "workers accepting what parents said without
# asking questions"). Cross-validated gain on the rewordings' paraphrases (bench/search_cv.py).
THEME_TERMS = True
EMBED_LEAD_TERMS = True  # ...and the meaning side embeds "workers accepting ... (professional curiosity)"
NEGATIONS = True
DERIVATIONS = True   # "identified" also searches "identification", shown with the expansions
SPELL_OUT_ACRONYMS = True  # the meaning side embeds "NRPF (No Recourse to Public Funds)", not "NRPF"
NEAR_REPEATS = True  # a statement again in other words' order, or a label repeating a passage above: shown once
QUESTIONS = True    # keyword side searches a question's content, without its frame
# ...and a query whose words map to no theme takes the theme that most of its first page of
# results carry, when that one clearly leads (concept-level relevance feedback). Cross-validated
# (bench/search_cv.py): gains on the paraphrases that name no theme's words.
FEEDBACK_DEPTH = 10  # the first page
FEEDBACK_MIN = 4     # of its points carry the theme, more than carry any other (0: no feedback)


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


@dataclass
class SearchResponse:
    query: str
    results: list[dict]
    expansions: list[str] = field(default_factory=list)
    did_you_mean: str | None = None
    concepts: list[str] = field(default_factory=list)  # theme slugs also searched for
    concept_terms: list[str] = field(default_factory=list)  # their lead terms, also searched for
    concepts_from: str = "query"  # "query": its words or meaning; "results": its first page (feedback)
    total_candidates: int = 0
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return asdict(self)


def _plain(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


def _default_analyze(text: str) -> list[str]:
    from kb.search.keyword.tantivy_engine import _analyzer
    return _analyzer().analyze(text)


def highlight_spans(text: str, terms: list[str], analyze: Callable[[str], list[str]] | None = None
                    ) -> list[tuple[int, int]]:
    """Character spans of words in `text` whose stem (by `analyze`, the keyword engine's
    analyser) matches one of the query's stems."""
    analyze = analyze or _default_analyze
    wanted = set()
    for t in terms:
        wanted.update(analyze(t))
    spans = []
    for m in re.finditer(r"[A-Za-z0-9][A-Za-z0-9'’-]*", text):
        word = m.group(0)
        toks = analyze(word)
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


@lru_cache(maxsize=200_000)
def text_features(text: str) -> tuple[bool, str]:
    """What ranking needs of a point's text: (a label or short, the key for repeats).
    Cached: the same candidates come back query after query."""
    short = (len(text.split()) <= SHORT_POINT_WORDS or is_label(text)) and not is_headline(text)
    return short, " ".join(re.findall(r"[a-z0-9]+", text.lower()))


class Searcher:
    """Runs one query against the indexes of a knowledge base."""

    def __init__(self, store: Store, keyword: KeywordIndex, vectors: VectorIndex, embedder, glossary: Glossary,
                 max_query_chars: int, tagger=None, cache: GenerationCache | None = None):
        self.tagger = tagger
        self.cache = cache or GenerationCache(store)
        self.store = store
        self.keyword = keyword
        self.vectors = vectors
        self.embedder = embedder
        self.glossary = glossary
        self.max_query_chars = max_query_chars
        self._memo: OrderedDict = OrderedDict()
        self.speller = Speller(keyword.is_known, keyword.suggest, domain=glossary.words())

    def documents(self) -> dict[str, dict]:
        """Every document by id (a few thousand rows at most), read again when the store changes."""
        return self.cache.get(("documents by id",), lambda: {d["id"]: d for d in self.store.documents()})

    def selection(self, filters: Filters) -> Selection | None:
        """The filters as both engines take them; None when no document can match.
        Publishers (matched as parts of names) and document ids become a set of documents."""
        documents = None
        if filters.documents or filters.publishers:
            docs = self.documents().values()
            wanted = [p.lower() for p in filters.publishers]
            documents = frozenset(d["id"] for d in docs
                                  if (not filters.documents or d["id"] in filters.documents)
                                  and (not wanted or any(p in (d.get("publisher") or "").lower() for p in wanted)))
            if not documents:
                return None
        return Selection(documents=documents, doc_types=frozenset(filters.doc_types), year_from=filters.year_from,
                         year_to=filters.year_to, statement_types=frozenset(filters.statement_types),
                         themes=frozenset(filters.themes), public_only=not filters.include_restricted)

    @staticmethod
    def _prior(point: dict) -> float:
        short, _key = text_features(point["text"])
        return (SHORT_POINT_FACTOR if short else 1.0) * STATEMENT_PRIORS.get(point.get("statement_type") or "", 1.0)

    def query_themes(self, query: str, qvec) -> set[str]:
        """The themes a query is about, by the same tagger as the points (its words, its meaning)."""
        if self.tagger is None:
            return set()
        return self._remember(("themes", query), lambda: {
            t.theme for t in self.tagger.tag([{"text": query}], np.asarray([qvec]))[0]})

    @staticmethod
    def fuse(kw_hits, vec_hits, exp_hits, concept_hits=()) -> list[tuple[int, float]]:
        """The rankings fused by weighted reciprocal rank (the keyword, meaning, glossary and
        concept rankings, in that order)."""
        return fusion.rrf([[p for p, _ in hits] for hits in (kw_hits, vec_hits, exp_hits, concept_hits)],
                          weights=[KEYWORD_WEIGHT, VECTOR_WEIGHT, EXPANSION_WEIGHT, CONCEPT_WEIGHT], k=RRF_K)

    def feedback_themes(self, kw_hits, vec_hits, exp_hits) -> set[str]:
        """Relevance feedback on the controlled vocabulary, for a query whose words map to no
        theme: the theme that its first page of results (the other rankings fused) is about, if
        one clearly is ("nobody listened to what the children said" names no theme, but its first
        page is mostly voice of the child)."""
        first = self.fuse(kw_hits, vec_hits, exp_hits)[:FEEDBACK_DEPTH]
        points = self.store.points(ids=[pid for pid, _ in first])
        theme = fusion.leading_label([p["themes"] or [] for p in points], FEEDBACK_MIN)
        return {theme} if theme else set()

    def concept_terms(self, themes: set[str]) -> list[str]:
        """The controlled vocabulary of the given themes: each one's name and trigger phrases."""
        return [phrase for t in self.tagger.taxonomy.themes if t.slug in themes for phrase in (t.name, *t.triggers)]

    def lead_terms(self, themes: set[str], query: str, expansions: list[str]) -> list[str]:
        """Each theme's lead term (its first trigger phrase) that the query and its expansions
        do not already name."""
        have = {_plain(query)} | {_plain(e) for e in expansions}
        terms = [t.triggers[0] for t in self.tagger.taxonomy.themes if t.slug in themes and t.triggers]
        return [t for t in terms if _plain(t) not in have and _plain(t) not in _plain(query)]

    def expansions(self, query: str) -> list[str]:
        return self._remember(("expand", query), lambda: self.glossary.expand(query) + (
            negations(query, self.keyword.is_known) if NEGATIONS else []) + (
            derivations(query, self.keyword.is_known) if DERIVATIONS else []))

    def _remember(self, key, compute):
        """A small LRU of what depends only on the query text (paging and facet clicks repeat it)."""
        if key in self._memo:
            self._memo.move_to_end(key)
            return self._memo[key]
        value = self._memo[key] = compute()
        while len(self._memo) > 512:
            self._memo.popitem(last=False)
        return value

    def validate(self, query: str) -> str:
        query = " ".join((query or "").split())
        if not query:
            raise QueryError("the search query is empty")
        if len(query) > self.max_query_chars:
            raise QueryError(f"the search query is {len(query)} characters long; the limit is "
                             f"{self.max_query_chars}. Use a few words or a short sentence.")
        return query

    def correct(self, query: str) -> str | None:
        return self._remember(("correct", query, self.store.generation()), lambda: self.speller.correct(query))

    def search(self, query: str, k: int = 10, filters: Filters | None = None, expand: bool = True,
               offset: int = 0, concepts: bool = True) -> SearchResponse:
        """`expand`: also search the glossary's equivalents; `concepts`: also the points of the
        themes the query maps to."""
        query = self.validate(query)
        filters = filters or Filters()
        did_you_mean = self.correct(query)
        effective = did_you_mean or query
        expansions = (list(dict.fromkeys(self.expansions(effective) + (self.expansions(query) if did_you_mean else [])))
                      if expand else [])
        selection = self.selection(filters) if filters.active() else Selection()
        if selection is None:
            return SearchResponse(query=query, results=[], expansions=expansions, did_you_mean=did_you_mean)

        limit = CANDIDATES + offset + k
        words = content_of(effective) if QUESTIONS else effective
        as_meant = self.glossary.spelled_out(effective) if SPELL_OUT_ACRONYMS else effective
        qvec = self.embedder.encode_query(as_meant)
        query_themes = self.query_themes(effective, qvec) if concepts else set()
        kw_hits = self.keyword.search(plan(words, expansions, also=query if did_you_mean else ""), limit,
                                      selection)
        first_pass = None
        if concepts and not query_themes and FEEDBACK_MIN and not selection.themes:
            first_pass = (self.vectors.search(qvec, limit, selection),
                          self.keyword.search(plan("", expansions), limit, selection) if expansions else [])
            query_themes = self.feedback_themes(kw_hits, *first_pass)
        lead_terms = (self.lead_terms(query_themes - selection.themes, effective, expansions)
                      if THEME_TERMS and concepts else [])
        if first_pass is not None and not lead_terms:
            vec_hits, exp_hits = first_pass
        else:
            exp_hits = (self.keyword.search(plan("", expansions + lead_terms), limit, selection)
                        if expansions or lead_terms else [])
            if EMBED_LEAD_TERMS and lead_terms:
                qvec = self.embedder.encode_query(f"{as_meant} ({', '.join(lead_terms)})")
            vec_hits = self.vectors.search(qvec, limit, selection)

        concept_hits = (self.keyword.search(plan(words, self.concept_terms(query_themes)), limit,
                                            replace(selection, themes=frozenset(query_themes)))
                        if CONCEPT_WEIGHT and query_themes and not selection.themes else [])
        kw_rank = {pid: r for r, (pid, _) in enumerate(kw_hits, start=1)}
        vec_rank = {pid: r for r, (pid, _) in enumerate(vec_hits, start=1)}
        fused = self.fuse(kw_hits, vec_hits, exp_hits, concept_hits)
        points = {p["id"]: p for p in self.store.points(ids=[pid for pid, _ in fused])}
        fused = [(pid, s) for pid, s in fused if pid in points]  # a point removed since the indexes were read
        fused = fusion.apply_prior(fused, {pid: self._prior(points[pid]) for pid, _ in fused})
        fused = fusion.dedupe(fused, {pid: text_features(points[pid]["text"])[1] for pid, _ in fused})
        if NEAR_REPEATS:
            fused = fusion.drop_near_repeats(fused, {pid: set(text_features(points[pid]["text"])[1].split())
                                                     for pid, _ in fused[:3 * (offset + k)]}, top=2 * (offset + k))
        if len(filters.documents) != 1:
            groups = {pid: points[pid]["document_id"] for pid, _ in fused}
            fused = fusion.diversify(fused, groups, max_per_group=MAX_PER_DOCUMENT * max(1, (offset + k) // 10),
                                     top=offset + k)
        docs = self.documents()
        facets = self._facets([(points[pid], docs[points[pid]["document_id"]]) for pid, _ in fused[:FACET_POOL]
                               if points[pid]["document_id"] in docs])
        terms = [effective] + expansions + lead_terms
        results = []
        for pid, score in fused[offset:offset + k]:
            p = points[pid]
            doc = docs.get(p["document_id"])
            if doc is None:
                continue
            results.append({
                "id": pid,
                "text": p["text"],
                "context": p["context"],
                "document": doc_ref(doc),
                "section": p["section_path"],
                "page": p["page"],
                "position": p["position"],
                "case_name": p["case_name"],
                "statement_type": p["statement_type"],
                "themes": p["themes"],
                "score": round(score, 6),
                "keyword_rank": kw_rank.get(pid),
                "vector_rank": vec_rank.get(pid),
                "highlights": highlight_spans(p["text"], terms, self.keyword.terms),
            })
        return SearchResponse(query=query, results=results, expansions=expansions,
                              did_you_mean=did_you_mean,
                              concepts=sorted(query_themes - set(filters.themes)), concept_terms=lead_terms,
                              concepts_from="results" if first_pass is not None and query_themes else "query",
                              total_candidates=min(len(fused), FACET_POOL),
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
