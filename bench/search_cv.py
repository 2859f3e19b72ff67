"""Which of search's constants earn their place: every configuration of a grid scored per
query on a graded set, then leave-one-query-out cross-validation (each query scored by the
configuration best on all the others) against the shipped configuration.

    .venv/bin/python bench/search_cv.py --home DIR ../shared/eval/dev.json

DIR holds a knowledge base of the seed corpus (built there when empty). Prints, for each
constant, nDCG@10 on the whole set and under cross-validation with the constant at each
value and the others as shipped, and the cross-validated gain of the shipped value over the
constant's "off" value (the first listed); with --grid, the same for every combination."""
from __future__ import annotations

import argparse
import itertools
import os
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from kb import KnowledgeBase  # noqa: E402
from kb.search import searcher  # noqa: E402

GRID = {  # constant: the values tried (the shipped value among them)
    "QUESTIONS": [False, True],
    "THEME_FACTOR": [1.0, 1.1, 1.15, 1.25],
    "EXPANSION_WEIGHT": [0.0, 0.5, 0.8, 1.0],
    "SHORT_POINT_FACTOR": [1.0, 0.75, 0.6],
}


def scores(kb: KnowledgeBase, queries: str, config: dict) -> list[tuple[float, float]]:
    for name, value in config.items():
        setattr(searcher, name, value)
    kb.searcher._memo.clear()
    return [(s.ndcg, s.mrr) for s in kb.evaluate(queries)]


def loo(table: dict[tuple, list[tuple[float, float]]]) -> tuple[float, float]:
    """Each query scored by the configuration with the best mean nDCG@10 on the other queries."""
    configs = list(table)
    n = len(next(iter(table.values())))
    held = []
    for q in range(n):
        best = max(configs, key=lambda c: (sum(s[0] for i, s in enumerate(table[c]) if i != q), c == configs[0]))
        held.append(table[best][q])
    return statistics.mean(h[0] for h in held), statistics.mean(h[1] for h in held)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("queries")
    ap.add_argument("--home", required=True)
    ap.add_argument("--grid", action="store_true", help="Also every combination (slow: the product of the values).")
    args = ap.parse_args()
    kb = KnowledgeBase.open(args.home)
    if not kb.store.point_count():
        kb.ingest([str(ROOT / "corpus")])
    shipped = {name: getattr(searcher, name) for name in GRID}
    print(f"shipped: {shipped}")
    base = scores(kb, args.queries, shipped)
    mean = lambda rows, i=0: statistics.mean(r[i] for r in rows)  # noqa: E731
    print(f"\n{'constant':<20} {'value':>6} {'nDCG@10':>8} {'MRR':>6}   LOO-CV nDCG/MRR choosing among its values")
    for name, values in GRID.items():
        table = {}
        for v in values:
            table[(v,)] = scores(kb, args.queries, dict(shipped, **{name: v}))
            print(f"{name:<20} {v!s:>6} {mean(table[(v,)]):8.3f} {mean(table[(v,)], 1):6.3f}")
        cv = loo({k: table[k] for k in sorted(table, key=lambda k: k != (shipped[name],))})
        off = (values[0],)
        onoff = loo({(shipped[name],): table[(shipped[name],)], off: table[off]}) if off != (shipped[name],) else None
        print(f"{'':<20} {'CV':>6} {cv[0]:8.3f} {cv[1]:6.3f}   choosing among its values")
        if onoff:
            print(f"{'':<20} {'CV':>6} {onoff[0]:8.3f} {onoff[1]:6.3f}   choosing {values[0]} (off) or "
                  f"{shipped[name]}: gain {onoff[0] - mean(table[off]):+.3f} over off")
    if not args.grid:
        scores(kb, args.queries, shipped)
        return
    full = {}
    for combo in itertools.product(*GRID.values()):
        full[combo] = scores(kb, args.queries, dict(zip(GRID, combo)))
    ship = tuple(shipped.values())
    order = sorted(full, key=lambda c: c != ship)
    best = max(full, key=lambda c: mean(full[c]))
    print(f"\nwhole grid ({len(full)} configurations): shipped {mean(full[ship]):.3f}/{mean(full[ship], 1):.3f}; "
          f"best on the whole set {dict(zip(GRID, best))} {mean(full[best]):.3f}; "
          f"LOO-CV %.3f/%.3f" % loo({c: full[c] for c in order}))
    scores(kb, args.queries, shipped)
    kb.close()


if __name__ == "__main__":
    main()
