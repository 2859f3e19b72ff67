"""The knowledge base shared by request threads, and who is asking."""
from __future__ import annotations

import secrets
import threading
import time
from contextlib import contextmanager
from typing import Iterator

from flask import current_app, has_request_context, session

from kb import KnowledgeBase


class SharedKB:
    """One KnowledgeBase for the request threads, one call at a time (its indexes
    are reloaded in place when the store changes). Ingestion runs elsewhere, on
    its own instance, so it never holds this lock."""

    def __init__(self, kb: KnowledgeBase):
        self.kb = kb
        self.lock = threading.RLock()


@contextmanager
def knowledge_base() -> Iterator[KnowledgeBase]:
    """The knowledge base as the person asking may see it (kb.reader): anonymous visitors never
    see restricted documents, whichever view or API route asks and whatever it passes."""
    shared: SharedKB = current_app.extensions["kb"]
    with shared.lock:
        yield shared.kb.reader(public_only=not (has_request_context() and can_see_restricted()))


def current_user() -> str | None:
    """The logged-in administrator, until KB_SESSION_HOURS after the login (whatever the activity)."""
    user = session.get("user")
    if user is None:
        return None
    hours = current_app.config["KB_SETTINGS"].session_hours
    if time.time() - session.get("login_at", 0) > hours * 3600:
        session.clear()
        return None
    return user


def can_see_restricted() -> bool:
    """Restricted documents are for logged-in users only: in results, facets, counts and pages."""
    return current_user() is not None


def briefing_owner(create: bool = True) -> str | None:
    """Whose briefings these are: the logged-in user's, or this browser session's."""
    user = current_user()
    if user is not None:
        return f"user:{user}"
    token = session.get("visitor")
    if token is None and create:
        token = session["visitor"] = secrets.token_urlsafe(18)
        session.permanent = True  # kept across browser restarts until KB_SESSION_HOURS without a visit
    return f"visitor:{token}" if token else None
