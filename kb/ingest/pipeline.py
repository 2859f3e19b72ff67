"""From a document's bytes to its metadata, sections and learning points (no store, no index)."""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import PurePath

from kb.core.errors import IngestError

from kb.ingest import metadata
from kb.ingest.points import extract_points
from kb.ingest.readers import read_document


# The version of what a file gives: reading, structure, learning points, statement types. Raise it
# when a change to them changes the points of a file already ingested, so that the next ingest
# of that file reads it again instead of calling it unchanged (documents.rules records it).
RULES = 2


@dataclass
class PreparedDocument:
    meta: dict
    sections: list[dict] = field(default_factory=list)
    points: list[dict] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # what was not read, for the ingest report


def document_id(source_name: str) -> str:
    stem = PurePath(source_name).stem.lower()
    slug = re.sub(r"[^a-z0-9]+", "-", stem).strip("-")
    return slug[:80] or "document"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def prepare(data: bytes, source_name: str, overrides: list[dict], doc_types: set[str],
            digest: str | None = None, ocr=None) -> PreparedDocument:
    structure = read_document(data, source_name, ocr=ocr)
    sections, points = extract_points(structure)
    if not points:
        raise IngestError(source_name, "no learning points found: the document has headings or tables only")
    meta = metadata.merge(metadata.infer(structure, source_name), *overrides, source=source_name,
                          doc_types=doc_types)
    meta.update(
        id=document_id(source_name),
        source_name=source_name,
        sha256=digest or sha256(data),
        page_count=structure.page_count,
        ocr_pages=json.dumps(structure.ocr_pages),
        rules=RULES,
    )
    warnings = []
    if structure.ocr_pages:
        pages = ", ".join(str(n) for n in structure.ocr_pages)
        plural = "s" if len(structure.ocr_pages) > 1 else ""
        warnings.append(f"page{plural} {pages} {'were' if plural else 'was'} scanned and read by OCR: "
                        "check quotations from them against the original")
    if structure.unread_pages:
        pages = ", ".join(str(n) for n in structure.unread_pages)
        plural = "s" if len(structure.unread_pages) > 1 else ""
        warnings.append(f"page{plural} {pages} {'have' if plural else 'has'} no text layer (scanned image{plural}) "
                        "and could not be read; run OCR on the PDF (e.g. ocrmypdf) and replace it to include "
                        f"{'them' if plural else 'it'}")
    return PreparedDocument(
        meta=meta,
        sections=[vars(s) for s in sections],
        points=[vars(p) for p in points],
        warnings=warnings,
    )
