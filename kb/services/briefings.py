"""Briefings trainers build from cited learning points: kept per owner (a user, a browser
session, or 'local'), edited in one transaction, exported by the exporters' registry."""
from __future__ import annotations

from typing import Iterable

from kb.analysis.taxonomy import Taxonomy
from kb.briefings import templates as briefings
from kb.core.errors import Forbidden, NotFound, QueryError
from kb.core.records import doc_ref, now
from kb.core.settings import Settings
from kb.core.store import Store
from kb.services.analysis import Analysis
from kb.services.library import Library


class Briefings:
    def __init__(self, settings: Settings, store: Store, taxonomy: Taxonomy, library: Library, analysis: Analysis):
        self.settings, self.store, self.taxonomy = settings, store, taxonomy
        self.library, self.analysis = library, analysis

    def create_briefing(self, owner: str, title: str | None = None,
                        template: str = briefings.DEFAULT_TEMPLATE) -> dict:
        """A new, empty briefing belonging to `owner` (a user, a browser session, or 'local')."""
        briefings.template(template)
        bid = self.store.create_briefing(owner, briefings.check_title(title), template, now())
        return self.briefing(bid)

    def briefings(self, owner: str | None = None) -> list[dict]:
        """Briefings of one owner (all of them when None), most recently changed first."""
        return self.store.briefings(owner)

    def briefing(self, briefing_id: int, owner: str | None = None, include_restricted: bool = True) -> dict:
        """A briefing with its items in order. Items quoting a restricted document are left out
        (and counted in `hidden_items`) unless `include_restricted`."""
        b = self.store.briefing(briefing_id)
        if b is None or (owner is not None and b["owner"] != owner):
            raise NotFound(f"no briefing {briefing_id}" + (" of yours" if owner is not None and b else ""))
        shown = [i for i in b["items"] if include_restricted or not i["restricted"]]
        b["hidden_items"] = len(b["items"]) - len(shown)
        b["items"] = shown
        b["placement"] = briefings.placement(briefings.template(b["template"]), shown)
        return b

    def edit_briefing(self, briefing_id: int, owner: str | None = None, *, title: str | None = None,
                      template: str | None = None, texts: dict[str, str] | None = None,
                      notes: dict[int, str] | None = None, boxes: dict[int, str | None] | None = None,
                      order: list[int] | None = None, remove: Iterable[int] = (),
                      move: tuple[int, int] | None = None, include_restricted: bool = True) -> dict:
        """Every change a trainer makes, in one transaction, checked against the current template:
        the title; the author's texts (one per part that takes text, 'questions' one per line,
        'team' and 'date' of the action plan, 'theme' of a digest); each item's note and part
        (None: by statement type); items removed; the new order (every item id) or `move`
        (item id, places down; negative is up); then the template. Returns the briefing."""
        b = self.briefing(briefing_id, owner)
        tmpl = briefings.template(b["template"])
        fields: dict = {}
        if title is not None:
            fields["title"] = briefings.check_title(title)
        if texts:
            allowed = {p.key for p in tmpl.parts if p.text} | {"questions"}
            allowed |= {"team", "date"} if tmpl.action_plan else set()
            allowed |= {"theme"} if tmpl.needs_theme else set()
            unknown = sorted(set(texts) - allowed)
            if unknown:
                raise QueryError(f"the {tmpl.name} has no text '{unknown[0]}' (it has: {', '.join(sorted(allowed))})")
            if texts.get("theme"):
                self.analysis.theme_named(texts["theme"])
            fields["fields"] = dict(b["fields"], **{k: briefings.check_text(k, v) for k, v in texts.items()})
        if template is not None and template != b["template"]:
            fields["template"] = briefings.template(template).slug
        ids = [i["id"] for i in b["items"]]
        moved = [move[0]] if move else []
        unknown = [i for i in [*(notes or {}), *(boxes or {}), *remove, *(order or []), *moved] if i not in ids]
        if unknown:
            raise NotFound(f"briefing {b['id']} has no item {unknown[0]}")
        changes: dict[int, dict] = {}
        for item_id, note in (notes or {}).items():
            changes.setdefault(item_id, {})["note"] = briefings.check_text("note", note)
        for item_id, box in (boxes or {}).items():
            part = tmpl.part(box) if box else None
            if box and (part is None or not part.items):
                raise QueryError(f"the {tmpl.name} has no part '{box}' for learning points")
            changes.setdefault(item_id, {})["box"] = box or None
        kept = [i for i in ids if i not in set(remove)]
        if move and move[0] in kept:
            at = kept.index(move[0])
            kept.insert(max(0, min(len(kept) - 1, at + move[1])), kept.pop(at))
            order = kept
        if order is not None and sorted(order) != sorted(kept):
            raise QueryError("the new order must list every item of the briefing once")
        self.store.edit_briefing(b["id"], fields, changes, order, remove, now())
        return self.briefing(b["id"], owner, include_restricted)

    def add_to_briefing(self, briefing_id: int | None, point_id: int, owner: str | None = None,
                        include_restricted: bool = True, note: str = "", box: str | None = None) -> dict:
        """Quote a learning point in a briefing (None: in a new one of `owner`'s), with its citation
        as it stands now; a point already there is not added twice. Returns the item, with
        `added` and its `briefing` (id, title, number of items)."""
        p = self.library.point(point_id, include_restricted)
        b = (self.briefing(briefing_id, owner, include_restricted) if briefing_id is not None
             else self.create_briefing(owner or "local"))
        added = all(i["point_id"] != point_id for i in b["items"])
        if added:
            doc = self.store.document(p["document_id"])
            self.store.add_briefing_item(b["id"], {
                "point_id": p["id"], "document_id": doc["id"], "text": p["text"], "context": p["context"],
                "section": p["section_path"], "page": p["page"], "statement_type": p["statement_type"],
                "themes": p["themes"], "source": dict(doc_ref(doc), source_url=doc.get("source_url")),
                "note": briefings.check_text("note", note), "box": box or None}, now())
            b = self.briefing(b["id"], owner, include_restricted)
        item = next(i for i in b["items"] if i["point_id"] == point_id)
        return dict(item, added=added, briefing={"id": b["id"], "title": b["title"], "n_items": len(b["items"])})

    def add_all_to_briefing(self, briefing_id: int | None, point_ids: list[int], owner: str | None = None,
                            include_restricted: bool = True) -> dict:
        """Quote several learning points (a recurring finding's instances) in one briefing, as
        add_to_briefing does each. Returns the briefing (id, title, number of items) and how
        many were added (points already there are not added twice)."""
        added, briefing = 0, None
        for point_id in point_ids:
            item = self.add_to_briefing(briefing_id, point_id, owner, include_restricted)
            briefing, briefing_id, added = item["briefing"], item["briefing"]["id"], added + item["added"]
        return {"briefing": briefing, "added": added}

    def delete_briefing(self, briefing_id: int, owner: str | None = None) -> None:
        self.briefing(briefing_id, owner)
        self.store.delete_briefing(briefing_id)

    def claim_briefings(self, from_owner: str, to_owner: str) -> int:
        """Give a browser session's briefings to the user who has just logged in."""
        return self.store.move_briefings(from_owner, to_owner)

    def export_briefing(self, briefing_id: int, fmt: str, owner: str | None = None,
                        include_restricted: bool = True, base_url: str | None = None):
        """The briefing as a file of one of the exporters (kb.briefings.export.EXPORTERS: Word,
        Markdown, HTML). Refused when it quotes a restricted document and the asker may not see
        restricted documents."""
        from kb.briefings import export

        b = self.briefing(briefing_id, owner, include_restricted=True)
        restricted = sum(i["restricted"] for i in b["items"])
        if restricted and not include_restricted:
            raise Forbidden(f"briefing {b['id']} quotes {restricted} passage{'s' if restricted != 1 else ''} "
                            "from restricted documents: log in to export it")
        base = (base_url or self.settings.link_base).rstrip("/")

        def link(item: dict) -> str:
            if item["point_id"] is not None:
                return f"{base}/points/{item['point_id']}"
            return f"{base}/documents/{item['document_id']}"

        return export.export(briefings.layout(b, self._names(b, include_restricted), link), fmt)

    def _names(self, briefing: dict, include_restricted: bool) -> briefings.Names:
        tax = self.taxonomy
        coverage = {}
        if briefings.template(briefing["template"]).needs_theme:
            counts = self.analysis.theme_counts(include_restricted)
            years = self.analysis.theme_years(include_restricted)
            coverage = {slug: dict(c, years=sorted(years.get(slug, {}))) for slug, c in counts.items()}
        return briefings.Names({t.slug: t.name for t in tax.themes}, dict(tax.document_types),
                               {t.slug: t.description for t in tax.themes}, coverage)
