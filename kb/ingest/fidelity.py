"""How faithfully a reader turns a document into learning points, against its source.

The source is a list of units (each paragraph, list item and table row that is content, with
its nearest heading) and the text that is not content (cover lines, contents entries, running
headers and footers). Four shares, as the PDF-fidelity issue defines them:

- recovered: source units that come out as their own points (one point, or consecutive points
  of a split paragraph, covering it, and no point running into the next unit);
- right heading: recovered units whose points sit under the unit's nearest heading;
- not content: points that are no source unit's text (headers, footers, contents, cover);
- right page: recovered units whose first point cites the page the unit starts on."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass


def norm(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)  # ligatures ("ﬀ") as their letters
    text = re.sub(r"['’]", "", text.lower())
    return " ".join(re.findall(r"[a-z0-9]+", text))


def _heading(text: str) -> str:
    return re.sub(r"^(?:\d+(?:\.\d+)*\.?\s+)", "", norm(text))


def _nearest(point: dict) -> str:
    """A point's nearest heading, from its section path (a list from the reader, a " › " string
    from the store)."""
    path = point["section_path"] or []
    path = path.split(" › ") if isinstance(path, str) else path
    return _heading(path[-1] if path else "")


@dataclass
class Fidelity:
    units: int
    points: int
    recovered: float
    right_heading: float
    not_content: float
    right_page: float | None
    misses: list[str]

    def meets(self, share: float = 0.97, noise: float = 0.03) -> bool:
        return (self.recovered >= share and self.right_heading >= share and self.not_content <= noise
                and (self.right_page is None or self.right_page >= 1.0))


def measure(units: list[dict], points: list[dict], page_texts: list[str] | None = None) -> Fidelity:
    """`points` as the store has them (text, section_path, page); `page_texts` the text of each
    page of the PDF, to know where a unit starts (None for files without pages)."""
    normed_units = [norm(u["text"]) for u in units]
    normed_points = [norm(p["text"]) for p in points]
    covered = [0] * len(units)
    owners: list[list[int]] = [[] for _ in units]
    start = 0
    for pi, np_ in enumerate(normed_points):
        if not np_:
            continue
        for ui in list(range(start, len(units))) + list(range(0, start)):
            if np_ in normed_units[ui]:
                covered[ui] += len(np_) + 1
                owners[ui].append(pi)
                start = ui
                break
    recovered = [ui for ui, u in enumerate(normed_units) if u and covered[ui] >= 0.9 * len(u)]
    right_heading = [ui for ui in recovered
                     if all(_nearest(points[pi]) == _heading(units[ui]["heading"]) for pi in owners[ui])]
    in_source = sum(any(np_ in u for u in normed_units) for np_ in normed_points if np_)
    pages_right = None
    if page_texts is not None:
        normed_pages = [norm(t) for t in page_texts]
        good, page = 0, 0
        for ui in recovered:
            probe = normed_units[ui][:60]
            cited = (points[owners[ui][0]]["page"] or 0) - 1
            if page <= cited < len(normed_pages) and probe in normed_pages[cited]:
                good, page = good + 1, cited  # text found on more than one page (a running title)
                continue
            while page < len(normed_pages) and probe not in normed_pages[page]:
                page += 1
            if page == len(normed_pages):  # the probe crosses a page break: search again from the start
                page = 0
                continue
            good += points[owners[ui][0]]["page"] == page + 1
        pages_right = good / len(recovered) if recovered else 0.0
    n = max(1, len(units))
    return Fidelity(units=len(units), points=len(points), recovered=len(recovered) / n,
                    right_heading=len(right_heading) / max(1, len(recovered)),
                    not_content=1 - in_source / max(1, len([p for p in normed_points if p])),
                    right_page=pages_right,
                    misses=[units[ui]["text"][:100] for ui in range(len(units)) if ui not in set(recovered)][:20])
