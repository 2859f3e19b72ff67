"""Exported briefings, opened as their readers would: the .docx with python-docx, the HTML
with BeautifulSoup, the Markdown as text. Quotations verbatim with citations, the parts of the
template, the author's words apart from quotations, a reference list; the CLI writes the file."""
import io
import re

import docx
import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner

from kb.briefings import templates as briefings
from kb.cli import main
from kb.core.errors import Forbidden

SEVEN = [p.heading for p in briefings.template("seven-minute").parts]


@pytest.fixture
def built(seed_kb):
    """A 7-minute briefing of three points found by search, one annotated, one placed by hand."""
    ids = [r["id"] for r in seed_kb.search("was not brought", k=3).results]
    b = seed_kb.create_briefing("local", "Was Not Brought: what we learnt")
    items = [seed_kb.add_to_briefing(b["id"], pid) for pid in ids]
    seed_kb.edit_briefing(b["id"], texts={"why": "Children cannot take themselves to appointments.",
                                            "team": "Health visiting"})
    seed_kb.edit_briefing(b["id"], notes={items[1]["id"]: "Compare with our own DNA policy."},
                          boxes={items[2]["id"]: "do"})
    return seed_kb, seed_kb.briefing(b["id"])


def citation_bits(item):
    src = item["source"]
    return [src["title"], src["publisher"], src["date"] or str(src["year"]), item["section"]]


def test_docx_has_the_seven_boxes_quotations_citations_and_references(built):
    kb, b = built
    out = kb.export_briefing(b["id"], "docx", base_url="https://kb.example")
    assert out.filename == "was-not-brought-what-we-learnt.docx"
    document = docx.Document(io.BytesIO(out.data))
    paras = document.paragraphs
    headings = [p.text for p in paras if p.style.name == "Heading 1"]
    assert headings == SEVEN + ["Reflective questions", "Action plan", "References"]
    quotes = [p.text for p in paras if p.style.name == "Quote"]
    texts = [p.text for p in paras]
    for item in b["items"]:
        quote = next(q for q in quotes if item["text"] in q)
        assert quote.startswith(f"\u201c{item['text']}\u201d [")  # verbatim, in quotation marks, numbered
        number = re.search(r"\[(\d+)\]$", quote).group(1)
        cite = texts[texts.index(quote) + 1]
        assert cite.startswith("\u2014 ") and all(bit in cite for bit in citation_bits(item))
        ref = next(t for t in texts if t.startswith(f"[{number}] "))
        assert all(bit in ref for bit in citation_bits(item)) and "https://kb.example/points/" in ref
    assert sum(t.startswith("[") for t in texts[[p.text for p in paras].index("References"):]) == 3
    note = next(p for p in paras if "Compare with our own DNA policy." in p.text)
    assert note.style.name != "Quote" and note.runs[0].bold and "own words" in note.runs[0].text
    assert "\u201c" not in note.text  # the author's words are never in quotation marks
    assert "Children cannot take themselves to appointments." in texts
    assert [q.text for q in paras if q.style.name == "List Number"] == list(briefings.STANDARD_QUESTIONS)
    table = document.tables[0]
    assert [c.text for c in table.rows[0].cells] == ["Team", "Date", "Actions agreed", "Owner"]
    assert table.rows[1].cells[0].text == "Health visiting"
    # the hand-placed point is under "7. What to do"
    do_at, refs_at = texts.index("7. What to do"), texts.index("Reflective questions")
    assert any(b["items"][2]["text"] in t for t in texts[do_at:refs_at])


def test_markdown_export_is_checked_the_same_way(built):
    kb, b = built
    md = kb.export_briefing(b["id"], "md").data.decode("utf-8")
    assert re.findall(r"^## (.+)$", md, re.M) == SEVEN + ["Reflective questions", "Action plan", "References"]
    refs = md.split("## References", 1)[1]
    for item in b["items"]:
        m = re.search(rf"^> \u201c{re.escape(item['text'])}\u201d \[(\d+)\]\n>\n> \u2014 (.+)$", md, re.M)
        assert m, item["text"]
        assert all(bit in m.group(2) for bit in citation_bits(item))
        ref = re.search(rf"^{m.group(1)}\. (.+)$", refs, re.M).group(1)
        assert all(bit in ref for bit in citation_bits(item))
    assert "**Note (author's own words):** Compare with our own DNA policy." in md
    assert "| Health visiting |" in md


def test_html_export_is_print_ready_and_checked_the_same_way(built):
    kb, b = built
    html = kb.export_briefing(b["id"], "html", base_url="https://kb.example").data.decode("utf-8")
    soup = BeautifulSoup(html, "html.parser")
    assert [h.get_text() for h in soup.select("section.part h2")] == SEVEN
    assert "@media print" in html and "@page" in html and not soup.select("script, link[rel=stylesheet]")
    refs = {li["id"]: li.get_text(" ", strip=True) for li in soup.select("ol.references li")}
    assert len(refs) == 3
    for item in b["items"]:
        fig = next(f for f in soup.select("figure.quotation") if item["text"] in f.blockquote.get_text())
        assert f"\u201c{item['text']}\u201d" in fig.blockquote.get_text()
        cite = fig.figcaption.get_text()
        assert all(bit in cite for bit in citation_bits(item))
        ref = refs[fig.blockquote.a["href"].lstrip("#")]
        assert all(bit in ref for bit in citation_bits(item))
        assert fig.blockquote["cite"].startswith("https://kb.example/points/")
    note = soup.select_one("p.note")
    assert note.find_parent("blockquote") is None and "Compare with our own DNA policy." in note.get_text()


def test_markup_in_a_title_or_note_is_escaped(built):
    kb, b = built
    kb.edit_briefing(b["id"], title="<script>alert(1)</script>")
    html = kb.export_briefing(b["id"], "html").data.decode("utf-8")
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_the_quotation_outlives_its_document_and_keeps_its_visibility(built):
    kb, b = built
    item = b["items"][0]
    kb.update_metadata(item["document_id"], visibility="restricted")
    kb.remove(item["document_id"])
    after = kb.briefing(b["id"])
    kept = next(i for i in after["items"] if i["id"] == item["id"])
    assert kept["text"] == item["text"] and kept["point_id"] is None and kept["restricted"]
    with pytest.raises(Forbidden, match="restricted"):
        kb.export_briefing(b["id"], "md", include_restricted=False)
    md = kb.export_briefing(b["id"], "md", base_url="http://x").data.decode("utf-8")
    assert f"\u201c{item['text']}\u201d" in md and f"http://x/documents/{item['document_id']}" in md


def test_cli_exports_a_briefing_to_a_file(built, tmp_path):
    kb, b = built
    out = tmp_path / "brief.docx"
    r = CliRunner().invoke(main, ["--home", str(kb.home), "briefing", "export", str(b["id"]), "--format", "docx",
                                  "-o", str(out)], env={"KB_EMBEDDER": "hash"})
    assert r.exit_code == 0, r.output
    assert docx.Document(str(out)).paragraphs[0].text == "Was Not Brought: what we learnt"
    r = CliRunner().invoke(main, ["--home", str(kb.home), "briefing", "export", "999"], env={"KB_EMBEDDER": "hash"})
    assert r.exit_code == 1 and "no briefing 999" in r.output
    r = CliRunner().invoke(main, ["--home", str(kb.home), "briefing", "list"], env={"KB_EMBEDDER": "hash"})
    assert "Was Not Brought: what we learnt" in r.output and "3 points" in r.output
