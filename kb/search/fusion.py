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


def leading_label(labels: Sequence[Sequence[Hashable]], minimum: int) -> Hashable | None:
    """The label that most items carry, if at least `minimum` do and fewer carry any other;
    else None."""
    counts: dict[Hashable, int] = {}
    for item_labels in labels:
        for label in set(item_labels):
            counts[label] = counts.get(label, 0) + 1
    ranked = sorted(counts.values(), reverse=True) + [0]
    if not counts or ranked[0] < minimum or ranked[0] == ranked[1]:
        return None
    return max(counts, key=counts.get)


def diversify(scored: Sequence[tuple[Hashable, float]], group_of: dict, max_per_group: int = 6,
              top: int = 10) -> list[tuple[Hashable, float]]:
    """Keep at most `max_per_group` items of one group (document) in the first `top`,
    moving the overflow just below them; the order is otherwise unchanged."""
    head: list[tuple[Hashable, float]] = []
    overflow: list[tuple[Hashable, float]] = []
    counts: dict = {}
    for i, (item, score) in enumerate(scored):
        if len(head) >= top:
            return head + overflow + list(scored[i:])
        g = group_of.get(item)
        if counts.get(g, 0) >= max_per_group:
            overflow.append((item, score))
            continue
        counts[g] = counts.get(g, 0) + 1
        head.append((item, score))
    return head + overflow


def apply_prior(scored: Sequence[tuple[Hashable, float]], prior: dict) -> list[tuple[Hashable, float]]:
    """Multiply each score by the item's prior (default 1.0) and re-sort, stable."""
    out = [(item, score * prior.get(item, 1.0)) for item, score in scored]
    return sorted(out, key=lambda kv: -kv[1])


def dedupe(scored: Sequence[tuple[Hashable, float]], key_of: dict) -> list[tuple[Hashable, float]]:
    """Drop items whose key (normalised text) an earlier item already had."""
    seen: set = set()
    out = []
    for item, score in scored:
        key = key_of.get(item, item)
        if key in seen:
            continue
        seen.add(key)
        out.append((item, score))
    return out


def drop_near_repeats(scored: Sequence[tuple[Hashable, float]], words_of: dict, share: float = 0.9,
                      min_words: int = 4, top: int = 10) -> list[tuple[Hashable, float]]:
    """Drop an item among the first `top` kept whose words (a set) are, for at least `share` of
    the shorter's, those of an item kept above it: the same statement again, or a label repeating
    a passage above. Below `top` the order is left as it is (nobody reads it as a page yet)."""
    kept: list[tuple[Hashable, float]] = []
    seen: list[set] = []
    for i, (item, score) in enumerate(scored):
        if len(kept) >= top:
            return kept + list(scored[i:])
        words = words_of.get(item) or set()
        if len(words) >= min_words and any(
                len(words & other) >= share * min(len(words), len(other)) for other in seen if len(other) >= min_words):
            continue
        kept.append((item, score))
        seen.append(words)
    return kept
