"""The library: documents in, documents out. Ingest (files, folders, globs, URLs, uploads;
all or nothing per document), the documents and points as stored, metadata edits, removal."""
from __future__ import annotations

import glob
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from kb.analysis.tagging import classify
from kb.analysis.taxonomy import Taxonomy
from kb.analysis.themes import ThemeTagger
from kb.core.cache import GenerationCache
from kb.core.errors import IngestError, KBError, NotFound
from kb.core.records import Document, Point, doc_ref, now
from kb.core.settings import Settings
from kb.core.store import Store
from kb.ingest import ocr
from kb.search.embedding import Embedder, passage_text
from kb.services.indexes import Indexes


@dataclass
class IngestOutcome:
    source: str
    status: str  # ingested | unchanged | replaced | duplicate | failed
    document_id: str | None = None
    points: int = 0
    reason: str | None = None
    warnings: list[str] = field(default_factory=list)  # what of the document could not be read


@dataclass
class IngestReport:
    outcomes: list[IngestOutcome]

    def count(self, status: str) -> int:
        return sum(o.status == status for o in self.outcomes)

    @property
    def failed(self) -> list[IngestOutcome]:
        return [o for o in self.outcomes if o.status == "failed"]

    def summary(self) -> str:
        shown = [s for s in ("ingested", "replaced", "unchanged", "duplicate", "failed")
                 if s != "duplicate" or self.count(s)]  # duplicates named only when there are some
        return ", ".join(f"{self.count(s)} {s}" for s in shown)


class Library:
    def __init__(self, settings: Settings, store: Store, taxonomy: Taxonomy, tagger: ThemeTagger,
                 embedder: Embedder, indexes: Indexes, cache: GenerationCache):
        self.settings, self.store, self.taxonomy, self.tagger = settings, store, taxonomy, tagger
        self.embedder, self.indexes, self.cache = embedder, indexes, cache
        self.files = settings.home_path / "files"
        self.files.mkdir(parents=True, exist_ok=True)
        self.ocr = ocr.from_setting(settings.ocr)  # None: scanned pages are reported, not read

    # ------------------------------------------------------------ ingest
    @staticmethod
    def expand_sources(sources: Iterable[str]) -> list[str]:
        """Files, folders (recursively), globs and URLs, in a stable order."""
        from kb.ingest.fetch import is_url
        from kb.ingest.readers import suffixes

        readable = set(suffixes())
        out: list[str] = []
        for src in sources:
            if is_url(src):
                out.append(src)
                continue
            path = Path(src)
            if path.is_dir():
                out += sorted(str(p) for p in path.rglob("*") if p.is_file() and p.suffix.lower() in readable
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
        self.indexes.refresh()  # once per batch: the store is already complete
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
        from kb.ingest.pipeline import RULES, prepare, sha256

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
        digest = sha256(data)
        if existing and existing["sha256"] == digest and _same_metadata(existing, overrides) \
                and existing.get("rules") == RULES:  # read by older rules: read again
            return IngestOutcome(display, "unchanged", existing["id"], self.store.point_count(existing["id"]))
        twin = self.store.document_by_sha256(digest)
        if twin and (not existing or twin["id"] != existing["id"]):
            return IngestOutcome(display, "duplicate", twin["id"], self.store.point_count(twin["id"]),
                                 reason=f"duplicate of {twin['id']} (“{twin['title']}”, ingested as "
                                        f"{twin['source_name']}): the same content, not ingested again")
        stage("reading")
        try:
            prepared = prepare(data, name, overrides, set(self.taxonomy.document_types), digest, ocr=self.ocr)
        except IngestError as exc:
            raise IngestError(display, exc.reason) from None
        prepared.meta["id"] = existing["id"] if existing else self._free_id(prepared.meta["id"])
        self.indexes.check_vector_model()
        stage("tagging")
        vectors = self.embedder.encode([passage_text(p) for p in prepared.points])
        doc = dict(prepared.meta)
        doc["primary_themes"] = json.dumps(classify(self.tagger, prepared.points, vectors, doc))
        doc["ingested_at"] = now()
        suffix = Path(name).suffix.lower() or ".bin"
        stored = self.files / f"{doc['id']}{suffix}"
        tmp = stored.with_name(stored.name + ".tmp")
        tmp.write_bytes(data)
        doc["file_path"] = stored.name
        stage("saving")
        before = self.store.generation()
        try:
            self.store.replace_document(doc, prepared.sections, prepared.points, vectors, self.indexes.model)
        except Exception as exc:
            tmp.unlink(missing_ok=True)
            raise IngestError(display, f"could not be saved ({type(exc).__name__}: {exc}); nothing was changed") from exc
        self.indexes.note_change(doc["id"], before)
        tmp.replace(stored)
        if existing and existing.get("file_path") and existing["file_path"] != stored.name:
            (self.files / existing["file_path"]).unlink(missing_ok=True)
        if refresh:
            stage("indexing")
            self.indexes.refresh()
        return IngestOutcome(display, "replaced" if existing else "ingested", doc["id"], len(prepared.points),
                             warnings=prepared.warnings)

    def _free_id(self, wanted: str) -> str:
        taken = self.store.document_ids()
        if wanted not in taken:
            return wanted
        n = 2
        while f"{wanted}-{n}" in taken:
            n += 1
        return f"{wanted}-{n}"

    # ------------------------------------------------------------ documents
    def documents(self, include_restricted: bool = True) -> list[Document]:
        return self.cache.get(("documents", include_restricted), lambda: self.store.documents(include_restricted))

    def resolve(self, needle: str, include_restricted: bool = True) -> Document:
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
        doc = dict(self.resolve(needle, include_restricted))
        doc["sections"] = self.store.sections(doc["id"])
        doc["points"] = self.store.points(doc["id"])
        return doc

    def point(self, point_id: int, include_restricted: bool = True) -> Point:
        """A learning point with its document's citation fields and the reasons for its themes."""
        found = self.store.points(ids=[point_id])
        if not found:
            raise NotFound(f"no learning point with id {point_id}")
        point = found[0]
        doc = self.store.document(point["document_id"])
        if not include_restricted and doc["visibility"] != "public":
            raise NotFound(f"no learning point with id {point_id}")
        point["document"] = doc_ref(doc)
        point["theme_reasons"] = self.store.point_themes([point_id])[point_id]
        return point

    def original_file(self, doc_id: str, include_restricted: bool = True) -> tuple[Path, str]:
        """The document's file as ingested, and the name it was ingested under."""
        doc = self.resolve(doc_id, include_restricted)
        path = self.files / (doc.get("file_path") or "")
        if not doc.get("file_path") or not path.exists():
            raise NotFound(f"the original file of '{doc_id}' is not kept")
        return path, doc["source_name"]

    def remove(self, needle: str) -> Document:
        doc = self.resolve(needle)
        before = self.store.generation()
        self.store.remove_document(doc["id"])
        self.indexes.note_change(doc["id"], before)
        if doc.get("file_path"):
            (self.files / doc["file_path"]).unlink(missing_ok=True)
        self.indexes.refresh()
        return doc

    def update_metadata(self, needle: str, **fields) -> Document:
        from kb.ingest import metadata as meta_mod

        doc = self.resolve(needle)
        merged = meta_mod.merge({k: doc[k] for k in meta_mod.FIELDS}, fields, source=doc["id"],
                                doc_types=set(self.taxonomy.document_types))
        before = self.store.generation()
        self.store.update_document(doc["id"], {k: merged[k] for k in meta_mod.FIELDS})
        self.indexes.note_change(doc["id"], before)
        self.indexes.refresh()
        return self.store.document(doc["id"])

    def stats(self) -> dict:
        s = self.store.stats()
        s["home"] = str(self.settings.home_path)
        s["model"] = self.indexes.model
        s["keyword_engine"] = self.indexes.keyword.engine
        s["vector_index"] = self.indexes.describe_vectors()
        return s


def _same_metadata(stored: dict, overrides: list[dict]) -> bool:
    """Whether the metadata given with a re-ingest (sidecar, options) is already what is stored."""
    given: dict = {}
    for o in overrides:
        given.update({k: v for k, v in (o or {}).items() if v not in (None, "")})
    return all(stored.get(k) == v for k, v in given.items())
