"""The JSON API, mirroring the pages, with the same rule for restricted documents.
Writes need an administrator's session and the CSRF token (header X-CSRFToken)."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, jsonify, request
from flask_wtf.csrf import generate_csrf

from .admin import metadata_from
from .auth import login_required
from .context import can_see_restricted, current_user, knowledge_base
from .pages import filters_from

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
                             expand=args.get("expand", "1") != "0", offset=offset)
    return jsonify(response.to_dict())


@bp.get("/themes")
def themes():
    with knowledge_base() as kb:
        return jsonify(kb.themes(include_restricted=can_see_restricted()))


@bp.get("/themes/<slug>")
def theme(slug: str):
    with knowledge_base() as kb:
        return jsonify(kb.theme(slug, include_restricted=can_see_restricted(),
                                statement_types=request.args.getlist("stype")))


@bp.get("/documents")
def documents():
    with knowledge_base() as kb:
        return jsonify(kb.documents(include_restricted=can_see_restricted()))


@bp.get("/documents/<doc_id>")
def document(doc_id: str):
    with knowledge_base() as kb:
        return jsonify(kb.document(doc_id, include_restricted=can_see_restricted()))


@bp.get("/points/<int:point_id>")
def point(point_id: int):
    with knowledge_base() as kb:
        return jsonify(kb.point(point_id, include_restricted=can_see_restricted()))


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
