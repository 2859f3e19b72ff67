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
    ("dhr", r"domestic homicide review|\bdhr\b"),
    ("sar", r"safeguarding adults? review|\bsar\b"),
    ("annual-report", r"annual report"),
    ("tabletop-review", r"table ?top review"),
    ("thematic-review", r"thematic review"),
    ("multi-agency-audit", r"multi[- ]?agency audit|thematic (multi[- ]agency )?audit|\baudit\b"),
    ("learning-review", r"learning review"),
    ("learning-summary", r"learning summary|learning from reviews|learning brief|briefing|key findings"),
]
# A title names the document's form before its subject: "Learning brief: serious case review
# Child D" is a learning brief, "7-minute briefing: rapid review" a 7-minute briefing.
_TITLE_ORDER = [_TYPE_PATTERNS[0], ("learning-summary", r"learning summary|learning brief|learning from reviews")
                ] + _TYPE_PATTERNS[1:]

PUBLISHER = re.compile(  # a publisher's name: "X Safeguarding Children Partnership" …

    r"\b((?:(?:[A-Z][A-Za-z'’,&-]+|and|of|the)\s+){0,5}?(?:[A-Z][A-Za-z'’,&-]+\s+)"
    r"(?:Safeguarding Children(?:'s|’s)? (?:Partnership|Board)|Children(?:'s|’s)? Safeguarding (?:Assurance )?Partnership|"
    r"Safeguarding (?:Assurance )?Partnership|Safeguarding Adults Board|Community Safety Partnership|LSCB|"
    r"(?:Borough|City|County|District|Metropolitan Borough) Council|NHS (?:Foundation )?Trust))"
)
_YEAR = re.compile(r"\b(19[89]\d|20[0-4]\d)\b")
_MONTHS = r"January|February|March|April|May|June|July|August|September|October|November|December"
# a date the document gives as its own: "Published: June 2019", "Last updated: 14 March 2025"
OWN_DATE = re.compile(  # a date the document gives as its own

    r"\b(?:published|publication date|date of publication|date published|last updated|updated|"
    r"last reviewed|date of report|report date|final report|date)\s*(?:on|:|-|–)?\s*"
    r"((?:\d{1,2}(?:st|nd|rd|th)?\s+)?(?:" + _MONTHS + r")\s+(?:19|20)\d\d|\d{1,2}/\d{1,2}/(?:19|20)\d\d|"
    r"(?:19|20)\d\d-\d\d(?:-\d\d)?)", re.I)
# years that belong to a cited statute or guidance, not to the document
_CITED = re.compile(r"\b(?:Working Together(?: to Safeguard Children)?|Children(?:'s)? Act|Act|Regulations|"
                    r"Care Act|Domestic Abuse Act|Guidance|Statutory Guidance|Framework)\s*\(?(?:19|20)\d\d\)?", re.I)
_SITE_SEPARATOR = re.compile(r"\s[|–-]\s")
_SITE_NAME = re.compile(r"Partnership|Board|Council|LSCB|Trust")


def site_in_title(title: str) -> tuple[str, str | None]:
    """A web page's title names its site after it: "Learning | X Safeguarding Children
    Partnership" -> ("Learning", "X Safeguarding Children Partnership"); (title, None) otherwise."""
    parts = _SITE_SEPARATOR.split(title)
    if len(parts) > 1 and _SITE_NAME.search(parts[-1]):
        return " - ".join(parts[:-1]).strip(), parts[-1].strip()
    return title, None


# headings that open many documents and name none of them
_GENERIC = re.compile(r"^\s*(?:\d+(?:\.\d+)*\.?\s*)?(?:introduction|contents|table of contents|index|executive summary|"
                      r"summary|foreword|background|preface|overview|glossary|acknowledgements?)\s*:?\s*$", re.I)


def _title(doc: DocumentStructure, source_name: str) -> str:
    for candidate in [doc.hints.get("title"), doc.title] + [b.text for b in doc.blocks[:60] if b.kind == "heading"]:
        if candidate and candidate.strip() and not _GENERIC.match(candidate):
            return candidate.strip()
    return Path(source_name).stem.replace("_", " ").replace("-", " ")


def _doc_type(title: str, probe: str) -> str:
    for slug, pattern in _TITLE_ORDER:
        if re.search(pattern, title.lower()):
            return slug
    for slug, pattern in _TYPE_PATTERNS:
        if re.search(pattern, probe):
            return slug
    return "other"


def infer(doc: DocumentStructure, source_name: str) -> dict:
    head_text = " ".join(b.text for b in doc.blocks[:40])
    title = _title(doc, source_name)
    probe = f"{title} {head_text}".lower()
    own = doc.hints.get("date") or next((m.group(1) for m in OWN_DATE.finditer(head_text)), None)
    years = _YEAR.findall(own or "") or _YEAR.findall(title) or _YEAR.findall(_CITED.sub(" ", head_text))
    year = max(int(y) for y in years) if years else None
    m = PUBLISHER.search(head_text)
    publisher = doc.hints.get("publisher") or (m.group(1).strip() if m else None)
    return {"title": title[:300], "publisher": publisher, "date": own or (str(year) if year else None),
            "year": year, "doc_type": _doc_type(title, probe), "source_url": None, "visibility": "public"}


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
