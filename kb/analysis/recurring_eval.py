"""How well recurring groups hold the same finding, against pairs labelled by hand
(corpus/labels/recurring.json): each pair of points from different documents is 'same-finding',
'same-topic' or 'unrelated'; a pair is grouped when some group holds both points.

- pairwise precision: of the labelled pairs grouped together, the share that are same-finding;
- pairwise recall: of the same-finding pairs, the share grouped together;
- pure groups: of the top groups holding a labelled pair, the share whose labelled pairs are
  all same-finding (the issue's "every instance states the group's finding", as far as labels go).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from kb.core.errors import KBError
from kb.search.evaluation import LABELS, read_list

LABELS_OF_PAIRS = ("same-finding", "same-topic", "unrelated")
TOP = 20


@dataclass
class RecurringReport:
    pairs: int
    same_finding: int
    grouped: int
    grouped_same: int
    grouped_by_label: dict[str, int]
    top_groups_labelled: int
    top_groups_pure: int
    unmatched: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.grouped_same / self.grouped if self.grouped else 0.0

    @property
    def recall(self) -> float:
        return self.grouped_same / self.same_finding if self.same_finding else 0.0


def default_labels() -> Path:
    return LABELS / "recurring.json"


def load_labels(path: str | Path) -> list[dict]:
    pairs = read_list(path, "pairs", "the labelled set of recurring pairs")
    if not isinstance(pairs, list):
        raise KBError(f"{path}: expected an object with a 'pairs' list")
    for n, p in enumerate(pairs):
        if p.get("label") not in LABELS_OF_PAIRS or not all(isinstance(p.get(k), dict) for k in ("a", "b")):
            raise KBError(f"{path}: pair {n} needs 'a', 'b' (document, text) and a label of {', '.join(LABELS_OF_PAIRS)}")
    return pairs


def evaluate(pairs: list[dict], groups: list[dict], find: Callable[[str, str], int | None]) -> RecurringReport:
    """`groups` as kb recurring gives them (best first, each with its points' ids); `find(document,
    text start)` is a stored point's id."""
    member: dict[int, set[int]] = {}
    for g_index, g in enumerate(groups):
        for p in g["points"]:
            member.setdefault(p["id"], set()).add(g_index)
    unmatched, grouped_by_label = [], dict.fromkeys(LABELS_OF_PAIRS, 0)
    same = grouped = grouped_same = 0
    in_top: dict[int, list[str]] = {}
    for p in pairs:
        a, b = find(p["a"]["document"], p["a"]["text"]), find(p["b"]["document"], p["b"]["text"])
        for side, pid in (("a", a), ("b", b)):
            if pid is None:
                unmatched.append(f"{p[side]['document']}: {p[side]['text'][:60]}")
        if a is None or b is None:
            continue
        same += p["label"] == "same-finding"
        shared = member.get(a, set()) & member.get(b, set())
        if shared:
            grouped += 1
            grouped_same += p["label"] == "same-finding"
            grouped_by_label[p["label"]] += 1
            for g_index in shared:
                if g_index < TOP:
                    in_top.setdefault(g_index, []).append(p["label"])
    return RecurringReport(pairs=len(pairs), same_finding=same, grouped=grouped, grouped_same=grouped_same,
                           grouped_by_label=grouped_by_label, top_groups_labelled=len(in_top),
                           top_groups_pure=sum(all(l == "same-finding" for l in ls) for ls in in_top.values()),
                           unmatched=unmatched)
