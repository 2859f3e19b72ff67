"""Every registered exporter keeps the same contract, and adding one is a render function
plus one registry entry: `kb briefing export --format` follows (the API and the briefing
page's links too: tests/web/test_briefings.py)."""
from __future__ import annotations

import io

import docx
import pytest
from click.testing import CliRunner

from kb.briefings.export import EXPORTERS, Exporter
from kb.cli import main
from tests.conftest import KEYWORD_ENGINE


def _text(data: bytes, exporter: Exporter) -> str:
    """What a reader of the file sees, as text."""
    if exporter.extension == "docx":
        return "\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)
    assert exporter.mimetype.startswith("text/"), f"how to read a {exporter.key} export belongs here"
    return data.decode("utf-8")


@pytest.fixture
def briefing(seed_kb):
    pid = seed_kb.search("was not brought", k=1).results[0]["id"]
    b = seed_kb.create_briefing("local", "Registry check")
    item = seed_kb.add_to_briefing(b["id"], pid, note="Our own words.")
    return seed_kb, b["id"], item


@pytest.mark.parametrize("key", list(EXPORTERS))
def test_every_exporter_keeps_the_contract(briefing, key):
    kb, bid, item = briefing
    exporter = EXPORTERS[key]
    assert exporter.key == key and exporter.label and exporter.extension and "/" in exporter.mimetype
    out = kb.export_briefing(bid, key, base_url="https://kb.example")
    assert out.filename == f"registry-check.{exporter.extension}" and out.mimetype == exporter.mimetype
    text = _text(out.data, exporter)
    assert item["text"] in text and item["source"]["title"] in text and "Our own words." in text
    assert f"https://kb.example/points/{item['point_id']}" in text or exporter.extension == "docx"


def _plain(layout, made_on) -> str:
    """The tiny example exporter: each part's heading, then its quotations, as plain text."""
    lines = [layout.title, made_on.isoformat()]
    for part in layout.parts:
        lines += ["", part.heading] + [f'"{q.text}" ({q.citation})' for q in part.quotations]
    return "\n".join(lines) + "\n"


def test_a_new_exporter_is_one_function_and_one_registry_entry(briefing, tmp_path, monkeypatch):
    kb, bid, item = briefing
    runner = CliRunner()
    args = ["--home", str(kb.home), "briefing", "export", str(bid), "--format", "txt", "-o", str(tmp_path / "b.txt")]
    assert runner.invoke(main, args).exit_code == 2  # not an export format yet
    monkeypatch.setitem(EXPORTERS, "txt", Exporter("txt", "Plain text (.txt)", "text/plain; charset=utf-8", "txt", _plain))
    out = kb.export_briefing(bid, "txt")
    assert out.filename.endswith(".txt") and item["text"] in out.data.decode()
    result = runner.invoke(main, args, env={"KB_EMBEDDER": "hash", "KB_KEYWORD_ENGINE": KEYWORD_ENGINE})
    assert result.exit_code == 0, result.output
    assert item["text"] in (tmp_path / "b.txt").read_text()
