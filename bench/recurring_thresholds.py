"""The recurring groups' similarity thresholds against the labelled pairs: every
(THRESHOLD_NARROW, THRESHOLD_BROAD) of a grid scored by `kb eval-recurring`'s measures (pairwise
precision and recall of same-finding, pure top-20 groups) on corpus/labels/recurring.json, with
the mean number of instances in the top 20 groups. The pairs cannot see how large a group is
(junk pairs in a big group are not labelled), so the size is printed beside them: a setting
that gains a labelled pair by grouping a whole topic is not a better grouping.

    .venv/bin/python bench/recurring_thresholds.py --home DIR

DIR holds a knowledge base of the seed corpus (built there when empty)."""
from __future__ import annotations

import argparse
import itertools
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from kb import KnowledgeBase  # noqa: E402
from kb.analysis import recurring, recurring_eval  # noqa: E402

NARROW = [0.25, 0.30, 0.33, 0.37, 0.45]
BROAD = [0.45, 0.50, 0.55, 0.60, 0.70]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--home", required=True)
    args = ap.parse_args()
    kb = KnowledgeBase.open(args.home)
    if not kb.store.point_count():
        kb.ingest([str(ROOT / "corpus")])
    labels = str(recurring_eval.default_labels())
    shipped = (recurring.THRESHOLD_NARROW, recurring.THRESHOLD_BROAD)
    rows = []
    print(f"{'narrow':>6} {'broad':>6} {'precision':>9} {'recall':>6} {'grouped':>7} {'pure top-20':>11} "
          f"{'top-20 size':>11}")
    try:
        for narrow, broad in itertools.product(NARROW, BROAD):
            recurring.THRESHOLD_NARROW, recurring.THRESHOLD_BROAD = narrow, broad
            kb.analysis.cache.clear()  # the groups computed with the other thresholds
            r = kb.evaluate_recurring(labels)
            top = kb.recurring()[:recurring_eval.TOP]
            size = sum(len(g["points"]) for g in top) / max(1, len(top))
            rows.append((narrow, broad, r.precision, r.recall))
            mark = "  (shipped)" if (narrow, broad) == shipped else ""
            print(f"{narrow:6.2f} {broad:6.2f} {r.precision:9.3f} {r.recall:6.3f} {r.grouped:7d} "
                  f"{r.top_groups_pure:>5}/{r.top_groups_labelled:<5} {size:8.1f}{mark}")
    finally:
        recurring.THRESHOLD_NARROW, recurring.THRESHOLD_BROAD = shipped
        kb.close()


if __name__ == "__main__":
    main()
