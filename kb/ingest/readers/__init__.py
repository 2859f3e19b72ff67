"""Readers: one per format, each turning bytes into a `DocumentStructure`.

Each reader module declares its `FORMAT` (kb.ingest.readers.format.ReaderFormat: label,
suffixes, content types, read function) and has one entry in `REGISTRY`; everything that
depends on which formats are read derives from it: `kb ingest FOLDER`, downloads named by
content type, the upload form's `accept` list and its description.

`read_document(data, name)` picks the reader from the file name's extension and raises
`IngestError` naming the source and the reason for anything it cannot read.
"""
from __future__ import annotations

from pathlib import PurePath

from kb.core.errors import IngestError, UnsupportedFormat
from kb.ingest.readers import docx_reader, html_reader, pdf_reader, text_reader
from kb.ingest.readers.format import ReaderFormat
from kb.ingest.structure import DocumentStructure

REGISTRY: list[ReaderFormat] = [pdf_reader.FORMAT, docx_reader.FORMAT, html_reader.FORMAT, text_reader.FORMAT]


def formats() -> dict[str, ReaderFormat]:
    """Each suffix read, with its reader's format."""
    return {s: f for f in REGISTRY for s in f.suffixes}


def suffixes() -> list[str]:
    return sorted(formats())


def suffix_for_content_type(content_type: str) -> str | None:
    """The suffix a download of this content type is named with, or None when none reads it."""
    return next((f.suffixes[0] for f in REGISTRY if content_type in f.content_types), None)


def accept() -> str:
    """The upload form's `accept` attribute."""
    return ",".join(s for f in REGISTRY for s in f.suffixes)


def described() -> str:
    """The formats in words, for the upload page: "PDF, Word (.docx), … and text (.txt, .md)"."""
    labels = [f.label for f in REGISTRY]
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " and " + labels[-1]


def format_for(name: str) -> ReaderFormat:
    suffix = PurePath(name).suffix.lower()
    if suffix == ".doc":
        raise UnsupportedFormat(name, "old Word .doc files are not supported; save it as .docx or PDF")
    fmt = formats().get(suffix)
    if fmt is None:
        raise UnsupportedFormat(
            name, f"unsupported file type '{suffix or '(none)'}'; supported: {', '.join(suffixes())}")
    return fmt


def reader_for(name: str):
    return format_for(name).read


def read_document(data: bytes, name: str, ocr=None) -> DocumentStructure:
    """`ocr` (kb.ingest.ocr): reads scanned pages where the format has them; None leaves them unread."""
    fmt = format_for(name)
    if not data or not data.strip():
        raise IngestError(name, "the file is empty")
    doc = fmt.read(data, name, ocr=ocr) if fmt.scanned_pages else fmt.read(data, name)
    if not any(b.text.strip() for b in doc.blocks):
        raise IngestError(name, "no text could be read from the document")
    return doc
