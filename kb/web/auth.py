"""Administrator login: names and salted password hashes in the store (`kb user add`)."""
from __future__ import annotations

from functools import wraps
from urllib.parse import urlparse

import time

from flask import (Blueprint, abort, current_app, flash, make_response, redirect, render_template, request,
                   session, url_for)

from kb.web.context import current_user, knowledge_base
from kb.web.security import LoginThrottle, Refusal

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
    if request.method == "GET":
        return _login_page(None, 200)
    name, address = request.form.get("name", ""), request.remote_addr
    throttle: LoginThrottle = current_app.extensions["login_throttle"]
    refused = throttle.refusal(name, address)
    if refused:  # locked: the password is not checked at all
        return _login_page(refused.message, 429, refused)
    throttle.pause(name, address)
    with knowledge_base() as kb:
        ok = kb.check_password(name, request.form.get("password", ""))
    if not ok:
        locked = throttle.failed(name, address)
        return _login_page("Wrong name or password." + (" " + locked.message if locked else ""),
                           429 if locked else 401, locked)
    throttle.succeeded(name, address)
    visitor, current = session.get("visitor"), session.get("briefing")
    session.clear()
    session.permanent = True  # ends after KB_SESSION_HOURS idle; current_user() ends it that long after login
    session["user"] = name.strip()
    session["login_at"] = time.time()
    if visitor:  # briefings started before logging in become the user's
        with knowledge_base() as kb:
            kb.claim_briefings(f"visitor:{visitor}", f"user:{name.strip()}")
        if current:
            session["briefing"] = current
    flash(f"Logged in as {name.strip()}.")
    return redirect(safe_next(request.form.get("next")))


def _login_page(error: str | None, status: int, refused: Refusal | None = None):
    response = make_response(render_template("login.html", error=error, next=request.values.get("next", "")), status)
    if refused:
        response.headers["Retry-After"] = str(int(refused.retry_after) + 1)
    return response


@bp.post("/logout")
def logout():
    session.clear()
    flash("Logged out.")
    return redirect(url_for("pages.search"))
