"""Recurring findings: learning points from different documents that state the same finding.

Within each theme, the points that carry it on lexical evidence (a trigger in
the text, lead-in or heading, not meaning alone) and are statements of learning (not
background, not actions taken in response; good practice and recommendations each apart from
findings, as kinds of their own) are grouped greedily: the point with the most close
neighbours in other documents seeds a group of every point at least THRESHOLD-similar to it.
The threshold rises with the theme's breadth: points of a narrow theme ("was
not brought", 7 points in the seed corpus) already say much the same thing,
points of a broad one ("supervision, workload and workforce", 90) must be
closer in meaning. Groups found under several themes are merged.

THRESHOLD_NARROW 0.37, THRESHOLD_BROAD 0.6, BROAD_THEME 60 points. Against the labelled pairs
(bench/recurring_thresholds.py) the surface is flat (precision 0.33-0.39 over the grid), and the
settings that gain a pair there (broad 0.45) do it with top groups of a whole topic.
Pure functions; nothing here reads the store.

At scale, no theme is compared all pairs: each member's NEIGHBOURS nearest members
are found (exactly in blocks, or by HNSW for a large theme), and the greedy choice
of seeds runs over that graph with a lazy priority queue.
"""
from __future__ import annotations

import heapq
import re
from dataclasses import dataclass, field

import numpy as np

THRESHOLD_NARROW = 0.37   # cosine similarity to the group's seed, for a theme with few points
THRESHOLD_BROAD = 0.60    # ... for a theme with BROAD_THEME points or more
BROAD_THEME = 60
MIN_TAG_CONFIDENCE = 0.7  # lexical evidence only (see kb.themes)
SKIP_TYPES = ("context", "action-taken")  # background, and what was done in response: not findings
APART = ("good-practice", "recommendation")  # each recurs as its own kind: never grouped with gaps
NEIGHBOURS = 64           # a group is a seed and its close neighbours: more would be a topic, not a finding
EXACT_MEMBERS = 8192      # themes up to this size get exact neighbours; larger ones HNSW


@dataclass
class Group:
    seed: int                  # point id of the representative statement
    points: list[int]
    themes: list[str]
    documents: list[str] = field(default_factory=list)
    years: list[int] = field(default_factory=list)
    kind: str = "finding"      # what recurs: a finding (gaps, learning, challenges), good practice, a recommendation


def threshold(theme_size: int) -> float:
    share = min(1.0, theme_size / BROAD_THEME)
    return THRESHOLD_NARROW + (THRESHOLD_BROAD - THRESHOLD_NARROW) * share


def find_groups(points: list[dict], vectors: np.ndarray, min_docs: int = 2,
                themes: list[str] | None = None) -> list[Group]:
    """Groups of points (dicts with id, document_id, year, statement_type and
    theme_tags [{theme, confidence}]) from at least `min_docs` documents, ranked by
    number of documents, then by the newest year."""
    index = {p["id"]: i for i, p in enumerate(points)}
    by_theme: dict[tuple[str, str], list[int]] = {}
    for i, p in enumerate(points):
        if p.get("statement_type") in SKIP_TYPES:
            continue
        kind = p.get("statement_type") if p.get("statement_type") in APART else "finding"
        for tag in p.get("theme_tags", []):
            if tag["confidence"] >= MIN_TAG_CONFIDENCE and (not themes or tag["theme"] in themes):
                by_theme.setdefault((tag["theme"], kind), []).append(i)
    groups: list[Group] = []
    for (theme, kind), members in sorted(by_theme.items()):
        groups += _theme_groups(theme, members, points, vectors, min_docs, kind)
    groups = _merge(groups)
    for g in groups:
        docs = {points[index[pid]]["document_id"] for pid in g.points}
        g.documents = sorted(docs)
        g.years = sorted({points[index[pid]]["year"] for pid in g.points if points[index[pid]].get("year")})
    groups = [g for g in groups if len(g.documents) >= min_docs]
    groups.sort(key=lambda g: (-len(g.documents), -(max(g.years) if g.years else 0), -len(g.points)))
    return groups


def neighbours(vecs: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """(similarities, indices) of each row's k nearest rows by inner product, itself included."""
    n = len(vecs)
    k = min(k, n)
    if n > EXACT_MEMBERS:
        import faiss

        index = faiss.IndexHNSWFlat(vecs.shape[1], 32, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = 64
        index.add(vecs)
        index.hnsw.efSearch = max(128, k)
        return index.search(vecs, k)
    sims_out = np.empty((n, k), dtype=np.float32)
    idx_out = np.empty((n, k), dtype=np.int64)
    for start in range(0, n, 2048):
        block = vecs[start:start + 2048] @ vecs.T
        top = np.argpartition(-block, k - 1, axis=1)[:, :k]
        sims_out[start:start + len(block)] = np.take_along_axis(block, top, axis=1)
        idx_out[start:start + len(block)] = top
    return sims_out, idx_out


def _theme_groups(theme: str, members: list[int], points: list[dict], vectors: np.ndarray,
                  min_docs: int, kind: str = "finding") -> list[Group]:
    if len(members) < 2:
        return []
    vecs = np.ascontiguousarray(vectors[members], dtype=np.float32)
    docs = [points[i]["document_id"] for i in members]
    limit = threshold(len(members))
    sims, idx = neighbours(vecs, NEIGHBOURS + 1)
    near = [[(int(j), float(s)) for j, s in zip(idx[a], sims[a]) if j >= 0 and j != a and s >= limit]
            for a in range(len(members))]
    remaining = set(range(len(members)))

    def cross(a: int) -> int:
        return sum(1 for b, _ in near[a] if b in remaining and docs[b] != docs[a])

    # the seed is the remaining point with the most close neighbours in other documents (ties: first);
    # counts only fall as points are taken, so a stale count is an upper bound (lazy greedy)
    heap = [(-cross(a), a) for a in range(len(members))]
    heapq.heapify(heap)
    out = []
    while heap:
        stale, seed = heapq.heappop(heap)
        if seed not in remaining:
            continue
        count = cross(seed)
        if count != -stale:
            heapq.heappush(heap, (-count, seed))
            continue
        if count == 0:
            break
        group = [seed] + [b for b, _ in near[seed] if b in remaining]
        remaining -= set(group)
        if len({docs[b] for b in group}) >= min_docs:
            out.append(Group(seed=points[members[seed]]["id"],
                             points=sorted(points[members[b]]["id"] for b in group), themes=[theme], kind=kind))
    return out


_STOP = frozenset("""about also been being between could from have into more must need needs other should such
than that their them then there these they this those through were what when where which while will with within
would""".split())


def shared_terms(a: str, b: str) -> list[str]:
    """The content words two statements have in common (why one is in the other's group)."""
    def words(text: str) -> set[str]:
        return {w.lower() for w in re.findall(r"[A-Za-z][A-Za-z'’-]{3,}", text)} - _STOP
    return sorted(words(a) & words(b))


def _merge(groups: list[Group]) -> list[Group]:
    """Merge groups whose points mostly coincide or that share their representative (the same
    finding under two themes)."""
    merged: list[Group] = []
    for g in sorted(groups, key=lambda g: -len(g.points)):
        for m in merged:
            overlap = len(set(g.points) & set(m.points))
            if g.seed == m.seed or overlap >= 0.6 * min(len(g.points), len(m.points)):
                m.points = sorted(set(m.points) | set(g.points))
                m.themes = sorted(set(m.themes) | set(g.themes))
                break
        else:
            merged.append(Group(seed=g.seed, points=list(g.points), themes=list(g.themes), kind=g.kind))
    return merged
