"""The `KnowledgeBase` facade: every operation the CLI, the web app and a REPL use.

It builds the parts of one data folder (the store, the taxonomy, the embedder, the indexes)
and hands each operation to the service that owns it (kb.services): the library (ingest,
documents), the indexes, search, analysis (themes, recurring findings, year tables),
briefings and administrators. `kb.reader(public_only)` is the same facade with the
audience fixed (kb.reader)."""
from __future__ import annotations

import os
from typing import Callable

from kb.analysis import taxonomy
from kb.analysis.themes import ThemeTagger
from kb.core.cache import GenerationCache
from kb.core.settings import Settings
from kb.core.store import Store
from kb.search import evaluation
from kb.search.embedding import make_embedder, model_id
from kb.search.glossary import Glossary
from kb.search.searcher import Searcher
from kb.services.analysis import Analysis
from kb.services.briefings import Briefings
from kb.services.indexes import Indexes
from kb.services.library import IngestOutcome, IngestReport, Library
from kb.services.search import SearchService
from kb.services.users import Users

__all__ = ["KnowledgeBase", "IngestOutcome", "IngestReport"]


class _To:
    """A facade method that is the named service's own (its signature and docstring too)."""

    def __init__(self, service: str, method: str | None = None):
        self.service, self.method = service, method

    def __set_name__(self, owner, name: str) -> None:
        self.method = self.method or name

    def __get__(self, kb, owner=None):
        if kb is None:
            return self
        return getattr(getattr(kb, self.service), self.method)


class KnowledgeBase:
    """A knowledge base in one data folder: the SQLite store and the indexes built from it."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.home = settings.home_path
        self.home.mkdir(parents=True, exist_ok=True)
        self.store = Store(settings.db_path)
        self.taxonomy = taxonomy.load(settings.taxonomy)
        self.glossary = Glossary.load()
        self.embedder = make_embedder(settings)
        self.model = model_id(settings)
        self.indexes = Indexes(settings, self.store, self.embedder, self.model)
        self.keyword, self.vectors = self.indexes.keyword, self.indexes.vectors
        self.tagger = ThemeTagger(self.taxonomy, self.glossary, self.embedder, cache_dir=self.home)
        cache = GenerationCache(self.store)
        self.searcher = Searcher(self.store, self.keyword, self.vectors, self.embedder, self.glossary,
                                 settings.max_query_chars, self.tagger, cache)
        self.library = Library(settings, self.store, self.taxonomy, self.tagger, self.embedder, self.indexes, cache)
        self.analysis = Analysis(self.store, self.taxonomy, self.tagger, self.indexes, cache, self.library)
        self.briefing_service = Briefings(settings, self.store, self.taxonomy, self.library, self.analysis)
        self.search_service = SearchService(self.store, self.taxonomy, self.searcher, self.indexes)
        self.user_service = Users(self.store)

    @classmethod
    def open(cls, home: str | os.PathLike | None = None, **overrides) -> "KnowledgeBase":
        return cls(Settings.from_env(home=str(home) if home else None, **overrides))

    def reader(self, public_only: bool):
        """This knowledge base as one audience sees it (kb.reader.Reader): restricted documents
        hidden from every read when `public_only`, whatever the caller passes."""
        from kb.reader import Reader
        return Reader(self, public_only)

    def close(self) -> None:
        self.indexes.close()
        self.store.close()

    def __enter__(self) -> "KnowledgeBase":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # the library: ingest and documents
    expand_sources = _To("library")
    ingest = _To("library")
    ingest_bytes = _To("library")
    documents = _To("library")
    resolve = _To("library")
    document = _To("library")
    point = _To("library")
    original_file = _To("library")
    remove = _To("library")
    update_metadata = _To("library")
    stats = _To("library")

    # the indexes
    refresh_indexes = _To("indexes", "refresh")
    reindex = _To("indexes")

    # search
    search = _To("search_service")
    check_filters = _To("search_service")

    # analysis: themes, year tables, recurring findings
    themes = _To("analysis")
    theme = _To("analysis")
    theme_years = _To("analysis")
    theme_year_table = _To("analysis")
    theme_year_csv = _To("analysis")
    retag = _To("analysis")
    recurring = _To("analysis")
    recurring_csv = _To("analysis")

    # evaluation against the project's graded and labelled sets
    def evaluate(self, queries_path: str, rewordings_path: str | None = None,
                 progress: Callable[[IngestOutcome], None] | None = None):
        """Search quality on a graded set (kb.services.search); see `_bundled_corpus_if_empty`."""
        self._bundled_corpus_if_empty(progress)
        return self.search_service.evaluate(queries_path, rewordings_path)

    def evaluate_themes(self, labels_path: str, progress: Callable[[IngestOutcome], None] | None = None):
        self._bundled_corpus_if_empty(progress)
        return self.analysis.evaluate_themes(labels_path)

    def evaluate_recurring(self, labels_path: str, progress: Callable[[IngestOutcome], None] | None = None):
        self._bundled_corpus_if_empty(progress)
        return self.analysis.evaluate_recurring(labels_path)

    def _bundled_corpus_if_empty(self, progress) -> None:
        """The default data folder holds the bundled corpus, which the sets are judged on
        (scripts/run.sh builds it there): empty, it is built first. A folder named by KB_HOME or
        --home is evaluated as it is, and an empty one is an error."""
        if (self.settings.is_default_home and not self.store.point_count()
                and evaluation.BUNDLED_CORPUS.is_dir()):
            self.ingest([str(evaluation.BUNDLED_CORPUS)], progress=progress)

    # briefings
    create_briefing = _To("briefing_service")
    briefings = _To("briefing_service")
    briefing = _To("briefing_service")
    edit_briefing = _To("briefing_service")
    add_to_briefing = _To("briefing_service")
    add_all_to_briefing = _To("briefing_service")
    delete_briefing = _To("briefing_service")
    claim_briefings = _To("briefing_service")
    export_briefing = _To("briefing_service")

    # administrators of the web app
    add_user = _To("user_service")
    check_password = _To("user_service")
    users = _To("user_service")
    remove_user = _To("user_service")
