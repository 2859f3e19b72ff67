"""The `KnowledgeBase` facade: every operation the CLI, the web app and a REPL use."""
from __future__ import annotations

import datetime as dt
import fcntl
import glob
import json
import os
import re
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Callable, Iterable

import numpy as np

from kb.briefings import templates as briefings
from kb.search import evaluation
from kb.analysis import statements, taxonomy
from kb.search.embedding import make_embedder, model_id, passage_text
from kb.core.errors import Forbidden, IngestError, KBError, NotFound, QueryError
from kb.search.glossary import Glossary
from kb.search.keyword import check_engine, make_keyword_index
from kb.search.searcher import Filters, Searcher, SearchResponse
from kb.core.settings import Settings
from kb.core.store import Store
from kb.analysis.themes import ThemeTagger, primary_themes
from kb.search.vector_index import ANN_THRESHOLD, VectorIndex


@dataclass
class IngestOutcome:
    source: str
    status: str  # ingested | unchanged | replaced | failed
    document_id: str | None = None
    points: int = 0
    reason: str | None = None


@dataclass
class IngestReport:
    outcomes: list[IngestOutcome]

    def count(self, status: str) -> int:
        return sum(o.status == status for o in self.outcomes)

    @property
    def failed(self) -> list[IngestOutcome]:
        return [o for o in self.outcomes if o.status == "failed"]

    def summary(self) -> str:
        return ", ".join(f"{self.count(s)} {s}" for s in ("ingested", "replaced", "unchanged", "failed"))


class KnowledgeBase:
    """A knowledge base in one data folder: the SQLite store and the indexes built from it."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.home = settings.home_path
        self.home.mkdir(parents=True, exist_ok=True)
        (self.home / "files").mkdir(exist_ok=True)
        self.store = Store(settings.db_path)
        self.taxonomy = taxonomy.load(settings.taxonomy)
        self.glossary = Glossary.load()
        self.embedder = make_embedder(settings)
        self.model = model_id(settings)
        self.keyword = make_keyword_index(settings.keyword_engine, self.home)
        self.vectors = VectorIndex(self.home)
        self._indexed_generation: int | None = None
        # documents this instance changed since the indexes were at generation _changes_from:
        # applied in place by the next refresh when nobody else changed the store meanwhile
        self._changes: list[str] = []
        self._changes_from: int | None = None
        self._memo_values: dict[tuple, object] = {}
        self._memo_generation = -1
        self.tagger = ThemeTagger(self.taxonomy, self.glossary, self.embedder, cache_dir=self.home)
        self.searcher = Searcher(self.store, self.keyword, self.vectors, self.embedder, self.glossary,
                                 settings.max_query_chars, self.tagger)

    @classmethod
    def open(cls, home: str | os.PathLike | None = None, **overrides) -> "KnowledgeBase":
        return cls(Settings.from_env(home=str(home) if home else None, **overrides))

    def reader(self, public_only: bool) -> "Reader":
        """This knowledge base as one audience sees it (kb.reader): restricted documents
        hidden from every read when `public_only`, whatever the caller passes."""
        from kb.reader import Reader
        return Reader(self, public_only)

    def close(self) -> None:
        self.keyword.close()
        self.store.close()

    def __enter__(self) -> "KnowledgeBase":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ------------------------------------------------------------ ingest
    @staticmethod
    def expand_sources(sources: Iterable[str]) -> list[str]:
        """Files, folders (recursively), globs and URLs, in a stable order."""
        from kb.ingest.fetch import is_url
        from kb.ingest.readers import READERS

        out: list[str] = []
        for src in sources:
            if is_url(src):
                out.append(src)
                continue
            path = Path(src)
            if path.is_dir():
                out += sorted(str(p) for p in path.rglob("*") if p.is_file() and p.suffix.lower() in READERS
                              and not p.name.endswith(".meta.json"))
            elif any(ch in src for ch in "*?["):
                matches = sorted(glob.glob(src, recursive=True))
                out += matches if matches else [src]
            else:
                out.append(src)
        return list(dict.fromkeys(out))

    def ingest(self, sources: Iterable[str], metadata: dict | None = None,
               progress: Callable[[IngestOutcome], None] | None = None) -> IngestReport:
        """Ingest files, folders, globs or URLs; a failure is reported and the batch goes on."""
        outcomes = []
        for src in self.expand_sources(sources):
            try:
                outcome = self._ingest_source(src, metadata or {})
            except IngestError as exc:
                outcome = IngestOutcome(exc.source, "failed", reason=exc.reason)
            outcomes.append(outcome)
            if progress:
                progress(outcome)
        self.refresh_indexes()  # once per batch: the store is already complete
        return IngestReport(outcomes)

    def _ingest_source(self, src: str, metadata: dict) -> IngestOutcome:
        from kb.ingest import metadata as meta_mod
        from kb.ingest.fetch import fetch, is_url

        limit = self.settings.max_file_bytes
        if is_url(src):
            data, name = fetch(src, limit, self.settings.fetch_timeout)
            overrides = [{"source_url": src}]
        else:
            path = Path(src)
            if not path.exists():
                raise IngestError(src, "no such file or folder")
            if not path.is_file():
                raise IngestError(src, "not a regular file")
            size = path.stat().st_size
            if size > limit:
                raise IngestError(src, f"the file is {size / 1048576:.1f} MB; the limit is "
                                       f"{self.settings.max_file_mb:g} MB (KB_MAX_FILE_MB)")
            data, name = path.read_bytes(), path.name
            overrides = [meta_mod.load_sidecar(path)]
        return self.ingest_bytes(data, name, overrides + [metadata], display=src, refresh=False)

    def ingest_bytes(self, data: bytes, name: str, metadata: list[dict] | dict | None = None,
                     display: str | None = None, refresh: bool = True, replace: str | None = None,
                     on_stage: Callable[[str], None] | None = None) -> IngestOutcome:
        """Ingest one document given as bytes (an upload, a download). All or nothing.

        A file of the same name replaces the document it made; `replace` names a
        document to replace whatever the new file is called. `on_stage` hears
        what is being done ("reading", "tagging", "saving", "indexing")."""
        from kb.ingest.pipeline import prepare, sha256

        stage = on_stage or (lambda _s: None)
        display = display or name
        overrides = metadata if isinstance(metadata, list) else [metadata or {}]
        if len(data) > self.settings.max_file_bytes:
            raise IngestError(display, f"the file is {len(data) / 1048576:.1f} MB; the limit is "
                                       f"{self.settings.max_file_mb:g} MB (KB_MAX_FILE_MB)")
        existing = self.store.document_by_source(name)
        if replace:
            target = self.resolve(replace)
            if existing and existing["id"] != target["id"]:
                raise IngestError(display, f"a file of this name already made document {existing['id']}; "
                                           "replace that one or rename the file")
            existing = target
            overrides = [{k: target[k] for k in ("title", "publisher", "date", "year", "doc_type",
                                                 "visibility", "source_url") if target.get(k) is not None}
                         ] + overrides
        if existing and existing["sha256"] == sha256(data) and _same_metadata(existing, overrides):
            return IngestOutcome(display, "unchanged", existing["id"], self.store.point_count(existing["id"]))
        stage("reading")
        try:
            prepared = prepare(data, name, overrides, set(self.taxonomy.document_types))
        except IngestError as exc:
            raise IngestError(display, exc.reason) from None
        if existing:
            prepared.meta["id"] = existing["id"]
        else:
            prepared.meta["id"] = self._free_id(prepared.meta["id"])
        self._check_vector_model()
        stage("tagging")
        vectors = self.embedder.encode([passage_text(p) for p in prepared.points])
        doc = dict(prepared.meta)
        doc["primary_themes"] = json.dumps(self._classify(prepared.points, vectors, doc))
        doc["ingested_at"] = _now()
        suffix = Path(name).suffix.lower() or ".bin"
        stored = self.home / "files" / f"{doc['id']}{suffix}"
        tmp = stored.with_name(stored.name + ".tmp")
        tmp.write_bytes(data)
        doc["file_path"] = stored.name
        stage("saving")
        before = self.store.generation()
        try:
            self.store.replace_document(doc, prepared.sections, prepared.points, vectors, self.model)
        except Exception as exc:
            tmp.unlink(missing_ok=True)
            raise IngestError(display, f"could not be saved ({type(exc).__name__}: {exc}); nothing was changed") from exc
        self._note_change(doc["id"], before)
        tmp.replace(stored)
        if existing and existing.get("file_path") and existing["file_path"] != stored.name:
            (self.home / "files" / existing["file_path"]).unlink(missing_ok=True)
        if refresh:
            stage("indexing")
            self.refresh_indexes()
        return IngestOutcome(display, "replaced" if existing else "ingested", doc["id"], len(prepared.points))

    def _classify(self, points: list[dict], vectors, doc: dict) -> list[str]:
        """Set each point's statement type and themes (with reasons); return the document's primary themes."""
        tags = self.tagger.tag(points, vectors, doc.get("title") or "")
        for p, point_tags in zip(points, tags):
            p["statement_type"] = statements.statement_type(p["text"], p.get("context"), p.get("section_path"),
                                                            doc.get("doc_type"))
            p["themes"] = [t.theme for t in point_tags]
            p["theme_tags"] = [asdict(t) for t in point_tags]
        return primary_themes(tags, [p["statement_type"] for p in points])

    def _free_id(self, wanted: str) -> str:
        taken = self.store.document_ids()
        if wanted not in taken:
            return wanted
        n = 2
        while f"{wanted}-{n}" in taken:
            n += 1
        return f"{wanted}-{n}"

    # ------------------------------------------------------------ documents
    def documents(self, include_restricted: bool = True) -> list[dict]:
        return self._memo(("documents", include_restricted), lambda: self.store.documents(include_restricted))

    def _memo(self, key: tuple, compute):
        """What is computed from the whole store (counts, the library, recurring groups), kept
        until the store changes."""
        gen = self.store.generation()
        if gen != self._memo_generation:
            self._memo_values, self._memo_generation = {}, gen
        if key not in self._memo_values:
            self._memo_values[key] = compute()
        return self._memo_values[key]

    def _theme_counts(self, include_restricted: bool) -> dict[str, dict]:
        return self._memo(("theme_counts", include_restricted), lambda: self.store.theme_counts(include_restricted))

    def resolve(self, needle: str, include_restricted: bool = True) -> dict:
        """A document by id, source file name or (unique) part of its title."""
        doc = self.store.document(needle)
        matches = [doc] if doc else self.store.find_documents(needle)
        matches = [m for m in matches if include_restricted or m["visibility"] == "public"]
        if not matches:
            raise NotFound(f"no document matches '{needle}' (see `kb documents`)")
        if len(matches) > 1:
            ids = ", ".join(m["id"] for m in matches[:8])
            raise KBError(f"'{needle}' matches {len(matches)} documents ({ids}); give its id")
        return matches[0]

    def document(self, needle: str, include_restricted: bool = True) -> dict:
        """A document with its sections and learning points in order."""
        doc = self.resolve(needle, include_restricted)
        doc = dict(doc)
        doc["sections"] = self.store.sections(doc["id"])
        doc["points"] = self.store.points(doc["id"])
        return doc

    def point(self, point_id: int, include_restricted: bool = True) -> dict:
        found = self.store.points(ids=[point_id])
        if not found:
            raise NotFound(f"no learning point with id {point_id}")
        point = found[0]
        doc = self.store.document(point["document_id"])
        if not include_restricted and doc["visibility"] != "public":
            raise NotFound(f"no learning point with id {point_id}")
        point["document"] = _doc_ref(doc)
        point["theme_reasons"] = self.store.point_themes([point_id])[point_id]
        return point

    def original_file(self, doc_id: str, include_restricted: bool = True) -> tuple[Path, str]:
        """The document's file as ingested, and the name it was ingested under."""
        doc = self.resolve(doc_id, include_restricted)
        path = self.home / "files" / (doc.get("file_path") or "")
        if not doc.get("file_path") or not path.exists():
            raise NotFound(f"the original file of '{doc_id}' is not kept")
        return path, doc["source_name"]

    def remove(self, needle: str) -> dict:
        doc = self.resolve(needle)
        before = self.store.generation()
        self.store.remove_document(doc["id"])
        self._note_change(doc["id"], before)
        if doc.get("file_path"):
            (self.home / "files" / doc["file_path"]).unlink(missing_ok=True)
        self.refresh_indexes()
        return doc

    def update_metadata(self, needle: str, **fields) -> dict:
        from kb.ingest import metadata as meta_mod

        doc = self.resolve(needle)
        merged = meta_mod.merge({k: doc[k] for k in meta_mod.FIELDS}, fields, source=doc["id"],
                                doc_types=set(self.taxonomy.document_types))
        before = self.store.generation()
        self.store.update_document(doc["id"], {k: merged[k] for k in meta_mod.FIELDS})
        self._note_change(doc["id"], before)
        self.refresh_indexes()
        return self.store.document(doc["id"])

    def stats(self) -> dict:
        s = self.store.stats()
        s["home"] = str(self.home)
        s["model"] = self.model
        s["keyword_engine"] = self.keyword.engine
        vmeta = self.vectors.read_meta()
        kind = vmeta.get("kind", "exact")
        s["vector_index"] = (f"{kind} ({'HNSW, approximate' if kind == 'hnsw' else 'exact search'}, "
                             f"{vmeta.get('count', 0)} vectors; approximate from {ANN_THRESHOLD:,})")
        return s

    # ------------------------------------------------------------ indexes
    def _check_vector_model(self) -> None:
        """Refuse to mix models: the saved index's metadata names the one that built it."""
        meta = self.vectors.read_meta()
        if meta.get("count"):
            self.vectors.check(self.model, meta)

    def _note_change(self, doc_id: str, before: int) -> None:
        """After one document's write, which found the store at generation `before`: remember
        it, so that the indexes take it in place if they were at `before` (else the next
        refresh rebuilds them)."""
        if not self._changes:
            indexed = (self.keyword.meta().get("generation"), self.vectors.read_meta().get("generation"))
            self._changes_from = before if indexed == (before, before) else None
        elif self._changes_from is not None and before != self._changes_from + len(self._changes):
            self._changes_from = None  # someone else wrote meanwhile
        self._changes.append(doc_id)

    def refresh_indexes(self, wait: bool = True) -> None:
        """Bring the keyword and vector indexes up to the store's generation.

        A no-op (one SQL read) while nothing has changed. Documents this instance changed
        are updated in place in both indexes (no other entry is rewritten); any other
        change (another process's ingest, a re-tag) is picked up by reloading indexes
        that process already updated, or by a rebuild from the store. One process writes
        at a time (a lock file in the data folder); with `wait=False` a reader that
        already has indexes keeps using them while another process is writing."""
        gen = self.store.generation()
        if gen == self._indexed_generation:
            return
        with open(self.home / ".index.lock", "a+") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | (0 if wait or self._indexed_generation is None else fcntl.LOCK_NB))
            except BlockingIOError:
                return  # another process is writing the indexes: answer from the ones we have
            try:
                self._refresh_locked(self.store.generation())
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def _refresh_locked(self, gen: int) -> None:
        check_engine(self.home, self.settings.keyword_engine)
        self._check_vector_model()
        changes, start = self._changes, self._changes_from
        self._changes, self._changes_from = [], None
        kw_gen = self.keyword.meta().get("generation") if self.keyword.exists() else None
        vec_gen = self.vectors.read_meta().get("generation") if self.vectors.exists() else None
        if changes and start is not None and kw_gen == vec_gen == start and gen == start + len(changes):
            self._apply_changes(list(dict.fromkeys(changes)), gen)
        else:
            if kw_gen != gen:
                self._build_keyword(gen)
            if vec_gen == gen:
                if self.vectors.generation != gen:
                    self.vectors.load()
            else:
                self._build_vectors(gen)
            self.keyword.refresh()
        self._indexed_generation = gen

    def _apply_changes(self, doc_ids: list[str], gen: int) -> None:
        """Replace these documents' entries in both indexes, in place."""
        if self.vectors.generation != self.vectors.read_meta().get("generation") or not self.vectors.writable:
            self.vectors.load(writable=True)  # older than what another process saved, or mapped read-only
        rows, ids, vecs = [], [], []
        for doc_id in doc_ids:
            doc = self.store.document(doc_id)
            if doc is None:
                continue
            rows += [(p, doc) for p in self.store.points(doc_id)]
            doc_ids_, doc_vecs = self.store.embeddings(self.model, doc_id)
            ids.append(doc_ids_)
            vecs.append(doc_vecs)
        self.keyword.update(doc_ids, rows, gen)
        if ids and sum(len(i) for i in ids):
            ids_arr = np.concatenate([i for i in ids if len(i)])
            vec_arr = np.vstack([v for v in vecs if len(v)])
        else:
            ids_arr, vec_arr = np.zeros(0, dtype=np.int64), np.zeros((0, self.vectors.meta.get("dim") or 1), np.float32)
        self.vectors.update(doc_ids, ids_arr, vec_arr, [_vector_row(p, d) for p, d in rows], gen)

    def _index_rows(self):
        docs = {d["id"]: d for d in self.store.documents()}
        for batch in self.store.iter_points():
            yield [(p, docs[p["document_id"]]) for p in batch]

    def _build_keyword(self, gen: int, progress=None) -> None:
        self.keyword.build(self._index_rows(), gen, progress)

    def _build_vectors(self, gen: int) -> None:
        missing = self.store.points_missing_embeddings(self.model)
        if missing:
            vecs = self.embedder.encode([passage_text(p) for p in missing])
            self.store.put_embeddings(self.model, [p["id"] for p in missing], vecs)
        ids, vecs = self.store.embeddings(self.model)
        rows = [_vector_row(p, d) for batch in self._index_rows() for p, d in batch]
        self.vectors.build(ids, vecs, self.model, gen, rows)

    def reindex(self, progress: bool = False, reembed: bool = False) -> dict:
        """Rebuild every derived index from the store with the configured model and keyword
        engine. Points are embedded when they have no embedding by this model (after a change
        of model), or all of them with `reembed`."""
        todo = ([p for batch in self.store.iter_points() for p in batch] if reembed
                else self.store.points_missing_embeddings(self.model))
        if todo:
            vecs = self.embedder.encode([passage_text(p) for p in todo], progress=progress)
            self.store.put_embeddings(self.model, [p["id"] for p in todo], vecs)
        gen = self.store.generation()
        self._build_keyword(gen)
        ids, vecs = self.store.embeddings(self.model)
        self.vectors.build(ids, vecs, self.model, gen, [_vector_row(p, d) for b in self._index_rows() for p, d in b])
        self.keyword.refresh()
        self._indexed_generation = gen
        return {"points": int(len(ids)), "embedded": len(todo), "model": self.model,
                "dim": int(vecs.shape[1]) if len(vecs) else 0, "keyword_engine": self.keyword.engine,
                "vector_index": self.vectors.kind}

    # ------------------------------------------------------------ administrators
    MIN_PASSWORD = 10

    def add_user(self, name: str, password: str) -> None:
        """Create or reset an administrator of the web app; only a salted hash is stored."""
        from werkzeug.security import generate_password_hash

        name = (name or "").strip()
        if not re.fullmatch(r"[A-Za-z0-9._@-]{2,64}", name):
            raise KBError("user name: 2-64 letters, digits or . _ @ -")
        if len(password or "") < self.MIN_PASSWORD:
            raise KBError(f"password: at least {self.MIN_PASSWORD} characters")
        self.store.put_user(name, generate_password_hash(password),
                            _now())

    def check_password(self, name: str, password: str) -> bool:
        from werkzeug.security import check_password_hash

        user = self.store.user((name or "").strip())
        return bool(user) and check_password_hash(user["password_hash"], password or "")

    def users(self) -> list[dict]:
        return self.store.users()

    def remove_user(self, name: str) -> None:
        if not self.store.remove_user(name):
            raise NotFound(f"no user '{name}'")

    # ------------------------------------------------------------ recurring findings
    def recurring(self, theme: str | None = None, min_docs: int = 2, doc_types: Iterable[str] = (),
                  year_from: int | None = None, year_to: int | None = None,
                  include_restricted: bool = True) -> list[dict]:
        """Findings stated in several documents: groups with their representative statement,
        themes, documents and every instance with its citation (see kb.recurring)."""
        from kb.analysis import recurring

        if theme:
            self._theme(theme)
        self.refresh_indexes()
        return self._memo(("recurring", theme, min_docs, tuple(doc_types), year_from, year_to, include_restricted),
                          lambda: self._recurring(recurring, theme, min_docs, doc_types, year_from, year_to,
                                                  include_restricted))

    def _recurring(self, recurring, theme, min_docs, doc_types, year_from, year_to, include_restricted):
        docs = {d["id"]: d for d in self.store.documents(include_restricted)
                if (not doc_types or d["doc_type"] in doc_types)
                and (year_from is None or (d["year"] or 0) >= year_from)
                and (year_to is None or (d["year"] or 9999) <= year_to)}
        points = [p for p in self.store.tagged_points(recurring.MIN_TAG_CONFIDENCE, recurring.SKIP_TYPES, theme)
                  if p["document_id"] in docs]
        found, vectors = self.vectors.vectors_of([p["id"] for p in points])
        by_id = {p["id"]: p for p in points}
        points = [by_id[i] for i in found]
        for p in points:
            p["year"] = docs[p["document_id"]]["year"]
        groups = recurring.find_groups(points, vectors, min_docs=min_docs, themes=[theme] if theme else None)
        by_id = {p["id"]: p for p in points}
        out = []
        for g in groups:
            instances = []
            for pid in g.points:
                p = by_id[pid]
                instances.append({"id": pid, "text": p["text"], "context": p["context"],
                                  "document": _doc_ref(docs[p["document_id"]]), "section": p["section_path"],
                                  "page": p["page"], "statement_type": p["statement_type"], "themes": p["themes"]})
            instances.sort(key=lambda i: (-(i["document"]["year"] or 0), i["document"]["title"], i["id"]))
            out.append({"text": by_id[g.seed]["text"], "representative": g.seed, "themes": g.themes,
                        "documents": [_doc_ref(docs[d]) for d in g.documents], "years": g.years,
                        "points": instances})
        return out

    # ------------------------------------------------------------ briefings
    def create_briefing(self, owner: str, title: str | None = None,
                        template: str = briefings.DEFAULT_TEMPLATE) -> dict:
        """A new, empty briefing belonging to `owner` (a user, a browser session, or 'local')."""
        briefings.template(template)
        bid = self.store.create_briefing(owner, briefings.check_title(title), template, _now())
        return self.briefing(bid)

    def briefings(self, owner: str | None = None) -> list[dict]:
        """Briefings of one owner (all of them when None), most recently changed first."""
        return self.store.briefings(owner)

    def briefing(self, briefing_id: int, owner: str | None = None, include_restricted: bool = True) -> dict:
        """A briefing with its items in order. Items quoting a restricted document are left out
        (and counted in `hidden_items`) unless `include_restricted`."""
        b = self.store.briefing(briefing_id)
        if b is None or (owner is not None and b["owner"] != owner):
            raise NotFound(f"no briefing {briefing_id}" + (" of yours" if owner is not None and b else ""))
        shown = [i for i in b["items"] if include_restricted or not i["restricted"]]
        b["hidden_items"] = len(b["items"]) - len(shown)
        b["items"] = shown
        b["placement"] = briefings.placement(briefings.template(b["template"]), shown)
        return b

    def edit_briefing(self, briefing_id: int, owner: str | None = None, *, title: str | None = None,
                      template: str | None = None, texts: dict[str, str] | None = None,
                      notes: dict[int, str] | None = None, boxes: dict[int, str | None] | None = None,
                      order: list[int] | None = None, remove: Iterable[int] = (),
                      move: tuple[int, int] | None = None, include_restricted: bool = True) -> dict:
        """Every change a trainer makes, in one transaction, checked against the current template:
        the title; the author's texts (one per part that takes text, 'questions' one per line,
        'team' and 'date' of the action plan, 'theme' of a digest); each item's note and part
        (None: by statement type); items removed; the new order (every item id) or `move`
        (item id, places down; negative is up); then the template. Returns the briefing."""
        b = self.briefing(briefing_id, owner)
        tmpl = briefings.template(b["template"])
        fields: dict = {}
        if title is not None:
            fields["title"] = briefings.check_title(title)
        if texts:
            allowed = {p.key for p in tmpl.parts if p.text} | {"questions"}
            allowed |= {"team", "date"} if tmpl.action_plan else set()
            allowed |= {"theme"} if tmpl.needs_theme else set()
            unknown = sorted(set(texts) - allowed)
            if unknown:
                raise QueryError(f"the {tmpl.name} has no text '{unknown[0]}' (it has: {', '.join(sorted(allowed))})")
            if texts.get("theme"):
                self._theme(texts["theme"])
            fields["fields"] = dict(b["fields"], **{k: briefings.check_text(k, v) for k, v in texts.items()})
        if template is not None and template != b["template"]:
            fields["template"] = briefings.template(template).slug
        ids = [i["id"] for i in b["items"]]
        moved = [move[0]] if move else []
        unknown = [i for i in [*(notes or {}), *(boxes or {}), *remove, *(order or []), *moved] if i not in ids]
        if unknown:
            raise NotFound(f"briefing {b['id']} has no item {unknown[0]}")
        changes: dict[int, dict] = {}
        for item_id, note in (notes or {}).items():
            changes.setdefault(item_id, {})["note"] = briefings.check_text("note", note)
        for item_id, box in (boxes or {}).items():
            part = tmpl.part(box) if box else None
            if box and (part is None or not part.items):
                raise QueryError(f"the {tmpl.name} has no part '{box}' for learning points")
            changes.setdefault(item_id, {})["box"] = box or None
        kept = [i for i in ids if i not in set(remove)]
        if move and move[0] in kept:
            at = kept.index(move[0])
            kept.insert(max(0, min(len(kept) - 1, at + move[1])), kept.pop(at))
            order = kept
        if order is not None and sorted(order) != sorted(kept):
            raise QueryError("the new order must list every item of the briefing once")
        self.store.edit_briefing(b["id"], fields, changes, order, remove, _now())
        return self.briefing(b["id"], owner, include_restricted)

    def add_to_briefing(self, briefing_id: int | None, point_id: int, owner: str | None = None,
                        include_restricted: bool = True, note: str = "", box: str | None = None) -> dict:
        """Quote a learning point in a briefing (None: in a new one of `owner`'s), with its citation
        as it stands now; a point already there is not added twice. Returns the item, with
        `added` and its `briefing` (id, title, number of items)."""
        p = self.point(point_id, include_restricted)
        b = (self.briefing(briefing_id, owner, include_restricted) if briefing_id is not None
             else self.create_briefing(owner or "local"))
        added = all(i["point_id"] != point_id for i in b["items"])
        if added:
            doc = self.store.document(p["document_id"])
            self.store.add_briefing_item(b["id"], {
                "point_id": p["id"], "document_id": doc["id"], "text": p["text"], "context": p["context"],
                "section": p["section_path"], "page": p["page"], "statement_type": p["statement_type"],
                "themes": p["themes"], "source": dict(_doc_ref(doc), source_url=doc.get("source_url")),
                "note": briefings.check_text("note", note), "box": box or None}, _now())
            b = self.briefing(b["id"], owner, include_restricted)
        item = next(i for i in b["items"] if i["point_id"] == point_id)
        return dict(item, added=added, briefing={"id": b["id"], "title": b["title"], "n_items": len(b["items"])})

    def delete_briefing(self, briefing_id: int, owner: str | None = None) -> None:
        self.briefing(briefing_id, owner)
        self.store.delete_briefing(briefing_id)

    def claim_briefings(self, from_owner: str, to_owner: str) -> int:
        """Give a browser session's briefings to the user who has just logged in."""
        return self.store.move_briefings(from_owner, to_owner)

    def export_briefing(self, briefing_id: int, fmt: str, owner: str | None = None,
                        include_restricted: bool = True, base_url: str | None = None):
        """The briefing as a Word, Markdown or HTML file (kb.export.Export). Refused when it quotes
        a restricted document and the asker may not see restricted documents."""
        from kb.briefings import export

        b = self.briefing(briefing_id, owner, include_restricted=True)
        restricted = sum(i["restricted"] for i in b["items"])
        if restricted and not include_restricted:
            raise Forbidden(f"briefing {b['id']} quotes {restricted} passage{'s' if restricted != 1 else ''} "
                            "from restricted documents: log in to export it")
        base = (base_url or self.settings.link_base).rstrip("/")

        def link(item: dict) -> str:
            if item["point_id"] is not None:
                return f"{base}/points/{item['point_id']}"
            return f"{base}/documents/{item['document_id']}"

        return export.export(briefings.layout(b, self._names(b, include_restricted), link), fmt)

    def _names(self, briefing: dict, include_restricted: bool) -> "briefings.Names":
        tax = self.taxonomy
        coverage = {}
        if briefings.template(briefing["template"]).needs_theme:
            counts = self._theme_counts(include_restricted)
            years = self.theme_years(include_restricted)
            coverage = {slug: dict(c, years=sorted(years.get(slug, {}))) for slug, c in counts.items()}
        return briefings.Names({t.slug: t.name for t in tax.themes}, dict(tax.document_types),
                               {t.slug: t.description for t in tax.themes}, coverage)

    # ------------------------------------------------------------ themes
    def theme_years(self, include_restricted: bool = True) -> dict[str, dict[int, int]]:
        """Per theme slug, its number of points in documents of each year."""
        return self._memo(("theme_years", include_restricted), lambda: self.store.theme_year_counts(include_restricted))

    def theme_year_table(self, include_restricted: bool = True) -> tuple[list[str], list[list]]:
        """The theme-by-year table of the whole collection: a header and one row per theme
        (slug, name, a count per year, total), in taxonomy order."""
        counts = self.theme_years(include_restricted)
        years = sorted({y for per in counts.values() for y in per})
        header = ["theme", "name"] + [str(y) for y in years] + ["total"]
        rows = []
        for t in self.taxonomy.themes:
            per = counts.get(t.slug, {})
            rows.append([t.slug, t.name] + [per.get(y, 0) for y in years] + [sum(per.values())])
        return header, rows

    def theme_year_csv(self, include_restricted: bool = True) -> str:
        """The theme-by-year table as CSV text."""
        import csv
        import io

        header, rows = self.theme_year_table(include_restricted)
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\n").writerows([header] + rows)
        return buf.getvalue()

    def retag(self, progress: Callable[[int, int], None] | None = None) -> dict:
        """Re-tag every point with the current taxonomy (themes and statement types); no re-ingest."""
        self.refresh_indexes()  # every point has an embedding with the configured model
        ids, vecs = self.store.embeddings(self.model)
        row = {int(i): n for n, i in enumerate(ids)}
        updates, primary, changed = [], {}, 0
        docs = self.store.documents()
        for n, doc in enumerate(docs, start=1):
            points = self.store.points(doc["id"])
            before = {p["id"]: (p["statement_type"], p["themes"]) for p in points}
            vectors = vecs[[row[p["id"]] for p in points]] if points else None
            primary[doc["id"]] = self._classify(points, vectors, doc)
            for p in points:
                updates.append((p["id"], p["statement_type"], p["theme_tags"]))
                changed += before[p["id"]] != (p["statement_type"], p["themes"])
            if progress:
                progress(n, len(docs))
        self.store.set_tags(updates, primary)
        self.refresh_indexes()
        return {"documents": len(docs), "points": len(updates), "changed": changed}

    def _theme(self, slug: str):
        theme = next((t for t in self.taxonomy.themes if t.slug == slug), None)
        if theme is None:
            raise NotFound(f"no theme '{slug}' (see `kb themes` for the slugs)")
        return theme

    def themes(self, include_restricted: bool = True) -> list[dict]:
        """Every theme of the taxonomy with its number of points and documents, and its
        points per year of publication."""
        counts = self._theme_counts(include_restricted)
        years = self.theme_years(include_restricted)
        return [{"slug": t.slug, "name": t.name, "group": t.group, "description": t.description,
                 "points": counts.get(t.slug, {}).get("points", 0),
                 "documents": counts.get(t.slug, {}).get("documents", 0),
                 "years": years.get(t.slug, {})} for t in self.taxonomy.themes]

    THEME_PAGE = 100  # points per page of a theme

    def theme(self, slug: str, include_restricted: bool = True,
              statement_types: Iterable[str] | None = None, page: int = 1) -> dict:
        """A theme and one page of its learning points grouped by document, newest document
        first; `points` counts all of them (after `statement_types` filters), `statement_counts`
        all its points by statement type, `page` and `pages` place this page."""
        theme = self._theme(slug)
        wanted = list(statement_types or ())
        statement_counts = self._memo(("stypes", slug, include_restricted),
                                      lambda: self.store.theme_statement_counts(slug, include_restricted))
        total = sum(n for st, n in statement_counts.items() if not wanted or st in wanted)
        pages = max(1, -(-total // self.THEME_PAGE))
        page = min(max(1, page), pages)
        docs = {d["id"]: d for d in self.documents(include_restricted)}
        groups: dict[str, dict] = {}
        for p in self.store.theme_points(slug, include_restricted, wanted, self.THEME_PAGE,
                                         (page - 1) * self.THEME_PAGE):
            doc = docs[p["document_id"]]
            group = groups.setdefault(doc["id"], {"document": _doc_ref(doc), "points": []})
            p["document"] = group["document"]
            group["points"].append(p)
        return {"slug": theme.slug, "name": theme.name, "group": theme.group, "description": theme.description,
                "points": total, "documents": list(groups.values()), "page": page, "pages": pages,
                "document_count": self._theme_counts(include_restricted).get(slug, {}).get("documents", 0),
                "statement_counts": {k: v for k, v in statement_counts.items() if k},
                "years": self.theme_years(include_restricted).get(slug, {})}

    def evaluate_themes(self, labels_path: str) -> evaluation.ThemeReport:
        """Themes and statement types of the stored points against a hand-labelled set."""
        labels = evaluation.load_theme_labels(labels_path)
        cache: dict[str, list[dict]] = {}

        def find(doc_id: str, start: str) -> dict | None:
            if doc_id not in cache:
                cache[doc_id] = self.store.points(doc_id)
            want = evaluation.words(start)
            return next((p for p in cache[doc_id] if evaluation.words(p["text"]).startswith(want)), None)

        if not self.store.point_count():
            raise KBError(f"the knowledge base in {self.home} is empty: ingest the documents first")
        return evaluation.evaluate_themes(labels, find, [t.slug for t in self.taxonomy.themes])

    # ------------------------------------------------------------ search
    def search(self, query: str, k: int = 10, filters: Filters | None = None, expand: bool = True,
               offset: int = 0) -> SearchResponse:
        filters = self.check_filters(filters)
        self.refresh_indexes(wait=False)
        if not self.store.point_count():
            return SearchResponse(query=query, results=[])
        return self.searcher.search(query, k=k, filters=filters, expand=expand, offset=offset)

    def check_filters(self, filters: Filters | None) -> Filters | None:
        """Filters with every slug known to the taxonomy. A statement type given as a type
        (`kb search --type recommendation`) is taken as one; an unknown slug is an error naming it."""
        if filters is None:
            return None
        doc_types, stypes = set(self.taxonomy.document_types), set(self.taxonomy.statement_types)
        moved = [t for t in filters.doc_types if t in stypes and t not in doc_types]
        checked = replace(filters, doc_types=[t for t in filters.doc_types if t not in moved],
                          statement_types=list(dict.fromkeys(list(filters.statement_types) + moved)))
        for label, values, known in (("document type", checked.doc_types, doc_types),
                                     ("statement type", checked.statement_types, stypes),
                                     ("theme", checked.themes, {t.slug for t in self.taxonomy.themes})):
            unknown = [v for v in values if v not in known]
            if unknown:
                raise QueryError(f"unknown {label} '{unknown[0]}' (known: {', '.join(sorted(known))})")
        return checked

    def evaluate(self, queries_path: str) -> list[evaluation.QueryScore]:
        queries = evaluation.load_queries(queries_path)
        if not self.store.point_count():
            raise KBError(f"the knowledge base in {self.home} is empty: ingest the documents first "
                          "(kb ingest corpus/), or point KB_HOME / --home at the one to evaluate")
        return evaluation.evaluate(queries, lambda q: [r["text"] for r in self.search(q, k=10).results])




def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def _vector_row(point: dict, doc: dict) -> dict:
    """What the vector index keeps of a point for filters."""
    return {"id": point["id"], "document": doc["id"], "doc_type": doc.get("doc_type"),
            "statement_type": point.get("statement_type"), "year": doc.get("year"),
            "visibility": doc.get("visibility"), "themes": point.get("themes") or []}


def _doc_ref(doc: dict) -> dict:
    """The fields of a document that a citation needs."""
    return {k: doc.get(k) for k in ("id", "title", "publisher", "doc_type", "year", "date", "visibility")}


def _same_metadata(stored: dict, overrides: list[dict]) -> bool:
    """Whether the metadata given with a re-ingest (sidecar, options) is already what is stored."""
    given: dict = {}
    for o in overrides:
        given.update({k: v for k, v in (o or {}).items() if v not in (None, "")})
    return all(stored.get(k) == v for k, v in given.items())
