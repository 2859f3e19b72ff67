"""Documents, their sections and learning points, and the points' embeddings."""
from __future__ import annotations

import json
from typing import Iterable, Iterator

import numpy as np

from kb.core.store.rows import SEP, doc_row, point_row


class DocumentTables:
    def document_by_sha256(self, digest: str) -> dict | None:
        row = self.conn.execute("SELECT * FROM documents WHERE sha256 = ? ORDER BY ingested_at LIMIT 1",
                                (digest,)).fetchone()
        return doc_row(row) if row else None

    def document_by_source(self, source_name: str) -> dict | None:
        row = self.conn.execute("SELECT * FROM documents WHERE source_name = ?", (source_name,)).fetchone()
        return doc_row(row) if row else None

    def document(self, doc_id: str) -> dict | None:
        row = self.conn.execute("SELECT * FROM documents WHERE id = ?", (doc_id,)).fetchone()
        return doc_row(row) if row else None

    def documents(self, include_restricted: bool = True) -> list[dict]:
        sql = """SELECT d.*, (SELECT COUNT(*) FROM points p WHERE p.document_id = d.id) AS n_points
                 FROM documents d"""
        if not include_restricted:
            sql += " WHERE d.visibility = 'public'"
        sql += " ORDER BY COALESCE(d.year, 0) DESC, d.title"
        return [doc_row(r) for r in self.conn.execute(sql)]

    def document_ids(self) -> set[str]:
        return {r[0] for r in self.conn.execute("SELECT id FROM documents")}

    def find_documents(self, needle: str) -> list[dict]:
        rows = self.conn.execute(
            "SELECT * FROM documents WHERE id = ? OR source_name = ? OR title LIKE ? ORDER BY id",
            (needle, needle, f"%{needle}%"),
        ).fetchall()
        return [doc_row(r) for r in rows]

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
        return [point_row(r) for r in self.conn.execute(sql, args)]

    def iter_points(self, batch: int = 5000) -> Iterator[list[dict]]:
        last = -1
        while True:
            rows = self.conn.execute("SELECT * FROM points WHERE id > ? ORDER BY id LIMIT ?", (last, batch)).fetchall()
            if not rows:
                return
            yield [point_row(r) for r in rows]
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
        return [point_row(r) for r in rows]

    def put_embeddings(self, model: str, ids: list[int], vectors: np.ndarray) -> None:
        with self.transaction():
            self.conn.executemany(
                "INSERT OR REPLACE INTO embeddings(point_id, model, vector) VALUES (?,?,?)",
                [(i, model, np.asarray(v, dtype=np.float32).tobytes()) for i, v in zip(ids, vectors)],
            )
            self.conn.execute("DELETE FROM embeddings WHERE model != ?", (model,))

    # ------------------------------------------------------------ themes
