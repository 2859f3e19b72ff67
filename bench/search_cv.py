"""Which of search's constants earn their place: each constant scored at each of its values on
the development set and on reworded variants of its queries (corpus/labels/query_variants.json:
a paraphrase, a question, an acronym form, a misspelling, each scored against the gold list of
the query it rewords), then cross-validated by leaving one information need out: each need's
queries (its development query and its variants) are scored by the value that is best on all
the other needs' queries.

    .venv/bin/python bench/search_cv.py --home DIR ../shared/eval/dev.json [--only NAME ...]

DIR holds a knowledge base of the seed corpus (built there when empty). For each constant it
prints nDCG@10 / MRR on the development set and on the variants at each value, the
cross-validated figures choosing among its values, and the cross-validated gain of the shipped
value over the constant's "off" value (the first listed) on all queries together, and on the
development queries alone (leaving one query out). A constant is kept when its gain on all
queries together is positive; a tie (under 0.001 either way) keeps it only if the shipped value
itself is not below off on all queries and the development queries alone do not say it is
worse. (Those alone are 16 queries: leaving one out flips with single queries, so they decide
only ties.)"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from kb import KnowledgeBase  # noqa: E402
from kb.search import searcher  # noqa: E402
from kb.search import evaluation  # noqa: E402
from kb.search.keyword import query as keyword_query  # noqa: E402

MODULES = {"searcher": searcher, "query": keyword_query}
GRID = {  # module.constant: the values tried, "off" first (the shipped value among them)
    "searcher.CONCEPT_WEIGHT": [0.0, 0.8, 1.0, 1.2, 1.5],
    "searcher.THEME_TERMS": [False, True],
    "searcher.FEEDBACK_MIN": [0, 3, 4, 5],
    "searcher.EMBED_LEAD_TERMS": [False, True],
    "searcher.STATEMENT_PRIORS context": [1.0, 0.95, 0.9, 0.85, 0.8],
    "searcher.STATEMENT_PRIORS action-taken": [1.0, 0.9, 1.1],
    "searcher.STATEMENT_PRIORS recommendation": [1.0, 0.9, 1.1],
    "searcher.STATEMENT_PRIORS good-practice": [1.0, 0.9, 1.1],
    "searcher.STATEMENT_PRIORS learning": [1.0, 0.9, 1.1],
    "searcher.STATEMENT_PRIORS finding": [1.0, 0.9, 1.1],
    "searcher.STATEMENT_PRIORS challenge": [1.0, 0.9, 1.1],
    "searcher.SHORT_POINT_FACTOR": [1.0, 0.75, 0.6],
    "searcher.EXPANSION_WEIGHT": [0.0, 0.5, 0.8, 1.0],
    "searcher.SPELL_OUT_ACRONYMS": [False, True],
    "searcher.NEGATIONS": [False, True],
    "searcher.DERIVATIONS": [False, True],
    "searcher.QUESTIONS": [False, True],
    "searcher.NEAR_REPEATS": [False, True],
    "searcher.RRF_K": [60, 30, 100],
    "searcher.KEYWORD_WEIGHT": [1.0, 0.7, 1.3],
    "searcher.VECTOR_WEIGHT": [1.0, 0.8, 1.3],
    "searcher.MAX_PER_DOCUMENT": [10, 4, 6, 8],
    "query.EXPANSION_BOOSTS heading": [0.0, 0.35],
    "query.EXPANSION_BOOSTS context": [0.0, 0.3],
    "query.WHOLE_QUERY_PHRASE_BOOST": [0.0, 1.0, 2.0, 3.0],
    "query.EXPANSION_SLOP": [3, 0, 10, 30, 50, 100],  # "off": 3, the value before
    # the keyword fields' weights, one field at a time (a dict is written as its sorted items)
    "query.FIELD_BOOSTS heading": [0.0, 0.35, 0.6],
    "query.FIELD_BOOSTS context": [0.0, 0.3, 0.6],
    "query.FIELD_BOOSTS title": [0.0, 0.15, 0.3],
}


TIE = 0.001  # a gain under this either way is a tie


def _get(name: str):
    """module.NAME, or "module.NAME key" for one entry of a dict constant."""
    target, _, key = name.partition(" ")
    module, attr = target.split(".")
    value = getattr(MODULES[module], attr)
    return value.get(key, GRID[name][0]) if key else value  # a key not in the dict: its "off" value


def _set(name: str, value) -> None:
    target, _, key = name.partition(" ")
    module, attr = target.split(".")
    if key:
        value = dict(getattr(MODULES[module], attr), **{key: value})
    setattr(MODULES[module], attr, value)


def query_set(dev_path: str) -> list[dict]:
    """The development queries and their rewordings, each with the need (development query) it belongs to."""
    dev = evaluation.load_queries(dev_path)
    variants = evaluation.load_rewordings(evaluation.default_rewordings(), dev)
    return ([dict(q, need=q["id"], set="dev") for q in dev]
            + [dict(v, need=v["of"], set="variant") for v in variants])


def scores(kb: KnowledgeBase, path: str, config: dict) -> list[tuple[float, float]]:
    saved = {name: _get(name) for name in config}
    for name, value in config.items():
        _set(name, value)
    kb.searcher._memo.clear()
    try:
        return [(s.ndcg, s.mrr) for s in kb.evaluate(path)]
    finally:
        for name, value in saved.items():
            _set(name, value)


def leave_one_need_out(table: dict, queries: list[dict], first) -> list[tuple[float, float]]:
    """Each need's queries scored by the value with the best mean nDCG@10 on the other needs'
    queries (ties go to `first`)."""
    held: list = [None] * len(queries)
    for need in {q["need"] for q in queries}:
        train = [i for i, q in enumerate(queries) if q["need"] != need]
        best = max(table, key=lambda v: (sum(table[v][i][0] for i in train), v == first))
        for i, q in enumerate(queries):
            if q["need"] == need:
                held[i] = table[best][i]
    return held


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("queries", help="the development set (../shared/eval/dev.json)")
    ap.add_argument("--home", required=True)
    ap.add_argument("--only", nargs="*", help="Only these constants (module.NAME).")
    args = ap.parse_args()
    kb = KnowledgeBase.open(args.home)
    if not kb.store.point_count():
        kb.ingest([str(evaluation.BUNDLED_CORPUS)])
    queries = query_set(args.queries)
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump({"queries": queries}, f)
    dev = [i for i, q in enumerate(queries) if q["set"] == "dev"]
    var = [i for i, q in enumerate(queries) if q["set"] == "variant"]

    def fig(rows) -> str:
        m = lambda idx, j: statistics.mean(rows[i][j] for i in idx)  # noqa: E731
        return f"{m(dev, 0):.3f}/{m(dev, 1):.3f}  {m(var, 0):.3f}/{m(var, 1):.3f}  {m(dev + var, 0):.3f}"

    print(f"{len(dev)} development queries, {len(var)} variants, {len({q['need'] for q in queries})} needs")
    shipped_rows = scores(kb, f.name, {})
    print(f"\nas shipped, by kind of query: {'kind':<12} {'dev':>12} {'variants':>14}")
    for kind in sorted({q["kind"] for q in queries}):
        cells = []
        for part in (dev, var):
            idx = [i for i in part if queries[i]["kind"] == kind]
            cells.append(f"{statistics.mean(shipped_rows[i][0] for i in idx):.3f} ({len(idx)})" if idx else "-")
        print(f"{'':<28} {kind:<12} {cells[0]:>12} {cells[1]:>14}")
    print(f"\n{'constant':<32} {'value':>6}  dev nDCG/MRR  variants     all")
    summary = []
    try:
        for name, values in GRID.items():
            if args.only and name not in args.only:
                continue
            shipped = _get(name)
            table = {}
            for v in values:
                table[v] = scores(kb, f.name, {name: v})
                print(f"{name:<32} {v!s:>6}  {fig(table[v])}")
            print(f"{'':<32} {'CV':>6}  {fig(leave_one_need_out(table, queries, shipped))}   choosing among its values")
            off = values[0]
            if off != shipped:
                pair = leave_one_need_out({shipped: table[shipped], off: table[off]}, queries, shipped)
                gain = statistics.mean(p[0] for p in pair) - statistics.mean(r[0] for r in table[off])
                # the same choice on the development queries alone, leaving one query out
                dev_q = [queries[i] for i in dev]
                dev_pair = leave_one_need_out({v: [table[v][i] for i in dev] for v in (shipped, off)}, dev_q, shipped)
                dev_gain = statistics.mean(p[0] for p in dev_pair) - statistics.mean(table[off][i][0] for i in dev)
                print(f"{'':<32} {'CV':>6}  {fig(pair)}   choosing {off} (off) or {shipped}: gain {gain:+.3f} over off"
                      f" (development queries alone: {dev_gain:+.3f})")
                tie = abs(gain) < TIE
                # a tie keeps the constant only if its own value does not score below off on all
                # queries (the chosen-value gain hides that: off wins most folds) and the
                # development queries do not say it is worse
                plain = statistics.mean(r[0] for r in table[shipped]) - statistics.mean(r[0] for r in table[off])
                keep = gain > 0 if not tie else (plain > -TIE and dev_gain > -TIE)
                summary.append((name, shipped, off, gain, dev_gain,
                                ("tie, " if tie else "") + ("earns its place" if keep else "DROP: set it to off")))
        print(f"\n{'constant':<40} {'shipped':>8} {'off':>6} {'gain':>7} {'dev':>7}  verdict")
        for name, shipped, off, gain, dev_gain, verdict in summary:
            print(f"{name:<40} {shipped!s:>8} {off!s:>6} {gain:+7.3f} {dev_gain:+7.3f}  {verdict}")
    finally:
        os.unlink(f.name)
        kb.close()


if __name__ == "__main__":
    main()
