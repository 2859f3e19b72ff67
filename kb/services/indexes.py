"""The keyword and vector indexes derived from the store, kept at the store's generation."""
from __future__ import annotations

import fcntl

import numpy as np

from kb.core.records import vector_row
from kb.core.settings import Settings
from kb.core.store import Store
from kb.search.embedding import Embedder, passage_text
from kb.search.keyword import check_engine, make_keyword_index
from kb.search.vector_index import ANN_THRESHOLD, VectorIndex


class Indexes:
    def __init__(self, settings: Settings, store: Store, embedder: Embedder, model: str):
        self.settings, self.store, self.embedder, self.model = settings, store, embedder, model
        self.home = settings.home_path
        self.keyword = make_keyword_index(settings.keyword_engine, self.home)
        self.vectors = VectorIndex(self.home)
        self._indexed_generation: int | None = None
        # documents this instance changed since the indexes were at generation _changes_from:
        # applied in place by the next refresh when nobody else changed the store meanwhile
        self._changes: list[str] = []
        self._changes_from: int | None = None

    def close(self) -> None:
        self.keyword.close()

    def describe_vectors(self) -> str:
        """The vector index's kind and size, as `kb stats` says it."""
        vmeta = self.vectors.read_meta()
        kind = vmeta.get("kind", "exact")
        return (f"{kind} ({'HNSW, approximate' if kind == 'hnsw' else 'exact search'}, "
                f"{vmeta.get('count', 0)} vectors; approximate from {ANN_THRESHOLD:,})")

    def check_vector_model(self) -> None:
        """Refuse to mix models: the saved index's metadata names the one that built it."""
        meta = self.vectors.read_meta()
        if meta.get("count"):
            self.vectors.check(self.model, meta)

    def note_change(self, doc_id: str, before: int) -> None:
        """After one document's write, which found the store at generation `before`: remember
        it, so that the indexes take it in place if they were at `before` (else the next
        refresh rebuilds them)."""
        if not self._changes:
            indexed = (self.keyword.meta().get("generation"), self.vectors.read_meta().get("generation"))
            self._changes_from = before if indexed == (before, before) else None
        elif self._changes_from is not None and before != self._changes_from + len(self._changes):
            self._changes_from = None  # someone else wrote meanwhile
        self._changes.append(doc_id)

    def refresh(self, wait: bool = True) -> None:
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
        self.check_vector_model()
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
        self.vectors.update(doc_ids, ids_arr, vec_arr, [vector_row(p, d) for p, d in rows], gen)

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
        rows = [vector_row(p, d) for batch in self._index_rows() for p, d in batch]
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
        self.vectors.build(ids, vecs, self.model, gen, [vector_row(p, d) for b in self._index_rows() for p, d in b])
        self.keyword.refresh()
        self._indexed_generation = gen
        return {"points": int(len(ids)), "embedded": len(todo), "model": self.model,
                "dim": int(vecs.shape[1]) if len(vecs) else 0, "keyword_engine": self.keyword.engine,
                "vector_index": self.vectors.kind}
