"""Keyword search behind one small interface, with two backends chosen by
KB_KEYWORD_ENGINE: tantivy (compiled BM25 with block-max top-k; the default) and
whoosh (pure Python, for places that cannot install a compiled wheel).

Both take the same engine-neutral query plan (`kb.keyword.query`) and the same
filters, so ranking logic lives once; each analyses text its own way (both: English
stemming, the domain stop list that keeps "not" and "no"). The saved index records
the engine that built it; opening it with another engine raises IndexMismatch
naming `kb reindex`, as for the embedding model."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Iterable, Protocol

from kb.core.errors import ConfigError, IndexMismatch
from kb.search.selection import Selection
from kb.search.keyword.query import Clause, plan

ENGINES = ("tantivy", "whoosh")
DEFAULT_ENGINE = "tantivy"

Row = tuple[dict, dict]  # (point, its document)


class KeywordIndex(Protocol):
    engine: str

    def exists(self) -> bool: ...
    def meta(self) -> dict: ...
    def build(self, batches: Iterable[list[Row]], generation: int, progress=None) -> None: ...
    def update(self, remove_documents: Iterable[str], rows: list[Row], generation: int) -> None: ...
    def refresh(self) -> None: ...
    def search(self, clauses: list[Clause], limit: int, filters: Selection | None = None
               ) -> list[tuple[int, float]]: ...
    def terms(self, text: str) -> list[str]: ...
    def is_known(self, word: str) -> bool: ...
    def suggest(self, word: str) -> str | None: ...
    def close(self) -> None: ...


def folder_of(home: Path) -> Path:
    return Path(home) / "keyword"


def saved_meta(home: Path) -> dict:
    """What built the saved keyword index (engine, generation); {} if none."""
    f = folder_of(home) / "kb-meta.json"
    return json.loads(f.read_text()) if f.exists() else {}


def write_meta(home: Path, meta: dict) -> None:
    (folder_of(home) / "kb-meta.json").write_text(json.dumps(meta))


def check_engine(home: Path, engine: str) -> None:
    """Refuse to read an index another engine wrote (an index from before engines were
    recorded was whoosh's)."""
    folder = folder_of(home)
    if not folder.exists() or not any(folder.iterdir()):
        return
    built = saved_meta(home).get("engine", "whoosh")
    if built != engine:
        raise IndexMismatch(
            f"the keyword index in {folder} was built by {built}, but the configured engine is {engine} "
            f"(KB_KEYWORD_ENGINE). Run `kb reindex` to rebuild it with {engine}.")


def make_keyword_index(engine: str, home: Path) -> KeywordIndex:
    if engine == "tantivy":
        from kb.search.keyword.tantivy_engine import TantivyIndex
        return TantivyIndex(home)
    if engine == "whoosh":
        from kb.search.keyword.whoosh_engine import WhooshIndex
        return WhooshIndex(home)
    raise ConfigError(f"KB_KEYWORD_ENGINE={engine!r}: the keyword engines are {', '.join(ENGINES)}")


__all__ = ["Clause", "Selection", "KeywordIndex", "ENGINES", "DEFAULT_ENGINE", "make_keyword_index",
           "check_engine", "plan"]
