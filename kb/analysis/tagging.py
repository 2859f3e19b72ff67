"""Tagging a document's points: statement type, themes with reasons, and the document's
primary themes (at ingest and by `kb retag`)."""
from __future__ import annotations

from dataclasses import asdict

from kb.analysis import statements
from kb.analysis.themes import ThemeTagger, primary_themes


def classify(tagger: ThemeTagger, points: list[dict], vectors, doc: dict) -> list[str]:
    """Set each point's statement type and themes (with reasons); return the document's primary themes."""
    tags = tagger.tag(points, vectors, doc.get("title") or "")
    for p, point_tags in zip(points, tags):
        p["statement_type"] = statements.statement_type(p["text"], p.get("context"), p.get("section_path"),
                                                        doc.get("doc_type"))
        p["themes"] = [t.theme for t in point_tags]
        p["theme_tags"] = [asdict(t) for t in point_tags]
    return primary_themes(tags, [p["statement_type"] for p in points])
