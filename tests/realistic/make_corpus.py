"""Write review documents the way publishers make them, with their source as ground truth.

Word files (python-docx) with heading styles, hand-numbered paragraphs with hanging indents,
Word bullet and numbered lists, bordered tables with header rows, running headers and
"Page N of M" footers, a cover page, a contents page with dot leaders (titled differently
across documents), an acronym glossary and a two-column section; turned into PDF by
LibreOffice headless, tagged and untagged. The text is drawn from the bundled seed reviews.

    python tests/realistic/make_corpus.py [OUT]     (default: tests/realistic/fixtures)
    python tests/realistic/make_corpus.py tests/realistic/restyled --restyled

The second set is the same text in Liberation Serif 12 pt, justified, and in two columns from
the second chapter where the first set has one: a check that the readers were not fitted to one
look (only its untagged PDFs and truth files are kept).

Needs Debian packages libreoffice-writer-nogui and fonts-dejavu-core. Writes, per document,
NAME.docx, NAME.pdf (untagged), NAME.tagged.pdf and NAME.truth.json: the source units (every
paragraph, list item and table row that is content, in order, with its nearest heading; a
list's short lead-in is its items' context, not a unit) and
what is not content (cover lines, contents entries, running header and footer, captions).
"""
from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

import docx
from docx.enum.section import WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from kb.ingest.structure import HEADING, ITEM, PARAGRAPH, TABLE_ROW, parse_text  # noqa: E402

OUT = Path(__file__).resolve().parent / "fixtures"


@dataclass
class Spec:
    name: str
    title: str
    publisher: str
    published: str
    doc_type: str
    seed: str  # seed file prefix the text comes from
    contents_title: str = "Contents"
    numbered: bool = True  # hand-numbered paragraphs "3.1"
    two_column_from: int | None = None  # chapter from which the text runs in two columns
    glossary: bool = True
    max_chapters: int = 12
    skip_chapters: int = 0
    action_plan: bool = False  # ends with a bordered action-plan table of its recommendations
    font: str = "DejaVu Sans"
    size: float = 10.5
    justified: bool = False


SPECS = [
    Spec("scr-overview", "Serious Case Review: Child AB1 — Overview Report", "Cumbria Safeguarding Children Partnership",
         "June 2019", "scr", "004", contents_title="Table of Contents", action_plan=True),
    Spec("annual-report", "Annual Report 2019–2020", "Bromley Safeguarding Children Partnership", "October 2020",
         "annual-report", "002", contents_title="Index", numbered=False, max_chapters=10),
    Spec("audit-report", "Thematic Multi-Agency Audit: Serious Youth Violence", "Bromley Safeguarding Children Partnership",
         "March 2023", "multi-agency-audit", "001", contents_title="Contents"),
    Spec("learning-brief", "Learning Brief: Tabletop Reviews 2021–23", "Bromley Safeguarding Children Partnership",
         "April 2023", "learning-summary", "000", contents_title="What is in this brief", numbered=False,
         two_column_from=1, glossary=False),
    Spec("dhr-report", "Domestic Homicide Review: Adult A", "Southend Community Safety Partnership", "May 2021",
         "dhr", "002", contents_title="Index", skip_chapters=10, max_chapters=3, action_plan=True),
    Spec("neglect-audit", "Learning from the Multi-Agency Neglect Audit", "Bromley Safeguarding Children Board",
         "November 2017", "multi-agency-audit", "003", contents_title="Contents"),
]

# Sections that record the partnership's administration rather than learning; like glossaries and
# contents, a reader should leave them out, so their text is in "left_out", not "units"
ADMINISTRATIVE = re.compile(r"financ|budget|expenditure|income|membership|attendance", re.I)

ACRONYMS = [("CAMHS", "Child and Adolescent Mental Health Service"), ("DNA", "Did Not Attend"),
            ("GP", "General Practitioner"), ("MASH", "Multi-Agency Safeguarding Hub"), ("WNB", "Was Not Brought")]


def _field(run, instr: str) -> None:
    """A Word field (PAGE, NUMPAGES) inside a run."""
    for kind, text in (("begin", None), (None, instr), ("separate", None), (None, "1"), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        elif text == instr:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = f" {instr} "
        else:
            el = OxmlElement("w:t")
            el.text = text
        run._r.append(el)


def _columns(section, n: int) -> None:
    cols = section._sectPr.find(qn("w:cols"))
    if cols is None:
        cols = OxmlElement("w:cols")
        section._sectPr.append(cols)
    cols.set(qn("w:num"), str(n))
    cols.set(qn("w:space"), "708")


def _chapters(seed: str, limit: int, skip: int = 0) -> list[tuple[str, list]]:
    """The seed's level-1 sections with their blocks: (heading, [blocks])."""
    path = next((ROOT / "corpus").glob(f"{seed}_*.txt"))
    structure = parse_text(path.read_text(encoding="utf-8"))
    chapters: list[tuple[str, list]] = []
    for b in structure.blocks:
        if b.kind == HEADING and (b.level <= 1 or not chapters):
            chapters.append((b.text, []))
        elif chapters:
            chapters[-1][1].append(b)
    chapters = [(h, bs) for h, bs in chapters if any(b.kind != HEADING for b in bs)]
    return chapters[skip:skip + limit]


def _clean(text: str) -> str:
    text = re.sub(r"\[([^\]]+)\]\(#\)", r"\1", text)
    return re.sub(r"</?[iu]>", "", text).strip()


def write_docx(spec: Spec, path: Path) -> dict:
    d = docx.Document()
    styles = d.styles
    styles["Normal"].font.name = spec.font
    styles["Normal"].font.size = Pt(spec.size)
    if spec.justified:
        styles["Normal"].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    units: list[dict] = []
    chrome: list[str] = []
    left_out: list[dict] = []  # administrative records (finance, membership, attendance): not learning
    sec = d.sections[0]
    sec.different_first_page_header_footer = True
    header = sec.header.paragraphs[0]
    header.text = f"{spec.publisher} — {spec.title}"
    chrome.append(header.text)
    foot = sec.footer.paragraphs[0]
    run = foot.add_run("Page ")
    _field(foot.add_run(), "PAGE")
    foot.add_run(" of ")
    _field(foot.add_run(), "NUMPAGES")
    chrome.append("Page N of M")
    # cover
    cover = [spec.publisher, spec.title, f"Published: {spec.published}", "Lead Reviewer: Independent Author"]
    d.add_paragraph(spec.publisher).runs[0].font.size = Pt(14)
    t = d.add_paragraph()
    r = t.add_run(spec.title)
    r.font.size, r.bold = Pt(26), True
    d.add_paragraph(f"Published: {spec.published}")
    d.add_paragraph("Lead Reviewer: Independent Author").runs[-1].add_break(WD_BREAK.PAGE)
    chrome += cover
    chapters = _chapters(spec.seed, spec.max_chapters, spec.skip_chapters)
    # contents page with dot leaders and page numbers (estimated: the shape is what matters)
    d.add_paragraph(spec.contents_title, style="Heading 1")
    chrome.append(spec.contents_title)
    for n, (heading, _blocks) in enumerate(chapters, start=1):
        entry = f"{n}. {heading.title()}" if spec.numbered else heading.title()
        p = d.add_paragraph()
        p.paragraph_format.tab_stops.add_tab_stop(Cm(16), alignment=2, leader=1)  # right, dots
        p.add_run(f"{entry}\t{2 + n}")
        chrome.append(entry)
    d.paragraphs[-1].runs[-1].add_break(WD_BREAK.PAGE)
    if spec.glossary:
        d.add_paragraph("Glossary of acronyms", style="Heading 1")
        chrome.append("Glossary of acronyms")
        table = d.add_table(rows=1, cols=2)
        table.style = "Table Grid"
        table.rows[0].cells[0].text, table.rows[0].cells[1].text = "Acronym", "Meaning"
        for a, m in ACRONYMS:
            row = table.add_row().cells
            row[0].text, row[1].text = a, m
        chrome += ["Acronym Meaning"] + [f"{a} {m}" for a, m in ACRONYMS]
    for n, (heading, blocks) in enumerate(chapters, start=1):
        if spec.two_column_from is not None and n == spec.two_column_from:
            new = d.add_section(WD_SECTION.CONTINUOUS)
            _columns(new, 2)
        chapter = f"{n}. {heading.title()}" if spec.numbered else heading.title()
        d.add_paragraph(chapter, style="Heading 1")
        sub = None
        para_no = 0
        table_rows: list[list[str]] = []

        def flush_table():
            if not table_rows:
                return
            width = max(len(r) for r in table_rows)
            tbl = d.add_table(rows=0, cols=width)
            tbl.style = "Table Grid"
            header_cells = table_rows[0] + [""] * (width - len(table_rows[0]))
            for r in table_rows:
                cells = tbl.add_row().cells
                for i, c in enumerate(r[:width]):
                    cells[i].text = c
            for r in table_rows[1:]:
                filled = [c for c in r if c.strip()]
                figures = sum(bool(re.fullmatch(r"[£$€]?[\d,.%/ -]+", c.strip())) for c in filled)
                glossary = re.search(r"glossary|acronym|abbreviation", f"{chapter} {sub or ''}", re.I)
                if figures * 2 >= len(filled) or glossary:  # figures, contents entries, acronyms: not learning
                    chrome.append(" ".join(filled))
                    continue
                units.append({"kind": TABLE_ROW, "text": " ".join(c for c in r if c), "cells": r,
                              "header": header_cells, "heading": sub or chapter})
            chrome.append(" ".join(c for c in header_cells if c))
            table_rows.clear()

        for b in blocks:
            text = _clean(b.text)
            if not text:
                continue
            if b.kind != TABLE_ROW:
                flush_table()
            if b.kind == HEADING:
                sub = text
                d.add_paragraph(text, style="Heading 2")
            elif b.kind == ITEM:
                d.add_paragraph(text, style="List Bullet")
                units.append({"kind": ITEM, "text": text, "heading": sub or chapter})
            elif b.kind == TABLE_ROW and b.cells:
                table_rows.append([_clean(c) for c in b.cells])
            elif b.kind == PARAGRAPH and text.endswith(":") and len(text) < 150:
                d.add_paragraph(text)  # a list's lead-in: the context of its items, not a point of its own
            elif b.kind == PARAGRAPH:
                if spec.numbered and not text.endswith(":"):
                    para_no += 1
                    p = d.add_paragraph(f"{n}.{para_no}\t{text}")
                    p.paragraph_format.left_indent = Cm(1.25)
                    p.paragraph_format.first_line_indent = Cm(-1.25)
                    units.append({"kind": PARAGRAPH, "text": f"{n}.{para_no} {text}", "heading": sub or chapter})
                else:
                    d.add_paragraph(text)
                    units.append({"kind": PARAGRAPH, "text": text, "heading": sub or chapter})
        flush_table()
    if spec.action_plan:
        _action_plan(d, chapters, units, chrome)
    d.save(str(path))
    kept = [u for u in units if not ADMINISTRATIVE.search(u["heading"])]
    left_out += [u for u in units if ADMINISTRATIVE.search(u["heading"])]
    return {"title": spec.title, "publisher": spec.publisher, "published": spec.published,
            "doc_type": spec.doc_type, "units": kept, "not_content": chrome, "left_out": left_out}


LEADS = ["Children's Social Care", "Metropolitan Police", "Bromley Healthcare", "Education", "Early Help"]
PLAN_HEADER = ["No.", "Recommendation", "Lead agency", "By when"]


def _action_plan(d, chapters, units: list[dict], chrome: list[str]) -> None:
    """An action plan as reviews end with one: a bordered table, a header row, one row per
    recommendation (the seed's list items, long enough to wrap inside their cell)."""
    items = [_clean(b.text) for _h, blocks in chapters for b in blocks if b.kind == ITEM]
    items = [t for t in items if len(t) > 60][:6]
    if not items:
        return
    d.add_paragraph("Action Plan", style="Heading 1")
    table = d.add_table(rows=1, cols=len(PLAN_HEADER))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, PLAN_HEADER):
        cell.text = text
    chrome.append(" ".join(PLAN_HEADER))
    for n, text in enumerate(items, start=1):
        row = [str(n), text, LEADS[n % len(LEADS)], f"March {2023 + n % 2}"]
        for cell, value in zip(table.add_row().cells, row):
            cell.text = value
        units.append({"kind": TABLE_ROW, "text": " ".join(row), "cells": row, "header": PLAN_HEADER,
                      "heading": "Action Plan"})


def to_pdf(docx_path: Path, out_dir: Path, tagged: bool) -> Path:
    """LibreOffice headless, as publishers' "Save as PDF" does; tagged or not."""
    flt = 'pdf:writer_pdf_Export:{"UseTaggedPDF":{"type":"boolean","value":"%s"}}' % ("true" if tagged else "false")
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp}/profile", "--convert-to", flt,
                        "--outdir", tmp, str(docx_path)], check=True, capture_output=True, timeout=300)
        made = Path(tmp) / (docx_path.stem + ".pdf")
        target = out_dir / (docx_path.stem + (".tagged.pdf" if tagged else ".pdf"))
        target.write_bytes(made.read_bytes())
    return target


WEB_CHROME = ["Skip to main content", "Home", "Practitioners", "Learning from reviews",
              "Home > Practitioners > Learning from reviews", "Print this page", "Share this page",
              "Was this page helpful?", "Yes", "No", "Last updated: 14 March 2025",
              "We use cookies to make this site work. Accept cookies", "Contact us", "Accessibility",
              "Privacy", "© Bromley Safeguarding Children Partnership"]


def write_web_page(path: Path, seed: str = "001", chapters: int = 4) -> dict:
    """A partnership's web page with its site chrome around the text of a seed review."""
    import html

    units: list[dict] = []
    body: list[str] = []
    for heading, blocks in _chapters(seed, chapters):
        body.append(f"<h2>{html.escape(heading.title())}</h2>")
        items: list[str] = []
        for b in blocks:
            text = _clean(b.text)
            if not text:
                continue
            if b.kind != ITEM and items:
                body.append("<ul>" + "".join(items) + "</ul>")
                items = []
            if b.kind == ITEM:
                items.append(f"<li>{html.escape(text)}</li>")
                units.append({"kind": ITEM, "text": text, "heading": heading.title()})
            elif b.kind == HEADING:
                body.append(f"<h3>{html.escape(text)}</h3>")
                heading = text
            elif b.kind == PARAGRAPH:
                body.append(f"<p>{html.escape(text)}</p>")
                if not (text.endswith(":") and len(text) < 150):
                    units.append({"kind": PARAGRAPH, "text": text, "heading": heading.title()})
        if items:
            body.append("<ul>" + "".join(items) + "</ul>")
    title = "Multi-agency audit: serious youth violence"
    page = f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>{title} | Bromley Safeguarding Children Partnership</title>
<meta property="og:site_name" content="Bromley Safeguarding Children Partnership">
<style>body{{font-family:'DejaVu Sans';font-size:11pt;margin:0}} header,footer{{background:#eee;padding:8px}}
nav a{{margin-right:12px}} main{{margin:16px 32px}} .tools a{{margin-right:10px}}</style></head><body>
<a class="skip-link" href="#main">Skip to main content</a>
<div class="cookie-banner">We use cookies to make this site work. <button>Accept cookies</button></div>
<header><strong>Bromley Safeguarding Children Partnership</strong>
<nav><a href="/">Home</a><a href="/p">Practitioners</a><a href="/l">Learning from reviews</a></nav></header>
<nav class="breadcrumb">Home &gt; Practitioners &gt; Learning from reviews</nav>
<main id="main"><h1>{title}</h1>
<div class="page-tools"><a href="#">Print this page</a> <a href="#">Share this page</a></div>
{''.join(body)}
<p class="last-updated">Last updated: 14 March 2025</p>
<div class="feedback">Was this page helpful? <button>Yes</button> <button>No</button></div></main>
<footer><a href="/c">Contact us</a> <a href="/a">Accessibility</a> <a href="/p">Privacy</a>
<p>© Bromley Safeguarding Children Partnership</p></footer></body></html>"""
    path.write_text(page, encoding="utf-8")
    return {"title": title, "publisher": "Bromley Safeguarding Children Partnership", "published": "14 March 2025",
            "doc_type": "multi-agency-audit", "units": units, "not_content": WEB_CHROME, "left_out": []}


def web_to_pdf(html_path: Path, out_dir: Path) -> Path:
    """Headless Chromium's "Save as PDF" of the page (Debian package chromium)."""
    target = out_dir / (html_path.stem + ".pdf")
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", f"--user-data-dir={tmp}",
                        "--no-pdf-header-footer", f"--print-to-pdf={target}", html_path.resolve().as_uri()],
                       check=True, capture_output=True, timeout=120)
    return target


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    out = Path(args[0]) if args else OUT
    out.mkdir(parents=True, exist_ok=True)
    specs = SPECS
    if "--restyled" in sys.argv:  # the same documents in another face, size and alignment: a check
        specs = [replace(s, font="Liberation Serif", size=12, justified=True,
                         two_column_from=None if s.two_column_from else 2) for s in SPECS]
    for spec in specs:
        path = out / f"{spec.name}.docx"
        truth = write_docx(spec, path)
        for tagged in (False, True):
            to_pdf(path, out, tagged)
        (out / f"{spec.name}.truth.json").write_text(json.dumps(truth, indent=1, ensure_ascii=False))
        print(f"{spec.name}: {len(truth['units'])} source units")
    if "--restyled" not in sys.argv:
        page = out / "web-page.html"
        truth = write_web_page(page)
        web_to_pdf(page, out)
        (out / "web-page.truth.json").write_text(json.dumps(truth, indent=1, ensure_ascii=False))
        print(f"web-page: {len(truth['units'])} source units")


if __name__ == "__main__":
    main()
