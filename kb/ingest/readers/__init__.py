"""Readers: one per format, each turning bytes into a `DocumentStructure`.

`read_document(data, name)` picks the reader from the file name's extension
(or, for web pages, the content type) and raises `IngestError` naming the
source and the reason for anything it cannot read.
"""
from __future__ import annotations

from pathlib import PurePath
from typing import Callable

from kb.core.errors import IngestError, UnsupportedFormat

from kb.ingest.structure import DocumentStructure
from kb.ingest.readers import docx_reader, html_reader, pdf_reader, text_reader

Reader = Callable[[bytes, str], DocumentStructure]

READERS: dict[str, Reader] = {
    ".pdf": pdf_reader.read,
    ".txt": text_reader.read,
    ".text": text_reader.read,
    ".md": text_reader.read,
    ".markdown": text_reader.read,
    ".docx": docx_reader.read,
    ".html": html_reader.read,
    ".htm": html_reader.read,
}

SUPPORTED = sorted(READERS)


def reader_for(name: str) -> Reader:
    suffix = PurePath(name).suffix.lower()
    if suffix == ".doc":
        raise UnsupportedFormat(name, "old Word .doc files are not supported; save it as .docx or PDF")
    try:
        return READERS[suffix]
    except KeyError:
        raise UnsupportedFormat(
            name, f"unsupported file type '{suffix or '(none)'}'; supported: {', '.join(SUPPORTED)}"
        ) from None


def read_document(data: bytes, name: str) -> DocumentStructure:
    reader = reader_for(name)
    if not data or not data.strip():
        raise IngestError(name, "the file is empty")
    doc = reader(data, name)
    if not any(b.text.strip() for b in doc.blocks):
        raise IngestError(name, "no text could be read from the document")
    return doc
