"""Benchmark: a synthetic knowledge base of N learning points (seed points repeated with
perturbed wording), then index build time, warm query latency (keyword, vector, hybrid)
through the library and through the CLI's process start, and peak memory.

    .venv/bin/python bench/search_bench.py                 # 100,000 points, real model
    .venv/bin/python bench/search_bench.py --points 20000 --embedder hash   # quick look

Prints a Markdown table. Compare figures from one run; these machines are noisy.
"""
from __future__ import annotations

import argparse
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ingest.pipeline import prepare  # noqa: E402
from kb import KnowledgeBase, Settings  # noqa: E402
from kb.embedding import passage_text  # noqa: E402

QUERIES = ["was not brought", "voice of the child", "information sharing between agencies",
           "professional curiosity", "escalation policy", "how is neglect identified early",
           "female genital mutilation risk assessment", "thresholds", "record keeping",
           "child protection plans not effective", "fathers not assessed", "supervision and caseloads",
           "children not taken to appointments", "domestic abuse and coercive control", "WNB", "CCE county lines"]
SWAPS = {"important": "vital", "need": "requirement", "children": "young people", "practitioners": "professionals",
         "agencies": "services", "ensure": "make sure", "improve": "strengthen", "concerns": "worries"}


def perturb(text: str, rng: random.Random) -> str:
    words = text.split()
    out = []
    for w in words:
        r = rng.random()
        if r < 0.05:
            continue
        out.append(SWAPS.get(w.lower(), w) if r < 0.25 else w)
    return " ".join(out) or text


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))] * 1000


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--points", type=int, default=100_000)
    ap.add_argument("--embedder", default="sentence-transformers", choices=["sentence-transformers", "hash"])
    ap.add_argument("--repeats", type=int, default=5, help="passes over the query list")
    ap.add_argument("--home", help="keep the synthetic knowledge base in this folder, and reuse it when it is "
                                   "already there (build and embedding times are then not measured)")
    args = ap.parse_args()

    home = Path(args.home) if args.home else Path(tempfile.mkdtemp(prefix="kb-bench-"))
    reuse = bool(args.home) and (home / "kb.sqlite").exists()
    settings = Settings.from_env(home=str(home), embedder=args.embedder)
    kb = KnowledgeBase(settings)
    rows = []
    if reuse:
        total, n_doc = kb.store.point_count(), len(kb.store.documents())
        kb.refresh_indexes()
        rows.append(("points / documents (reused)", f"{total:,} / {n_doc:,}"))
    else:
        total, n_doc = build(kb, args.points, rows)
    measure(kb, home, args, rows)


def build(kb, points: int, rows: list) -> tuple[int, int]:
    seeds = []
    for f in sorted((ROOT / "corpus").glob("0*.txt")):
        seeds.append(prepare(f.read_bytes(), f.name, [{}], set(kb.taxonomy.document_types)))
    rng = random.Random(7)
    t0 = time.perf_counter()
    total = n_doc = 0
    embed_s = 0.0
    while total < points:
        src = seeds[n_doc % len(seeds)]
        meta = dict(src.meta, id=f"bench-{n_doc}", source_name=f"bench-{n_doc}.txt", year=2015 + n_doc % 10,
                    ingested_at="2026-01-01T00:00:00+00:00", file_path=None)
        pts = [dict(p, text=perturb(p["text"], rng)) for p in src.points][: points - total]
        e0 = time.perf_counter()
        vecs = kb.embedder.encode([passage_text(p) for p in pts])
        embed_s += time.perf_counter() - e0
        kb.store.replace_document(meta, src.sections, pts, vecs, kb.model)
        total += len(pts)
        n_doc += 1
        print(f"\r{total} points", end="", file=sys.stderr)
    print(file=sys.stderr)
    load_s = time.perf_counter() - t0
    t1 = time.perf_counter()
    kb.refresh_indexes()
    build_s = time.perf_counter() - t1
    rows.append(("points / documents", f"{total:,} / {n_doc:,}"))
    rows.append(("embedding (model: %s)" % kb.model, f"{embed_s:.1f} s"))
    rows.append(("store write incl. embedding", f"{load_s:.1f} s"))
    rows.append(("index build (whoosh + faiss from store)", f"{build_s:.1f} s"))
    return total, n_doc


def measure(kb, home: Path, args, rows: list) -> None:
    kb.search("warm up")  # load indexes, point metadata and the model
    for q in QUERIES:
        kb.search(q)
    kw, vec, hyb = [], [], []
    for _ in range(args.repeats):
        for q in QUERIES:
            t = time.perf_counter()
            kb.keyword.search(q, kb.glossary.expand(q), limit=110)
            kw.append(time.perf_counter() - t)
            t = time.perf_counter()
            kb.vectors.search(kb.embedder.encode([q])[0], 110)
            vec.append(time.perf_counter() - t)
            t = time.perf_counter()
            kb.search(q)
            hyb.append(time.perf_counter() - t)
    for name, xs in (("keyword", kw), ("vector (embed query + faiss)", vec), ("hybrid (kb.search)", hyb)):
        rows.append((f"{name} p50 / p95, warm, library", f"{percentile(xs, 50):.1f} / {percentile(xs, 95):.1f} ms"))

    cli = []
    env = dict(os.environ, KB_HOME=str(home), KB_EMBEDDER=args.embedder, HF_HUB_OFFLINE="1")
    for q in QUERIES[:5]:
        t = time.perf_counter()
        subprocess.run([str(ROOT / ".venv" / "bin" / "kb"), "search", q, "--json"], env=env,
                       capture_output=True, check=True)
        cli.append(time.perf_counter() - t)
    rows.append(("hybrid through the CLI (process start) p50", f"{statistics.median(cli):.2f} s"))
    rows.append(("peak memory (this process)", f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB"))

    print(f"\n| measure ({os.cpu_count()} cores) | value |\n|---|---|")
    for k, v in rows:
        print(f"| {k} | {v} |")


if __name__ == "__main__":
    main()
