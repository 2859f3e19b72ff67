"""Render a seed text as a real multi-page PDF (fpdf2) for reader tests.

The PDF has a running header on every page and "Page N" footers, headings in
a larger bold font, bullets, and table rows laid out in columns, so the PDF
reader meets what published reviews look like.
"""
from __future__ import annotations

from pathlib import Path

from fpdf import FPDF

from kb.ingest.structure import HEADING, ITEM, TABLE_ROW, parse_text

FONT_DIRS = [Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu")]


def font_path(bold: bool = False) -> Path | None:
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    for d in FONT_DIRS:
        if (d / name).exists():
            return d / name
    return None


class _Review(FPDF):
    running_header = ""

    def header(self):
        self.set_font("body", size=8)
        self.cell(0, 6, self.running_header, align="C")
        self.ln(10)

    def footer(self):
        self.set_y(-12)
        self.set_font("body", size=8)
        self.cell(0, 6, f"Page {self.page_no()}", align="C")


def render_text_as_pdf(text: str, out: Path, running_header: str = "Safeguarding Partnership") -> Path:
    regular, bold = font_path(False), font_path(True)
    if regular is None or bold is None:
        raise RuntimeError("DejaVu fonts not found: install Debian package fonts-dejavu-core")
    doc = parse_text(text)
    pdf = _Review(format="A4")
    pdf.running_header = running_header
    pdf.add_font("body", "", str(regular))
    pdf.add_font("body", "B", str(bold))
    pdf.set_auto_page_break(True, margin=18)
    pdf.add_page()
    for b in doc.blocks:
        if b.kind == HEADING:
            pdf.set_font("body", "B", 14 if b.level <= 1 else 12)
            pdf.multi_cell(0, 7, b.text, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(3)
        elif b.kind == ITEM:
            pdf.set_font("body", "", 10)
            pdf.set_x(pdf.l_margin + 4)
            pdf.multi_cell(0, 5, "• " + b.text, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(2)
        elif b.kind == TABLE_ROW:
            pdf.set_font("body", "", 9)
            cells = b.cells or [b.text]
            width = (pdf.w - pdf.l_margin - pdf.r_margin) / max(len(cells), 1)
            for c in cells:
                pdf.cell(width, 5, c[: int(width / 1.9)])
            pdf.ln(7)
        else:
            pdf.set_font("body", "", 10)
            pdf.multi_cell(0, 5, b.text, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(3)
    pdf.output(str(out))
    return out
