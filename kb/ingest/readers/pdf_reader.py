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
from pypdf.generic._font import Font

from kb.core.errors import IngestError

from kb.ingest.structure import DocumentStructure, RawBlock, blocks_from_raw, join_lines
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
    end: float = 0.0
    indent: float = 0.0  # from the left edge of its column
    full: bool = False  # runs to its column's right edge, as a line that wraps does


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


@dataclass
class _Frag:
    x: float
    y: float
    size: float
    bold: bool
    text: str
    width: float  # of the text without its spaces, from x
    exact: bool  # width from the font's metrics, not estimated

    @property
    def end(self) -> float:
        return self.x + self.width


def _glyph_widths(font_dict) -> dict[str, float] | None:
    """Advance widths (thousandths of the font size) by character, from the font's /Widths or
    /W through its character map; None when the font gives none."""
    try:
        font = Font.from_font_resource(font_dict)
    except Exception:  # noqa: BLE001 - an odd font dictionary: estimate widths instead
        return None
    widths = font.character_widths
    out = {str(uni): widths[code] for code, uni in font.character_map.items()
           if code in widths and isinstance(uni, str) and len(uni) == 1}
    for code, width in widths.items():
        if isinstance(code, str) and len(code) == 1 and code not in out and code.isprintable():
            out[code] = width
    if not any(out.values()):
        return None
    out["default"] = widths.get("default") or statistics.median(w for w in out.values() if w)
    return out


def _text_width(text: str, size: float, widths: dict[str, float] | None) -> float:
    if widths is None:
        return len(text) * size * 0.5  # a rough estimate
    default = widths["default"]
    return sum(widths.get(ch, default) for ch in text) * size / 1000


def _page_frags(page, page_no: int, rules: list[tuple[float, float, float]]) -> list[_Frag]:
    """The page's text fragments; the vertical rulings it draws go to `rules` as (x, y, height)."""
    frags: list[_Frag] = []
    fonts: dict[int, dict | None] = {}

    def visit(text, cm, tm, font_dict, font_size):
        if not text or not text.strip():
            return
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        scale = abs(tm[3] * cm[3]) or abs(tm[0] * cm[0]) or 1.0
        size = float(font_size or 0) * scale
        font = str((font_dict or {}).get("/BaseFont", ""))
        bold = bool(re.search(r"bold|black|heavy", font, re.I))
        key = id(font_dict)
        if key not in fonts:
            fonts[key] = _glyph_widths(font_dict) if font_dict else None
        for i, part in enumerate(text.split("\n")):
            if part.strip():
                lead = len(part) - len(part.lstrip())
                left = x + _text_width(part[:lead], size, fonts[key])
                frags.append(_Frag(left, y - i * size * 1.2, size, bold, part[lead:],
                                   _text_width(part.strip(), size, fonts[key]), fonts[key] is not None))

    point = [0.0, 0.0]

    def draw(op, args, cm, _tm):  # vertical rulings: a table's cell borders
        try:
            if op == b"m":
                point[:] = [float(args[0]), float(args[1])]
            elif op == b"l":
                (x0, y0), (x1, y1) = point, (float(args[0]), float(args[1]))
                point[:] = [x1, y1]
                if abs(x1 - x0) < 1 and abs(y1 - y0) > 4:
                    rules.append(_transform(cm, x0, min(y0, y1)) + (abs(y1 - y0) * abs(cm[3]),))
            elif op == b"re":
                x, y, w, h = (float(a) for a in args[:4])
                if abs(w) < 2 and abs(h) > 4:
                    rules.append(_transform(cm, x, min(y, y + h)) + (abs(h) * abs(cm[3]),))
        except (TypeError, ValueError, IndexError):
            pass

    try:
        page.extract_text(visitor_text=visit, visitor_operand_before=draw)
    except Exception as exc:  # a damaged content stream on one page
        raise PdfReadError(f"page {page_no}: {exc}") from exc
    return frags


def _joined(rules) -> list[tuple[float, float, float]]:
    """Vertical rulings drawn a cell at a time, joined into one per run down the page."""
    out: list[list[float]] = []
    for x, y, h in sorted(rules, key=lambda r: (round(r[0]), r[1])):
        if out and abs(out[-1][0] - x) <= 1 and y <= out[-1][1] + out[-1][2] + 2:
            out[-1][2] = max(out[-1][2], y + h - out[-1][1])
        else:
            out.append([x, y, h])
    return [tuple(r) for r in out]


def _transform(cm, x: float, y: float) -> tuple[float, float]:
    return (cm[0] * x + cm[2] * y + cm[4], cm[1] * x + cm[3] * y + cm[5])


def _rows(frags: list[_Frag]) -> list[list[_Frag]]:
    """Fragments on one baseline, top to bottom, each row left to right."""
    frags = sorted(frags, key=lambda f: (-round(f.y), f.x))
    rows: list[list[_Frag]] = []
    for f in frags:
        if rows and abs(rows[-1][0].y - f.y) <= max(2.0, rows[-1][0].size * 0.3):
            rows[-1].append(f)
        else:
            rows.append([f])
    return [sorted(r, key=lambda f: f.x) for r in rows]


def _page_lines(page, page_no: int) -> list[_Line]:
    """The page's lines in reading order: a two-column page column by column."""
    height = float(page.mediabox.height)
    rules: list[tuple[float, float, float]] = []
    rows = _rows(_page_frags(page, page_no, rules))
    gutter = _gutter(rows, float(page.mediabox.width), rules)
    if gutter is None:
        return _measured([_join_fragments(r, page_no, height) for r in rows])
    lines: list[_Line] = []
    columns: tuple[list[_Line], list[_Line]] = ([], [])
    gutter, first, last = gutter
    for n, row in enumerate(rows):  # top to bottom
        left = [f for f in row if f.x < gutter]
        right = [f for f in row if f.x >= gutter]
        if not first <= n <= last or any(f.end > gutter for f in left):  # a line across both columns closes those above it
            lines += _measured(columns[0]) + _measured(columns[1]) + _measured([_join_fragments(row, page_no, height)])
            columns = ([], [])
            continue
        if left:
            columns[0].append(_join_fragments(left, page_no, height))
        if right:
            columns[1].append(_join_fragments(right, page_no, height))
    return lines + _measured(columns[0]) + _measured(columns[1])


def _measured(column: list[_Line]) -> list[_Line]:
    """Each line's indent from the column's left edge, and whether it runs to the right edge
    (within the width of a long word or a tenth of the column)."""
    if not column:
        return column
    left = min(l.x for l in column)
    right = max(l.end for l in column)
    for l in column:
        l.indent = l.x - left
        l.full = len(column) > 1 and l.end >= right - max(0.1 * (right - left), 6 * l.size)
    return column


def _gutter(rows: list[list[_Frag]], page_width: float, rules=()) -> tuple[float, int, int] | None:
    """The middle of the gap between two columns and the first and last rows in columns, or None
    for a page in one column. Two columns:
    many lines start at one place right of the page's first third, a band of white runs down
    the page left of it (crossed by a tenth of the lines at most: headings or lines across the
    page) and not ruled as a table's inner border is, and the columns either side are of much the
    same width."""
    starts = Counter(round(f.x) for r in rows for i, f in enumerate(r)
                     if 0.35 * page_width < f.x < 0.7 * page_width and (i == 0 or r[i - 1].end < f.x - f.size))
    if not starts:
        return None
    at, _n = starts.most_common(1)[0]
    split = [i for i, r in enumerate(rows) if any(abs(f.x - at) <= 1.5 for f in r)]
    if len(split) < 8:
        return None
    first, last = split[0], split[-1]
    page_rows, rows = rows, rows[first:last + 1]  # the part of the page in columns (one column may run above it)
    left_edge = int(min(f.x for r in rows for f in r))
    right_edge = max(f.end for r in rows for f in r)
    cover = [0] * (at - left_edge + 1)  # lines with text over each point left of `at`
    for r in rows:
        marked = set()
        for f in r:
            marked.update(range(max(int(f.x), left_edge) - left_edge, min(int(f.end) + 1, at) - left_edge))
        for i in marked:
            cover[i] += 1
    allowed = max(1, len(split) // 10)
    best, run_start, lowest = (0, 0), None, (at - left_edge) // 4
    for i in range(lowest, len(cover)):
        if cover[i] <= allowed:
            run_start = i if run_start is None else run_start
            if i - run_start + 1 > best[1] - best[0]:
                best = (run_start, i + 1)
        else:
            run_start = None
    if best[1] - best[0] < 6:
        return None
    gutter = left_edge + (best[0] + best[1]) / 2
    band = (left_edge + best[0] - 1, left_edge + best[1] + 1)
    height = rows[0][0].y - rows[-1][0].y
    rules = _joined(rules)
    for x, y, h in rules:  # a ruling down the band with rulings either side: a table's inner border
        if band[0] <= x <= band[1] and h >= 0.5 * height:
            beside = [rx for rx, ry, rh in rules if ry < y + h and ry + rh > y]
            if any(rx < band[0] - 5 for rx in beside) and any(rx > band[1] + 5 for rx in beside):
                return None
    left_width, right_width = gutter - left_edge, right_edge - gutter
    if min(left_width, right_width) < 0.7 * max(left_width, right_width):
        return None
    right_column = min(f.x for r in rows for f in r if f.x >= gutter)

    def in_columns(row: list[_Frag]) -> bool:  # on one side of the gutter, a right part where that column starts
        return not any(f.x < gutter < f.end for f in row) and all(f.x >= right_column - 2 for f in row if f.x >= gutter)

    while first > 0 and in_columns(page_rows[first - 1]):
        first -= 1
    while last + 1 < len(page_rows) and in_columns(page_rows[last + 1]):
        last += 1
    return gutter, first, last


# a paragraph's number or a bullet set apart by a hanging indent, not a table's first cell
_MARKER = re.compile(r"^(?:\d{1,3}(?:\.\d{1,3})*\.|\d{1,3}(?:\.\d{1,3})+|[a-z]\)|\([a-z0-9]{1,4}\)|[•▪◦–\uf0b7\uf0a7\uf076\uf0d8o-])$")


def _join_fragments(group: list[_Frag], page_no: int, height: float) -> _Line:
    size = max(f.size for f in group)
    text = ""
    prev_end = None
    for f in group:
        if prev_end is not None:
            gap = f.x - prev_end
            if gap > (1.5 if f.exact else 3) * f.size and not (len(text) < 8 and _MARKER.match(text)):
                text += "\t"
            elif not (text.endswith(" ") or f.text.startswith(" ") or (f.exact and gap < 0.1 * f.size)):
                text += " "
        text += f.text
        prev_end = f.end
    return _Line(
        text=re.sub(r"[ \u00a0]+", " ", text).strip(), x=group[0].x, y=group[0].y, size=size,
        bold=all(f.bold for f in group), page=page_no, page_height=height, end=group[-1].end,
    )


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
    prev: _Line | None = None
    for lines in pages:
        for l in lines:
            heading = is_heading(l)
            moved = prev is not None and (prev.page != l.page or prev.y < l.y - 1)  # next column or page
            new_block = (
                prev is None or moved
                or (prev.y - l.y) > spacing * 1.35
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


def read(data: bytes, name: str) -> DocumentStructure:
    reader = _open(data, name)
    try:
        pages = [_page_lines(p, i + 1) for i, p in enumerate(reader.pages)]
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
    hints = {}
    if meta_title and str(meta_title).strip():
        hints["title"] = str(meta_title).strip()
    elif cover := _largest_text(pages[0] if pages else [], [l for p in pages for l in p]):
        hints["title"] = cover
    return DocumentStructure(title=str(meta_title) if meta_title else title, blocks=blocks,
                             page_count=len(reader.pages), unread_pages=unread, hints=hints)


def _largest_text(first_page: list[_Line], all_lines: list[_Line]) -> str | None:
    """The title on a cover: the first page's largest text (its consecutive lines), when it is
    well above the body text's size."""
    if not first_page:
        return None
    weights = Counter()
    for l in all_lines:
        weights[round(l.size, 1)] += len(l.text)
    body = weights.most_common(1)[0][0]
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


FORMAT = ReaderFormat("PDF", (".pdf",), ("application/pdf",), read)
