"""Word .docx with python-docx: headings from styles, list paragraphs, tables."""
from __future__ import annotations

import io
import re
import zipfile

from kb.core.errors import IngestError

from kb.ingest.inline import clean_inline, squash
from kb.ingest.structure import HEADING, ITEM, PARAGRAPH, TABLE_ROW, Block, DocumentStructure
from kb.ingest.readers.format import ReaderFormat


def _para_kind(paragraph) -> tuple[str, int]:
    style = (paragraph.style.name if paragraph.style is not None else "") or ""
    m = re.match(r"Heading\s*(\d)", style, re.I)
    if m:
        return HEADING, int(m.group(1))
    if style.lower() == "title":
        return HEADING, 1
    ppr = paragraph._p.pPr
    if "list" in style.lower() or (ppr is not None and ppr.numPr is not None):
        return ITEM, 0
    return PARAGRAPH, 0


# a contents entry: a title, a tab (Word draws the dot leader) and a page number
_ENTRY = re.compile(r"^(.*\S)\t+\s*(\d{1,3})\s*$", re.S)


def _size(run, normal: float) -> float:
    return run.font.size.pt if run.font.size is not None else normal


def _normal_size(document) -> float:
    try:
        size = document.styles["Normal"].font.size
    except KeyError:
        size = None
    return size.pt if size is not None else 11.0


def _text(paragraph, style: str) -> str:
    raw = paragraph.text
    entry = _ENTRY.match(raw)
    if entry or re.match(r"toc\s*\d", style, re.I):
        title, page = (entry.group(1), entry.group(2)) if entry else (raw, "")
        return squash(clean_inline(title)) + (f"\t{page}" if page else "")
    return squash(clean_inline(raw))


def read(data: bytes, name: str) -> DocumentStructure:
    try:
        import docx
        from docx.table import Table
        from docx.text.paragraph import Paragraph

        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise IngestError(name, f"not a readable Word .docx file ({exc})") from None
    except Exception as exc:  # python-docx raises several types for damaged packages
        raise IngestError(name, f"not a readable Word .docx file ({type(exc).__name__}: {exc})") from None

    normal = _normal_size(document)
    blocks: list[Block] = []
    title = (document.core_properties.title or "").strip() or None
    cover: list[tuple[float, str]] = []  # (size, text) of large lines before the first heading
    styled_heading_seen = False
    for child in document.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            p = Paragraph(child, document)
            style = (p.style.name if p.style is not None else "") or ""
            text = _text(p, style)
            if not text:
                continue
            kind, level = _para_kind(p)
            runs = [r for r in p.runs if r.text.strip()]
            size = min((_size(r, normal) for r in runs), default=normal)
            if kind == HEADING:
                styled_heading_seen = True
            elif kind == PARAGRAPH and size >= 1.15 * normal and len(text) <= 150 and not text.endswith("."):
                kind, level = HEADING, 1  # set large, as a cover's title and publisher are
                if not styled_heading_seen:
                    cover.append((size, text))
            blocks.append(Block(kind, text, level=level))
        elif tag == "tbl":
            table = Table(child, document)
            header: list[str] | None = None
            for r, row in enumerate(table.rows):
                cells: list[str] = []
                for cell in row.cells:
                    t = squash(cell.text)
                    if not cells or cells[-1] != t:  # merged cells repeat their text
                        cells.append(t)
                if r == 0:
                    header = cells
                blocks.append(Block(TABLE_ROW, " | ".join(c for c in cells if c), cells=cells,
                                    header=None if r == 0 else header))
    hints = {}
    if cover and max(cover)[0] >= 1.3 * normal:
        hints["title"] = max(cover, key=lambda c: c[0])[1]  # the cover's largest text
    if title is None:
        title = hints.get("title") or next((b.text for b in blocks if b.kind == HEADING), None)
    else:
        hints["title"] = title
    return DocumentStructure(title=title, blocks=blocks, hints=hints)


FORMAT = ReaderFormat("Word (.docx)", (".docx",),
                      ("application/vnd.openxmlformats-officedocument.wordprocessingml.document",), read)
