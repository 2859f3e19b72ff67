"""The reading-fidelity measure (kb.ingest.fidelity) on hand-made lists, and the realistic
corpus (tests/realistic/fixtures: Word files made the way publishers make them and their
LibreOffice PDFs) held to what the readers achieve now: a change may raise these, never lower."""
import io
import json
from pathlib import Path

import pytest
from pypdf import PdfReader

from kb.ingest.fidelity import measure, norm
from kb.ingest.metadata import infer
from kb.ingest.points import extract_points
from kb.ingest.readers import read_document

FIXTURES = Path(__file__).resolve().parents[1] / "realistic" / "fixtures"

UNITS = [{"text": "Fathers were not invited to the strategy meeting.", "heading": "3. Findings"},
         {"text": "The GP was not told of the plan. Nobody checked that the letter arrived.", "heading": "Findings"},
         {"text": "Share the chronology with the school.", "heading": "Recommendations"}]


def _point(text, heading, page=1):
    return {"text": text, "section_path": [heading], "page": page}


def test_units_split_into_sentences_count_as_recovered_and_merged_ones_do_not():
    points = [_point("Fathers were not invited to the strategy meeting.", "Findings"),
              _point("The GP was not told of the plan.", "Findings"),
              _point("Nobody checked that the letter arrived. Share the chronology with the school.", "Findings"),
              _point("Page 3 of 12", "Findings")]
    f = measure(UNITS, points)
    assert f.recovered == pytest.approx(1 / 3)  # the second and third ran together
    assert f.right_heading == 1.0  # "3. Findings" and "Findings" are one heading
    assert f.not_content == pytest.approx(2 / 4)  # the footer and the merged point
    assert f.right_page is None


def test_wrong_headings_and_pages_are_counted():
    points = [_point(UNITS[0]["text"], "Findings", 1), _point(UNITS[1]["text"], "Background", 2),
              _point(UNITS[2]["text"], "Recommendations", 1)]
    f = measure(UNITS, points, page_texts=[UNITS[0]["text"], UNITS[1]["text"] + " " + UNITS[2]["text"]])
    assert f.recovered == 1.0 and f.right_heading == pytest.approx(2 / 3) and f.not_content == 0
    assert f.right_page == pytest.approx(2 / 3)  # the third starts on page 2, cited as page 1


NAMES = sorted(p.name for p in FIXTURES.iterdir() if p.suffix in (".pdf", ".docx", ".html"))


def _measured(name):
    truth = json.loads((FIXTURES / (name.split(".", 1)[0] + ".truth.json")).read_text())
    data = (FIXTURES / name).read_bytes()
    doc = read_document(data, name)
    _sections, points = extract_points(doc)
    pages = [p.extract_text() or "" for p in PdfReader(io.BytesIO(data)).pages] if name.endswith(".pdf") else None
    return truth, doc, measure(truth["units"], [vars(p) for p in points], pages)


def test_the_corpus_has_every_shape():
    """Six Word documents with their untagged and tagged LibreOffice PDFs, and a partnership web
    page with its site chrome as HTML and as Chromium printed it."""
    assert len(NAMES) >= 20 and {n.split(".", 1)[1] for n in NAMES} == {"docx", "pdf", "tagged.pdf", "html"}
    pages = sum(len(PdfReader(str(FIXTURES / n)).pages) for n in NAMES if n.endswith(".pdf") and ".tagged" not in n)
    assert pages >= 60


@pytest.mark.parametrize("name", NAMES)
def test_every_file_meets_the_issues_targets(name):
    """At least 97% of the source's paragraphs, items and table rows as their own points, 97% of
    those under the right nearest heading, at most 3% of points not content, every page right."""
    _truth, _doc, f = _measured(name)
    assert f.meets(), f


@pytest.mark.parametrize("name", NAMES)
def test_the_cover_gives_title_publisher_date_and_type(name):
    truth, doc, _f = _measured(name)
    meta = infer(doc, name)
    assert (meta["title"], meta["publisher"], meta["date"], meta["doc_type"]) == (
        truth["title"], truth["publisher"], truth["published"], truth["doc_type"])


@pytest.mark.parametrize("name", NAMES)
def test_administrative_sections_give_no_points(name):
    truth = json.loads((FIXTURES / (name.split(".", 1)[0] + ".truth.json")).read_text())
    _sections, points = extract_points(read_document((FIXTURES / name).read_bytes(), name))
    texts = [norm(p.text) for p in points]
    for unit in truth.get("left_out", []):
        assert not any(t and t in norm(unit["text"]) for t in texts), unit["text"]


# The same documents restyled (serif 12 pt, justified, two columns from the second chapter): not
# tuned against, so held to what they give now, which a change may raise, never lower.
RESTYLED = Path(__file__).resolve().parents[1] / "realistic" / "restyled"
RESTYLED_NOW = {  # own point, right heading, most not content
    "annual-report.pdf": (0.96, 0.99, 0.06), "audit-report.pdf": (1.00, 1.00, 0.00),
    "dhr-report.pdf": (1.00, 1.00, 0.01), "learning-brief.pdf": (0.97, 1.00, 0.02),
    "neglect-audit.pdf": (1.00, 1.00, 0.00), "scr-overview.pdf": (1.00, 0.88, 0.01),
}


@pytest.mark.parametrize("name", sorted(RESTYLED_NOW))
def test_the_restyled_corpus_reads_no_worse_than_now(name):
    truth = json.loads((RESTYLED / (name.split(".", 1)[0] + ".truth.json")).read_text())
    data = (RESTYLED / name).read_bytes()
    _sections, points = extract_points(read_document(data, name))
    pages = [p.extract_text() or "" for p in PdfReader(io.BytesIO(data)).pages]
    f = measure(truth["units"], [vars(p) for p in points], pages)
    own, heading, noise = RESTYLED_NOW[name]
    assert round(f.recovered, 2) >= own and round(f.right_heading, 2) >= heading, f
    assert round(f.not_content, 2) <= noise, f
