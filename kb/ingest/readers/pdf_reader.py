"""PDF with pypdf: positioned text, page numbers, running headers removed.

Text is collected with its position and font size, grouped into lines, and
cut into blocks at vertical gaps. Lines repeated at the top or bottom of many
pages (running headers, footers, page numbers) are dropped. Larger or bold
short lines are marked as heading candidates. Wide horizontal gaps inside a
line become tab stops so that table rows survive.
"""
from __future__ import annotations

import io
import re
import statistics
from collections import Counter
from dataclasses import dataclass

from pypdf import PdfReader
from pypdf.errors import FileNotDecryptedError, PdfReadError, PyPdfError

from kb.core.errors import IngestError

from kb.ingest.structure import DocumentStructure, RawBlock, blocks_from_raw
from kb.ingest.readers.format import ReaderFormat


ENCRYPTED = "the PDF is encrypted with a password; save an unprotected copy and ingest that"


@dataclass
class _Line:
    text: str
    x: float
    y: float
    size: float
    bold: bool
    page: int
    page_height: float


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


def _page_lines(page, page_no: int) -> list[_Line]:
    frags: list[tuple[float, float, float, bool, str]] = []

    def visit(text, cm, tm, font_dict, font_size):
        if not text or not text.strip():
            return
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        scale = abs(tm[3] * cm[3]) or abs(tm[0] * cm[0]) or 1.0
        size = float(font_size or 0) * scale
        font = str((font_dict or {}).get("/BaseFont", ""))
        bold = bool(re.search(r"bold|black|heavy", font, re.I))
        for i, part in enumerate(text.split("\n")):
            if part.strip():
                frags.append((x, y - i * size * 1.2, size, bold, part))

    try:
        page.extract_text(visitor_text=visit)
    except Exception as exc:  # a damaged content stream on one page
        raise PdfReadError(f"page {page_no}: {exc}") from exc
    height = float(page.mediabox.height)
    frags.sort(key=lambda f: (-round(f[1]), f[0]))
    lines: list[_Line] = []
    group: list[tuple[float, float, float, bool, str]] = []
    for f in frags:
        if group and abs(group[0][1] - f[1]) > max(2.0, group[0][2] * 0.3):
            lines.append(_join_fragments(group, page_no, height))
            group = []
        group.append(f)
    if group:
        lines.append(_join_fragments(group, page_no, height))
    return lines


def _join_fragments(group, page_no: int, height: float) -> _Line:
    group = sorted(group, key=lambda f: f[0])
    size = max(f[2] for f in group)
    text = ""
    prev_end = None
    for x, _y, s, _b, t in group:
        if prev_end is not None:
            gap = x - prev_end
            text += "\t" if gap > 3 * s else ("" if text.endswith(" ") or t.startswith(" ") else " ")
        text += t
        prev_end = x + len(t) * s * 0.5  # rough width estimate
    return _Line(
        text=re.sub(r"[ \u00a0]+", " ", text).strip(), x=group[0][0], y=group[0][1], size=size,
        bold=all(f[3] for f in group), page=page_no, page_height=height,
    )


def _width(line: _Line) -> float:
    return len(line.text) * line.size * 0.5  # the same rough estimate as _join_fragments


def _in_reading_order(lines: list[_Line], page_width: float) -> list[_Line]:
    """Two-column pages read column by column. A page is in two columns when many of its lines
    start right of the middle while the lines on the left end before them; a line that spans
    both (a heading across the page, a running header) closes the columns above it, which are
    read left then right, and stands in its place."""
    if len(lines) < 6:
        return lines
    split = page_width * 0.45
    right = [l for l in lines if l.x >= split]
    left = [l for l in lines if l.x < split]
    if len(right) < 0.3 * len(lines) or not left:
        return lines
    starts = min(l.x for l in right)
    narrow_left = [l for l in left if l.x + _width(l) <= starts + 10]
    if len(narrow_left) < 0.6 * len(left):
        return lines
    out: list[_Line] = []
    columns: tuple[list[_Line], list[_Line]] = ([], [])
    for l in lines:  # top to bottom
        if l.x < split and l.x + _width(l) > starts + 10:  # spans both columns
            out += columns[0] + columns[1]
            columns = ([], [])
            out.append(l)
        else:
            columns[0 if l.x < split else 1].append(l)
    return out + columns[0] + columns[1]


_PAGE_NUMBER = re.compile(r"^(page\s*)?\d{1,4}(\s*(of|/)\s*\d{1,4})?$", re.I)


def _drop_running_lines(pages: list[list[_Line]]) -> list[list[_Line]]:
    def key(line: _Line) -> str:
        return re.sub(r"\d+", "#", line.text).strip()

    def in_margin(line: _Line) -> bool:
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


def _raw_blocks(pages: list[list[_Line]]) -> list[RawBlock]:
    all_lines = [l for lines in pages for l in lines]
    if not all_lines:
        return []
    weights = Counter()
    for l in all_lines:
        weights[round(l.size, 1)] += len(l.text)
    body = weights.most_common(1)[0][0]
    gaps = [
        a.y - b.y for lines in pages for a, b in zip(lines, lines[1:])
        if abs(a.size - body) < 0.5 and abs(b.size - body) < 0.5 and 0 < a.y - b.y < body * 3
    ]
    spacing = statistics.median(gaps) if gaps else body * 1.2

    def is_heading(l: _Line) -> bool:
        return len(l.text) <= 150 and (l.size >= body * 1.15 or (l.bold and l.size >= body))

    blocks: list[RawBlock] = []
    for lines in pages:
        prev: _Line | None = None
        for l in lines:
            heading = is_heading(l)
            new_block = (
                prev is None
                or (prev.y - l.y) > spacing * 1.35
                or prev.y < l.y - 1  # back up the page: the next column
                or heading != blocks[-1].heading_hint
            )
            if new_block:
                blocks.append(RawBlock([l.text], page=l.page, heading_hint=heading))
            else:
                blocks[-1].lines.append(l.text)
            prev = l
    return blocks


def read(data: bytes, name: str) -> DocumentStructure:
    reader = _open(data, name)
    try:
        pages = [_in_reading_order(_page_lines(p, i + 1), float(p.mediabox.width))
                 for i, p in enumerate(reader.pages)]
    except (PdfReadError, PyPdfError, ValueError, KeyError, TypeError) as exc:
        raise IngestError(name, f"corrupt or truncated PDF ({exc})") from None
    if not any(pages):
        raise IngestError(
            name, "the PDF has no text layer (scanned images only); it needs OCR before it can be ingested"
        )
    unread = [n for n, (lines, page) in enumerate(zip(pages, reader.pages), start=1)
              if not lines and _has_images(page)]
    pages = _drop_running_lines(pages)
    title, blocks = blocks_from_raw(_raw_blocks(pages), font_hints=True)
    meta_title = None
    try:
        meta_title = (reader.metadata or {}).get("/Title")
    except Exception:
        pass
    return DocumentStructure(title=str(meta_title) if meta_title else title, blocks=blocks,
                             page_count=len(reader.pages), unread_pages=unread)


def _has_images(page) -> bool:
    """Whether a page draws an image (a scanned page has an image and no text)."""
    try:
        resources = page.get("/Resources") or {}
        xobjects = resources.get("/XObject") or {}
        return any(x.get_object().get("/Subtype") == "/Image" for x in xobjects.values())
    except Exception:  # noqa: BLE001 - an odd resource dictionary: treat the page as having none
        return False


FORMAT = ReaderFormat("PDF", (".pdf",), ("application/pdf",), read)
