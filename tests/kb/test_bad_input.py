"""Every bad input gives one clear line naming the file and the reason, and changes nothing."""
import io

import pytest
from fpdf import FPDF
from pypdf import PdfReader, PdfWriter

from tests.conftest import SEEDS, make_kb, snapshot
from tests.pdf_maker import font_path, render_text_as_pdf

@pytest.fixture
def small_pdf(tmp_path):
    if font_path() is None:
        pytest.skip("DejaVu fonts missing")
    return render_text_as_pdf(SEEDS["000"].read_text(encoding="utf-8"), tmp_path / "src.pdf").read_bytes()


def encrypted(pdf: bytes, user: str, owner: str) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    writer.encrypt(user_password=user, owner_password=owner, algorithm="AES-128")
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def image_only_pdf() -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 100, 60, style="F")
    return bytes(pdf.output())


def assert_fails_unchanged(kb, path, reason_part):
    before = snapshot(kb)
    report = kb.ingest([str(path)])
    assert report.count("failed") == 1
    failure = report.failed[0]
    assert failure.source == str(path)
    assert reason_part in failure.reason
    assert snapshot(kb) == before


def test_unsupported_type(seed_kb, tmp_path):
    p = tmp_path / "minutes.xlsx"
    p.write_bytes(b"PK\x03\x04 not really")
    assert_fails_unchanged(seed_kb, p, "unsupported file type '.xlsx'")


def test_empty_file(seed_kb, tmp_path):
    p = tmp_path / "empty.txt"
    p.write_bytes(b"")
    assert_fails_unchanged(seed_kb, p, "the file is empty")


def test_corrupt_pdf(seed_kb, tmp_path):
    p = tmp_path / "corrupt.pdf"
    p.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 20)
    assert_fails_unchanged(seed_kb, p, "corrupt or truncated PDF")


def test_truncated_pdf(seed_kb, tmp_path, small_pdf):
    p = tmp_path / "truncated.pdf"
    p.write_bytes(small_pdf[: len(small_pdf) // 3])
    assert_fails_unchanged(seed_kb, p, "PDF")


def test_not_a_pdf_despite_its_name(seed_kb, tmp_path):
    p = tmp_path / "letter.pdf"
    p.write_text("Dear colleague, this is a text file.")
    assert_fails_unchanged(seed_kb, p, "not a PDF file")


def test_encrypted_pdf_with_password(seed_kb, tmp_path, small_pdf):
    p = tmp_path / "locked.pdf"
    p.write_bytes(encrypted(small_pdf, user="secret", owner="owner"))
    assert_fails_unchanged(seed_kb, p, "encrypted with a password")


def test_encrypted_pdf_with_empty_password_ingests(kb, tmp_path, small_pdf):
    p = tmp_path / "owner-only.pdf"
    p.write_bytes(encrypted(small_pdf, user="", owner="owner"))
    report = kb.ingest([str(p)])
    assert report.count("ingested") == 1, report.outcomes
    assert report.outcomes[0].points > 20


def test_pdf_without_text_layer_needs_ocr(seed_kb, tmp_path):
    p = tmp_path / "scanned.pdf"
    p.write_bytes(image_only_pdf())
    assert_fails_unchanged(seed_kb, p, "needs OCR")


def test_file_over_size_limit(tmp_path):
    with make_kb(tmp_path / "kb", max_file_mb=0.001) as k:
        p = tmp_path / "big.txt"
        p.write_text("Learning point about supervision.\n\n" * 200)
        assert_fails_unchanged(k, p, "the limit is 0.001 MB")


def test_non_utf8_text_is_decoded(kb, tmp_path):
    p = tmp_path / "cp1252.txt"
    text = ("KEY FINDINGS\n\n- The child’s voice was not heard – professionals focused on the parents’ needs\n"
            "- Fathers were not invited to the core group meeting\n")
    p.write_bytes(text.encode("cp1252"))
    report = kb.ingest([str(p)])
    assert report.count("ingested") == 1, report.outcomes
    texts = [pt["text"] for pt in kb.store.points()]
    assert "The child’s voice was not heard – professionals focused on the parents’ needs" in texts


def test_binary_garbage_with_text_name(seed_kb, tmp_path):
    p = tmp_path / "garbage.txt"
    p.write_bytes(b"\x00\x01\x02\xff\xfe" * 100)
    assert_fails_unchanged(seed_kb, p, "binary")


def test_batch_goes_on_past_failures(kb, tmp_path):
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"%PDF-1.4 broken")
    good = tmp_path / "good.txt"
    good.write_text("FINDINGS\n\n- Supervision was not reflective enough to challenge drift\n")
    report = kb.ingest([str(bad), str(good)])
    assert [o.status for o in report.outcomes] == ["failed", "ingested"]


def test_failure_while_saving_leaves_store_unchanged(seed_kb, tmp_path, monkeypatch):
    p = tmp_path / "new-review.txt"
    p.write_text("FINDINGS\n\n- First learning point about escalation\n- Second point about GPs\n- Third point\n")
    before = snapshot(seed_kb)
    real_execute = seed_kb.store.conn.execute
    calls = {"n": 0}

    class Boom(Exception):
        pass

    def flaky(sql, *args):
        if sql.lstrip().startswith("INSERT INTO points"):
            calls["n"] += 1
            if calls["n"] == 2:
                raise Boom("disk full")
        return real_execute(sql, *args)

    class ConnProxy:
        def __getattr__(self, name):
            return getattr(real_conn, name)

        def execute(self, sql, *args):
            return flaky(sql, *args)

    real_conn = seed_kb.store.conn
    monkeypatch.setattr(seed_kb.store, "conn", ConnProxy())
    report = seed_kb.ingest([str(p)])
    monkeypatch.undo()
    assert report.count("failed") == 1 and "nothing was changed" in report.failed[0].reason
    assert calls["n"] == 2
    assert snapshot(seed_kb) == before
    assert not list((seed_kb.home / "files").glob("new-review*"))
