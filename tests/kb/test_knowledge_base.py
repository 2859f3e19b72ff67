import functools
import http.server
import json
import shutil
import threading

import pytest

from kb.core.errors import IndexMismatch, NotFound
from tests.conftest import CORPUS, SEEDS, make_kb


def test_seed_corpus_documents_and_metadata(seed_kb):
    docs = {d["source_name"]: d for d in seed_kb.documents()}
    assert len(docs) == 5
    ls = docs["000_77e49d8702c71058.txt"]
    assert ls["title"] == "Learning Summary 2021-23" and ls["year"] == 2023
    assert ls["doc_type"] == "learning-summary" and ls["publisher"].startswith("Bromley")
    assert len(ls["sha256"]) == 64 and ls["visibility"] == "public" and ls["ingested_at"]
    assert docs["002_50c87ba602f88cca.txt"]["doc_type"] == "annual-report"


def test_show_document_has_sections_and_cited_points(seed_kb):
    doc = seed_kb.document("000-77e49d8702c71058")
    assert any(s["heading"] == "TABLETOP REVIEWS" for s in doc["sections"])
    p = next(p for p in doc["points"] if p["text"].startswith("Importance of applying Was Not Brought"))
    assert p["section_path"] == "TABLETOP REVIEWS" and p["context"].endswith("such as:")
    assert seed_kb.document("Learning Summary")["id"] == "000-77e49d8702c71058"


def test_reingest_changes_nothing(seed_kb):
    before = seed_kb.store.point_count()
    gen = seed_kb.store.generation()
    report = seed_kb.ingest([str(CORPUS)])
    assert report.count("unchanged") == 5 and report.count("ingested") == 0
    assert seed_kb.store.point_count() == before and seed_kb.store.generation() == gen


def test_a_document_read_by_older_rules_is_read_again(seed_kb):
    from kb.ingest.pipeline import RULES

    doc_id = "000-77e49d8702c71058"
    seed_kb.store.conn.execute("UPDATE documents SET rules = ? WHERE id = ?", (RULES - 1, doc_id))
    seed_kb.store.conn.commit()  # as a store written before this version of the rules
    report = seed_kb.ingest([str(CORPUS)])
    assert report.count("replaced") == 1 and report.count("unchanged") == 4
    assert seed_kb.store.document(doc_id)["rules"] == RULES
    assert seed_kb.ingest([str(CORPUS)]).count("unchanged") == 5


def test_new_version_replaces_old_points(kb, tmp_path):
    p = tmp_path / "review.txt"
    p.write_text("FINDINGS\n\n- Old point about supervision\n- Another old point\n")
    assert kb.ingest([str(p)]).count("ingested") == 1
    p.write_text("FINDINGS\n\n- New point about escalation of concerns\n")
    report = kb.ingest([str(p)])
    assert report.count("replaced") == 1
    assert [pt["text"] for pt in kb.store.points()] == ["New point about escalation of concerns"]
    assert len(kb.documents()) == 1
    assert kb.search("escalation").results[0]["text"] == "New point about escalation of concerns"
    assert not kb.search("supervision").results or all("Old" not in r["text"] for r in kb.search("supervision").results)


def test_remove_document(seed_kb):
    seed_kb.remove("003-d670d4a9ea96f58f")
    assert len(seed_kb.documents()) == 4
    assert all(r["document"]["id"] != "003-d670d4a9ea96f58f" for r in seed_kb.search("neglect", k=30).results)
    with pytest.raises(NotFound):
        seed_kb.document("003-d670d4a9ea96f58f")


def test_sidecar_and_options_override_metadata(kb, tmp_path):
    p = tmp_path / "child-c.txt"
    p.write_text("LEARNING REVIEW CHILD C\n\n- Professionals did not see the child alone\n")
    (tmp_path / "child-c.txt.meta.json").write_text(json.dumps({"publisher": "Anytown SCP", "date": "2021-05"}))
    kb.ingest([str(p)], {"doc_type": "learning-review", "visibility": "restricted"})
    d = kb.documents()[0]
    assert (d["publisher"], d["year"], d["doc_type"], d["visibility"]) == ("Anytown SCP", 2021, "learning-review", "restricted")


def test_bad_metadata_is_reported(kb, tmp_path):
    p = tmp_path / "x.txt"
    p.write_text("FINDINGS\n\n- A point\n")
    report = kb.ingest([str(p)], {"doc_type": "novel"})
    assert "unknown document type 'novel'" in report.failed[0].reason


def test_ingest_from_url_on_local_server(kb, tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    shutil.copy(SEEDS["000"], site / "summary.txt")
    (site / "review.html").write_text("<html><body><main><h1>Child D review</h1><h2>Learning</h2>"
                                      "<ul><li>Fathers must be invited to core groups</li></ul></main></body></html>")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
    handler.log_message = lambda *a: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        report = kb.ingest([f"{base}/summary.txt", f"{base}/review.html", f"{base}/missing.pdf"])
    finally:
        server.shutdown()
    assert [o.status for o in report.outcomes] == ["ingested", "ingested", "failed"]
    assert "404" in report.outcomes[2].reason
    urls = {d["source_url"] for d in kb.documents()}
    assert f"{base}/review.html" in urls


def test_vector_index_records_model_and_refuses_another(tmp_path):
    home = tmp_path / "kb"
    with make_kb(home) as k:
        k.ingest([str(SEEDS["000"])])
        assert k.search("supervision").results
    with make_kb(home, embedder="sentence-transformers", model="/nonexistent/other-model") as k:
        with pytest.raises(IndexMismatch, match="kb reindex"):
            k.search("supervision")


def test_original_file_is_kept(seed_kb):
    path, name = seed_kb.original_file("000-77e49d8702c71058")
    assert path.read_bytes() == SEEDS["000"].read_bytes()
    assert name == SEEDS["000"].name


def test_same_file_with_new_metadata_is_updated_not_unchanged(kb, tmp_path):
    p = tmp_path / "review.txt"
    p.write_text("FINDINGS\n\n- Supervision did not challenge drift in the plan\n")
    kb.ingest([str(p)])
    assert kb.ingest([str(p)]).count("unchanged") == 1
    report = kb.ingest([str(p)], {"doc_type": "cspr"})
    assert report.count("replaced") == 1 and kb.documents()[0]["doc_type"] == "cspr"
    assert kb.ingest([str(p)], {"doc_type": "cspr"}).count("unchanged") == 1


def test_changes_from_another_process_are_seen(tmp_path):
    home = tmp_path / "kb"
    with make_kb(home) as reader, make_kb(home) as writer:
        writer.ingest([str(SEEDS["000"])])
        assert reader.search("fathers").results
        writer.ingest([str(SEEDS["003"])])
        assert any(r["document"]["id"].startswith("003") for r in reader.search("neglect", k=20).results)


def test_the_same_content_under_another_name_is_reported_as_a_duplicate_and_not_stored(seed_kb, tmp_path):
    from click.testing import CliRunner

    from kb.cli import main
    from tests.conftest import KEYWORD_ENGINE

    before = seed_kb.stats()
    copy = tmp_path / "learning-summary-final-v2.txt"
    shutil.copy(SEEDS["000"], copy)
    report = seed_kb.ingest([str(copy)])
    outcome = report.outcomes[0]
    assert outcome.status == "duplicate" and outcome.document_id == "000-77e49d8702c71058"
    assert "duplicate of 000-77e49d8702c71058" in outcome.reason and "000_77e49d8702c71058.txt" in outcome.reason
    assert report.summary() == "0 ingested, 0 replaced, 0 unchanged, 1 duplicate, 0 failed"
    assert seed_kb.stats()["points"] == before["points"] and len(seed_kb.documents()) == 5
    result = CliRunner().invoke(main, ["--home", str(seed_kb.home), "ingest", "--quiet", str(copy)],
                                env={"KB_EMBEDDER": "hash", "KB_KEYWORD_ENGINE": KEYWORD_ENGINE})
    assert result.exit_code == 0 and "duplicate of 000-77e49d8702c71058" in result.output
