"""A knowledge base of learning from child safeguarding reviews."""
from .errors import KBError
from .knowledge_base import IngestOutcome, IngestReport, KnowledgeBase
from .search import Filters, SearchResponse
from .settings import Settings

__all__ = ["KBError", "KnowledgeBase", "IngestOutcome", "IngestReport", "Filters", "SearchResponse", "Settings"]
