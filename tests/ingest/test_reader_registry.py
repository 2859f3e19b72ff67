"""Every registered reader keeps the same contract, and adding one is a module plus one
registry entry: the folder walk, downloads, the upload page and ingest all follow."""
from __future__ import annotations

import io

import docx
import pytest

from kb.core.errors import IngestError, UnsupportedFormat
from kb.ingest import readers
from kb.ingest.fetch import download_name
from kb.ingest.readers.format import ReaderFormat
from kb.ingest.structure import PARAGRAPH, Block, DocumentStructure
from kb.web import create_app
from tests.pdf_maker import font_path, render_text_as_pdf

SENTENCE = "Fathers were not invited to the strategy meeting."
TEXT = f"LEARNING REVIEW CHILD A\n\nKEY FINDINGS\n\n{SENTENCE}\n"


def _pdf(tmp_path) -> bytes:
    if font_path() is None:
        pytest.skip("DejaVu fonts missing (apt-get install fonts-dejavu-core)")
    return render_text_as_pdf(TEXT, tmp_path / "sample.pdf").read_bytes()


def _docx(_tmp_path) -> bytes:
    d = docx.Document()
    d.add_heading("Learning review Child A", level=1)
    d.add_heading("Key findings", level=2)
    d.add_paragraph(SENTENCE)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def _html(_tmp_path) -> bytes:
    return (f"<!doctype html><html><head><title>Child A</title></head><body><main><h1>Learning review Child A"
            f"</h1><h2>Key findings</h2><p>{SENTENCE}</p></main></body></html>").encode()


SAMPLES = {"PDF": _pdf, "Word (.docx)": _docx, "web pages (.html)": _html,
           "text (.txt, .md)": lambda _t: TEXT.encode()}


@pytest.mark.parametrize("fmt", readers.REGISTRY, ids=lambda f: f.label)
def test_every_reader_keeps_the_contract(fmt, tmp_path):
    assert fmt.label in SAMPLES, f"a sample document for the new reader '{fmt.label}' belongs in SAMPLES"
    assert fmt.suffixes and all(s.startswith(".") and s == s.lower() for s in fmt.suffixes)
    assert fmt.content_types and all("/" in t for t in fmt.content_types)
    data = SAMPLES[fmt.label](tmp_path)
    for suffix in fmt.suffixes:
        name = f"review{suffix}"
        assert readers.reader_for(name) is fmt.read
        structure = readers.read_document(data, name)
        assert any(SENTENCE in b.text for b in structure.blocks)
        with pytest.raises(IngestError, match="empty") as err:
            readers.read_document(b"", name)
        assert err.value.source == name
    for ctype in fmt.content_types:
        assert readers.suffix_for_content_type(ctype) == fmt.suffixes[0]
        assert download_name("https://example.org/review", ctype) == f"example.org-review{fmt.suffixes[0]}"
    assert all(s in readers.accept().split(",") for s in fmt.suffixes)
    assert fmt.label in readers.described()


def _read_csv(data: bytes, name: str):
    """The tiny example reader: the first cell of each row of a comma-separated file, as a paragraph."""
    rows = [[c.strip() for c in line.split(",")] for line in data.decode("utf-8").splitlines() if line.strip()]
    return DocumentStructure(title=name, blocks=[Block(PARAGRAPH, r[0].rstrip(".") + ".") for r in rows])


CSV = ReaderFormat("spreadsheets (.csv)", (".csv",), ("text/csv",), _read_csv)


def test_a_new_reader_is_one_module_and_one_registry_entry(kb, tmp_path, monkeypatch):
    with pytest.raises(UnsupportedFormat):
        readers.reader_for("actions.csv")
    monkeypatch.setattr(readers, "REGISTRY", readers.REGISTRY + [CSV])
    folder = tmp_path / "incoming"
    folder.mkdir()
    (folder / "actions.csv").write_text(f"{SENTENCE},health\nThe GP was not told of the plan,police\n")
    assert kb.expand_sources([str(folder)]) == [str(folder / "actions.csv")]
    report = kb.ingest([str(folder)])
    assert report.count("ingested") == 1
    assert any(SENTENCE in r["text"] for r in kb.search("fathers strategy meeting", k=3).results)
    assert download_name("https://example.org/actions", "text/csv") == "example.org-actions.csv"
    kb.add_user("admin", "correct horse battery")
    app = create_app(kb.settings, {"TESTING": True})
    client = app.test_client()
    token = client.get("/api/csrf").get_json()["csrf_token"]
    client.post("/login", data={"name": "admin", "password": "correct horse battery", "csrf_token": token})
    page = client.get("/admin/upload").get_data(as_text=True)
    app.extensions["ingest_queue"].wait()
    assert 'accept=".pdf,.docx,.html,.htm,.txt,.md,.text,.markdown,.csv"' in page and "spreadsheets (.csv)" in page
