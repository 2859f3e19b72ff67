"""The keyword query as an engine-neutral plan.

The plan is the ranking decision (which fields, which boosts, which phrases), made
once here; the engines only translate it. Texts stay raw: each engine analyses them
with the analyser it indexed with."""
from __future__ import annotations

from dataclasses import dataclass

# Query words are searched in these fields, each weighted so. The point's heading and lead-in
# are indexed (filters, highlighting, the meaning side's context) but searching the query's
# words there lost under cross-validation (bench/search_cv.py), as did expansions in headings and
# lead-ins.
FIELD_BOOSTS = {"text": 1.0, "title": 0.15}
WHOLE_QUERY_PHRASE_BOOST = 2.0  # the whole query as a phrase in the point's text
EXPANSION_BOOSTS = {"text": 0.9}
EXPANSION_PHRASE_FACTOR = 1.5
# Equivalent phrasings match with their words anywhere in a point, not only side by side
# ("a Child Protection Medical found that ... 'Hannah' had been sexually abused" for "child sexual
# abuse"), except negated ones: "did not attend" must not match "did not wish to attend".
# Cross-validated (bench/search_cv.py): 50 over 3, the few words between allowed before; a second,
# near clause to rank words close together first did not gain (README, Search).
EXPANSION_SLOP = 50
NEGATION = frozenset({"not", "no", "never", "did", "was", "were"})


@dataclass(frozen=True)
class Clause:
    """One optional clause: `text` in `field`, as a phrase (with `slop`) or as a single word.
    A phrase that analyses to one word becomes a word clause if `single_ok`, else is dropped."""
    field: str
    text: str
    boost: float
    phrase: bool = False
    slop: int = 0
    single_ok: bool = True


def plan(query: str, expansions: list[str], also: str = "") -> list[Clause]:
    """Words of the query in any field (OR); the whole query as a phrase in the point's text
    (boosted); each glossary expansion as a phrase in the point's text. (An
    all-words clause and phrases in headings and lead-ins changed no development-set score
    and cost a third of the time at 100,000 points, so they are not here.)"""
    clauses: list[Clause] = []
    words = query.split() + [w for w in also.split() if w not in query.split()]  # `also`: the query as typed
    for fld, boost in FIELD_BOOSTS.items():
        clauses += [Clause(fld, w, boost) for w in words if boost]
    if query.strip():
        clauses.append(Clause("text", query, WHOLE_QUERY_PHRASE_BOOST, phrase=True, slop=1, single_ok=False))
    for phrase in expansions:
        slop = 1 if NEGATION & set(phrase.lower().split()) else EXPANSION_SLOP
        for fld, boost in ((f, b) for f, b in EXPANSION_BOOSTS.items() if b):
            clauses.append(Clause(fld, phrase, boost * EXPANSION_PHRASE_FACTOR, phrase=True, slop=slop)
                           if len(phrase.split()) > 1 else Clause(fld, phrase, boost))
    return clauses


def fields_of(point: dict, doc: dict) -> dict:
    """The indexed fields of one learning point (the same for every engine)."""
    heading = point["section_path"].split(" › ")[-1] if point.get("section_path") else ""
    return {
        "id": int(point["id"]),
        "document": doc["id"],
        "text": point["text"],
        "heading": heading,
        "context": point.get("context") or "",
        "title": doc.get("title") or "",
        "themes": list(point.get("themes") or []),
        "statement_type": point.get("statement_type") or "",
        "doc_type": doc.get("doc_type") or "",
        "year": int(doc["year"]) if doc.get("year") else 0,
        "visibility": doc.get("visibility") or "public",
    }


__all__ = ["Clause", "plan", "fields_of"]
