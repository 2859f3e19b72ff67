"""Document metadata: inferred from the document, overridden by a sidecar file or options.

Precedence, lowest first: inferred from the text → a folder's `metadata.json`
entry for the file → a sidecar `<file>.meta.json` → explicit options.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

from kb.core.errors import IngestError

from kb.ingest.structure import DocumentStructure

FIELDS = ("title", "publisher", "date", "year", "doc_type", "source_url", "visibility")

# (document type slug, patterns that name it), most specific first
_TYPE_PATTERNS: list[tuple[str, str]] = [
    ("7-minute-briefing", r"7[- ]minute briefing|seven minute briefing"),
    ("cspr", r"child safeguarding practice review|\bl?cspr\b"),
    ("scr", r"serious case review"),
    ("rapid-review", r"rapid review"),
    ("dhr", r"domestic homicide review"),
    ("sar", r"safeguarding adults? review"),
    ("annual-report", r"annual report"),
    ("tabletop-review", r"table ?top review"),
    ("thematic-review", r"thematic review"),
    ("multi-agency-audit", r"multi[- ]?agency audit|thematic (multi[- ]agency )?audit|\baudit\b"),
    ("learning-review", r"learning review"),
    ("learning-summary", r"learning summary|learning from reviews|learning brief|briefing|key findings"),
]

_PUBLISHER = re.compile(
    r"\b((?:[A-Z][A-Za-z'’,&-]+\s+){1,5}(?:Safeguarding Children(?:'s)? (?:Partnership|Board)|"
    r"LSCB|Safeguarding Partnership|Safeguarding Adults Board))"
)
_YEAR = re.compile(r"\b(19[89]\d|20[0-4]\d)\b")


def infer(doc: DocumentStructure, source_name: str) -> dict:
    head_text = " ".join(b.text for b in doc.blocks[:40])
    title = (doc.title or "").strip() or Path(source_name).stem.replace("_", " ").replace("-", " ")
    probe = f"{title} {head_text}".lower()
    doc_type = "other"
    for slug, pattern in _TYPE_PATTERNS:
        if re.search(pattern, title.lower()):
            doc_type = slug
            break
    else:
        for slug, pattern in _TYPE_PATTERNS:
            if re.search(pattern, probe):
                doc_type = slug
                break
    years = _YEAR.findall(title) or _YEAR.findall(head_text)
    year = max(int(y) for y in years) if years else None
    m = _PUBLISHER.search(head_text)
    publisher = m.group(1).strip() if m else None
    return {"title": title[:300], "publisher": publisher, "date": str(year) if year else None,
            "year": year, "doc_type": doc_type, "source_url": None, "visibility": "public"}


def load_sidecar(path: Path) -> dict:
    """Metadata for `path` from `<file>.meta.json` or a `metadata.json` in its folder."""
    meta: dict = {}
    folder_file = path.parent / "metadata.json"
    if folder_file.exists():
        entries = _read_json(folder_file)
        entry = entries.get(path.name) if isinstance(entries, dict) else None
        if entry:
            meta.update(entry)
    sidecar = path.with_name(path.name + ".meta.json")
    if sidecar.exists():
        meta.update(_read_json(sidecar))
    return meta


def _read_json(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise IngestError(str(path), f"metadata file is not valid JSON ({exc})") from None
    if not isinstance(data, dict):
        raise IngestError(str(path), "metadata file must hold a JSON object")
    return data


def merge(inferred: dict, *overrides: dict, source: str, doc_types: set[str]) -> dict:
    given: dict = {}
    for o in overrides:
        for key, value in (o or {}).items():
            if key not in FIELDS:
                raise IngestError(source, f"unknown metadata field '{key}' (known: {', '.join(FIELDS)})")
            if value is not None and value != "":
                given[key] = value
    meta = {**inferred, **given}
    # a date given without a year sets the year; an inferred year never overrides a given date
    if meta.get("date") and ("date" in given and "year" not in given or not meta.get("year")):
        m = _YEAR.search(str(meta["date"]))
        meta["year"] = int(m.group(1)) if m else meta.get("year")
    if meta.get("year") is not None:
        try:
            meta["year"] = int(meta["year"])
        except (TypeError, ValueError):
            raise IngestError(source, f"metadata field 'year' must be a year, not {meta['year']!r}") from None
    if meta["doc_type"] not in doc_types:
        raise IngestError(source, f"unknown document type '{meta['doc_type']}' (known: {', '.join(sorted(doc_types))})")
    if meta["visibility"] not in ("public", "restricted"):
        raise IngestError(source, f"visibility must be 'public' or 'restricted', not '{meta['visibility']}'")
    return meta
