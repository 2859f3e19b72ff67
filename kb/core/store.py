"""The SQLite store: the single source of truth. This module owns all the SQL.

Every derived index (keyword, vector) can be rebuilt from what is here.
Schema changes are numbered migrations applied on open (PRAGMA user_version).
"""
from __future__ import annotations

import json
import sqlite3
from contextlib import contextmanager
from pathlib import Path
from typing import Iterable, Iterator

import numpy as np
import sqlite_utils

MIGRATIONS: list[str] = [
    # 1: documents, sections, learning points, embeddings
    """
    CREATE TABLE documents (
        id TEXT PRIMARY KEY,
        title TEXT NOT NULL,
        publisher TEXT,
        date TEXT,
        year INTEGER,
        doc_type TEXT NOT NULL DEFAULT 'other',
        source_name TEXT NOT NULL UNIQUE,
        sha256 TEXT NOT NULL,
        page_count INTEGER,
        ingested_at TEXT NOT NULL,
        source_url TEXT,
        visibility TEXT NOT NULL DEFAULT 'public' CHECK (visibility IN ('public', 'restricted')),
        file_path TEXT,
        primary_themes TEXT NOT NULL DEFAULT '[]'
    );
    CREATE TABLE sections (
        id INTEGER PRIMARY KEY,
        document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        heading TEXT NOT NULL,
        level INTEGER NOT NULL,
        path TEXT NOT NULL,
        page INTEGER
    );
    CREATE TABLE points (
        id INTEGER PRIMARY KEY,
        document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        section_id INTEGER REFERENCES sections(id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        text TEXT NOT NULL,
        kind TEXT NOT NULL,
        context TEXT,
        section_path TEXT NOT NULL DEFAULT '',
        page INTEGER,
        case_name TEXT,
        statement_type TEXT,
        themes TEXT NOT NULL DEFAULT '[]'
    );
    CREATE INDEX points_document ON points(document_id, position);
    CREATE INDEX sections_document ON sections(document_id, position);
    CREATE TABLE embeddings (
        point_id INTEGER PRIMARY KEY REFERENCES points(id) ON DELETE CASCADE,
        model TEXT NOT NULL,
        vector BLOB NOT NULL
    );
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
    INSERT INTO meta(key, value) VALUES ('generation', '0');
    """,
    # 2: themes of each point with confidence and reason
    """
    CREATE TABLE point_themes (
        point_id INTEGER NOT NULL REFERENCES points(id) ON DELETE CASCADE,
        theme TEXT NOT NULL,
        confidence REAL NOT NULL,
        reason TEXT NOT NULL,
        PRIMARY KEY (point_id, theme)
    );
    CREATE INDEX point_themes_theme ON point_themes(theme);
    """,
    # 3: administrators of the web app (passwords stored hashed)
    """
    CREATE TABLE users (
        name TEXT PRIMARY KEY,
        password_hash TEXT NOT NULL,
        created_at TEXT NOT NULL
    );
    """,
    # 4: briefings built by trainers. Each item keeps the quoted text and its citation as
    # they were when added, so a briefing survives the document being replaced or removed.
    """
    CREATE TABLE briefings (
        id INTEGER PRIMARY KEY,
        owner TEXT NOT NULL,
        title TEXT NOT NULL,
        template TEXT NOT NULL,
        fields TEXT NOT NULL DEFAULT '{}',
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE INDEX briefings_owner ON briefings(owner, updated_at);
    CREATE TABLE briefing_items (
        id INTEGER PRIMARY KEY,
        briefing_id INTEGER NOT NULL REFERENCES briefings(id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        point_id INTEGER REFERENCES points(id) ON DELETE SET NULL,
        document_id TEXT NOT NULL,
        text TEXT NOT NULL,
        context TEXT,
        section TEXT NOT NULL DEFAULT '',
        page INTEGER,
        statement_type TEXT,
        themes TEXT NOT NULL DEFAULT '[]',
        source TEXT NOT NULL,
        note TEXT NOT NULL DEFAULT '',
        box TEXT
    );
    CREATE INDEX briefing_items_briefing ON briefing_items(briefing_id, position);
    """,
]

SEP = " › "


class Store:
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

    # ------------------------------------------------------------ documents
    def document_by_source(self, source_name: str) -> dict | None:
        row = self.conn.execute("SELECT * FROM documents WHERE source_name = ?", (source_name,)).fetchone()
        return _doc(row) if row else None

    def document(self, doc_id: str) -> dict | None:
        row = self.conn.execute("SELECT * FROM documents WHERE id = ?", (doc_id,)).fetchone()
        return _doc(row) if row else None

    def documents(self, include_restricted: bool = True) -> list[dict]:
        sql = """SELECT d.*, (SELECT COUNT(*) FROM points p WHERE p.document_id = d.id) AS n_points
                 FROM documents d"""
        if not include_restricted:
            sql += " WHERE d.visibility = 'public'"
        sql += " ORDER BY COALESCE(d.year, 0) DESC, d.title"
        return [_doc(r) for r in self.conn.execute(sql)]

    def document_ids(self) -> set[str]:
        return {r[0] for r in self.conn.execute("SELECT id FROM documents")}

    def find_documents(self, needle: str) -> list[dict]:
        rows = self.conn.execute(
            "SELECT * FROM documents WHERE id = ? OR source_name = ? OR title LIKE ? ORDER BY id",
            (needle, needle, f"%{needle}%"),
        ).fetchall()
        return [_doc(r) for r in rows]

    def replace_document(self, doc: dict, sections: list[dict], points: list[dict],
                         vectors: np.ndarray | None, model: str | None) -> dict[int, int]:
        """Write a document with its sections, points and embeddings, replacing any
        earlier version with the same id, in one transaction. Returns point position → id."""
        ids: dict[int, int] = {}
        with self.transaction():
            self.conn.execute("DELETE FROM documents WHERE id = ?", (doc["id"],))
            self.db["documents"].insert(doc)
            section_ids: dict[int, int] = {}
            for s in sections:
                cur = self.conn.execute(
                    "INSERT INTO sections(document_id, position, heading, level, path, page) VALUES (?,?,?,?,?,?)",
                    (doc["id"], s["position"], s["heading"], s["level"], SEP.join(s["path"]), s["page"]),
                )
                section_ids[s["position"]] = cur.lastrowid
            for i, p in enumerate(points):
                cur = self.conn.execute(
                    """INSERT INTO points(document_id, section_id, position, text, kind, context, section_path,
                       page, case_name, statement_type, themes) VALUES (?,?,?,?,?,?,?,?,?,?,?)""",
                    (doc["id"], section_ids.get(p["section"]) if p["section"] is not None else None,
                     p["position"], p["text"], p["kind"], p["context"], SEP.join(p["section_path"]),
                     p["page"], p["case_name"], p.get("statement_type"), json.dumps(p.get("themes", []))),
                )
                ids[p["position"]] = cur.lastrowid
                self._insert_point_themes(cur.lastrowid, p.get("theme_tags", []))
                if vectors is not None:
                    self.conn.execute(
                        "INSERT INTO embeddings(point_id, model, vector) VALUES (?,?,?)",
                        (cur.lastrowid, model, np.asarray(vectors[i], dtype=np.float32).tobytes()),
                    )
            self._bump()
        return ids

    def update_document(self, doc_id: str, fields: dict) -> None:
        with self.transaction():
            self.db["documents"].update(doc_id, fields)
            if "visibility" in fields:  # briefings quoting it keep the rule even if it is removed later
                self.conn.execute("UPDATE briefing_items SET source = json_set(source, '$.visibility', ?) "
                                  "WHERE document_id = ?", (fields["visibility"], doc_id))
            self._bump()

    def remove_document(self, doc_id: str) -> bool:
        with self.transaction():
            cur = self.conn.execute("DELETE FROM documents WHERE id = ?", (doc_id,))
            self._bump()
        return cur.rowcount > 0

    # ------------------------------------------------------------ sections and points
    def sections(self, doc_id: str) -> list[dict]:
        return [dict(r) for r in self.conn.execute(
            "SELECT * FROM sections WHERE document_id = ? ORDER BY position", (doc_id,))]

    def points(self, doc_id: str | None = None, ids: Iterable[int] | None = None) -> list[dict]:
        sql = "SELECT * FROM points"
        args: list = []
        if ids is not None:
            id_list = list(ids)
            if not id_list:
                return []
            sql += f" WHERE id IN ({','.join('?' * len(id_list))})"
            args = id_list
        elif doc_id is not None:
            sql += " WHERE document_id = ?"
            args = [doc_id]
        sql += " ORDER BY document_id, position"
        return [_point(r) for r in self.conn.execute(sql, args)]

    def iter_points(self, batch: int = 5000) -> Iterator[list[dict]]:
        last = -1
        while True:
            rows = self.conn.execute("SELECT * FROM points WHERE id > ? ORDER BY id LIMIT ?", (last, batch)).fetchall()
            if not rows:
                return
            yield [_point(r) for r in rows]
            last = rows[-1]["id"]

    def point_count(self, doc_id: str | None = None) -> int:
        if doc_id is None:
            return self.conn.execute("SELECT COUNT(*) FROM points").fetchone()[0]
        return self.conn.execute("SELECT COUNT(*) FROM points WHERE document_id = ?", (doc_id,)).fetchone()[0]

    # ------------------------------------------------------------ embeddings
    def embeddings(self, model: str, doc_id: str | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(point ids, vectors) of every point (of one document) embedded with `model`."""
        if doc_id is None:
            rows = self.conn.execute(
                "SELECT point_id, vector FROM embeddings WHERE model = ? ORDER BY point_id", (model,)).fetchall()
        else:
            rows = self.conn.execute(
                """SELECT e.point_id, e.vector FROM embeddings e JOIN points p ON p.id = e.point_id
                   WHERE e.model = ? AND p.document_id = ? ORDER BY e.point_id""", (model, doc_id)).fetchall()
        if not rows:
            return np.zeros(0, dtype=np.int64), np.zeros((0, 0), dtype=np.float32)
        ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
        vecs = np.vstack([np.frombuffer(r[1], dtype=np.float32) for r in rows])
        return ids, vecs

    def points_missing_embeddings(self, model: str) -> list[dict]:
        rows = self.conn.execute(
            """SELECT p.* FROM points p LEFT JOIN embeddings e ON e.point_id = p.id AND e.model = ?
               WHERE e.point_id IS NULL ORDER BY p.id""", (model,)).fetchall()
        return [_point(r) for r in rows]

    def put_embeddings(self, model: str, ids: list[int], vectors: np.ndarray) -> None:
        with self.transaction():
            self.conn.executemany(
                "INSERT OR REPLACE INTO embeddings(point_id, model, vector) VALUES (?,?,?)",
                [(i, model, np.asarray(v, dtype=np.float32).tobytes()) for i, v in zip(ids, vectors)],
            )
            self.conn.execute("DELETE FROM embeddings WHERE model != ?", (model,))

    # ------------------------------------------------------------ themes
    def _insert_point_themes(self, point_id: int, tags: list[dict]) -> None:
        self.conn.executemany(
            "INSERT INTO point_themes(point_id, theme, confidence, reason) VALUES (?,?,?,?)",
            [(point_id, t["theme"], t["confidence"], t["reason"]) for t in tags])

    def set_tags(self, points: list[tuple[int, str | None, list[dict]]], primary: dict[str, list[str]]) -> None:
        """Replace the statement type and themes of the given points and the primary themes
        of the given documents, in one transaction: (point id, statement type, theme tags)."""
        with self.transaction():
            for point_id, stype, tags in points:
                self.conn.execute("UPDATE points SET statement_type = ?, themes = ? WHERE id = ?",
                                  (stype, json.dumps([t["theme"] for t in tags]), point_id))
                self.conn.execute("DELETE FROM point_themes WHERE point_id = ?", (point_id,))
                self._insert_point_themes(point_id, tags)
            for doc_id, themes in primary.items():
                self.conn.execute("UPDATE documents SET primary_themes = ? WHERE id = ?", (json.dumps(themes), doc_id))
            self._bump()

    def theme_counts(self, include_restricted: bool = True) -> dict[str, dict]:
        """Per theme: number of points and of documents carrying it."""
        sql = """SELECT t.theme, COUNT(DISTINCT t.point_id) AS points, COUNT(DISTINCT p.document_id) AS documents
                 FROM point_themes t JOIN points p ON p.id = t.point_id JOIN documents d ON d.id = p.document_id"""
        if not include_restricted:
            sql += " WHERE d.visibility = 'public'"
        sql += " GROUP BY t.theme"
        return {r["theme"]: {"points": r["points"], "documents": r["documents"]} for r in self.conn.execute(sql)}

    def theme_points(self, theme: str, include_restricted: bool = True, statement_types: Iterable[str] = (),
                     limit: int | None = None, offset: int = 0) -> list[dict]:
        """Points carrying a theme with their confidence and reason, newest document first, in
        document order; optionally only some statement types, and one page of them."""
        where, args = self._theme_where(theme, include_restricted, statement_types)
        sql = f"""SELECT p.*, t.confidence AS theme_confidence, t.reason AS theme_reason
                  FROM point_themes t JOIN points p ON p.id = t.point_id JOIN documents d ON d.id = p.document_id
                  WHERE {where} ORDER BY COALESCE(d.year, 0) DESC, d.title, p.position"""
        if limit is not None:
            sql += " LIMIT ? OFFSET ?"
            args += [limit, offset]
        return [_point(r) for r in self.conn.execute(sql, args)]

    def theme_statement_counts(self, theme: str, include_restricted: bool = True) -> dict[str, int]:
        """A theme's points by statement type."""
        where, args = self._theme_where(theme, include_restricted, ())
        sql = f"""SELECT COALESCE(p.statement_type, '') AS stype, COUNT(*) AS n FROM point_themes t
                  JOIN points p ON p.id = t.point_id JOIN documents d ON d.id = p.document_id
                  WHERE {where} GROUP BY stype"""
        return {r["stype"]: r["n"] for r in self.conn.execute(sql, args)}

    @staticmethod
    def _theme_where(theme: str, include_restricted: bool, statement_types: Iterable[str]) -> tuple[str, list]:
        where, args = ["t.theme = ?"], [theme]
        if not include_restricted:
            where.append("d.visibility = 'public'")
        stypes = list(statement_types)
        if stypes:
            where.append(f"p.statement_type IN ({','.join('?' * len(stypes))})")
            args += stypes
        return " AND ".join(where), args

    def tagged_points(self, min_confidence: float, skip_types: Iterable[str] = (), theme: str | None = None
                      ) -> list[dict]:
        """Points with at least one theme tagged with `min_confidence`, each with those tags
        (`theme_tags`), leaving out `skip_types` of statement."""
        skip = list(skip_types)
        sql = f"""SELECT p.*, t.theme AS tag_theme, t.confidence AS tag_confidence
                  FROM point_themes t JOIN points p ON p.id = t.point_id
                  WHERE t.confidence >= ? AND COALESCE(p.statement_type, '') NOT IN ({','.join('?' * len(skip))})"""
        args: list = [min_confidence, *skip]
        if theme:
            sql += " AND t.theme = ?"
            args.append(theme)
        out: dict[int, dict] = {}
        for r in self.conn.execute(sql + " ORDER BY p.id", args):
            p = out.get(r["id"])
            if p is None:
                p = out[r["id"]] = _point(r)
                p.pop("tag_theme"), p.pop("tag_confidence")
                p["theme_tags"] = []
            p["theme_tags"].append({"theme": r["tag_theme"], "confidence": r["tag_confidence"]})
        return list(out.values())

    def point_themes(self, point_ids: Iterable[int]) -> dict[int, list[dict]]:
        ids = list(point_ids)
        out: dict[int, list[dict]] = {i: [] for i in ids}
        if not ids:
            return out
        for r in self.conn.execute(
            f"SELECT * FROM point_themes WHERE point_id IN ({','.join('?' * len(ids))}) ORDER BY confidence DESC",
            ids,
        ):
            out[r["point_id"]].append({"theme": r["theme"], "confidence": r["confidence"], "reason": r["reason"]})
        return out

    # ------------------------------------------------------------ users
    def put_user(self, name: str, password_hash: str, created_at: str) -> None:
        with self.transaction():
            self.conn.execute("INSERT OR REPLACE INTO users(name, password_hash, created_at) VALUES (?,?,?)",
                              (name, password_hash, created_at))

    def user(self, name: str) -> dict | None:
        row = self.conn.execute("SELECT * FROM users WHERE name = ?", (name,)).fetchone()
        return dict(row) if row else None

    def users(self) -> list[dict]:
        return [dict(r) for r in self.conn.execute("SELECT name, created_at FROM users ORDER BY name")]

    def remove_user(self, name: str) -> bool:
        with self.transaction():
            cur = self.conn.execute("DELETE FROM users WHERE name = ?", (name,))
        return cur.rowcount > 0

    # ------------------------------------------------------------ briefings
    def create_briefing(self, owner: str, title: str, template: str, now: str) -> int:
        with self.transaction():
            cur = self.conn.execute(
                "INSERT INTO briefings(owner, title, template, fields, created_at, updated_at) VALUES (?,?,?,?,?,?)",
                (owner, title, template, "{}", now, now))
        return cur.lastrowid

    def briefings(self, owner: str | None = None) -> list[dict]:
        """Briefings, most recently changed first, with their number of items."""
        sql = """SELECT b.*, (SELECT COUNT(*) FROM briefing_items i WHERE i.briefing_id = b.id) AS n_items
                 FROM briefings b"""
        args: list = []
        if owner is not None:
            sql += " WHERE b.owner = ?"
            args.append(owner)
        sql += " ORDER BY b.updated_at DESC, b.id DESC"
        return [_briefing(r) for r in self.conn.execute(sql, args)]

    def briefing(self, briefing_id: int) -> dict | None:
        row = self.conn.execute("SELECT * FROM briefings WHERE id = ?", (briefing_id,)).fetchone()
        if row is None:
            return None
        b = _briefing(row)
        b["items"] = self.briefing_items(briefing_id)
        return b

    def briefing_items(self, briefing_id: int) -> list[dict]:
        """Items in order; `restricted`: its document is restricted now, or was when removed."""
        rows = self.conn.execute(
            """SELECT i.*, COALESCE(d.visibility, json_extract(i.source, '$.visibility')) = 'restricted'
                      AS restricted
               FROM briefing_items i LEFT JOIN documents d ON d.id = i.document_id
               WHERE i.briefing_id = ? ORDER BY i.position, i.id""", (briefing_id,))
        out = []
        for r in rows:
            item = dict(r)
            item["themes"] = json.loads(item["themes"])
            item["source"] = json.loads(item["source"])
            item["restricted"] = bool(item["restricted"])
            out.append(item)
        return out

    def edit_briefing(self, briefing_id: int, fields: dict, item_changes: dict[int, dict],
                      order: list[int] | None, removed: Iterable[int], now: str) -> None:
        """In one transaction: the briefing's own fields (title, template, texts as `fields`),
        items' notes and parts, removed items and the new order."""
        values = dict(fields, updated_at=now)
        if "fields" in values:
            values["fields"] = json.dumps(values["fields"], ensure_ascii=False)
        with self.transaction():
            self.db["briefings"].update(briefing_id, values)
            for item_id in removed:
                self.conn.execute("DELETE FROM briefing_items WHERE id = ? AND briefing_id = ?",
                                  (item_id, briefing_id))
            for item_id, changes in item_changes.items():
                for column in ("note", "box"):
                    if column in changes:
                        self.conn.execute(f"UPDATE briefing_items SET {column} = ? WHERE id = ? AND briefing_id = ?",
                                          (changes[column], item_id, briefing_id))
            for position, item_id in enumerate(order or []):
                self.conn.execute("UPDATE briefing_items SET position = ? WHERE id = ? AND briefing_id = ?",
                                  (position, item_id, briefing_id))

    def delete_briefing(self, briefing_id: int) -> bool:
        with self.transaction():
            cur = self.conn.execute("DELETE FROM briefings WHERE id = ?", (briefing_id,))
        return cur.rowcount > 0

    def add_briefing_item(self, briefing_id: int, item: dict, now: str) -> int:
        """Append an item (quoted text, its citation and an optional note) at the end."""
        with self.transaction():
            last = self.conn.execute("SELECT COALESCE(MAX(position), -1) FROM briefing_items WHERE briefing_id = ?",
                                     (briefing_id,)).fetchone()[0]
            cur = self.conn.execute(
                """INSERT INTO briefing_items(briefing_id, position, point_id, document_id, text, context, section,
                   page, statement_type, themes, source, note, box) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)""",
                (briefing_id, last + 1, item["point_id"], item["document_id"], item["text"], item.get("context"),
                 item.get("section") or "", item.get("page"), item.get("statement_type"),
                 json.dumps(item.get("themes", [])), json.dumps(item["source"], ensure_ascii=False),
                 item.get("note") or "", item.get("box")))
            self.conn.execute("UPDATE briefings SET updated_at = ? WHERE id = ?", (now, briefing_id))
        return cur.lastrowid

    def move_briefings(self, from_owner: str, to_owner: str) -> int:
        """Give every briefing of one owner to another (a visitor's briefings to the user who logs in)."""
        with self.transaction():
            cur = self.conn.execute("UPDATE briefings SET owner = ? WHERE owner = ?", (to_owner, from_owner))
        return cur.rowcount

    def theme_year_counts(self, include_restricted: bool = True) -> dict[str, dict[int, int]]:
        """Per theme, the number of its points in documents of each year."""
        sql = """SELECT t.theme, d.year, COUNT(*) AS n FROM point_themes t JOIN points p ON p.id = t.point_id
                 JOIN documents d ON d.id = p.document_id WHERE d.year IS NOT NULL"""
        if not include_restricted:
            sql += " AND d.visibility = 'public'"
        sql += " GROUP BY t.theme, d.year ORDER BY d.year"
        out: dict[str, dict[int, int]] = {}
        for r in self.conn.execute(sql):
            out.setdefault(r["theme"], {})[r["year"]] = r["n"]
        return out

    # ------------------------------------------------------------ stats
    def stats(self) -> dict:
        q = lambda sql: self.conn.execute(sql).fetchone()[0]  # noqa: E731
        by_type = {r[0]: r[1] for r in self.conn.execute(
            "SELECT doc_type, COUNT(*) FROM documents GROUP BY doc_type ORDER BY doc_type")}
        by_kind = {r[0]: r[1] for r in self.conn.execute("SELECT kind, COUNT(*) FROM points GROUP BY kind")}
        return {
            "documents": q("SELECT COUNT(*) FROM documents"),
            "restricted_documents": q("SELECT COUNT(*) FROM documents WHERE visibility = 'restricted'"),
            "sections": q("SELECT COUNT(*) FROM sections"),
            "points": q("SELECT COUNT(*) FROM points"),
            "embedded_points": q("SELECT COUNT(*) FROM embeddings"),
            "documents_by_type": by_type,
            "points_by_kind": by_kind,
            "schema_version": self.schema_version,
        }


def _doc(row: sqlite3.Row) -> dict:
    d = dict(row)
    d["primary_themes"] = json.loads(d.get("primary_themes") or "[]")
    return d


def _briefing(row: sqlite3.Row) -> dict:
    d = dict(row)
    d["fields"] = json.loads(d.get("fields") or "{}")
    return d


def _point(row: sqlite3.Row) -> dict:
    d = dict(row)
    d["themes"] = json.loads(d.get("themes") or "[]")
    return d
