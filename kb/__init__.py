"""A knowledge base of learning from child safeguarding reviews."""
from kb.core.errors import IngestError, KBError, NotFound
from kb.knowledge_base import IngestOutcome, IngestReport, KnowledgeBase
from kb.search.searcher import Filters, SearchResponse
from kb.core.settings import Settings

__all__ = ["KBError", "IngestError", "NotFound", "KnowledgeBase", "IngestOutcome", "IngestReport", "Filters", "SearchResponse", "Settings"]
