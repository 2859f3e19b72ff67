"""Scanned pages read by OCR when Tesseract is installed (optional: skipped without it), and the
setting that turns it off."""
import shutil

import pypdfium2 as pdfium
import pytest

from kb.core.errors import ConfigError
from kb.ingest import ocr
from kb.ingest.readers import read_document
from tests.conftest import make_kb
from tests.pdf_maker import font_path

SCANNED = ("The health visitor was not told that the father had moved back into the family home. "
           "Nobody asked who else lived there.")


def _pdf_with_a_scanned_page(tmp_path):
    """Three pages; the second is a picture of printed text, as a scanner makes one."""
    from fpdf import FPDF

    text_pdf = FPDF(format="A4")
    text_pdf.add_font("body", "", str(font_path()))
    text_pdf.set_font("body", size=14)
    text_pdf.add_page()
    text_pdf.multi_cell(0, 8, SCANNED)
    printed = tmp_path / "printed.pdf"
    text_pdf.output(str(printed))
    image = tmp_path / "scan.png"
    pdfium.PdfDocument(str(printed))[0].render(scale=200 / 72).to_pil().convert("L").save(image)

    pdf = FPDF(format="A4")
    pdf.add_font("body", "", str(font_path()))
    pdf.set_font("body", size=11)
    for n in (1, 2, 3):
        pdf.add_page()
        if n == 2:
            pdf.image(str(image), x=0, y=0, w=210)
        else:
            pdf.multi_cell(0, 6, {1: "School nurses were not invited to the child protection conference.",
                                  3: "The plan drifted for a year without anyone asking why."}[n])
    path = tmp_path / "review-with-scan.pdf"
    pdf.output(str(path))
    return path


needs_tesseract = pytest.mark.skipif(shutil.which("tesseract") is None, reason="Tesseract is not installed")


@needs_tesseract
def test_a_scanned_page_is_read_by_ocr_and_its_citations_say_so(tmp_path):
    path = _pdf_with_a_scanned_page(tmp_path)
    doc = read_document(path.read_bytes(), path.name, ocr=ocr.from_setting("on"))
    assert doc.ocr_pages == [2] and doc.unread_pages == []
    page_two = " ".join(b.text for b in doc.blocks if b.page == 2)
    assert "health visitor" in page_two and "father had moved back" in page_two

    with make_kb(tmp_path / "kb") as kb:
        outcome = kb.ingest([str(path)]).outcomes[0]
        assert outcome.status == "ingested"
        assert any("page 2 was scanned and read by OCR" in w for w in outcome.warnings)
        stored = kb.documents()[0]
        assert stored["ocr_pages"] == [2]
        hit = kb.search("father moved back into the family home").results[0]
        assert hit["page"] == 2 and "(read by OCR)" in kb_citation(hit)


def kb_citation(hit):
    from kb.core.citations import citation
    return citation(hit["document"], hit["section"], hit["page"])


def test_without_ocr_the_scanned_page_is_reported_not_read(tmp_path):
    path = _pdf_with_a_scanned_page(tmp_path)
    doc = read_document(path.read_bytes(), path.name, ocr=None)
    assert doc.unread_pages == [2] and doc.ocr_pages == []
    assert not any(b.page == 2 for b in doc.blocks)


def test_the_setting_is_checked():
    assert ocr.from_setting("off") is None
    with pytest.raises(ConfigError, match="KB_OCR must be"):
        ocr.from_setting("sometimes")
    if shutil.which("tesseract") is None:
        with pytest.raises(ConfigError, match="not installed"):
            ocr.from_setting("on")
