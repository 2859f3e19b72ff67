"""Where a PDF page's text sits: lines in reading order, from PDFium (pypdfium2).

PDFium gives each character with its position, advance and font; characters run together into
fragments while they follow on along one baseline. Fragments on one baseline make a row; a
two-column page is found by the white band down its middle and read column by column. Vertical
rulings (a table's inner borders) and small filled shapes (bullets drawn as discs, as browsers
print lists) come from the page's path objects.

PDFium rather than pypdf's text visitor: the same reading on the realistic corpus, 8x faster on
a page set glyph by glyph (a browser's "Save as PDF": 7.7 -> 40+ pages a second), and true glyph
boxes without rebuilding widths from the fonts.
"""
from __future__ import annotations

import ctypes
import re
from collections import Counter
from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from kb.ingest.inline import CHROME_TEXT
from kb.ingest.readers.pdf_tables import ruled_tables


@dataclass
class Line:
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
    parts: tuple[str, ...] = ()  # its runs of text set apart by gaps wider than a space (links in a bar)


@dataclass
class _Frag:
    x: float
    y: float
    size: float
    bold: bool
    text: str
    width: float  # of the text without its spaces, from x

    @property
    def end(self) -> float:
        return self.x + self.width


# typographic ligatures (one glyph for "ff", "fi" …) as their letters, so "suﬀered" is "suffered"
_LIGATURES = str.maketrans({"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl",
                            "\ufb05": "st", "\ufb06": "st"})


def _font(textobj, cache: dict) -> tuple[bool, float]:
    """(bold, scale) of a text object: its font's weight and the scale its matrix sets the
    font size at (a browser's page prints 11 pt text as 14.67 pt scaled by 0.75)."""
    key = ctypes.cast(textobj, ctypes.c_void_p).value
    if key not in cache:
        font = pdfium_c.FPDFTextObj_GetFont(textobj)
        name = ""
        if font:
            buf = ctypes.create_string_buffer(256)
            n = pdfium_c.FPDFFont_GetBaseFontName(font, buf, 256)
            name = buf.raw[:max(0, n - 1)].decode("latin-1", "replace")
        weight = pdfium_c.FPDFFont_GetWeight(font) if font else -1
        matrix = pdfium_c.FS_MATRIX()
        scale = 1.0
        if pdfium_c.FPDFPageObj_GetMatrix(textobj, matrix):
            scale = abs(matrix.a * matrix.d - matrix.b * matrix.c) ** 0.5 or 1.0
        cache[key] = (bool(re.search(r"bold|black|heavy", name, re.I)) or weight >= 600, scale)
    return cache[key]


def _chars_to_frags(textpage) -> list[_Frag]:
    """Characters that follow on along one baseline in one weight, as fragments; a space is kept
    inside a fragment, a wider gap starts a new one."""
    frags: list[_Frag] = []
    fonts: dict = {}
    x, y = ctypes.c_double(), ctypes.c_double()
    box = pdfium_c.FS_RECTF()
    run: dict = {}

    def close():
        text = "".join(run.get("chars", ())).rstrip()
        if text:
            frags.append(_Frag(run["x"], run["y"], run["size"], run["bold"], text.translate(_LIGATURES),
                               run["text_end"] - run["x"]))
        run.clear()

    for i in range(pdfium_c.FPDFText_CountChars(textpage)):
        code = pdfium_c.FPDFText_GetUnicode(textpage, i)
        if code in (0, 10, 13, 0xFFFE, 0xFFFF):
            continue
        ch = "-" if code == 2 else chr(code)  # PDFium's mark for a hyphen at the end of a line
        if ch.isspace():  # a space the file has or PDFium infers from a gap between words
            if run and run["chars"][-1:] != [" "]:
                run["chars"].append(" ")
                pdfium_c.FPDFText_GetLooseCharBox(textpage, i, box)
                run["end"] = max(run["end"], min(box.right, run["end"] + run["size"]))
            continue
        pdfium_c.FPDFText_GetCharOrigin(textpage, i, x, y)
        pdfium_c.FPDFText_GetLooseCharBox(textpage, i, box)
        bold, scale = _font(pdfium_c.FPDFText_GetTextObject(textpage, i), fonts)
        size = pdfium_c.FPDFText_GetFontSize(textpage, i) * scale
        right = max(box.right, x.value)
        if not (run and abs(run["y"] - y.value) <= max(1.0, 0.2 * size) and run["bold"] == bold
                and -1.0 * size <= x.value - run["end"] <= 0.25 * size):  # a ligature's second letter sits back
            close()
            run.update(x=x.value, y=y.value, size=size, bold=bold, chars=[], end=right, text_end=right)
        run["chars"].append(ch)
        run["end"] = run["text_end"] = max(run["end"], right)
        run["size"] = max(run["size"], size)
    close()
    return frags


def _paths(page) -> tuple[list, list, list]:
    """(vertical rulings as (x, y, height), horizontal rulings as (y, x0, x1), small filled shapes
    as (centre x, centre y, width))."""
    vrules, hrules, markers = [], [], []
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    stack = [(page.raw, pdfium_c.FPDFPage_CountObjects, pdfium_c.FPDFPage_GetObject)]
    while stack:
        owner, count, get = stack.pop()
        for k in range(count(owner)):
            obj = get(owner, k)
            kind = pdfium_c.FPDFPageObj_GetType(obj)
            if kind == pdfium_c.FPDF_PAGEOBJ_FORM:
                stack.append((obj, pdfium_c.FPDFFormObj_CountObjects, pdfium_c.FPDFFormObj_GetObject))
                continue
            if kind != pdfium_c.FPDF_PAGEOBJ_PATH or not pdfium_c.FPDFPageObj_GetBounds(obj, left, bottom, right, top):
                continue
            w, h = right.value - left.value, top.value - bottom.value
            if w < 2 and h > 4:
                vrules.append(((left.value + right.value) / 2, bottom.value, h))
            elif h < 2 and w > 4:
                hrules.append(((bottom.value + top.value) / 2, left.value, right.value))
            elif 1.5 <= w <= 8 and 1.5 <= h <= 8 and 0.6 <= w / h <= 1.6:
                fill, stroke = ctypes.c_int(), ctypes.c_int()
                if pdfium_c.FPDFPath_GetDrawMode(obj, fill, stroke) and fill.value:
                    markers.append(((left.value + right.value) / 2, (bottom.value + top.value) / 2, w))
            elif h > 4 and w > 4:  # a grid drawn as one path: its straight segments
                _segments(obj, vrules, hrules)
    return vrules, hrules, markers


def _segments(path, vrules: list, hrules: list) -> None:
    matrix = pdfium_c.FS_MATRIX()
    if not pdfium_c.FPDFPageObj_GetMatrix(path, matrix):
        return
    prev = None
    px, py = ctypes.c_float(), ctypes.c_float()
    for i in range(pdfium_c.FPDFPath_CountSegments(path)):
        seg = pdfium_c.FPDFPath_GetPathSegment(path, i)
        if not pdfium_c.FPDFPathSegment_GetPoint(seg, px, py):
            continue
        pt = (matrix.a * px.value + matrix.c * py.value + matrix.e, matrix.b * px.value + matrix.d * py.value + matrix.f)
        if pdfium_c.FPDFPathSegment_GetType(seg) == pdfium_c.FPDF_SEGMENT_LINETO and prev:
            if abs(pt[0] - prev[0]) < 1 and abs(pt[1] - prev[1]) > 4:
                vrules.append((pt[0], min(pt[1], prev[1]), abs(pt[1] - prev[1])))
            elif abs(pt[1] - prev[1]) < 1 and abs(pt[0] - prev[0]) > 4:
                hrules.append((pt[1], min(pt[0], prev[0]), max(pt[0], prev[0])))
        prev = pt


def page_lines(page, page_no: int) -> list[Line]:
    """A pypdfium2 page's lines in reading order: a two-column page column by column."""
    width, height = page.get_size()
    textpage = page.get_textpage()
    try:
        frags = _chars_to_frags(textpage.raw)
    finally:
        textpage.close()
    rules, hrules, markers = _paths(page)
    frags, table_rows = ruled_tables(frags, hrules, rules)
    frags += _bullets(markers, frags)
    frags += [_Frag(r.x, r.y, r.size, r.bold, r.text, r.width) for r in table_rows]  # one per row, cells by tab
    return _in_reading_order(_rows(frags), page_no, width, height, rules)


def _bullets(markers, frags: list[_Frag]) -> list[_Frag]:
    """A small filled shape just left of where a line of text starts, at the height of its
    letters, is that line's bullet."""
    out = []
    for cx, cy, w in markers:
        line = [f for f in frags if f.y - 0.1 * f.size <= cy <= f.y + 0.8 * f.size and f.x > cx]
        if not line:
            continue
        first = min(line, key=lambda f: f.x)
        if first.x - cx <= 4 * first.size and not any(f.x < cx < f.end for f in line):
            out.append(_Frag(cx - w / 2, first.y, first.size, False, "•", w))
    return out


def _joined(rules) -> list[tuple[float, float, float]]:
    """Vertical rulings drawn a cell at a time, joined into one per run down the page."""
    out: list[list[float]] = []
    for x, y, h in sorted(rules, key=lambda r: (round(r[0]), r[1])):
        if out and abs(out[-1][0] - x) <= 1 and y <= out[-1][1] + out[-1][2] + 2:
            out[-1][2] = max(out[-1][2], y + h - out[-1][1])
        else:
            out.append([x, y, h])
    return [tuple(r) for r in out]


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


def _in_reading_order(rows, page_no: int, width: float, height: float, rules) -> list[Line]:
    gutter = _gutter(rows, width, rules)
    if gutter is None:
        return _measured([_join_fragments(r, page_no, height) for r in rows])
    lines: list[Line] = []
    columns: tuple[list[Line], list[Line]] = ([], [])
    split, middle, first, last = gutter
    for n, row in enumerate(rows):  # top to bottom
        left = [f for f in row if f.x < split]
        right = [f for f in row if f.x >= split]
        if not first <= n <= last or any(f.end > middle for f in left):  # a line across both columns closes those above it
            lines += _measured(columns[0]) + _measured(columns[1]) + _measured([_join_fragments(row, page_no, height)])
            columns = ([], [])
            continue
        if left:
            columns[0].append(_join_fragments(left, page_no, height))
        if right:
            columns[1].append(_join_fragments(right, page_no, height))
    return lines + _measured(columns[0]) + _measured(columns[1])


def _measured(column: list[Line]) -> list[Line]:
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


def _gutter(rows: list[list[_Frag]], page_width: float, rules=()) -> tuple[float, float, int, int] | None:
    """Where the gap between two columns starts (text starting after it is in the right column,
    a paragraph number hanging into the gap included) and its middle (a line running past it
    spans both), and the first and last rows in columns; None for a page in one column. Two columns:
    many lines start at one place right of the page's first third, a band of white runs down
    the page left of it (crossed by a tenth of the lines at most: headings or lines across the
    page) and not ruled as a table's inner border is, and the columns either side are of much the
    same width."""
    def set_apart(r: list[_Frag], i: int) -> bool:  # a fragment well clear of the one before it
        return i == 0 or r[i - 1].end < r[i].x - r[i].size

    starts = Counter(round(f.x) for r in rows for i, f in enumerate(r)
                     if 0.35 * page_width < f.x < 0.7 * page_width and set_apart(r, i))
    if not starts:
        return None
    at, _n = starts.most_common(1)[0]
    split = [n for n, r in enumerate(rows) if any(abs(f.x - at) <= 1.5 and set_apart(r, i) for i, f in enumerate(r))]
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
    top, bottom = rows[0][0].y + rows[0][0].size, rows[-1][0].y
    rules = _joined(rules)
    for x, y, h in rules:  # a ruling down the band with rulings either side: a table's inner border
        if band[0] <= x <= band[1] and min(y + h, top) - max(y, bottom) >= 0.5 * (top - bottom):
            beside = [rx for rx, ry, rh in rules if ry < y + h and ry + rh > y]
            if any(rx < band[0] - 5 for rx in beside) and any(rx > band[1] + 5 for rx in beside):
                return None
    left_width, right_width = gutter - left_edge, right_edge - gutter
    if min(left_width, right_width) < 0.7 * max(left_width, right_width):
        return None
    split = left_edge + best[0] + 1
    right_column = min(f.x for r in rows for f in r if f.x >= split)

    def in_columns(row: list[_Frag]) -> bool:  # on one side of the gutter, a right part where that column starts
        return not any(f.x < split and f.end > gutter for f in row) and all(
            f.x >= right_column - 2 for f in row if f.x >= split)

    while first > 0 and in_columns(page_rows[first - 1]):
        first -= 1
    while last + 1 < len(page_rows) and in_columns(page_rows[last + 1]):
        last += 1
    return split, gutter, first, last


# a paragraph's number or a bullet set apart by a hanging indent, not a table's first cell
_MARKER = re.compile(r"^(?:\d{1,3}(?:\.\d{1,3})*\.|\d{1,3}(?:\.\d{1,3})+|[a-z]\)|\([a-z0-9]{1,4}\)|[•▪◦–\uf0b7\uf0a7\uf076\uf0d8o-])$")


def _join_fragments(group: list[_Frag], page_no: int, height: float) -> Line:
    size = max(f.size for f in group)
    text = ""
    parts: list[str] = []
    prev_end = None
    for f in group:
        if prev_end is None or f.x - prev_end > 0.6 * f.size:
            parts.append(f.text.strip())
        else:
            parts[-1] = f"{parts[-1]} {f.text.strip()}"
        if prev_end is not None:
            gap = f.x - prev_end
            if gap > 1.5 * f.size and not (len(text) < 8 and _MARKER.match(text)):
                text += "\t"
            elif not (text.endswith(" ") or f.text.startswith(" ") or gap < 0.1 * f.size):
                text += " "
        text += f.text
        prev_end = f.end
    return Line(
        text=re.sub(r"[ \u00a0]+", " ", text).strip(" "), x=group[0].x, y=group[0].y, size=size,
        bold=all(f.bold for f in group), page=page_no, page_height=height, end=group[-1].end,
        parts=tuple(parts),
    )


def is_chrome(line: Line) -> bool:
    """A web page's chrome printed with it: every run of the line is a chrome phrase ("Print this
    page", "Share this page"), a breadcrumb trail, or a navigation bar that starts at "Home"."""
    parts = line.parts or (line.text,)
    if CHROME_TEXT.match(line.text) or all(CHROME_TEXT.match(p) for p in parts):
        return True
    return (len(parts) >= 3 and parts[0].lower() == "home" and all(len(p.split()) <= 4 for p in parts)
            and not line.text.endswith("."))


