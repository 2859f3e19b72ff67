"""Query embeddings in numpy (no torch import) agree with sentence-transformers."""
import subprocess
import sys

import numpy as np
import pytest

from kb.search.embedding import SentenceTransformerEmbedder, resolve_model_path
from kb.search.query_encoder import NumpyBertEncoder, supports

TEXTS = ["was not brought", "Children were not taken to their health appointments.",
         "professional curiosity about the men around the baby", "WNB", "co-sleeping on a sofa after alcohol " * 30]


def test_the_default_model_has_the_supported_shape(tmp_path):
    assert supports(resolve_model_path("all-MiniLM-L6-v2"))
    assert not supports(tmp_path)


@pytest.mark.slow
def test_numpy_query_embeddings_match_the_model():
    path = resolve_model_path("all-MiniLM-L6-v2")
    ours = NumpyBertEncoder(path).encode(TEXTS)
    model = SentenceTransformerEmbedder("all-MiniLM-L6-v2").encode(TEXTS)
    assert ours.shape == model.shape
    cosines = (ours * model).sum(axis=1)
    assert cosines.min() > 0.99999
    assert np.abs(ours - model).max() < 1e-4


def test_a_query_is_embedded_without_importing_torch():
    code = ("import sys; from kb.search.embedding import SentenceTransformerEmbedder as E; e = E('all-MiniLM-L6-v2'); "
            "v = e.encode_query('voice of the child'); w = e.encode_query('voice of the child'); "
            "assert v is w and v.shape == (384,); print('torch' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={"HF_HUB_OFFLINE": "1", "PATH": "/usr/bin:/bin"})
    assert out.stdout.strip() == "False"
