"""What a reader declares about itself: the registry (kb.ingest.readers.REGISTRY) turns these
into the suffixes `kb ingest` takes from folders, the content types a download is named by,
the upload form's `accept` list and the words the upload page says."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from kb.ingest.structure import DocumentStructure


@dataclass(frozen=True)
class ReaderFormat:
    label: str  # what the upload page calls it: "PDF", "Word (.docx)"
    suffixes: tuple[str, ...]  # the first is the one a downloaded file is given
    content_types: tuple[str, ...]
    read: Callable[..., DocumentStructure]  # read(data, name), or read(data, name, ocr=...) with scanned_pages
    scanned_pages: bool = False  # may hold scanned pages, which its reader reads with the `ocr` it is given
