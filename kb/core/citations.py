"""How a quoted passage is cited: the same fields wherever the tool shows or exports one."""
from __future__ import annotations


def citation(doc: dict, section: str | None = None, page: int | None = None, sep: str = ", ",
             kind: str | None = None) -> str:
    """'Title, Publisher[, kind], date (or year), section, p. N' — whichever of them are known."""
    date = doc.get("date") or (str(doc["year"]) if doc.get("year") else None)
    bits = [doc.get("title") or doc.get("id") or "untitled document"]
    bits += [b for b in (doc.get("publisher"), kind, date, section) if b]
    if page:
        bits.append(f"p. {page}" + (" (read by OCR)" if page in (doc.get("ocr_pages") or ()) else ""))
    return sep.join(bits)
