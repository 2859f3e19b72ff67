"""Administrators: upload documents (ingested in the background), follow the jobs,
edit a document's metadata, replace its file, remove it."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for

from kb.ingest import readers
from kb.web.auth import login_required
from kb.web.context import current_user, knowledge_base

bp = Blueprint("admin", __name__)

def metadata_from(form) -> dict:
    """Metadata fields of an upload or edit form; empty fields are left to inference."""
    meta = {k: form.get(k, "").strip() for k in ("title", "publisher", "date", "doc_type", "source_url")}
    meta = {k: v for k, v in meta.items() if v}
    if "visibility" in form:
        meta["visibility"] = "restricted" if form.get("visibility") == "restricted" else "public"
    return meta


def queue():
    return current_app.extensions["ingest_queue"]


@bp.route("/admin/upload", methods=["GET", "POST"])
@login_required
def upload():
    if request.method == "POST":
        files = [f for f in request.files.getlist("files") if f and f.filename]
        if not files:
            flash("Choose at least one file to upload.", "error")
            return render_template("upload.html", accept=readers.accept(), formats=readers.described()), 400
        meta = metadata_from(request.form)
        jobs = [queue().submit(f.read(), f.filename, meta, current_user()) for f in files]
        return redirect(url_for("admin.jobs", id=[j.id for j in jobs]))
    return render_template("upload.html", accept=readers.accept(), formats=readers.described())


@bp.get("/admin/jobs")
@login_required
def jobs():
    found = [queue().get(i) for i in request.args.getlist("id")]
    found = [j for j in found if j is not None]
    if not found:
        abort(404, "no such upload")
    return render_template("jobs.html", jobs=found, pending=any(not j.finished for j in found))


@bp.route("/documents/<doc_id>/edit", methods=["GET", "POST"])
@login_required
def edit(doc_id: str):
    with knowledge_base() as kb:
        if request.method == "POST":
            doc = kb.update_metadata(doc_id, **metadata_from(request.form))
            flash("Saved.")
            return redirect(url_for("pages.document", doc_id=doc["id"]))
        doc = kb.resolve(doc_id)
    return render_template("edit.html", doc=doc, accept=readers.accept(), formats=readers.described())


@bp.post("/documents/<doc_id>/replace")
@login_required
def replace(doc_id: str):
    f = request.files.get("file")
    if not f or not f.filename:
        flash("Choose the new file.", "error")
        return redirect(url_for("admin.edit", doc_id=doc_id))
    job = queue().submit(f.read(), f.filename, {}, current_user(), replace=doc_id)
    return redirect(url_for("admin.jobs", id=[job.id]))


@bp.post("/documents/<doc_id>/remove")
@login_required
def remove(doc_id: str):
    with knowledge_base() as kb:
        doc = kb.remove(doc_id)
    flash(f"Removed “{doc['title']}”.")
    return redirect(url_for("pages.documents"))
