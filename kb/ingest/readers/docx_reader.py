"""Word .docx with python-docx: headings from styles, list paragraphs, tables."""
from __future__ import annotations

import io
import re
import zipfile

from kb.core.errors import IngestError

from kb.ingest.structure import HEADING, ITEM, PARAGRAPH, TABLE_ROW, Block, DocumentStructure, clean_inline, squash
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

    blocks: list[Block] = []
    title = (document.core_properties.title or "").strip() or None
    for child in document.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            p = Paragraph(child, document)
            text = squash(clean_inline(p.text))
            if not text:
                continue
            kind, level = _para_kind(p)
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
    if title is None:
        title = next((b.text for b in blocks if b.kind == HEADING), None)
    return DocumentStructure(title=title, blocks=blocks)


FORMAT = ReaderFormat("Word (.docx)", (".docx",),
                      ("application/vnd.openxmlformats-officedocument.wordprocessingml.document",), read)
