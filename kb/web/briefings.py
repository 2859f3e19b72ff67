"""Briefings: trainers add learning points from search, theme and document pages,
arrange them in a template, annotate them and export them. Saved per user when
logged in, per browser session otherwise; the current briefing is the one the
"Add to briefing" buttons add to."""
from __future__ import annotations

import io

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, session, url_for

from kb import KBError
from kb.briefings import templates as formats
from kb.briefings.export import EXPORTERS

from kb.web.auth import safe_next
from kb.web.context import briefing_owner, knowledge_base
from kb.web.security import content_security_policy, style_hashes

bp = Blueprint("briefings", __name__)


def current_briefing(kb) -> dict | None:
    """The briefing the "Add to briefing" buttons add to, if this visitor has one."""
    bid, owner = session.get("briefing"), briefing_owner(create=False)
    if bid is None or owner is None:
        return None
    try:
        return kb.briefing(bid, owner)
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
    """Add learning points to the current briefing (started if there is none): one point, or
    every instance of a recurring finding (point_id given once for each)."""
    point_ids = request.form.getlist("point_id", type=int)
    if not point_ids:
        abort(400, "say which learning point to add (point_id)")
    with knowledge_base() as kb:
        current = current_briefing(kb)
        done = kb.add_all_to_briefing(current["id"] if current else None, point_ids, briefing_owner())
    b, added = done["briefing"], done["added"]
    session["briefing"] = b["id"]
    what = (f"{'Added to' if added else 'Already in'}" if len(point_ids) == 1
            else f"{added} of {len(point_ids)} points added to")
    flash(f"{what} “{b['title']}” ({b['n_items']} point{'s' if b['n_items'] != 1 else ''}).", "briefing")
    return redirect(safe_next(request.form.get("next")))


@bp.get("/briefings/<int:briefing_id>")
def edit(briefing_id: int):
    with knowledge_base() as kb:
        b = kb.briefing(briefing_id, briefing_owner(create=False) or "")
        themes = kb.taxonomy.themes
    session["briefing"] = b["id"]
    return render_template("briefing.html", b=b, tmpl=formats.template(b["template"]),
                           templates=formats.TEMPLATES.values(), themes=themes,
                           standard_questions=formats.STANDARD_QUESTIONS, exporters=EXPORTERS.values())


@bp.post("/briefings/<int:briefing_id>")
def save(briefing_id: int):
    """Save the whole form (title, texts, notes, parts, template) and do the pressed button's
    action: move an item up or down, remove it, or just save."""
    form = request.form
    action, _, target = form.get("action", "save").partition(":")
    item = int(target) if target.isdigit() else None
    texts = {k[len("text-"):]: v for k, v in form.items() if k.startswith("text-")}
    texts.update({k: form[k] for k in ("questions", "team", "date", "theme") if k in form})
    with knowledge_base() as kb:
        kb.edit_briefing(briefing_id, briefing_owner(create=False) or "", title=form.get("title"),
                         template=form.get("template") or None, texts=texts,
                         notes=_by_item(form, "note-"), boxes={i: v or None for i, v in _by_item(form, "box-").items()},
                         remove=[item] if action == "remove" and item else [],
                         move=(item, -1 if action == "up" else 1) if action in ("up", "down") and item else None)
    flash({"up": "Moved up.", "down": "Moved down.", "remove": "Removed from the briefing."}.get(action, "Saved."))
    anchor = f"#item-{item}" if action in ("up", "down") else ""
    return redirect(url_for("briefings.edit", briefing_id=briefing_id) + anchor)


def _by_item(form, prefix: str) -> dict[int, str]:
    """Form fields named PREFIX<item id>, by item id."""
    return {int(k[len(prefix):]): v for k, v in form.items() if k.startswith(prefix) and k[len(prefix):].isdigit()}


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
    """A download, or a page for an inline exporter (the print-ready HTML; add ?download=1 to save it)."""
    with knowledge_base() as kb:
        out = kb.export_briefing(briefing_id, fmt, briefing_owner(create=False) or "", base_url=request.host_url)
    inline = EXPORTERS[fmt].inline and not request.args.get("download")
    response = send_file(io.BytesIO(out.data), mimetype=out.mimetype, as_attachment=not inline,
                         download_name=out.filename)
    if inline:  # the print-ready page carries its own stylesheet (no external assets): admit exactly it
        response.headers["Content-Security-Policy"] = content_security_policy(style_hashes(out.data))
    return response
