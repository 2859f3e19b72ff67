"""PDF: positioned text, page numbers, running headers removed.

pypdf opens the file (encryption, damage, metadata, images); kb.ingest.readers.pdf_layout
reads each page's lines in reading order with PDFium. Lines are cut into blocks at vertical
gaps, column and page breaks (a paragraph running on across one continues). Lines repeated at the top or bottom of many
pages (running headers, footers, page numbers) are dropped. Larger or bold
short lines are marked as heading candidates. Wide horizontal gaps inside a
line become tab stops so that table rows survive.
"""
from __future__ import annotations

import io
import re
import statistics
import subprocess
from collections import Counter

import pypdfium2 as pdfium
from pypdf import PdfReader
from pypdf.errors import FileNotDecryptedError, PdfReadError, PyPdfError

from kb.core.errors import IngestError

from kb.ingest.inline import join_lines
from kb.ingest.structure import DocumentStructure, RawBlock, blocks_from_raw
from kb.ingest.readers.format import ReaderFormat
from kb.ingest.metadata import OWN_DATE, site_in_title
from kb.ingest.ocr import page_image
from kb.ingest.readers.pdf_layout import Line, is_chrome, page_lines


ENCRYPTED = "the PDF is encrypted with a password; save an unprotected copy and ingest that"


def _open(data: bytes, name: str) -> PdfReader:
    if not data.lstrip().startswith(b"%PDF"):
        raise IngestError(name, "not a PDF file (no %PDF header); the file may be corrupt or mislabelled")
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            try:
                ok = reader.decrypt("")
            except Exception:
                ok = 0
            if not ok:
                raise IngestError(name, ENCRYPTED)
        _ = len(reader.pages)
    except IngestError:
        raise
    except FileNotDecryptedError:
        raise IngestError(name, ENCRYPTED) from None
    except (PdfReadError, PyPdfError, ValueError, KeyError, TypeError, OSError) as exc:
        raise IngestError(name, f"corrupt or truncated PDF ({exc})") from None
    return reader


_PAGE_NUMBER = re.compile(r"^(page\s*)?\d{1,4}(\s*(of|/)\s*\d{1,4})?$", re.I)


def _drop_running_lines(pages: list[list[Line]]) -> list[list[Line]]:
    def key(line: Line) -> str:
        return re.sub(r"\d+", "#", line.text).strip()

    def in_margin(line: Line) -> bool:
        return line.y > line.page_height * 0.88 or line.y < line.page_height * 0.1

    counts = Counter()
    for lines in pages:
        counts.update({key(l) for l in lines if in_margin(l)})
    threshold = max(2, len(pages) // 2)
    out = []
    for lines in pages:
        out.append([
            l for l in lines
            if not (in_margin(l) and (counts[key(l)] >= threshold or _PAGE_NUMBER.match(l.text)))
        ])
    return out


def _body_size(lines: list[Line]) -> float:
    """The size most of the text is set in."""
    weights = Counter()
    for l in lines:
        weights[round(l.size, 1)] += len(l.text)
    return weights.most_common(1)[0][0]


def _raw_blocks(pages: list[list[Line]]) -> list[RawBlock]:
    all_lines = [l for lines in pages for l in lines]
    if not all_lines:
        return []
    body = _body_size(all_lines)
    gaps = [
        a.y - b.y for lines in pages for a, b in zip(lines, lines[1:])
        if abs(a.size - body) < 0.5 and abs(b.size - body) < 0.5 and 0 < a.y - b.y < body * 3
    ]
    spacing = statistics.median(gaps) if gaps else body * 1.2

    def is_heading(l: Line) -> bool:
        return len(l.text) <= 150 and (l.size >= body * 1.15 or (l.bold and l.size >= body))

    blocks: list[RawBlock] = []
    prev: Line | None = None
    for lines in pages:
        for l in lines:
            heading = is_heading(l)
            moved = prev is not None and (prev.page != l.page or prev.y < l.y - 1)  # next column or page
            line_gap = spacing if not heading else max(spacing, 1.25 * min(prev.size, l.size) if prev else 0)
            new_block = (
                prev is None or moved
                or (prev.y - l.y) > line_gap * 1.35
                or heading != blocks[-1].heading_hint
            )
            if new_block:
                continues = (moved and not heading and not blocks[-1].heading_hint and prev.full
                             and abs(prev.indent - l.indent) < 2 and not prev.text.endswith((".", "!", "?", ":")))
                blocks.append(RawBlock([l.text], page=l.page, heading_hint=heading, continues=continues))
            else:
                blocks[-1].lines.append(l.text)
            prev = l
    return blocks


def read(data: bytes, name: str, ocr=None) -> DocumentStructure:
    """`ocr`: a reader of page images (kb.ingest.ocr.Tesseract) for pages with no text layer."""
    reader = _open(data, name)
    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise IngestError(name, f"corrupt or truncated PDF ({exc})") from None
    pages: list[list[Line]] = []
    scanned: dict[int, list[RawBlock]] = {}  # page number -> what OCR read on it
    unread: list[int] = []
    try:
        for i in range(len(document)):
            page = document[i]
            try:
                pages.append(page_lines(page, i + 1))
                if not pages[-1] and _has_images(reader.pages[i]):
                    blocks = _ocr_blocks(page, i + 1, ocr, name) if ocr is not None else []
                    if blocks:
                        scanned[i + 1] = blocks
                    else:
                        unread.append(i + 1)
            finally:
                page.close()
    except (pdfium.PdfiumError, ValueError) as exc:
        raise IngestError(name, f"corrupt or truncated PDF (page {len(pages) + 1}: {exc})") from None
    finally:
        document.close()
    if not any(pages) and not scanned:
        found = f"; OCR ({ocr.name}) found no text in it" if ocr is not None else ", or install Tesseract"
        raise IngestError(
            name, f"the PDF has no text layer (scanned images only); it needs OCR before it can be ingested{found}")
    chrome: list[str] = []  # a printed web page's navigation, page tools, "Last updated" …
    kept: list[list[Line]] = []
    for lines in _drop_running_lines(pages):
        kept.append([])
        for l in lines:
            if is_chrome(l):
                chrome.append(l.text)
            else:
                kept[-1].append(l)
    pages = kept
    raw = _raw_blocks(pages)
    for number, found in sorted(scanned.items()):  # in page order among the pages read as text
        at = next((k for k, rb in enumerate(raw) if (rb.page or 0) > number), len(raw))
        raw[at:at] = found
    title, blocks = blocks_from_raw(raw, font_hints=True)
    meta_title = None
    try:
        meta_title = (reader.metadata or {}).get("/Title")
    except Exception:
        pass
    hints = {}
    if meta_title and str(meta_title).strip():
        hints["title"], site = site_in_title(str(meta_title).strip())
        if site:
            hints["publisher"] = site
    elif cover := _largest_text(pages[0] if pages else [], [l for p in pages for l in p]):
        hints["title"] = cover
    if dated := next((m.group(1) for t in chrome for m in OWN_DATE.finditer(t)), None):
        hints["date"] = dated  # "Last updated: 14 March 2025" printed with the page
    return DocumentStructure(title=str(meta_title) if meta_title else title, blocks=blocks,
                             page_count=len(reader.pages), unread_pages=unread, hints=hints,
                             ocr_pages=sorted(scanned))


def _ocr_blocks(page, number: int, ocr, name: str) -> list[RawBlock]:
    """The paragraphs OCR reads on a scanned page (blank lines between them)."""
    try:
        text = ocr(page_image(page))
    except (OSError, RuntimeError, subprocess.SubprocessError) as exc:
        raise IngestError(name, f"OCR of page {number} failed ({exc})") from None
    blocks = []
    for para in re.split(r"\n\s*\n", text):
        lines = [l.strip() for l in para.splitlines() if l.strip()]
        if sum(c.isalpha() for c in " ".join(lines)) >= 3:
            blocks.append(RawBlock(lines, page=number))
    return blocks


def _largest_text(first_page: list[Line], all_lines: list[Line]) -> str | None:
    """The title on a cover: the first page's largest text (its consecutive lines), when it is
    well above the body text's size."""
    if not first_page:
        return None
    body = _body_size(all_lines)
    top = max(l.size for l in first_page)
    if top < body * 1.3:
        return None
    run: list[str] = []
    for l in first_page:
        if l.size >= top - 0.5:
            run.append(l.text)
        elif run:
            break
    text = join_lines(run)
    return text if 3 <= len(text) <= 200 else None


def _has_images(page) -> bool:
    """Whether a page draws an image (a scanned page has an image and no text)."""
    try:
        resources = page.get("/Resources") or {}
        xobjects = resources.get("/XObject") or {}
        return any(x.get_object().get("/Subtype") == "/Image" for x in xobjects.values())
    except Exception:  # noqa: BLE001 - an odd resource dictionary: treat the page as having none
        return False


FORMAT = ReaderFormat("PDF", (".pdf",), ("application/pdf",), read, scanned_pages=True)
