"""Administrator login: names and salted password hashes in the store (`kb user add`)."""
from __future__ import annotations

from functools import wraps
from urllib.parse import urlparse

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for

from .context import current_user, knowledge_base

bp = Blueprint("auth", __name__)


def login_required(view):
    @wraps(view)
    def wrapped(*args, **kwargs):
        if current_user() is None:
            if request.path.startswith("/api/"):
                abort(401, "log in as an administrator first")
            return redirect(url_for("auth.login", next=request.full_path))
        return view(*args, **kwargs)
    return wrapped


def safe_next(target: str | None) -> str:
    if not target:
        return url_for("pages.search")
    parts = urlparse(target)
    return target if not parts.scheme and not parts.netloc and target.startswith("/") else url_for("pages.search")


@bp.route("/login", methods=["GET", "POST"])
def login():
    error = None
    if request.method == "POST":
        name = request.form.get("name", "")
        with knowledge_base() as kb:
            ok = kb.check_password(name, request.form.get("password", ""))
        if ok:
            visitor, current = session.get("visitor"), session.get("briefing")
            session.clear()
            session["user"] = name.strip()
            if visitor:  # briefings started before logging in become the user's
                with knowledge_base() as kb:
                    kb.claim_briefings(f"visitor:{visitor}", f"user:{name.strip()}")
                if current:
                    session["briefing"] = current
            flash(f"Logged in as {name.strip()}.")
            return redirect(safe_next(request.form.get("next")))
        error = "Wrong name or password."
    return render_template("login.html", error=error, next=request.values.get("next", "")), 401 if error else 200


@bp.post("/logout")
def logout():
    session.clear()
    flash("Logged out.")
    return redirect(url_for("pages.search"))
