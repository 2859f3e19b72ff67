"""Reading fidelity and speed on the realistic corpus (tests/realistic/fixtures: Word files
and their LibreOffice PDFs, with the Word source as ground truth; tests/realistic/make_corpus.py
writes them). Prints a table: per file, the shares of kb.ingest.fidelity and pages a second.

    .venv/bin/python bench/reading_fidelity.py [FOLDER] [-v]"""
from __future__ import annotations

import io
import json
import sys
import time
from pathlib import Path

from pypdf import PdfReader

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kb.ingest.fidelity import measure  # noqa: E402
from kb.ingest.points import extract_points  # noqa: E402
from kb.ingest.readers import read_document  # noqa: E402


def run(folder: Path, verbose: bool = False) -> list[tuple]:
    rows = []
    for truth_path in sorted(folder.glob("*.truth.json")):
        truth = json.loads(truth_path.read_text())
        stem = truth_path.name[: -len(".truth.json")]
        for suffix in (".docx", ".html", ".pdf", ".tagged.pdf"):
            path = folder / f"{stem}{suffix}"
            if not path.exists():
                continue
            data = path.read_bytes()
            t0 = time.perf_counter()
            _sections, points = extract_points(read_document(data, path.name))
            seconds = time.perf_counter() - t0
            pages = ([p.extract_text() or "" for p in PdfReader(io.BytesIO(data)).pages]
                     if suffix.endswith(".pdf") else None)
            f = measure(truth["units"], [vars(p) for p in points], pages)
            rows.append((path.name, len(pages) if pages else None, f, seconds))
            if verbose:
                for m in f.misses:
                    print(f"  missed in {path.name}: {m}")
    return rows


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("-")]
    folder = Path(args[0]) if args else ROOT / "tests" / "realistic" / "fixtures"
    rows = run(folder, "-v" in sys.argv)
    print(f"{'file':<28} {'pages':>5} {'units':>5} {'points':>6} {'own point':>9} {'heading':>7} "
          f"{'not content':>11} {'page':>5} {'pages/s':>7}")
    for name, pages, f, seconds in rows:
        page = f"{f.right_page:5.2f}" if f.right_page is not None else "    —"
        speed = f"{pages / seconds:7.1f}" if pages else "      —"
        print(f"{name:<28} {pages or '—':>5} {f.units:>5} {f.points:>6} {f.recovered:9.2f} {f.right_heading:7.2f} "
              f"{f.not_content:11.2f} {page} {speed}")


if __name__ == "__main__":
    main()
