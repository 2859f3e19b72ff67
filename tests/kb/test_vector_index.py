"""The vector index: filters as attribute columns, in-place updates, HNSW recall, saving."""
import numpy as np
import pytest

from kb.core.errors import IndexMismatch
from kb.search.selection import Selection
from kb.search.vector_index import VectorIndex


def _rows(ids, doc, **kw):
    base = {"doc_type": "cspr", "statement_type": "finding", "year": 2020, "visibility": "public", "themes": []}
    return [dict(base, id=int(i), document=doc, **kw) for i in ids]


def _unit(n, d=16, seed=0):
    x = np.random.default_rng(seed).normal(size=(n, d)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


@pytest.fixture
def index(tmp_path):
    vecs = _unit(60)
    rows = (_rows(range(1, 21), "a") + _rows(range(21, 41), "b", doc_type="scr", year=2017, themes=["neglect"])
            + _rows(range(41, 61), "c", visibility="restricted", statement_type="recommendation",
                    themes=["neglect", "was-not-brought"]))
    v = VectorIndex(tmp_path)
    v.build(np.arange(1, 61), vecs, "model", generation=1, rows=rows)
    return v, vecs


def _ids(hits):
    return {i for i, _ in hits}


def test_each_filter_selects_exactly_its_points(index):
    v, vecs = index
    q = vecs[0]
    assert _ids(v.search(q, 100, Selection(documents=frozenset({"b"})))) == set(range(21, 41))
    assert _ids(v.search(q, 100, Selection(doc_types=frozenset({"scr"})))) == set(range(21, 41))
    assert _ids(v.search(q, 100, Selection(year_to=2018))) == set(range(21, 41))
    assert _ids(v.search(q, 100, Selection(year_from=2018))) == set(range(1, 21)) | set(range(41, 61))
    assert _ids(v.search(q, 100, Selection(public_only=True))) == set(range(1, 41))
    assert _ids(v.search(q, 100, Selection(themes=frozenset({"was-not-brought"})))) == set(range(41, 61))
    assert _ids(v.search(q, 100, Selection(themes=frozenset({"neglect"}), public_only=True))) == set(range(21, 41))
    assert _ids(v.search(q, 100, Selection(statement_types=frozenset({"recommendation"})))) == set(range(41, 61))
    assert v.search(q, 100, Selection(documents=frozenset({"nope"}))) == []
    best = v.search(q, 3)
    assert best[0][0] == 1 and best[0][1] == pytest.approx(1.0, abs=1e-5)


def test_documents_are_replaced_and_removed_in_place_and_saved(index, tmp_path):
    v, vecs = index
    new = _unit(5, seed=3)
    v.update(["a"], np.arange(101, 106), new, _rows(range(101, 106), "a"), generation=2)
    assert _ids(v.search(new[0], 100, Selection(documents=frozenset({"a"})))) == set(range(101, 106))
    assert v.count == 45 and v.meta["generation"] == 2
    assert 1 not in _ids(v.search(vecs[0], 100))  # the old version is gone
    again = VectorIndex(tmp_path)
    again.load()
    assert again.count == 45 and _ids(again.search(new[0], 1)) == {101}
    v.update(["b", "c"], np.zeros(0, dtype=np.int64), np.zeros((0, 16), np.float32), [], generation=3)
    assert v.count == 5 and len(v.attrs["ids"]) == 5  # most were dead: compacted
    assert _ids(v.search(new[0], 100)) == set(range(101, 106))


def test_hnsw_recall_at_100_against_exact_search(tmp_path):
    centres = _unit(40, d=32, seed=1)
    rng = np.random.default_rng(2)
    vecs = centres[rng.integers(0, 40, 6000)] + rng.normal(scale=0.25, size=(6000, 32)).astype(np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    ids = np.arange(6000)
    exact, approx = VectorIndex(tmp_path / "e"), VectorIndex(tmp_path / "a")
    exact.build(ids, vecs, "m", 1, kind="exact")
    approx.build(ids, vecs, "m", 1, kind="hnsw")
    assert approx.kind == "hnsw"
    queries = _unit(30, d=32, seed=9)
    recall = np.mean([len(_ids(approx.search(q, 100)) & _ids(exact.search(q, 100))) / 100 for q in queries])
    assert recall >= 0.98


def test_an_index_without_filter_attributes_asks_for_reindex(index, tmp_path):
    (tmp_path / "vectors.attrs.npz").unlink()
    with pytest.raises(IndexMismatch, match="kb reindex"):
        VectorIndex(tmp_path).load()
