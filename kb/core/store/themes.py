"""Theme tags of points, the counts of themes by document and year, the statistics."""
from __future__ import annotations

import json
from typing import Iterable

from kb.core.store.rows import point_row


class ThemeTables:
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
        return [point_row(r) for r in self.conn.execute(sql, args)]

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
                p = out[r["id"]] = point_row(r)
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
