"""Rows as the store hands them out: JSON columns decoded."""
from __future__ import annotations

import json
import sqlite3

SEP = " › "  # between the headings of a section path


def doc_row(row: sqlite3.Row) -> dict:
    d = dict(row)
    d["primary_themes"] = json.loads(d.get("primary_themes") or "[]")
    d["ocr_pages"] = json.loads(d.get("ocr_pages") or "[]")
    return d


def briefing_row(row: sqlite3.Row) -> dict:
    d = dict(row)
    d["fields"] = json.loads(d.get("fields") or "{}")
    return d


def point_row(row: sqlite3.Row) -> dict:
    d = dict(row)
    d["themes"] = json.loads(d.get("themes") or "[]")
    return d
