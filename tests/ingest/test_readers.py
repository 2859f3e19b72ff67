"""Real files: PDFs made with fpdf2, .docx with python-docx, an HTML page."""
import io
import re

import docx
import pytest
from pypdf import PdfReader

from kb.ingest.points import extract_points
from kb.ingest.readers import read_document
from kb.ingest.structure import HEADING, ITEM, PARAGRAPH, TABLE_ROW, parse_text
from tests.conftest import SEEDS
from tests.pdf_maker import font_path, render_text_as_pdf

needs_fonts = pytest.mark.skipif(font_path() is None, reason="DejaVu fonts missing (apt-get install fonts-dejavu-core)")


def squash(t):
    return re.sub(r"\s+", " ", t).strip()


@needs_fonts
@pytest.mark.parametrize("seed", ["000", "001", "003"])
def test_pdf_rendering_matches_text_version(tmp_path, seed):
    text = SEEDS[seed].read_text(encoding="utf-8")
    pdf = render_text_as_pdf(text, tmp_path / f"{seed}.pdf", running_header="Bromley Safeguarding Partnership")
    pdf_bytes = pdf.read_bytes()
    assert len(PdfReader(pdf).pages) >= 3
    _, from_text = extract_points(parse_text(text))
    doc = read_document(pdf_bytes, pdf.name)
    _, from_pdf = extract_points(doc)
    pdf_texts = {squash(p.text) for p in from_pdf}
    matched = sum(squash(p.text) in pdf_texts for p in from_text)
    assert matched / len(from_text) >= 0.95
    assert not any("Bromley Safeguarding Partnership" == p.text for p in from_pdf)
    assert not any(re.search(r"\bPage \d+\b", p.text) for p in from_pdf)
    # every point's page holds its text
    reader = PdfReader(pdf)
    page_text = [squash(pg.extract_text()) for pg in reader.pages]
    for p in from_pdf:
        assert p.page is not None
        head = squash(p.text)[:25]
        assert head in page_text[p.page - 1] or head.split()[0] in page_text[p.page - 1]


@needs_fonts
def test_pdf_page_numbers_follow_pages(tmp_path):
    text = SEEDS["003"].read_text(encoding="utf-8")
    doc = read_document(render_text_as_pdf(text, tmp_path / "x.pdf").read_bytes(), "x.pdf")
    pages = [b.page for b in doc.blocks]
    assert pages == sorted(pages) and pages[-1] >= 3


@needs_fonts
def test_pdf_rejoins_hyphenated_words(tmp_path):
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_font("body", "", str(font_path()))
    pdf.add_page()
    pdf.set_font("body", size=11)
    pdf.cell(0, 6, "The review found that the assess-", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 6, "ment of the family was incomplete.", new_x="LMARGIN", new_y="NEXT")
    out = tmp_path / "h.pdf"
    pdf.output(str(out))
    doc = read_document(out.read_bytes(), "h.pdf")
    assert doc.blocks[0].text == "The review found that the assessment of the family was incomplete."


def make_docx() -> bytes:
    d = docx.Document()
    d.core_properties.title = "Learning review Child A"
    d.add_heading("Learning review Child A", level=1)
    d.add_heading("Key findings", level=2)
    d.add_paragraph("The review found the following:")
    d.add_paragraph("Fathers were not assessed", style="List Bullet")
    d.add_paragraph("Appointments were missed without follow up", style="List Bullet")
    d.add_heading("Recommendations", level=2)
    t = d.add_table(rows=3, cols=2)
    for r, (a, b) in enumerate([("Recommendation", "Owner"), ("Share the chronology with the GP", "Health"),
                                ("Use the escalation policy", "All agencies")]):
        t.cell(r, 0).text, t.cell(r, 1).text = a, b
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def test_docx_structure():
    doc = read_document(make_docx(), "review.docx")
    assert doc.title == "Learning review Child A"
    got = [(b.kind, b.level if b.kind == HEADING else 0, b.text) for b in doc.blocks]
    assert got[:5] == [(HEADING, 1, "Learning review Child A"), (HEADING, 2, "Key findings"),
                       (PARAGRAPH, 0, "The review found the following:"), (ITEM, 0, "Fathers were not assessed"),
                       (ITEM, 0, "Appointments were missed without follow up")]
    rows = [b for b in doc.blocks if b.kind == TABLE_ROW]
    assert rows[1].cells == ["Share the chronology with the GP", "Health"] and rows[1].header == ["Recommendation", "Owner"]
    _, points = extract_points(doc)
    p = next(p for p in points if p.text.startswith("Fathers"))
    assert p.section_path == ["Learning review Child A", "Key findings"]
    assert p.context == "The review found the following:"
    row = next(p for p in points if p.kind == "table_row")
    assert row.text == "Share the chronology with the GP | Health" and row.context == "Recommendation | Owner"


HTML = """<!doctype html><html><head><title>Child B review | Partnership</title>
<style>.x{color:red}</style><script>var tracking = 1;</script></head><body>
<nav><ul><li>Home</li><li>Reviews</li></ul></nav>
<header>Site banner</header>
<main><h1>Child B: learning review</h1>
<h2>What we found</h2><p>Practitioners told us:</p>
<ul><li>Information was <strong>not shared</strong> with the school</li><li>The voice of the child was not heard</li></ul>
<h2>Actions</h2><table><tr><th>Action</th><th>Status</th></tr><tr><td>Train staff on escalation</td><td>Done</td></tr></table>
</main><footer>Cookie policy</footer></body></html>"""


def test_html_structure_and_chrome_dropped():
    doc = read_document(HTML.encode(), "child-b.html")
    texts = [b.text for b in doc.blocks]
    assert "Home" not in texts and "Cookie policy" not in texts and "Site banner" not in texts
    assert not any("tracking" in t for t in texts)
    assert doc.title == "Child B: learning review"
    _, points = extract_points(doc)
    item = next(p for p in points if p.text.startswith("Information was"))
    assert item.text == "Information was not shared with the school"
    assert item.section_path == ["Child B: learning review", "What we found"]
    assert item.context == "Practitioners told us:"
    row = next(p for p in points if p.kind == "table_row")
    assert row.text == "Train staff on escalation | Done"


@pytest.mark.parametrize("text, expected", [
    ("INTRODUCTION\n\nDomestic Homicide Review into the death of Adult A\n\nSouthend Community Safety Partnership\n\n"
     "This review follows Working Together 2018 and the Domestic Abuse Act 2021.\n\nPublished: June 2019\n",
     {"title": "Domestic Homicide Review into the death of Adult A", "doc_type": "dhr", "date": "June 2019",
      "year": 2019, "publisher": "Southend Community Safety Partnership"}),
    ("LEARNING BRIEF: SERIOUS CASE REVIEW CHILD D\n\nLancashire Children's Safeguarding Assurance Partnership\n\n"
     "Last updated: 14 March 2025\n\nThe review found that fathers were not seen.\n",
     {"doc_type": "learning-summary", "date": "14 March 2025", "year": 2025,
      "publisher": "Lancashire Children's Safeguarding Assurance Partnership"}),
    ("SERIOUS CASE REVIEW AB1\n\nLead Reviewer: Peter Ward Published: June 2019\n\n"
     "Working Together 2023 says reviews should be published.\n",
     {"doc_type": "scr", "date": "June 2019", "year": 2019}),
    ("EXECUTIVE SUMMARY\n\nThe partnership reviewed its work in line with Working Together 2018.\n",
     {"year": None, "title": "review"}),
])
def test_metadata_from_the_cover_not_from_headings_or_cited_statutes(text, expected):
    from kb.ingest.metadata import infer
    from kb.ingest.structure import parse_text

    meta = infer(parse_text(text), "review.txt")
    assert {k: meta[k] for k in expected} == expected


CHROME_PAGE = """<!doctype html><html><head><title>Learning from reviews | Anytown Safeguarding Children Partnership</title>
<meta name="description" content="Learning"></head><body>
<a class="skip-link" href="#main">Skip to main content</a>
<div class="page"><ol class="breadcrumbs"><li><a href="/">Home</a></li><li>Practitioners</li></ol>
<div id="content"><h1>Learning from local reviews</h1>
<p>Professionals did not consider the impact of the father's drinking on the baby.</p>
<ul><li>Health visitors should ask who else lives in the home.</li></ul>
<div class="page-tools"><a href="#">Print this page</a> <a href="#">Share this page</a></div>
<p>Last updated: 14 March 2025</p>
<div class="feedback"><p>Was this page helpful?</p><button>Yes</button><button>No</button></div>
<p>Working Together 2018 sets out the purpose of reviews.</p>
</div></div><div class="cookie-banner"><p>We use cookies to make this site work.</p></div></body></html>"""


def test_site_chrome_never_becomes_points_and_the_page_gives_its_site_and_date():
    from kb.ingest.metadata import infer
    from kb.ingest.points import extract_points

    structure = read_document(CHROME_PAGE.encode(), "learning.html")
    _sections, points = extract_points(structure)
    texts = [p.text for p in points]
    assert texts == ["Professionals did not consider the impact of the father's drinking on the baby.",
                     "Health visitors should ask who else lives in the home.",
                     "Working Together 2018 sets out the purpose of reviews."]
    meta = infer(structure, "learning.html")
    assert meta["publisher"] == "Anytown Safeguarding Children Partnership"
    assert meta["date"] == "14 March 2025" and meta["year"] == 2025


@needs_fonts
def test_a_scanned_page_inside_a_text_pdf_is_reported_by_its_number(tmp_path, kb):
    from fpdf import FPDF
    from PIL import Image

    scan = tmp_path / "scan.png"
    Image.new("RGB", (400, 560), "white").save(scan)
    pdf = FPDF(format="A4")
    pdf.add_font("body", "", str(font_path()))
    pdf.set_font("body", size=11)
    texts = {1: "The health visitor did not see where the baby slept, and nobody asked who else lived there.",
             3: "School nurses were not invited to the child protection conference about the older sister."}
    for n in (1, 2, 3):
        pdf.add_page()
        if n == 2:
            pdf.image(str(scan), x=10, y=10, w=190)
        else:
            pdf.multi_cell(0, 6, texts[n])
    path = tmp_path / "review-with-scan.pdf"
    pdf.output(str(path))
    assert read_document(path.read_bytes(), path.name).unread_pages == [2]
    outcome = kb.ingest([str(path)]).outcomes[0]
    assert outcome.status == "ingested" and outcome.points == 2
    assert outcome.warnings and outcome.warnings[0].startswith("page 2 has no text layer")
