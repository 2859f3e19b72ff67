"""Search as the facade offers it: filters checked against the taxonomy, the indexes brought
up to date (without waiting for another process's rebuild), and the development-set scoring."""
from __future__ import annotations

from dataclasses import replace

from kb.analysis.taxonomy import Taxonomy
from kb.core.errors import KBError, QueryError
from kb.core.store import Store
from kb.search import evaluation
from kb.search.searcher import Filters, Searcher, SearchResponse
from kb.services.indexes import Indexes


class SearchService:
    def __init__(self, store: Store, taxonomy: Taxonomy, searcher: Searcher, indexes: Indexes):
        self.store, self.taxonomy, self.searcher, self.indexes = store, taxonomy, searcher, indexes

    def search(self, query: str, k: int = 10, filters: Filters | None = None, expand: bool = True,
               offset: int = 0, concepts: bool = True) -> SearchResponse:
        """Learning points for a query, best first, each with its citation (see kb.search.searcher)."""
        filters = self.check_filters(filters)
        self.indexes.refresh(wait=False)
        if not self.store.point_count():
            return SearchResponse(query=query, results=[])
        return self.searcher.search(query, k=k, filters=filters, expand=expand, offset=offset, concepts=concepts)

    def check_filters(self, filters: Filters | None) -> Filters | None:
        """Filters with every slug known to the taxonomy. A statement type given as a type
        (`kb search --type recommendation`) is taken as one; an unknown slug is an error naming it."""
        if filters is None:
            return None
        doc_types, stypes = set(self.taxonomy.document_types), set(self.taxonomy.statement_types)
        moved = [t for t in filters.doc_types if t in stypes and t not in doc_types]
        checked = replace(filters, doc_types=[t for t in filters.doc_types if t not in moved],
                          statement_types=list(dict.fromkeys(list(filters.statement_types) + moved)))
        for label, values, known in (("document type", checked.doc_types, doc_types),
                                     ("statement type", checked.statement_types, stypes),
                                     ("theme", checked.themes, {t.slug for t in self.taxonomy.themes})):
            unknown = [v for v in values if v not in known]
            if unknown:
                raise QueryError(f"unknown {label} '{unknown[0]}' (known: {', '.join(sorted(known))})")
        return checked

    def evaluate(self, queries_path: str, rewordings_path: str | None = None) -> list[evaluation.QueryScore]:
        """Every query of a graded set searched and scored (nDCG@10, recall@10, MRR); with
        `rewordings_path`, also other wordings of its queries, scored against their gold lists
        (their scores carry `of`, the query they reword)."""
        queries = evaluation.load_queries(queries_path)
        if rewordings_path:
            queries = queries + evaluation.load_rewordings(rewordings_path, queries)
        if not self.store.point_count():
            raise KBError(f"the knowledge base in {self.indexes.home} is empty: ingest the documents first "
                          "(kb ingest corpus/), or point KB_HOME / --home at the one to evaluate")
        return evaluation.evaluate(queries, lambda q: [r["text"] for r in self.search(q, k=10).results])
