"""Plain text and Markdown, including the quirks of text extracted from PDFs."""
from __future__ import annotations

from charset_normalizer import from_bytes

from kb.core.errors import IngestError

from kb.ingest.structure import DocumentStructure, parse_text
from kb.ingest.readers.format import ReaderFormat


def decode(data: bytes, name: str) -> str:
    """UTF-8 when it is; otherwise the detected encoding; otherwise a clear error."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise IngestError(name, "this looks like a binary file, not text")
    best = from_bytes(data).best()
    if best is None:
        raise IngestError(name, "could not detect the text encoding (not UTF-8, and no other encoding fits)")
    return str(best)


def read(data: bytes, name: str) -> DocumentStructure:
    return parse_text(decode(data, name).replace("\r\n", "\n").replace("\r", "\n"))


FORMAT = ReaderFormat("text (.txt, .md)", (".txt", ".md", ".text", ".markdown"), ("text/plain", "text/markdown"), read)
