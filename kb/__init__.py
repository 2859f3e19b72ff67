"""A knowledge base of learning from child safeguarding reviews."""
from .errors import IngestError, KBError, NotFound
from .knowledge_base import IngestOutcome, IngestReport, KnowledgeBase
from .search import Filters, SearchResponse
from .settings import Settings

__all__ = ["KBError", "IngestError", "NotFound", "KnowledgeBase", "IngestOutcome", "IngestReport", "Filters", "SearchResponse", "Settings"]
