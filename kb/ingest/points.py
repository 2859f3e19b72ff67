"""Learning points: self-contained statements of learning with their citation.

A learning point is one list item, one table row (with its column header as
context) or one paragraph; long paragraphs are split at sentence boundaries.
Each point keeps the heading path of its section, its page, its position, the
lead-in sentence of its list and the case pseudonym its section is about.
Tables of contents, glossaries, attendance and finance tables are left out.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from kb.analysis.statements import is_label
from kb.ingest.metadata import PUBLISHER
from kb.ingest.structure import HEADING, ITEM, PARAGRAPH, TABLE_ROW, Block, DocumentStructure

MAX_POINT_CHARS = 600
LEAD_IN_POINT_MIN = 150  # a lead-in shorter than this is context only

# Sections left out of the learning points. The first kind never holds sub-sections: a heading
# after one of them is not inside it (in a PDF the next chapter's heading can come out a level
# below "Glossary of acronyms").
_LEAF_SECTIONS = "contents|glossary|acronyms|abbreviations|references|bibliography"
_LEAF_SKIP = re.compile(rf"\b({_LEAF_SECTIONS})\b", re.I)
_SKIP_SECTION = re.compile(
    rf"\b({_LEAF_SECTIONS}|membership|attendance|financial arrangements|expenditure|income|budget|contributions)\b",
    re.I,
)
# A cover's or title page's record of the document, which feeds its metadata: "Published: June
# 2019", "Lead Reviewer: Peter Ward", "Version 2.1"
_COVER_LINE = re.compile(r"^\s*(?:published|date (?:of )?publication|publication date|date published|date|"
                         r"(?:lead |independent |overview )*(?:reviewer|author)s?|report (?:author|writer)|"
                         r"written by|prepared by|commissioned by|version|status|classification)\b\s*[:\-–]?\s*\S",
                         re.I)
COVER_LINE_MAX = 100
_NUMERIC_CELL = re.compile(r"^[£$€]?\s*[-+]?\d[\d,.\s/%-]*(?:%|k|m)?\*?$", re.I)
_ACRONYM = re.compile(r"^[A-Z][A-Za-z&/.\-]{0,9}$")


@dataclass
class Section:
    position: int
    heading: str
    level: int
    path: list[str]
    page: int | None = None


@dataclass
class LearningPoint:
    position: int
    text: str
    kind: str
    section: int | None  # position of the section in the document's section list
    section_path: list[str] = field(default_factory=list)
    page: int | None = None
    context: str | None = None
    case_name: str | None = None


# ---------------------------------------------------------------- helpers

def split_sentences(text: str, limit: int = MAX_POINT_CHARS) -> list[str]:
    """Split text at sentence boundaries into pieces of at most about `limit` characters."""
    if len(text) <= limit:
        return [text]
    sentences = re.split(r"(?<=[.!?])[\"”’)]?\s+(?=[A-Z0-9“\"‘(])", text)
    pieces: list[str] = []
    current = ""
    for s in sentences:
        if current and len(current) + 1 + len(s) > limit:
            pieces.append(current)
            current = s
        else:
            current = f"{current} {s}".strip()
    if current:
        pieces.append(current)
    return pieces


def is_data_row(cells: list[str]) -> bool:
    """A row of figures (attendance, finance, statistics) or of a table of contents."""
    filled = [c for c in cells if c.strip()]
    if not filled:
        return True
    numeric = sum(bool(_NUMERIC_CELL.match(c.strip())) for c in filled)
    return numeric * 2 >= len(filled)


HEADER_CELL_MAX_WORDS = 12


def is_header_row(cells: list[str]) -> bool:
    """A table's first row names its columns ("Recommendation | Action to be taken"); a first
    row with a sentence in a cell is the first of its data, in a table without a header
    ("Compliance to procedures ... | Compliance to procedures is improving but ...")."""
    filled = [c.strip() for c in cells if c.strip()]
    return all(len(c.split()) <= HEADER_CELL_MAX_WORDS and not (c.endswith(".") and len(c.split()) > 3)
               for c in filled)  # "No." or "Ref." is a column's name


def is_acronym_row(cells: list[str]) -> bool:
    filled = [c.strip() for c in cells if c.strip()]
    if len(filled) < 2:
        return False
    keys = filled[0::2]
    return all(_ACRONYM.match(k) and sum(ch.isupper() for ch in k) >= 2 for k in keys)


_QUOTED = re.compile(r"[‘'\"“]((?:Child|Baby|CHILD|BABY)\s+[A-Z]{1,2}|[A-Z][a-zA-Z]+)[’'\"”]")
_CHILD_X = re.compile(r"\b(?:Child|Baby|CHILD|BABY)\s+([A-Z]{1,2})\b(?![a-z])")
_AFTER_REVIEW = re.compile(
    r"\b(?:Serious Case Review|SCR|CSPR|LCSPR|Learning Review|Practice Review|DHR)\s*[-–:]?\s*([A-Z][a-z]{2,})\b"
)
_IN_PARENS = re.compile(r"\(([A-Z][a-z]{2,})(?:\s*(?:&|and)\s*[Ss]iblings?)?\)")
_NOT_NAMES = {
    "The", "This", "Our", "And", "For", "Panel", "Subgroup", "Meeting", "Meetings", "Team", "Review",
    "Reviews", "Report", "Learning", "Action", "Actions", "Recommendations", "Findings", "Process",
    "Processes", "Covid", "Bromley", "London", "England", "Key",
}


def case_name(texts: list[str]) -> str | None:
    """The case pseudonym named in a heading or lead-in, as published ("Child K", "Leo")."""
    for text in texts:
        if not text:
            continue
        for rx in (_QUOTED, _CHILD_X, _AFTER_REVIEW, _IN_PARENS):
            for m in rx.finditer(text):
                name = m.group(1) if rx is not _CHILD_X else f"Child {m.group(1)}"
                name = " ".join(w if len(w) <= 2 else w.capitalize() for w in name.split())
                if name.split()[0] in ("CHILD", "BABY"):
                    name = name.split()[0].capitalize() + " " + name.split()[1]
                if name in _NOT_NAMES:
                    continue
                return name
    return None


# ---------------------------------------------------------------- extraction

def extract_points(doc: DocumentStructure) -> tuple[list[Section], list[LearningPoint]]:
    sections: list[Section] = []
    points: list[LearningPoint] = []
    stack: list[Section] = []
    lead_in: str | None = None
    seen_item_since_lead = False
    # A lead-in ending with ':' right before a heading announces sub-sections
    # ("The following has been achieved:" / "Serious Case Review Elizabeth" /
    # ...): headings of that style nest under it, whatever their style's level,
    # and carry the lead-in as context, until a heading of another style.
    announced: tuple[int, int, str] | None = None  # (parent level, child style level, lead-in)
    last_was_lead_in = False
    headerless = False  # the current table's first row is data, not its columns' names
    item_lead: str | None = None  # a lead-in that was itself a bullet

    def path() -> list[str]:
        return [s.heading for s in stack]

    def skipped() -> bool:
        return any(_SKIP_SECTION.search(s.heading) for s in stack)

    def add(block: Block, kind: str, context: str | None, text: str | None = None) -> None:
        section_pos = stack[-1].position if stack else None
        headings = list(reversed(path()))
        case = case_name(headings[:2] + [context or ""])
        text = block.text if text is None else text
        offset = 0
        for piece in split_sentences(text):
            offset = text.find(piece, offset)
            points.append(LearningPoint(
                position=len(points), text=piece, kind=kind, section=section_pos,
                section_path=path(), page=block.page_at(max(offset, 0)), context=context, case_name=case,
            ))
            offset += len(piece)

    contents = contents_blocks(doc.blocks)
    for n, block in enumerate(doc.blocks):
        if n in contents:
            continue  # a contents page: never points, never the parent of the headings after it
        if block.kind == HEADING:
            level = max(block.level, 1)
            # a lead-in set as a heading ("GROUPWORK WITHIN THE PRESENTATION IDENTIFIED THE FOLLOWING:",
            # under the question it answers): its list's section and context, inside the question's section
            announces_list = block.text.rstrip().endswith(":") and n + 1 < len(doc.blocks) \
                and doc.blocks[n + 1].kind == ITEM and bool(stack)
            if announces_list:
                level = max(level, stack[-1].level + 1)
            if announced and level != announced[1]:
                announced = None
            if announced is None and stack and last_was_lead_in and level <= stack[-1].level:
                announced = (stack[-1].level, level, lead_in)
            if announced:
                level = announced[0] + 1
            while stack and _LEAF_SKIP.search(stack[-1].heading):
                stack.pop()
            while stack and stack[-1].level >= level:
                stack.pop()
            sec = Section(position=len(sections), heading=block.text, level=level,
                          path=path() + [block.text], page=block.page)
            sections.append(sec)
            stack.append(sec)
            lead_in, seen_item_since_lead = (announced[2] if announced else None), False
            if announces_list:
                lead_in = block.text
            last_was_lead_in = False
            continue
        last_was_lead_in = block.kind == PARAGRAPH and block.text.rstrip().endswith(":")
        if skipped() or not _has_words(block.text):
            continue
        if block.kind == TABLE_ROW:
            cells = block.cells or []
            if block.header is None:  # a table's first row
                headerless = not is_header_row(cells)
            if (block.header is None and not headerless) or is_data_row(cells) or is_acronym_row(cells):
                continue  # header rows are context; figures and glossaries are not learning
            header = None if headerless else " | ".join(c for c in block.header if c) or None
            if header and is_data_row(block.header):
                header = None
            add(block, TABLE_ROW, header)
        elif block.kind == ITEM:
            if block.text.rstrip().endswith(":") and len(block.text) < LEAD_IN_POINT_MIN:
                # a bullet that announces the bullets after it ("Actions taken:" under a topic): their
                # lead-in, as a paragraph ending with ':' is, until the next topic's caption
                lead_in = item_lead = block.text
                seen_item_since_lead = False
                continue
            if lead_in is not None and lead_in is item_lead and is_label(block.text):
                lead_in = item_lead = None  # a topic's caption: the bullet's lead-in ends (not a heading's)
            seen_item_since_lead = True
            add(block, ITEM, lead_in)
        elif block.kind == PARAGRAPH:
            if len(block.text) <= COVER_LINE_MAX and (_COVER_LINE.match(block.text) or PUBLISHER.fullmatch(block.text)) \
                    and not block.text.endswith("."):
                continue  # the document's own record (date, author, publisher): metadata, not learning
            if block.text.rstrip().endswith(":"):
                if len(block.text) >= LEAD_IN_POINT_MIN:
                    add(block, PARAGRAPH, None)
                lead_in, seen_item_since_lead = block.text, False
                continue
            context = lead_in if (lead_in and not seen_item_since_lead) else None
            if seen_item_since_lead:
                lead_in = None
            add(block, PARAGRAPH, context)
    return sections, points


def _has_words(text: str) -> bool:
    return sum(c.isalpha() for c in text) >= 3


# A contents entry: a title, dot leaders (or a tab), a page number at the end:
# "Introduction .......... 3", "3. AB1 – Family Circumstances and Key Practice Issues 4".
_LEADERS = re.compile(r"(?:\.\s?){3,}|…{2,}|_{3,}|\t")
_ENTRY = re.compile(r"^(?P<title>.*?[A-Za-z].*?)\s*(?:(?:\.\s?){2,}|…+|_{2,}|\t|\s)\s*(?P<page>\d{1,3})\s*$")
_CONTENTS_HEADING = re.compile(r"^\s*(?:table of contents|contents|index|contents page)\s*:?\s*$", re.I)
MIN_CONTENTS_RUN = 3


# "Recommendation 3", "Appendix 2": a label and its own number, not a title and its page
_LABEL_NUMBER = re.compile(r"^\W*(?:recommendation|finding|appendix|annex|priority|section|chapter|part|stage|"
                           r"step|outcome|action|objective|point|phase|case|child|learning point|theme)\W*$", re.I)


def _entry_page(text: str) -> int | None:
    if not text.rstrip()[-1:].isdigit():
        return None  # no page number at the end (and the pattern is slow on long text)
    m = _ENTRY.match(text.strip())
    if not m or len(m.group("title")) > 120:
        return None
    if not _LEADERS.search(text):
        # without leaders, only a heading-like title: not "Recommendation 3", not a sentence
        # and no figures: "Housing – 2", "Social Care – Good 3, Inadequate 1" are counts
        title = m.group("title").strip()
        long_words = re.findall(r"[A-Za-z][A-Za-z'’-]{3,}", title)
        if (_LABEL_NUMBER.match(title) or not title[-1].isalnum() and title[-1] not in ")’'\""
                or re.search(r"(?<![\w.])\d+(?![\w.])", re.sub(r"^\s*\d+(?:\.\d+)*\.?\s", "", title))
                or (long_words and sum(w[0].isupper() for w in long_words) * 2 < len(long_words))):
            return None
    return int(m.group("page"))


def contents_blocks(blocks: list[Block]) -> set[int]:
    """The blocks of contents pages, by their shape whatever the page is called: runs of at least
    three entries ending in page numbers that never go down (or any entry with dot leaders), and
    the heading ("Contents", "Index", …) right before such a run."""
    entry_pages = [_entry_page(b.text) for b in blocks]
    out: set[int] = set()
    i = 0
    while i < len(blocks):
        if entry_pages[i] is None:
            i += 1
            continue
        j, last = i, entry_pages[i]
        while j + 1 < len(blocks) and entry_pages[j + 1] is not None and entry_pages[j + 1] >= last:
            j += 1
            last = entry_pages[j]
        run = range(i, j + 1)
        leaders = sum(bool(_LEADERS.search(blocks[k].text)) for k in run)
        if len(run) >= MIN_CONTENTS_RUN or leaders:
            out.update(run)
            if i > 0 and blocks[i - 1].kind == HEADING and _CONTENTS_HEADING.match(blocks[i - 1].text):
                out.add(i - 1)
        i = j + 1
    return out
