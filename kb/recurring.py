"""Recurring findings: learning points from different documents that state the same finding.

Within each theme, the points that carry it on lexical evidence (a trigger in
the text, lead-in or heading, not meaning alone) and are statements rather than
background are grouped greedily: the point with the most close neighbours in
other documents seeds a group of every point at least THRESHOLD-similar to it.
The threshold rises with the theme's breadth: points of a narrow theme ("was
not brought", 7 points in the seed corpus) already say much the same thing,
points of a broad one ("supervision, workload and workforce", 90) must be
closer in meaning. Groups found under several themes are merged.

Chosen on the seed corpus (5 documents, 1,059 points): THRESHOLD_NARROW 0.37,
THRESHOLD_BROAD 0.6, BROAD_THEME 60 points. Pure functions; nothing here reads the store.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

THRESHOLD_NARROW = 0.37   # cosine similarity to the group's seed, for a theme with few points
THRESHOLD_BROAD = 0.60    # ... for a theme with BROAD_THEME points or more
BROAD_THEME = 60
MIN_TAG_CONFIDENCE = 0.7  # lexical evidence only (see kb.themes)
SKIP_TYPES = ("context",)


@dataclass
class Group:
    seed: int                  # point id of the representative statement
    points: list[int]
    themes: list[str]
    documents: list[str] = field(default_factory=list)
    years: list[int] = field(default_factory=list)


def threshold(theme_size: int) -> float:
    share = min(1.0, theme_size / BROAD_THEME)
    return THRESHOLD_NARROW + (THRESHOLD_BROAD - THRESHOLD_NARROW) * share


def find_groups(points: list[dict], vectors: np.ndarray, min_docs: int = 2,
                themes: list[str] | None = None) -> list[Group]:
    """Groups of points (dicts with id, document_id, year, statement_type and
    theme_tags [{theme, confidence}]) from at least `min_docs` documents, ranked by
    number of documents, then by the newest year."""
    index = {p["id"]: i for i, p in enumerate(points)}
    by_theme: dict[str, list[int]] = {}
    for i, p in enumerate(points):
        if p.get("statement_type") in SKIP_TYPES:
            continue
        for tag in p.get("theme_tags", []):
            if tag["confidence"] >= MIN_TAG_CONFIDENCE and (not themes or tag["theme"] in themes):
                by_theme.setdefault(tag["theme"], []).append(i)
    groups: list[Group] = []
    for theme, members in sorted(by_theme.items()):
        groups += _theme_groups(theme, members, points, vectors, min_docs)
    groups = _merge(groups)
    for g in groups:
        docs = {points[index[pid]]["document_id"] for pid in g.points}
        g.documents = sorted(docs)
        g.years = sorted({points[index[pid]]["year"] for pid in g.points if points[index[pid]].get("year")})
    groups = [g for g in groups if len(g.documents) >= min_docs]
    groups.sort(key=lambda g: (-len(g.documents), -(max(g.years) if g.years else 0), -len(g.points)))
    return groups


def _theme_groups(theme: str, members: list[int], points: list[dict], vectors: np.ndarray,
                  min_docs: int) -> list[Group]:
    if len(members) < 2:
        return []
    vecs = np.asarray(vectors[members], dtype=np.float32)
    sims = vecs @ vecs.T
    docs = [points[i]["document_id"] for i in members]
    limit = threshold(len(members))
    remaining = set(range(len(members)))
    out = []
    while remaining:
        def cross(a: int) -> list[int]:
            return [b for b in remaining if b != a and docs[b] != docs[a] and sims[a, b] >= limit]
        seed = max(sorted(remaining), key=lambda a: (len(cross(a)), -a))
        near = cross(seed)
        if not near:
            break
        group = [seed] + [b for b in remaining if b != seed and sims[seed, b] >= limit]
        remaining -= set(group)
        if len({docs[b] for b in group}) >= min_docs:
            out.append(Group(seed=points[members[seed]]["id"],
                             points=sorted(points[members[b]]["id"] for b in group), themes=[theme]))
    return out


def _merge(groups: list[Group]) -> list[Group]:
    """Merge groups whose points mostly coincide (the same finding under two themes)."""
    merged: list[Group] = []
    for g in sorted(groups, key=lambda g: -len(g.points)):
        for m in merged:
            overlap = len(set(g.points) & set(m.points))
            if overlap >= 0.6 * min(len(g.points), len(m.points)):
                m.points = sorted(set(m.points) | set(g.points))
                m.themes = sorted(set(m.themes) | set(g.themes))
                break
        else:
            merged.append(Group(seed=g.seed, points=list(g.points), themes=list(g.themes)))
    return merged
