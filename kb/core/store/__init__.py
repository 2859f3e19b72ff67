"""The SQLite store: the single source of truth. This package owns all the SQL.

Every derived index (keyword, vector) can be rebuilt from what is here. Schema changes
are numbered migrations (schema.py) applied on open; the tables' reads and writes are
grouped by what they hold (documents, themes, briefings and users), one class each,
joined in `Store` over one connection."""
from __future__ import annotations

import sqlite3
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import sqlite_utils

from kb.core.store.briefings import BriefingTables, UserTables
from kb.core.store.documents import DocumentTables
from kb.core.store.rows import SEP
from kb.core.store.schema import MIGRATIONS
from kb.core.store.themes import ThemeTables

__all__ = ["Store", "SEP", "MIGRATIONS"]


class Store(DocumentTables, ThemeTables, BriefingTables, UserTables):
    """All reads and writes of the knowledge base's SQLite database."""

    def __init__(self, path: Path | str):
        self.path = str(path)
        conn = sqlite3.connect(self.path, check_same_thread=False, timeout=30)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA journal_mode = WAL")
        self.db = sqlite_utils.Database(conn)
        self.conn = conn
        self._migrate()

    # ------------------------------------------------------------ schema
    def _migrate(self) -> None:
        version = self.conn.execute("PRAGMA user_version").fetchone()[0]
        for number, script in enumerate(MIGRATIONS, start=1):
            if number > version:
                with self.conn:
                    self.conn.executescript("BEGIN;" + script + f"; PRAGMA user_version = {number};")

    @property
    def schema_version(self) -> int:
        return self.conn.execute("PRAGMA user_version").fetchone()[0]

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One transaction: everything inside is written, or nothing is."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        else:
            self.conn.execute("COMMIT")

    def close(self) -> None:
        self.conn.close()

    # ------------------------------------------------------------ generation
    def generation(self) -> int:
        return int(self.conn.execute("SELECT value FROM meta WHERE key='generation'").fetchone()[0])

    def _bump(self) -> None:
        self.conn.execute("UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key='generation'")
