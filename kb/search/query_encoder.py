"""Query embeddings without importing torch: the forward pass of a BERT
sentence-transformers model with mean pooling and normalisation (the default
all-MiniLM-L6-v2 is one), in numpy, from the model's own safetensors weights and
tokenizer.json.

Why: importing torch, transformers and sentence-transformers takes 3-4 s on these
machines, so `kb search` from the shell spent most of its time before the first
query. Passages are still embedded by sentence-transformers (batches, at ingest);
a query is one short text, which numpy encodes in milliseconds. The two agree to
about 1e-6 (tests/kb/test_query_encoder.py checks them against each other)."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np


def supports(path: str | Path) -> bool:
    """Whether the model folder is a BERT encoder + mean pooling + normalisation with safetensors
    weights and a fast tokenizer: the one shape this module reproduces."""
    path = Path(path)
    try:
        modules = [m["type"].rsplit(".", 1)[-1] for m in json.loads((path / "modules.json").read_text())]
        config = json.loads((path / "config.json").read_text())
        pooling = json.loads((path / "1_Pooling" / "config.json").read_text())
    except (OSError, ValueError, KeyError):
        return False
    mean_only = pooling.get("pooling_mode_mean_tokens") and not any(
        v for k, v in pooling.items() if k.startswith("pooling_mode_") and k != "pooling_mode_mean_tokens")
    return (modules == ["Transformer", "Pooling", "Normalize"] and config.get("model_type") == "bert"
            and config.get("hidden_act") == "gelu" and config.get("position_embedding_type", "absolute") == "absolute"
            and bool(mean_only) and (path / "model.safetensors").exists() and (path / "tokenizer.json").exists())


_SQRT_HALF = 0.5 ** 0.5


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray, eps: float) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * weight + bias


class NumpyBertEncoder:
    def __init__(self, path: str | Path):
        from safetensors.numpy import load_file
        from scipy.special import erf
        from tokenizers import Tokenizer

        path = Path(path)
        self._erf = erf
        config = json.loads((path / "config.json").read_text())
        st_config = path / "sentence_bert_config.json"
        max_len = json.loads(st_config.read_text()).get("max_seq_length", 256) if st_config.exists() else 256
        self.heads = config["num_attention_heads"]
        self.layers = config["num_hidden_layers"]
        self.eps = config.get("layer_norm_eps", 1e-12)
        self.tokenizer = Tokenizer.from_file(str(path / "tokenizer.json"))
        self.tokenizer.enable_truncation(max_length=min(max_len, config["max_position_embeddings"]))
        self.tokenizer.no_padding()
        self.w = load_file(str(path / "model.safetensors"))

    def _gelu(self, x: np.ndarray) -> np.ndarray:
        return 0.5 * x * (1.0 + self._erf(x * _SQRT_HALF))  # float32 throughout (a numpy scalar would upcast)

    def _dense(self, x: np.ndarray, name: str) -> np.ndarray:
        return x @ self.w[f"{name}.weight"].T + self.w[f"{name}.bias"]

    def _encode_one(self, text: str) -> np.ndarray:
        w = self.w
        ids = np.array(self.tokenizer.encode(text).ids, dtype=np.int64)
        n = len(ids)
        h = (w["embeddings.word_embeddings.weight"][ids] + w["embeddings.position_embeddings.weight"][:n]
             + w["embeddings.token_type_embeddings.weight"][0])
        h = _layer_norm(h, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"], self.eps)
        d = h.shape[1] // self.heads
        for i in range(self.layers):
            p = f"encoder.layer.{i}"
            q, k, v = (self._dense(h, f"{p}.attention.self.{x}").reshape(n, self.heads, d).transpose(1, 0, 2)
                       for x in ("query", "key", "value"))
            scores = q @ k.transpose(0, 2, 1) * (1.0 / d ** 0.5)
            scores = np.exp(scores - scores.max(-1, keepdims=True))
            context = (scores / scores.sum(-1, keepdims=True)) @ v
            attended = self._dense(context.transpose(1, 0, 2).reshape(n, -1), f"{p}.attention.output.dense")
            h = _layer_norm(h + attended, w[f"{p}.attention.output.LayerNorm.weight"],
                            w[f"{p}.attention.output.LayerNorm.bias"], self.eps)
            out = self._dense(self._gelu(self._dense(h, f"{p}.intermediate.dense")), f"{p}.output.dense")
            h = _layer_norm(h + out, w[f"{p}.output.LayerNorm.weight"], w[f"{p}.output.LayerNorm.bias"], self.eps)
        pooled = h.mean(0)
        return pooled / max(float(np.linalg.norm(pooled)), 1e-12)

    def encode(self, texts: list[str]) -> np.ndarray:
        return np.vstack([self._encode_one(t) for t in texts]).astype(np.float32)
