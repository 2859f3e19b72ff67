"""Benchmark at national scale: build, search latency (library and /api/search), filtered
search, CLI cold start, pages, memory, ANN recall, adding a document, concurrency.

    .venv/bin/python bench/search_bench.py --home /tmp/bench100k            # 100,000 points, real model
    .venv/bin/python bench/search_bench.py --home /tmp/bench1m --points 1000000 --synthesise-from /tmp/bench100k
    .venv/bin/python bench/search_bench.py --points 20000 --embedder hash   # quick look

The 100,000 points are the seed points repeated with perturbed wording, embedded by the
real model. A million points cannot be embedded on 2 cores in reasonable time (about
2 hours), so `--synthesise-from` writes perturbed texts with vectors that are noisy
copies of a built knowledge base's real embeddings (the table says so). With `--home`
the knowledge base is kept and reused (then build times are not measured again).
Prints a Markdown table. Compare figures from one run; these machines are noisy.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kb.ingest.pipeline import prepare
from kb import Filters, KnowledgeBase, Settings
from kb.search.embedding import passage_text
from kb.analysis.tagging import classify
from kb.core.errors import IndexMismatch
from kb.search.keyword import plan

QUERIES = ["was not brought", "voice of the child", "information sharing between agencies",
           "professional curiosity", "escalation policy", "how is neglect identified early",
           "female genital mutilation risk assessment", "thresholds", "record keeping",
           "child protection plans not effective", "fathers not assessed", "supervision and caseloads",
           "children not taken to appointments", "domestic abuse and coercive control", "WNB", "CCE county lines"]
FILTERS = [Filters(include_restricted=False), Filters(year_from=2019, year_to=2021),
           Filters(themes=["was-not-brought"]), Filters(doc_types=["annual-report"], statement_types=["finding"])]
SWAPS = {"important": "vital", "need": "requirement", "children": "young people", "practitioners": "professionals",
         "agencies": "services", "ensure": "make sure", "improve": "strengthen", "concerns": "worries"}
KB = [str(ROOT / ".venv" / "bin" / "kb")]


def perturb(text: str, rng: random.Random) -> str:
    out = []
    for w in text.split():
        r = rng.random()
        if r < 0.05:
            continue
        out.append(SWAPS.get(w.lower(), w) if r < 0.25 else w)
    return " ".join(out) or text


def ms(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))] * 1000


def p50_95(values) -> str:
    return f"{ms(values, 50):.1f} / {ms(values, 95):.1f} ms"


def timed(fn) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def folder_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in Path(path).rglob("*") if f.is_file()) / 1e6


# ---------------------------------------------------------------- building
def seeds(kb):
    out = []
    for f in sorted((ROOT / "corpus").glob("0*.txt")):
        out.append(prepare(f.read_bytes(), f.name, [{}], set(kb.taxonomy.document_types)))
    return out


def build(kb, points: int, rows: list, source: Path | None) -> None:
    """Write `points` perturbed seed points: embedded by the model, or noisy copies of `source`'s vectors."""
    rng, nrng = random.Random(7), np.random.default_rng(7)
    src_docs = seeds(kb)
    pool = None
    if source is not None:
        with KnowledgeBase(Settings.from_env(home=str(source))) as src:
            _ids, pool = src.store.embeddings(src.model)
    t0, embed_s, total, n_doc = time.perf_counter(), 0.0, 0, 0
    tags: dict[int, list[tuple]] = {}  # each seed document tagged once; its copies take the same tags
    while total < points:
        src = src_docs[n_doc % len(src_docs)]
        meta = dict(src.meta, id=f"bench-{n_doc}", source_name=f"bench-{n_doc}.txt", year=2015 + n_doc % 10,
                    ingested_at="2026-01-01T00:00:00+00:00", file_path=None,
                    visibility="restricted" if n_doc % 10 == 9 else "public")
        pts = [dict(p, text=perturb(p["text"], rng)) for p in src.points][: points - total]
        e0 = time.perf_counter()
        if pool is None:
            vecs = kb.embedder.encode([passage_text(p) for p in pts])
        else:
            vecs = pool[nrng.integers(0, len(pool), len(pts))] + nrng.normal(scale=0.03, size=(len(pts), pool.shape[1]))
            vecs = (vecs / np.linalg.norm(vecs, axis=1, keepdims=True)).astype(np.float32)
        embed_s += time.perf_counter() - e0
        if n_doc % len(src_docs) not in tags:
            classify(kb.tagger, pts, vecs, meta)
            tags[n_doc % len(src_docs)] = [(p["statement_type"], p["themes"], p["theme_tags"]) for p in pts]
        for p, (stype, themes, theme_tags) in zip(pts, tags[n_doc % len(src_docs)]):
            p.update(statement_type=stype, themes=themes, theme_tags=theme_tags)
        kb.store.replace_document(meta, src.sections, pts, vecs, kb.model)
        total += len(pts)
        n_doc += 1
        print(f"\r{total:,} points", end="", file=sys.stderr)
    print(file=sys.stderr)
    rows.append(("points / documents", f"{total:,} / {n_doc:,}"))
    rows.append(("vectors", ("real model" if kb.model != "hash-256" else "hashing embedder (no model: a quick look)")
                 if pool is None else "synthesised: noisy copies of real embeddings"))
    rows.append(("embedding" if pool is None else "vector synthesis", f"{embed_s:.1f} s"))
    rows.append(("store write incl. embedding", f"{time.perf_counter() - t0:.1f} s"))
    rows.append(("index build (keyword + vectors, from the store)", f"{timed(kb.refresh_indexes):.1f} s"))


# ---------------------------------------------------------------- the server
class Server:
    """`kb serve` in a subprocess on a free local port."""

    def __init__(self, home: Path, env: dict):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = subprocess.Popen(KB + ["--home", str(home), "serve", "--port", str(self.port), "--threads", "8"],
                                     env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            try:
                self.get("/api/health")
                return
            except OSError:
                time.sleep(0.5)
        raise SystemExit("the server did not start")

    def get(self, path: str, timeout: float = 120) -> bytes:
        with urllib.request.urlopen(self.url + path, timeout=timeout) as r:
            return r.read()

    def rss_mb(self) -> float:
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return 0.0

    def close(self) -> None:
        self.proc.terminate()
        self.proc.wait(30)


def search_path(q: str, **params) -> str:
    return "/api/search?" + urllib.parse.urlencode(dict(q=q, **params))


# ---------------------------------------------------------------- measuring
def measure(kb, home: Path, args, rows: list) -> None:
    queries = QUERIES + dev_queries()
    kb.search("warm up")
    for q in queries:
        kb.search(q)
    kw, vec, hyb, hyb_new, filt = [], [], [], [], []
    for _ in range(args.repeats):
        kb.embedder.encode_query.clear()
        for q in queries:
            hyb_new.append(timed(lambda: kb.search(q)))  # the query's embedding computed
        for q in queries:
            kw.append(timed(lambda: kb.keyword.search(plan(q, kb.glossary.expand(q)), 110)))
            vec.append(timed(lambda: kb.vectors.search(kb.embedder.encode_query(q), 110)))
            hyb.append(timed(lambda: kb.search(q)))
            for f in FILTERS:
                filt.append(timed(lambda: kb.search(q, filters=f)))
    rows.append(("keyword engine", kb.keyword.engine))
    rows.append(("vector index", f"{kb.vectors.kind} ({kb.vectors.count:,} vectors)"))
    rows.append(("index sizes: keyword / vectors", f"{folder_mb(home / 'keyword'):.0f} / "
                 f"{sum(f.stat().st_size for f in home.glob('vectors.*')) / 1e6:.0f} MB"))
    rows.append(("keyword p50 / p95, library", p50_95(kw)))
    rows.append(("vector (query embedding, cached, + faiss) p50 / p95, library", p50_95(vec)))
    rows.append(("hybrid p50 / p95, library (query seen before)", p50_95(hyb)))
    rows.append(("hybrid p50 / p95, library (new query: embedding included)", p50_95(hyb_new)))
    rows.append(("filtered hybrid p50 / p95, library (4 filters)", p50_95(filt)))
    rows.append(("ANN recall@100 against exact search", ann_recall(kb, queries)))

    env = dict(os.environ, KB_EMBEDDER=args.embedder, HF_HUB_OFFLINE="1")
    cold = [timed(lambda: subprocess.run(KB + ["--home", str(home), "search", q, "--json"], env=env,
                                         capture_output=True, check=True)) for q in QUERIES[:3]]
    rows.append(("CLI `kb search` cold start (whole command) p50", f"{statistics.median(cold):.2f} s"))
    docs_s = timed(lambda: subprocess.run(KB + ["--home", str(home), "documents"], env=env, capture_output=True,
                                          check=True))
    rows.append(("CLI `kb documents` (whole command)", f"{docs_s:.2f} s"))

    server = Server(home, env)
    try:
        for q in queries:
            server.get(search_path(q))
        api = [timed(lambda: server.get(search_path(q))) for _ in range(args.repeats) for q in queries]
        api_f = [timed(lambda: server.get(search_path(q, year="2019-2021", theme="was-not-brought")))
                 for _ in range(args.repeats) for q in queries]
        rows.append(("hybrid p50 / p95 through /api/search", p50_95(api)))
        rows.append(("filtered hybrid p50 / p95 through /api/search", p50_95(api_f)))
        rows.append(("searches per second, 8 concurrent clients (/api/search)", f"{throughput(server, queries):.1f}"))
        pages(server, kb, rows, args.skip_recurring)
        rows.append(("resident memory of the searching server", f"{server.rss_mb():.0f} MB"))
        rows.append(("time to add a 50-page review until /api/search finds it", add_document(kb, server)))
    finally:
        server.close()
    rows.append(("peak memory of this process (build and library searches)",
                 f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB"))


def dev_queries() -> list[str]:
    f = ROOT.parent / "shared" / "eval" / "dev.json"
    return [q["query"] for q in json.loads(f.read_text())["queries"]] if f.exists() else []


def ann_recall(kb, queries) -> str:
    if kb.vectors.kind == "exact":
        return "1.000 (exact index)"
    overlap = []
    for q in queries:
        qv = kb.embedder.encode_query(q)
        approx = {i for i, _ in kb.vectors.search(qv, 100)}
        exact = {i for i, _ in kb.vectors._exact(qv, None, 100)}
        overlap.append(len(approx & exact) / 100)
    return f"{np.mean(overlap):.3f}"


def throughput(server: Server, queries: list[str], clients: int = 8, seconds: float = 20.0) -> float:
    done, stop = [0] * clients, time.monotonic() + seconds

    def client(n: int):
        i = n
        while time.monotonic() < stop:
            server.get(search_path(queries[i % len(queries)], offset=(i // len(queries)) % 3 * 10))
            done[n] += 1
            i += clients

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(done) / seconds


def pages(server: Server, kb, rows: list, skip_recurring: bool = False) -> None:
    doc = next(d["id"] for d in kb.documents() if d["visibility"] == "public")
    bid = kb.create_briefing("bench", "Bench briefing")["id"]
    for pid in [r["id"] for r in kb.search("was not brought", k=5).results]:
        kb.add_to_briefing(bid, pid, "bench")
    todo = [("search page", "/?q=was+not+brought"), ("themes index", "/themes"),
            ("theme page", "/themes/was-not-brought"), ("theme-by-year table", "/themes/years"),
            ("theme-by-year CSV", "/themes/years.csv"), ("document library", "/documents"),
            ("document page", f"/documents/{doc}")]
    for name, path in todo:
        first = _page(server, path)
        warm = _page(server, path)
        rows.append((f"page: {name}, first / warm", f"{first} / {warm}"))
    if skip_recurring:
        rows.append(("page: recurring findings", "not measured (--skip-recurring)"))
    else:
        first = _page(server, "/recurring", timeout=600)
        rows.append(("page: recurring findings, first computation / warm", f"{first} / {_page(server, '/recurring')}"))
    t = time.perf_counter()
    kb.export_briefing(bid, "docx", "bench")
    rows.append(("briefing export (Word, 5 points), library", f"{(time.perf_counter() - t) * 1000:.0f} ms"))


def _page(server: Server, path: str, timeout: float = 120) -> str:
    try:
        return f"{timed(lambda: server.get(path, timeout)) * 1000:.0f} ms"
    except Exception as exc:  # a timeout is a result too
        return f"failed ({type(exc).__name__})"


def add_document(kb, server: Server) -> str:
    """A ~50-page review (the seed texts, reworded, one unique sentence) ingested by the library;
    the time until the running server's /api/search returns it."""
    rng = random.Random(11)
    text = "\n\n".join(perturb(p.read_text(encoding="utf-8"), rng) for p in sorted((ROOT / "corpus").glob("0*.txt")))
    text = text[: len(text) * 25_000 // len(text.split())]  # about 25,000 words: 50 pages of 500
    words = len(text.split())
    marker = f"The bench lodger {rng.randrange(10**6)} was never checked by any agency."
    data = (text[: len(text) // 2] + f"\n\n{marker}\n\n" + text[len(text) // 2:]).encode("utf-8")
    t = time.perf_counter()
    outcome = kb.ingest_bytes(data, f"bench-added-{time.time():.0f}.txt")
    while marker.split()[3] not in server.get(search_path(marker, k=3)).decode("utf-8"):
        if time.perf_counter() - t > 600:
            return "not found within 10 min"
        time.sleep(0.2)
    took = time.perf_counter() - t
    kb.remove(outcome.document_id)
    return f"{took:.1f} s ({outcome.points} points, {words:,} words ≈ {words // 500} pages)"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--points", type=int, default=100_000)
    ap.add_argument("--embedder", default="sentence-transformers", choices=["sentence-transformers", "hash"])
    ap.add_argument("--repeats", type=int, default=3, help="passes over the query list")
    ap.add_argument("--home", help="keep the knowledge base in this folder and reuse it when it is there")
    ap.add_argument("--skip-recurring", action="store_true",
                    help="do not open the recurring findings page (minutes at a million points)")
    ap.add_argument("--synthesise-from", help="a built knowledge base whose real embeddings the vectors copy")
    args = ap.parse_args()

    home = Path(args.home) if args.home else Path(tempfile.mkdtemp(prefix="kb-bench-"))
    reuse = bool(args.home) and (home / "kb.sqlite").exists()
    kb = KnowledgeBase(Settings.from_env(home=str(home), embedder=args.embedder))
    rows: list[tuple[str, str]] = []
    if reuse:
        try:
            t = timed(kb.refresh_indexes)
        except IndexMismatch:  # built by another engine or an older index format: rebuild, no re-embedding
            t = timed(kb.reindex)
        rows.append(("points / documents (reused knowledge base)",
                     f"{kb.store.point_count():,} / {len(kb.store.documents()):,}"))
        rows.append(("index refresh on opening (a rebuild if the code's index format changed)", f"{t:.1f} s"))
    else:
        build(kb, args.points, rows, Path(args.synthesise_from) if args.synthesise_from else None)
    measure(kb, home, args, rows)
    print(f"\n| measure ({os.cpu_count()} cores, {os.sysconf('SC_PHYS_PAGES') * os.sysconf('SC_PAGE_SIZE') / 2**30:.0f}"
          f" GB) | value |\n|---|---|")
    for k, v in rows:
        print(f"| {k} | {v} |")


if __name__ == "__main__":
    main()
