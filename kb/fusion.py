"""Ranking maths as pure functions: weighted reciprocal rank fusion and diversity."""
from __future__ import annotations

from typing import Hashable, Sequence


def rrf(rankings: Sequence[Sequence[Hashable]], weights: Sequence[float] | None = None,
        k: int = 60) -> list[tuple[Hashable, float]]:
    """Weighted reciprocal rank fusion: score(d) = Σ w_i / (k + rank_i(d)), ranks from 1.

    Returns (item, score) best first; ties keep the order of first appearance.
    """
    weights = list(weights) if weights is not None else [1.0] * len(rankings)
    if len(weights) != len(rankings):
        raise ValueError("one weight per ranking")
    scores: dict[Hashable, float] = {}
    order: dict[Hashable, int] = {}
    for ranking, w in zip(rankings, weights):
        for rank, item in enumerate(ranking, start=1):
            scores[item] = scores.get(item, 0.0) + w / (k + rank)
            order.setdefault(item, len(order))
    return sorted(scores.items(), key=lambda kv: (-kv[1], order[kv[0]]))


def diversify(scored: Sequence[tuple[Hashable, float]], group_of: dict, decay: float = 0.8,
              top: int | None = None) -> list[tuple[Hashable, float]]:
    """Re-rank so one group (document) does not fill the top: each further item from a
    group already chosen has its score multiplied by `decay` once per earlier pick.
    Greedy; with decay 1.0 the order is unchanged."""
    remaining = list(scored)
    chosen: list[tuple[Hashable, float]] = []
    picks: dict = {}
    limit = len(remaining) if top is None else min(top, len(remaining))
    while remaining and len(chosen) < limit:
        best_i, best_s = 0, float("-inf")
        for i, (item, score) in enumerate(remaining):
            s = score * (decay ** picks.get(group_of.get(item), 0))
            if s > best_s:
                best_i, best_s = i, s
        item, score = remaining.pop(best_i)
        picks[group_of.get(item)] = picks.get(group_of.get(item), 0) + 1
        chosen.append((item, score))
    return chosen + remaining
