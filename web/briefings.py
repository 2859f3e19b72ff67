"""Briefings: trainers add learning points from search, theme and document pages,
arrange them in a template, annotate them and export them. Saved per user when
logged in, per browser session otherwise; the current briefing is the one the
"Add to briefing" buttons add to."""
from __future__ import annotations

import io

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, session, url_for

from kb import KBError
from kb import briefings as formats

from .auth import _safe_next
from .context import briefing_owner, can_see_restricted, knowledge_base

bp = Blueprint("briefings", __name__)


def current_briefing(kb) -> dict | None:
    """The briefing the "Add to briefing" buttons add to, if this visitor has one."""
    bid, owner = session.get("briefing"), briefing_owner(create=False)
    if bid is None or owner is None:
        return None
    try:
        return kb.briefing(bid, owner, include_restricted=can_see_restricted())
    except KBError:  # removed, or no longer this visitor's
        session.pop("briefing", None)
        return None


@bp.get("/briefings")
def index():
    owner = briefing_owner(create=False)
    with knowledge_base() as kb:
        rows = kb.briefings(owner) if owner else []
    return render_template("briefings.html", briefings=rows, templates=formats.TEMPLATES.values())


@bp.post("/briefings")
def create():
    with knowledge_base() as kb:
        b = kb.create_briefing(briefing_owner(), request.form.get("title"),
                               request.form.get("template") or formats.DEFAULT_TEMPLATE)
    session["briefing"] = b["id"]
    flash(f"Started “{b['title']}”. Points you add from search, theme and document pages go here.")
    return redirect(url_for("briefings.edit", briefing_id=b["id"]))


@bp.post("/briefings/add")
def add():
    """Add a learning point to the current briefing (started if there is none)."""
    point_id = request.form.get("point_id", type=int)
    if point_id is None:
        abort(400, "say which learning point to add (point_id)")
    owner = briefing_owner()
    with knowledge_base() as kb:
        b = current_briefing(kb) or kb.create_briefing(owner)
        item = kb.add_to_briefing(b["id"], point_id, owner, include_restricted=can_see_restricted())
        count = len(kb.briefing(b["id"], owner)["items"])
    session["briefing"] = b["id"]
    flash(f"{'Added to' if item['added'] else 'Already in'} “{b['title']}” ({count} point{'s' if count != 1 else ''}).",
          "briefing")
    return redirect(_safe_next(request.form.get("next")))


@bp.get("/briefings/<int:briefing_id>")
def edit(briefing_id: int):
    with knowledge_base() as kb:
        b = kb.briefing(briefing_id, briefing_owner(create=False) or "", include_restricted=can_see_restricted())
        themes = kb.taxonomy.themes
    session["briefing"] = b["id"]
    return render_template("briefing.html", b=b, tmpl=formats.template(b["template"]),
                           templates=formats.TEMPLATES.values(), themes=themes,
                           standard_questions=formats.STANDARD_QUESTIONS)


@bp.post("/briefings/<int:briefing_id>")
def save(briefing_id: int):
    """Save the whole form (title, template, texts, notes, parts), then do the button's action:
    move an item up or down, remove it, or just save."""
    form, owner = request.form, briefing_owner(create=False) or ""
    action, _, target = form.get("action", "save").partition(":")
    with knowledge_base() as kb:
        b = kb.briefing(briefing_id, owner, include_restricted=can_see_restricted())
        tmpl = formats.template(b["template"])
        texts = {p.key: form.get(f"text-{p.key}", "") for p in tmpl.parts if p.text and f"text-{p.key}" in form}
        for key in ("questions", "team", "date", "theme"):
            if key in form:
                texts[key] = form.get(key, "")
        kb.update_briefing(b["id"], owner, title=form.get("title"), texts=texts)
        ids = [i["id"] for i in b["items"]]
        notes = {i: form.get(f"note-{i}", "") for i in ids if f"note-{i}" in form}
        boxes = {i: form.get(f"box-{i}") or None for i in ids if f"box-{i}" in form}
        remove = [int(target)] if action == "remove" and target.isdigit() else []
        kb.edit_briefing(b["id"], owner, notes=notes, boxes=boxes, remove=remove)
        if action in ("up", "down") and target.isdigit():
            kb.move_briefing_item(b["id"], int(target), -1 if action == "up" else 1, owner)
        new_template = form.get("template")
        if new_template and new_template != b["template"]:
            kb.update_briefing(b["id"], owner, template=new_template)
    message = {"up": "Moved up.", "down": "Moved down.", "remove": "Removed from the briefing."}.get(action, "Saved.")
    flash(message)
    anchor = f"#item-{target}" if action in ("up", "down") else ""
    return redirect(url_for("briefings.edit", briefing_id=briefing_id) + anchor)


@bp.post("/briefings/<int:briefing_id>/delete")
def delete(briefing_id: int):
    with knowledge_base() as kb:
        kb.delete_briefing(briefing_id, briefing_owner(create=False) or "")
    if session.get("briefing") == briefing_id:
        session.pop("briefing")
    flash("Briefing deleted.")
    return redirect(url_for("briefings.index"))


@bp.get("/briefings/<int:briefing_id>/export.<fmt>")
def export(briefing_id: int, fmt: str):
    """Word and Markdown download; HTML opens as a print-ready page (add ?download=1 to save it)."""
    with knowledge_base() as kb:
        out = kb.export_briefing(briefing_id, fmt, briefing_owner(create=False) or "",
                                 include_restricted=can_see_restricted(), base_url=request.host_url)
    inline = fmt == "html" and not request.args.get("download")
    return send_file(io.BytesIO(out.data), mimetype=out.mimetype, as_attachment=not inline,
                     download_name=out.filename)
