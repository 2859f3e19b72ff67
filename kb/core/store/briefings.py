"""Briefings and their items (each item keeps the quotation and citation as added), and users."""
from __future__ import annotations

import json
from typing import Iterable

from kb.core.store.rows import briefing_row


class BriefingTables:
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
        return [briefing_row(r) for r in self.conn.execute(sql, args)]

    def briefing(self, briefing_id: int) -> dict | None:
        row = self.conn.execute("SELECT * FROM briefings WHERE id = ?", (briefing_id,)).fetchone()
        if row is None:
            return None
        b = briefing_row(row)
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


class UserTables:
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
