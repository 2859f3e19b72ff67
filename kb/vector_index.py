"""The faiss vector index, saved beside the store with the model that built it."""
from __future__ import annotations

import json
from pathlib import Path

import faiss
import numpy as np

from .errors import IndexMismatch


class VectorIndex:
    """Exact inner-product search over normalised vectors, keyed by point id."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.index: faiss.Index | None = None
        self.meta: dict = {}

    @property
    def _files(self) -> tuple[Path, Path]:
        return self.folder / "vectors.faiss", self.folder / "vectors.json"

    def exists(self) -> bool:
        return all(p.exists() for p in self._files)

    def read_meta(self) -> dict:
        """What built the saved index (model, dimension, count, generation); {} if none."""
        _, meta_file = self._files
        self.meta = json.loads(meta_file.read_text()) if meta_file.exists() else {}
        return self.meta

    def load(self) -> None:
        index_file, _ = self._files
        self.read_meta()
        self.index = faiss.read_index(str(index_file))

    def check(self, model: str, dim: int | None = None) -> None:
        built = self.meta.get("model")
        if built != model or (dim is not None and self.meta.get("dim") != dim):
            raise IndexMismatch(
                f"the vector index was built with model '{built}' (dimension {self.meta.get('dim')}), "
                f"but the configured model is '{model}'. Run `kb reindex` to rebuild it with the configured model."
            )

    def build(self, ids: np.ndarray, vectors: np.ndarray, model: str, generation: int) -> None:
        dim = int(vectors.shape[1]) if len(vectors) else 0
        index = faiss.IndexIDMap2(faiss.IndexFlatIP(max(dim, 1)))
        if len(vectors):
            index.add_with_ids(np.ascontiguousarray(vectors, dtype=np.float32), ids.astype(np.int64))
        self.index = index
        self.meta = {"model": model, "dim": dim, "count": int(len(ids)), "generation": generation}
        self.folder.mkdir(parents=True, exist_ok=True)
        index_file, meta_file = self._files
        tmp = index_file.with_suffix(".tmp")
        faiss.write_index(index, str(tmp))
        tmp.replace(index_file)
        meta_file.write_text(json.dumps(self.meta, indent=2))

    def search(self, vector: np.ndarray, k: int, allowed: np.ndarray | None = None) -> list[tuple[int, float]]:
        if self.index is None or self.index.ntotal == 0:
            return []
        q = np.ascontiguousarray(vector.reshape(1, -1), dtype=np.float32)
        params = None
        if allowed is not None:
            if len(allowed) == 0:
                return []
            params = faiss.SearchParameters(sel=faiss.IDSelectorBatch(allowed.astype(np.int64)))
        scores, ids = self.index.search(q, min(k, self.index.ntotal), params=params)
        return [(int(i), float(s)) for i, s in zip(ids[0], scores[0]) if i >= 0]
