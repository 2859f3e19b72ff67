"""Administrators of the web app: only a salted hash of each password is stored."""
from __future__ import annotations

import re

from kb.core.errors import KBError, NotFound
from kb.core.records import now
from kb.core.store import Store

MIN_PASSWORD = 10


class Users:
    def __init__(self, store: Store):
        self.store = store

    def add_user(self, name: str, password: str) -> None:
        """Create or reset an administrator of the web app; only a salted hash is stored."""
        from werkzeug.security import generate_password_hash

        name = (name or "").strip()
        if not re.fullmatch(r"[A-Za-z0-9._@-]{2,64}", name):
            raise KBError("user name: 2-64 letters, digits or . _ @ -")
        if len(password or "") < MIN_PASSWORD:
            raise KBError(f"password: at least {MIN_PASSWORD} characters")
        self.store.put_user(name, generate_password_hash(password), now())

    def check_password(self, name: str, password: str) -> bool:
        from werkzeug.security import check_password_hash

        user = self.store.user((name or "").strip())
        return bool(user) and check_password_hash(user["password_hash"], password or "")

    def users(self) -> list[dict]:
        return self.store.users()

    def remove_user(self, name: str) -> None:
        if not self.store.remove_user(name):
            raise NotFound(f"no user '{name}'")
