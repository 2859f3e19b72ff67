"""The records the store hands out, typed. They stay plain dicts (JSON, templates), so these
name their fields once; `doc_ref` and `vector_row` are the two views of them that citations
and the vector index's filter columns take."""
from __future__ import annotations

import datetime as dt
from typing import TypedDict


class Document(TypedDict, total=False):
    id: str
    title: str
    publisher: str | None
    date: str | None
    year: int | None
    doc_type: str
    source_name: str
    sha256: str
    page_count: int | None
    ingested_at: str
    source_url: str | None
    visibility: str  # public | restricted
    file_path: str | None
    primary_themes: list[str]
    ocr_pages: list[int]  # pages read by OCR from a scan


class Point(TypedDict, total=False):
    id: int
    document_id: str
    section_id: int | None
    position: int
    text: str
    kind: str  # item | table_row | paragraph
    context: str | None  # the list's lead-in or the table's header
    section_path: str
    page: int | None
    case_name: str | None
    statement_type: str | None
    themes: list[str]


class DocumentRef(TypedDict):
    """The fields of a document that a citation needs."""
    id: str
    title: str
    publisher: str | None
    doc_type: str
    year: int | None
    date: str | None
    visibility: str
    ocr_pages: list[int]


CITATION_FIELDS = ("id", "title", "publisher", "doc_type", "year", "date", "visibility", "ocr_pages")


def doc_ref(doc: Document) -> DocumentRef:
    return {k: doc.get(k) for k in CITATION_FIELDS}  # type: ignore[return-value]


def vector_row(point: Point, doc: Document) -> dict:
    """What the vector index keeps of a point for filters."""
    return {"id": point["id"], "document": doc["id"], "doc_type": doc.get("doc_type"),
            "statement_type": point.get("statement_type"), "year": doc.get("year"),
            "visibility": doc.get("visibility"), "themes": point.get("themes") or []}


def now() -> str:
    """A stored timestamp: UTC, ISO 8601, to the second."""
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
