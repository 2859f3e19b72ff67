"""The faiss vector index, saved beside the store with the model that built it.

Exact inner-product search for small collections; HNSW (approximate) from
`ANN_THRESHOLD` points up. Beside the vectors it keeps, per stored vector, the
attributes that filters use (document, statement type, year, visibility, themes) as
numpy columns, so a filtered search selects ids with array operations instead of
reading points from the store; a very selective filter is searched exactly over its
subset. faiss labels are positions in those columns (ids are looked up there), so a
selector is a bitmap over positions. Documents are added and removed in place: a
removed vector is a tombstone until dead ones pass `COMPACT_DEAD_SHARE`, when the
index is rebuilt from its own stored vectors."""
from __future__ import annotations

import json
from pathlib import Path

import faiss
import numpy as np

from kb.core.errors import IndexMismatch
from kb.search.selection import Selection

ANN_THRESHOLD = 50_000  # below this, exact search is fast enough and exact (see bench/search_bench.py)
HNSW_M = 32
HNSW_EF_CONSTRUCTION = 200  # measured on the 100,000-point benchmark: recall@100 0.76 at 80/128, 0.99 at 200/512
HNSW_EF_SEARCH = 512        # recall@100 0.988 at 100,000 points (bench); 0.94 at a million, so larger there:
HNSW_EF_SEARCH_LARGE = 2048  # 0.991 at a million points, 4 ms a search
LARGE = 200_000
EXACT_SUBSET = 20_000    # a filter leaving fewer vectors than this is searched exactly over them
COMPACT_DEAD_SHARE = 0.2


class _Codes:
    """Strings as small integers, in the order first seen (kept in the index's metadata)."""

    def __init__(self, values: list[str] | None = None):
        self.values = list(values or [])
        self.index = {v: i for i, v in enumerate(self.values)}

    def code(self, value: str) -> int:
        if value not in self.index:
            self.index[value] = len(self.values)
            self.values.append(value)
        return self.index[value]

    def codes(self, values) -> np.ndarray:
        return np.array([self.index[v] for v in values if v in self.index], dtype=np.int32)


ATTRS = ("ids", "alive", "doc", "doc_type", "stype", "year", "public", "themes")


class VectorIndex:
    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.index: faiss.Index | None = None
        self.meta: dict = {}
        self.attrs: dict[str, np.ndarray] = {}
        self.writable = False  # False: the vectors are mapped from the file (read only)

    @property
    def _files(self) -> tuple[Path, Path, Path]:
        return self.folder / "vectors.faiss", self.folder / "vectors.json", self.folder / "vectors.attrs.npz"

    def exists(self) -> bool:
        return all(p.exists() for p in self._files)

    def read_meta(self) -> dict:
        """What built the saved index (model, dimension, count, generation, kind); {} if none.
        (The loaded index's own is `meta`: another process may have saved a newer one.)"""
        meta_file = self._files[1]
        return json.loads(meta_file.read_text()) if meta_file.exists() else {}

    @property
    def generation(self) -> int | None:
        """The store generation the index in memory reflects (None: none loaded)."""
        return self.meta.get("generation") if self.index is not None else None

    def load(self, writable: bool = False) -> None:
        """Read the saved index. A reader maps the vectors from the file (shared with other
        processes through the page cache, nothing copied); a writer reads them into memory."""
        index_file, _, attrs_file = self._files
        self.meta = self.read_meta()
        if not attrs_file.exists():  # an index from before filters were kept beside it
            raise IndexMismatch("the vector index has no filter attributes (it predates them). "
                                "Run `kb reindex` to rebuild it.")
        self._adopt(faiss.read_index(str(index_file), 0 if writable else faiss.IO_FLAG_MMAP_IFC))
        self.writable = writable
        with np.load(attrs_file) as data:
            self.attrs = {k: data[k] for k in ATTRS}
        self._tune()

    def check(self, model: str, meta: dict | None = None) -> None:
        meta = self.meta if meta is None else meta
        built = meta.get("model")
        if built != model:
            raise IndexMismatch(
                f"the vector index was built with model '{built}' (dimension {meta.get('dim')}), "
                f"but the configured model is '{model}'. Run `kb reindex` to rebuild it with the configured model."
            )

    @property
    def kind(self) -> str:
        return self.meta.get("kind", "exact")

    @property
    def count(self) -> int:
        return int(self.attrs["alive"].sum()) if self.attrs else 0

    # ------------------------------------------------------------ writing
    def _codes(self, name: str) -> _Codes:
        return _Codes(self.meta.get("codes", {}).get(name))

    def _attributes(self, rows: list[dict], codes: dict[str, _Codes]) -> dict[str, np.ndarray]:
        """Columns for rows of {id, document, doc_type, statement_type, year, visibility, themes}."""
        theme_bits = np.zeros((len(rows), 8), dtype=np.uint8)  # up to 64 themes
        for n, r in enumerate(rows):
            for t in r["themes"]:
                bit = codes["themes"].code(t)
                if bit >= 64:
                    raise IndexMismatch("more than 64 themes: the vector index keeps 64 theme flags")
                theme_bits[n, bit // 8] |= 1 << (bit % 8)
        return {
            "ids": np.array([r["id"] for r in rows], dtype=np.int64),
            "alive": np.ones(len(rows), dtype=bool),
            "doc": np.array([codes["doc"].code(r["document"]) for r in rows], dtype=np.int32),
            "doc_type": np.array([codes["doc_type"].code(r["doc_type"] or "") for r in rows], dtype=np.int32),
            "stype": np.array([codes["stype"].code(r["statement_type"] or "") for r in rows], dtype=np.int32),
            "year": np.array([r["year"] or 0 for r in rows], dtype=np.int32),
            "public": np.array([r["visibility"] == "public" for r in rows], dtype=bool),
            "themes": theme_bits,
        }

    def build(self, ids: np.ndarray, vectors: np.ndarray, model: str, generation: int,
              rows: list[dict] | None = None, kind: str | None = None) -> None:
        """A new index of `vectors` (one per id; `rows` give each id's filter attributes)."""
        rows = rows if rows is not None else [{"id": int(i), "document": "", "doc_type": "", "statement_type": "",
                                               "year": 0, "visibility": "public", "themes": []} for i in ids]
        by_id = {r["id"]: r for r in rows}
        rows = [by_id[int(i)] for i in ids]
        dim = int(vectors.shape[1]) if len(vectors) else 0
        kind = kind or ("hnsw" if len(ids) >= ANN_THRESHOLD else "exact")
        codes = {name: _Codes() for name in ("doc", "doc_type", "stype", "themes")}
        self.attrs = self._attributes(rows, codes)
        self._adopt(_new_index(max(dim, 1), kind))
        self.writable = True
        if len(vectors):
            self.index.add(np.ascontiguousarray(vectors, dtype=np.float32))
        self.meta = {"model": model, "dim": dim, "count": int(len(ids)), "generation": generation, "kind": kind,
                     "codes": {k: c.values for k, c in codes.items()}}
        self._tune()
        self._save()

    def update(self, remove_documents: list[str], ids: np.ndarray, vectors: np.ndarray, rows: list[dict],
               generation: int) -> None:
        """Tombstone the vectors of `remove_documents` and add new ones, in place."""
        codes = {name: self._codes(name) for name in ("doc", "doc_type", "stype", "themes")}
        gone = codes["doc"].codes(remove_documents)
        if len(gone):
            self.attrs["alive"] &= ~np.isin(self.attrs["doc"], gone)
        if len(ids):
            by_id = {r["id"]: r for r in rows}
            new = self._attributes([by_id[int(i)] for i in ids], codes)
            self.attrs = {k: np.concatenate([self.attrs[k], new[k]]) for k in ATTRS}
            self.index.add(np.ascontiguousarray(vectors, dtype=np.float32))
        self.meta.update(generation=generation, count=self.count, codes={k: c.values for k, c in codes.items()})
        dead = len(self.attrs["alive"]) - self.count
        if dead and dead > COMPACT_DEAD_SHARE * len(self.attrs["alive"]):
            self._compact()
        self._tune()
        self._save()

    def _compact(self) -> None:
        keep = np.flatnonzero(self.attrs["alive"])
        vectors = self._stored_vectors()[keep]
        self.attrs = {k: v[keep] for k, v in self.attrs.items()}
        kind = "hnsw" if len(keep) >= ANN_THRESHOLD else "exact"
        self._adopt(_new_index(vectors.shape[1], kind))
        if len(keep):
            self.index.add(np.ascontiguousarray(vectors))
        self.meta.update(kind=kind, count=int(len(keep)))
        self._tune()

    def _save(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        index_file, meta_file, attrs_file = self._files
        tmp = index_file.with_suffix(".tmp")
        faiss.write_index(self.index, str(tmp))
        with open(attrs_file.with_suffix(".tmp"), "wb") as f:
            np.savez(f, **self.attrs)
        tmp.replace(index_file)
        attrs_file.with_suffix(".tmp").replace(attrs_file)
        meta_file.write_text(json.dumps(self.meta, indent=1))

    # ------------------------------------------------------------ searching
    @property
    def ef_search(self) -> int:
        return HNSW_EF_SEARCH_LARGE if self.index is not None and self.index.ntotal >= LARGE else HNSW_EF_SEARCH

    def _adopt(self, index: faiss.Index) -> None:
        """Use a new index: keep the proxy that owns it (the downcast one does not), tune it."""
        self._owner = index
        self.index = faiss.downcast_index(index)
        self._tune()

    def _tune(self) -> None:
        if isinstance(self.index, faiss.IndexHNSW):
            self.index.hnsw.efSearch = self.ef_search

    def _stored_vectors(self) -> np.ndarray:
        """The stored vectors in insertion order (a view, not a copy)."""
        inner = self.index
        flat = faiss.downcast_index(inner.storage) if isinstance(inner, faiss.IndexHNSW) else inner
        n, d = flat.ntotal, flat.d
        return faiss.rev_swig_ptr(flat.get_xb(), n * d).reshape(n, d) if n else np.zeros((0, d), np.float32)

    def vectors_of(self, ids: list[int]) -> tuple[list[int], np.ndarray]:
        """The stored vectors of the given point ids (those that have one), in the order given."""
        alive = np.flatnonzero(self.attrs["alive"])
        by_id = dict(zip(self.attrs["ids"][alive].tolist(), alive.tolist()))
        found = [i for i in ids if i in by_id]
        stored = self._stored_vectors()
        rows = np.array([by_id[i] for i in found], dtype=np.int64)
        return found, (stored[rows] if len(rows) else np.zeros((0, stored.shape[1]), np.float32))

    def _exact(self, q: np.ndarray, rows: np.ndarray | None, k: int) -> list[tuple[int, float]]:
        """Exact inner products (a matrix-vector product: faster than faiss's flat search for one query)."""
        stored = self._stored_vectors()
        scores = stored @ q if rows is None else stored[rows] @ q
        ids = self.attrs["ids"] if rows is None else self.attrs["ids"][rows]
        return [(int(ids[t]), float(scores[t])) for t in _top(scores, k)]

    def mask(self, f: Selection) -> np.ndarray:
        """Which stored vectors a filter admits (alive ones only)."""
        a, codes = self.attrs, self.meta.get("codes", {})
        keep = a["alive"].copy()

        def coded(name: str, values) -> np.ndarray:
            return _Codes(codes.get(name)).codes(values)

        if f.documents is not None:
            keep &= np.isin(a["doc"], coded("doc", f.documents))
        if f.doc_types:
            keep &= np.isin(a["doc_type"], coded("doc_type", f.doc_types))
        if f.statement_types:
            keep &= np.isin(a["stype"], coded("stype", f.statement_types))
        if f.year_from:
            keep &= a["year"] >= f.year_from
        if f.year_to:
            keep &= (a["year"] <= f.year_to) & (a["year"] > 0)
        if f.public_only:
            keep &= a["public"]
        if f.themes:
            wanted = np.zeros(8, dtype=np.uint8)
            for bit in coded("themes", f.themes):
                wanted[bit // 8] |= 1 << (bit % 8)
            keep &= (a["themes"] & wanted).any(axis=1)
        return keep

    def search(self, vector: np.ndarray, k: int, filters: Selection | None = None) -> list[tuple[int, float]]:
        if self.index is None or self.index.ntotal == 0 or k <= 0:
            return []
        q = np.ascontiguousarray(vector.reshape(1, -1), dtype=np.float32)
        ids = self.attrs["ids"]
        unfiltered = filters is None or not filters.active()
        if unfiltered and len(self.attrs["alive"]) == self.count:
            if self.kind == "exact":
                return self._exact(q[0], None, k)
            scores, rows = self.index.search(q, min(k, self.index.ntotal))
            return [(int(ids[r]), float(s)) for r, s in zip(rows[0], scores[0]) if r >= 0]
        keep = self.attrs["alive"] if unfiltered else self.mask(filters)
        rows = np.flatnonzero(keep)
        if len(rows) == 0:
            return []
        if self.kind == "exact" or len(rows) <= EXACT_SUBSET:
            return self._exact(q[0], rows, k)
        bitmap = np.packbits(keep, bitorder="little")  # labels are positions: a bitmap over them
        params = faiss.SearchParametersHNSW(sel=faiss.IDSelectorBitmap(len(bitmap), faiss.swig_ptr(bitmap)),
                                            efSearch=max(self.ef_search, k))
        scores, found = self.index.search(q, min(k, len(rows)), params=params)
        return [(int(ids[r]), float(s)) for r, s in zip(found[0], scores[0]) if r >= 0]


def _top(scores: np.ndarray, k: int) -> np.ndarray:
    """Positions of the k highest scores, best first."""
    if len(scores) > k:
        part = np.argpartition(-scores, k - 1)[:k]
        return part[np.argsort(-scores[part], kind="stable")]
    return np.argsort(-scores, kind="stable")


def _new_index(dim: int, kind: str) -> faiss.Index:
    if kind == "hnsw":
        index = faiss.IndexHNSWFlat(dim, HNSW_M, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
        return index
    return faiss.IndexFlatIP(dim)
