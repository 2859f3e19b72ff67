"""Document structure: typed blocks (heading, paragraph, list item, table row).

Every reader produces a `DocumentStructure`. Text-like readers (plain text,
Markdown, PDF) first cut their input into `RawBlock`s (runs of lines separated
by blank lines or vertical gaps) and hand them to `blocks_from_raw`, which
knows the conventions of published reviews: bullet glyphs, ALL-CAPS headings,
tab-separated tables, navigation menus repeated on many pages, paragraphs
broken by a page break.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from kb.ingest.inline import clean_inline, join_lines, squash  # noqa: F401 - used here and by readers

HEADING, PARAGRAPH, ITEM, TABLE_ROW = "heading", "paragraph", "item", "table_row"


@dataclass
class Block:
    kind: str
    text: str
    level: int = 0
    page: int | None = None
    cells: list[str] | None = None
    header: list[str] | None = None
    # (character offset, page) where a paragraph joined across a page break continues
    page_breaks: list[tuple[int, int]] = field(default_factory=list)

    def page_at(self, offset: int) -> int | None:
        page = self.page
        for start, p in self.page_breaks:
            if offset >= start:
                page = p
        return page


@dataclass
class DocumentStructure:
    title: str | None
    blocks: list[Block] = field(default_factory=list)
    page_count: int | None = None
    # what the file itself says of its metadata (a web page's site name and dates, a PDF's
    # properties): "publisher", "date", "title"; stronger than what is guessed from the text
    hints: dict = field(default_factory=dict)
    unread_pages: list[int] = field(default_factory=list)  # pages with images but no text (scanned)
    ocr_pages: list[int] = field(default_factory=list)  # scanned pages read by OCR


@dataclass
class RawBlock:
    lines: list[str]
    page: int | None = None
    heading_hint: bool = False  # e.g. a PDF line set in a larger font
    continues: bool = False  # carries on the paragraph before it, cut by a column or page break


# ---------------------------------------------------------------- inline clean-up

_LONE_STAR = re.compile(r"(^\*+(?=\S))|((?<=\S)\*+$)")


# ---------------------------------------------------------------- line patterns

# Word writes its bullets as private-use glyphs of the Symbol and Wingdings fonts (U+F0B7 •,
# U+F0A7 ▪, U+F076 ❖, U+F0D8 ➢, U+F0FC ✓, U+F0A8 □, U+F0E0 ➔) and its second-level bullet as
# an "o" in Courier New: in a PDF made from Word they come through as those characters.
_WORD_GLYPHS = "\uf0b7\uf0a7\uf076\uf0d8\uf0fc\uf0a8\uf0e0\uf06e\uf071"
_BULLET = re.compile(
    r"^\s*(?:[-–•▪●○◦◉❖➢➤►■□✓✔*·" + _WORD_GLYPHS + r"]|o(?=[ \t\u00a0]+\S)|"
    r"[\u2460-\u2473\u2776-\u277f\u2780-\u2793])\s*"
)
_NUMBERED = re.compile(r"^\s*(?:\(?\d{1,2}[.)]|\(?[a-hA-H][.)]|\(?[ivx]{1,4}[.)])\s+")
_GLYPHS = re.compile(r"^[\s◉❖➢➤►■□✓✔•▪●○◦" + _WORD_GLYPHS + r"\u2460-\u2473\u2776-\u277f\u2780-\u2793]+")
_END_PUNCT = tuple(".!?;:,")
def is_bullet_line(line: str) -> bool:
    return bool(_BULLET.match(line)) and len(line.strip()) > 1


def strip_marker(line: str) -> str:
    line = _BULLET.sub("", line, count=1)
    line = _GLYPHS.sub("", line)
    return line.strip()


def is_caps(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 2 and sum(c.isupper() for c in letters) / len(letters) > 0.85


def _looks_like_heading(text: str) -> bool:
    words = text.split()
    if re.search(r"www\.|https?:|@", text):
        return False
    if not words or len(text) > 100 or len(words) > 14:
        return False
    if text.endswith(_END_PUNCT) or text.endswith("…"):
        return False
    if text[:1] in "“\"‘'" and text.rstrip()[-1:] in "”\"’'":
        return False  # a quotation standing alone
    first = text.lstrip("“\"'‘(")[:1]
    if not (first.isupper() or first.isdigit()):
        return False
    return sum(c.isalpha() for c in text) >= 3


def _norm_key(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


# ---------------------------------------------------------------- raw blocks

def split_raw_blocks(text: str) -> list[RawBlock]:
    """Cut plain text into runs of non-blank lines."""
    blocks: list[RawBlock] = []
    current: list[str] = []
    for line in text.splitlines():
        if line.strip():
            current.append(line.rstrip())
        elif current:
            blocks.append(RawBlock(current))
            current = []
    if current:
        blocks.append(RawBlock(current))
    return blocks


def drop_repeated_navigation(raw: list[RawBlock], min_repeats: int = 3, min_run: int = 3) -> list[RawBlock]:
    """Remove menus repeated on many pages.

    A candidate is a short block (a few words, no sentence punctuation) whose
    text recurs at least `min_repeats` times; only runs of `min_run` or more
    consecutive candidates are dropped, so a real heading that happens to
    share its words with a menu entry is kept.
    """
    keys = [_norm_key(" ".join(b.lines)) for b in raw]
    counts = Counter(keys)
    candidate = [
        bool(k) and counts[k] >= min_repeats and len(k.split()) <= 6
        and not " ".join(b.lines).rstrip().endswith(_END_PUNCT)
        for k, b in zip(keys, raw)
    ]
    keep = [True] * len(raw)
    i = 0
    while i < len(raw):
        if candidate[i]:
            j = i
            while j < len(raw) and candidate[j]:
                j += 1
            if j - i >= min_run:
                for n in range(i, j):
                    keep[n] = False
            i = j
        else:
            i += 1
    return [b for b, k in zip(raw, keep) if k]


# ---------------------------------------------------------------- typing blocks

@dataclass
class _Typed:
    kind: str
    text: str
    page: int | None
    style: str = ""  # heading style: md1..md6, caps, title, numbered
    cells: list[str] | None = None
    hint: bool = False
    page_breaks: list[tuple[int, int]] = field(default_factory=list)
    continues: bool = False


def _type_raw_block(rb: RawBlock, font_hints: bool = False) -> list[_Typed]:
    lines = [clean_inline(l) for l in rb.lines]
    lines = [l for l in lines if l.strip()]
    if not lines:
        return []
    page = rb.page
    first = lines[0].strip()

    md = re.match(r"^(#{1,6})\s+(.*)$", first)
    if md and len(lines) == 1:
        return [_Typed(HEADING, squash(md.group(2)), page, style=f"md{len(md.group(1))}")]

    if _is_tab_table(lines):
        rows = []
        for l in lines:
            cells = [squash(_LONE_STAR.sub("", c)) for c in l.split("\t")]
            while cells and not cells[-1]:
                cells.pop()
            rows.append(_Typed(TABLE_ROW, " | ".join(c for c in cells if c), page, cells=cells))
        return rows

    if rb.heading_hint and len(lines) <= 3 and _NUMBERED.match(lines[0]):
        # a numbered heading in the heading font, wrapped onto a second line: one heading
        text = join_lines(lines)
        if len(text) <= 150 and not text.endswith("."):
            return [_Typed(HEADING, text.rstrip(":"), page, style="numbered", hint=True)]

    if any(is_bullet_line(l) or _NUMBERED.match(l) for l in lines):
        out: list[_Typed] = []
        pending: list[str] = []  # lines before the first marker
        item_lines: list[str] | None = None
        for l in lines:
            if is_bullet_line(l) or _NUMBERED.match(l):
                if item_lines is not None:
                    out.append(_item(item_lines, page))
                body = strip_marker(l) if is_bullet_line(l) else l.strip()
                item_lines = [body]
            elif item_lines is None:
                pending.append(l)
            else:
                item_lines.append(l)
        if item_lines is not None:
            out.append(_item(item_lines, page))
        lead = [_Typed(PARAGRAPH, join_lines(pending), page)] if pending else []
        out = [o for o in out if o.text]
        if len(out) == 1 and not lead and _NUMBERED.match(lines[0]) and len(lines) == 1:
            text = out[0].text
            body = _NUMBERED.sub("", text)
            if _looks_like_heading(body.rstrip(":")) and len(body.split()) <= 10:
                return [_Typed(HEADING, text.rstrip(":"), page, style="numbered", hint=rb.heading_hint)]
        return lead + out

    text = join_lines(lines)
    text = _LONE_STAR.sub("", text).strip()
    if rb.heading_hint and len(text) <= 150 and not text.endswith("."):
        return [_Typed(HEADING, text, page, style="caps" if is_caps(text) else "title", hint=True)]
    if is_caps(text) and len(text) <= 120 and not text.endswith((".", ",", ";")):
        return [_Typed(HEADING, text, page, style="caps")]
    if len(lines) == 1 and not font_hints and _looks_like_heading(text):
        return [_Typed(HEADING, text, page, style="title")]
    if len(lines) >= 3 and all(_looks_like_heading(l.strip()) and len(l) <= 70 for l in lines):
        # A column of short lines with no markers: an unmarked list.
        return [_Typed(ITEM, squash(l), page) for l in lines]
    return [_Typed(PARAGRAPH, text, page)]


def _is_tab_table(lines: list[str]) -> bool:
    """Cells separated by tabs on every line, or on all but a few short ones: a table's group
    rows ("Face to face classroom learning") lose their empty cells when trailing tabs go."""
    tabbed = sum("\t" in l for l in lines)
    if tabbed == len(lines):
        return True
    return (tabbed >= 3 and tabbed >= 0.75 * len(lines) and "\t" in lines[0]
            and all(len(l.split()) <= 8 and not l.rstrip().endswith(".") for l in lines if "\t" not in l))


def _item(lines: list[str], page: int | None) -> _Typed:
    text = join_lines(lines)
    text = _LONE_STAR.sub("", text).strip()
    return _Typed(ITEM, text, page)


def _merge_broken_paragraphs(typed: list[_Typed]) -> list[_Typed]:
    """Re-join a paragraph cut in two by a page break (no end punctuation, next starts lower-case)."""
    out: list[_Typed] = []
    for t in typed:
        prev = out[-1] if out else None
        if (
            prev is not None and t.kind == PARAGRAPH and (t.text[:1].islower() or t.continues)
            and (prev.kind in (PARAGRAPH, ITEM) or (prev.kind == HEADING and prev.style == "title"))
            and not prev.text.endswith((".", "!", "?", ":", ";"))
        ):
            kind = PARAGRAPH if prev.kind == HEADING else prev.kind
            breaks = list(prev.page_breaks)
            if t.page is not None and t.page != prev.page:
                breaks.append((len(prev.text) + 1, t.page))
            out[-1] = _Typed(kind, prev.text + " " + t.text, prev.page, page_breaks=breaks)
        else:
            out.append(t)
    return out


def _short_runs_to_items(typed: list[_Typed]) -> list[_Typed]:
    """Three or more consecutive one-line 'title' headings are a list, not headings."""
    out = list(typed)
    i = 0
    while i < len(out):
        if out[i].kind == HEADING and out[i].style == "title" and not out[i].hint:
            j = i
            while j < len(out) and out[j].kind == HEADING and out[j].style == "title" and not out[j].hint:
                j += 1
            if j - i >= 3:
                for n in range(i, j):
                    out[n] = _Typed(ITEM, out[n].text, out[n].page)
            i = j
        else:
            i += 1
    return out


def _join_split_rows(typed: list[_Typed]) -> list[_Typed]:
    """A table row that a page break cut in two: the part on the next page has its first cell
    empty or starts in lower case; its cells go on the end of the row's cells."""
    out: list[_Typed] = []
    for t in typed:
        prev = out[-1] if out else None
        if (prev is not None and t.kind == TABLE_ROW and prev.kind == TABLE_ROW and t.page != prev.page
                and t.cells and prev.cells and len(t.cells) <= len(prev.cells)
                and (not t.cells[0] or next((c for c in t.cells if c), "")[:1].islower())):
            cells = [f"{a} {b}".strip() for a, b in zip(prev.cells, t.cells + [""] * len(prev.cells))]
            out[-1] = _Typed(TABLE_ROW, " | ".join(c for c in cells if c), prev.page, cells=cells)
        else:
            out.append(t)
    return out


def _tables(typed: list[_Typed]) -> list[Block]:
    blocks: list[Block] = []
    header: list[str] | None = None
    prev_kind = None
    for t in typed:
        if t.kind == TABLE_ROW:
            if prev_kind != TABLE_ROW:
                header = t.cells
                blocks.append(Block(TABLE_ROW, t.text, page=t.page, cells=t.cells, header=None))
            else:
                blocks.append(Block(TABLE_ROW, t.text, page=t.page, cells=t.cells, header=header))
        else:
            blocks.append(Block(t.kind, t.text, page=t.page, page_breaks=t.page_breaks))
        prev_kind = t.kind
    return blocks


def blocks_from_raw(raw: list[RawBlock], font_hints: bool = False) -> tuple[str | None, list[Block]]:
    """Type raw blocks into headings, paragraphs, items and table rows, with heading levels.

    With `font_hints` (PDF), a plain-looking short line is a heading only when
    its font said so; in plain text the layout is all there is to go on.
    """
    raw = drop_repeated_navigation(raw)
    typed: list[_Typed] = []
    for rb in raw:
        parts = _type_raw_block(rb, font_hints)
        if parts and rb.continues:
            parts[0].continues = True
        typed.extend(parts)
    typed = _merge_broken_paragraphs(typed)
    typed = _short_runs_to_items(typed)
    typed = _join_split_rows(typed)

    title = None
    if typed and typed[0].kind == HEADING:
        title = typed[0].text
        # A title often spans two heading blocks ("ANNUAL REPORT" / "2019 - 2020").
        if len(typed) > 1 and typed[1].kind == HEADING and len(title) < 60 and typed[1].style == typed[0].style:
            title = f"{title} {typed[1].text}"

    # Heading levels: Markdown gives them; otherwise the first style seen after
    # the title block is level 1, the other style level 2, numbered headings 3.
    start = 0
    while start < len(typed) and typed[start].kind == HEADING:
        start += 1
    order: list[str] = []
    for t in typed[start:]:
        if t.kind == HEADING and t.style in ("caps", "title") and t.style not in order:
            order.append(t.style)
    levels = {s: i + 1 for i, s in enumerate(order)}
    levels["numbered"] = len(order) + 1 if order else 1

    blocks = _tables(typed)
    for b, t in zip(blocks, typed):
        if t.kind == HEADING:
            b.level = int(t.style[2:]) if t.style.startswith("md") else levels.get(t.style, 1)
    return title, blocks


def parse_text(text: str) -> DocumentStructure:
    title, blocks = blocks_from_raw(split_raw_blocks(text))
    return DocumentStructure(title=title, blocks=blocks)
