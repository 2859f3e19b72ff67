"""The JSON API, mirroring the pages, with the same rule for restricted documents.
Every write needs the CSRF token (header X-CSRFToken); writes to the library need an
administrator's session, briefings belong to the caller's user or browser session."""
from __future__ import annotations

import io

from flask import Blueprint, abort, current_app, jsonify, request, send_file
from flask_wtf.csrf import generate_csrf

from kb.web.admin import metadata_from
from kb.web.auth import login_required
from kb.web.context import briefing_owner, current_user, knowledge_base
from kb.web.pages import filters_from, recurring_args

bp = Blueprint("api", __name__, url_prefix="/api")

MAX_K = 50


@bp.get("/health")
def health():
    with knowledge_base() as kb:
        return jsonify({"status": "ok", "points": kb.stats()["points"]})


@bp.get("/csrf")
def csrf():
    """A CSRF token for API clients that write (send it back as X-CSRFToken)."""
    return jsonify({"csrf_token": generate_csrf()})


@bp.get("/search")
def search():
    args = request.args
    k = min(max(args.get("k", 10, type=int), 1), MAX_K)
    offset = max(args.get("offset", 0, type=int), 0)
    with knowledge_base() as kb:
        response = kb.search(args.get("q", ""), k=k, filters=filters_from(args),
                             expand=args.get("expand", "1") != "0", offset=offset,
                             concepts=args.get("concepts", "1") != "0")
    return jsonify(response.to_dict())


@bp.get("/themes")
def themes():
    with knowledge_base() as kb:
        return jsonify(kb.themes())


@bp.get("/themes/<slug>")
def theme(slug: str):
    with knowledge_base() as kb:
        return jsonify(kb.theme(slug,
                                statement_types=request.args.getlist("stype"),
                                page=request.args.get("page", 1, type=int)))


@bp.get("/themes/years")
def theme_years():
    """The theme-by-year table: {"header": [...], "rows": [[slug, name, count per year..., total], ...]}."""
    with knowledge_base() as kb:
        header, rows = kb.theme_year_table()
    return jsonify({"header": header, "rows": rows})


@bp.get("/recurring")
def recurring():
    with knowledge_base() as kb:
        return jsonify(kb.recurring(**recurring_args(request.args)))


# ---------------------------------------------------------------- briefings (the caller's own)
def _public(b: dict) -> dict:
    """A briefing without its owner (a user name or a browser session's token)."""
    return {k: v for k, v in b.items() if k != "owner"}


def _body() -> dict:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        abort(400, "send a JSON object")
    return data


@bp.get("/briefings")
def briefings():
    owner = briefing_owner(create=False)
    with knowledge_base() as kb:
        return jsonify([_public(b) for b in kb.briefings(owner)] if owner else [])


@bp.post("/briefings")
def create_briefing():
    data = _body()
    with knowledge_base() as kb:
        b = kb.create_briefing(briefing_owner(), data.get("title"), data.get("template") or "seven-minute")
    return jsonify(_public(b)), 201


@bp.get("/briefings/<int:briefing_id>")
def briefing(briefing_id: int):
    with knowledge_base() as kb:
        return jsonify(_public(kb.briefing(briefing_id, briefing_owner(create=False) or "")))


@bp.patch("/briefings/<int:briefing_id>")
def update_briefing(briefing_id: int):
    """{"title", "template", "texts": {part: text, "questions", "team", "date", "theme"},
    "notes": {item: text}, "boxes": {item: part or null}, "order": [item ids], "remove": [item ids]}"""
    data = _body()
    as_ids = lambda d: {int(k): v for k, v in (d or {}).items()}  # noqa: E731
    with knowledge_base() as kb:
        b = kb.edit_briefing(briefing_id, briefing_owner(create=False) or "", title=data.get("title"),
                             template=data.get("template"), texts=data.get("texts"),
                             notes=as_ids(data.get("notes")), boxes=as_ids(data.get("boxes")),
                             order=data.get("order"), remove=data.get("remove") or [])
    return jsonify(_public(b))


@bp.post("/briefings/<int:briefing_id>/items")
def add_to_briefing(briefing_id: int):
    """{"point_id": N, "note": "...", "box": part}: quote a learning point."""
    data, owner = _body(), briefing_owner(create=False) or ""
    if not isinstance(data.get("point_id"), int):
        abort(400, "point_id: the id of a learning point (an integer)")
    with knowledge_base() as kb:
        item = kb.add_to_briefing(briefing_id, data["point_id"], owner,
                                  note=data.get("note") or "", box=data.get("box"))
    return jsonify(item), 201 if item["added"] else 200


@bp.delete("/briefings/<int:briefing_id>")
def delete_briefing(briefing_id: int):
    with knowledge_base() as kb:
        kb.delete_briefing(briefing_id, briefing_owner(create=False) or "")
    return jsonify({"deleted": briefing_id})


@bp.get("/briefings/<int:briefing_id>/export")
def export_briefing(briefing_id: int):
    """?format=docx|md|html: the file, as an attachment."""
    with knowledge_base() as kb:
        out = kb.export_briefing(briefing_id, request.args.get("format", "docx"),
                                 briefing_owner(create=False) or "",
                                 base_url=request.host_url)
    return send_file(io.BytesIO(out.data), mimetype=out.mimetype, as_attachment=True, download_name=out.filename)


@bp.get("/documents")
def documents():
    with knowledge_base() as kb:
        return jsonify(kb.documents())


@bp.get("/documents/<doc_id>")
def document(doc_id: str):
    with knowledge_base() as kb:
        return jsonify(kb.document(doc_id))


@bp.get("/points/<int:point_id>")
def point(point_id: int):
    with knowledge_base() as kb:
        return jsonify(kb.point(point_id))


@bp.post("/documents")
@login_required
def ingest():
    """Upload one or more files (multipart 'files') with optional metadata; returns the jobs."""
    files = [f for f in request.files.getlist("files") if f and f.filename]
    if not files:
        abort(400, "send at least one file in the multipart field 'files'")
    queue = current_app.extensions["ingest_queue"]
    jobs = [queue.submit(f.read(), f.filename, metadata_from(request.form), current_user()) for f in files]
    return jsonify([j.to_dict() for j in jobs]), 202


@bp.get("/jobs/<job_id>")
@login_required
def job(job_id: str):
    found = current_app.extensions["ingest_queue"].get(job_id)
    if found is None:
        abort(404, f"no job '{job_id}'")
    return jsonify(found.to_dict())


@bp.delete("/documents/<doc_id>")
@login_required
def remove(doc_id: str):
    with knowledge_base() as kb:
        doc = kb.remove(doc_id)
    return jsonify({"removed": doc["id"]})
