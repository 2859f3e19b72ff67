"""The domain glossary: equivalent phrasings and acronyms, used to expand queries."""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from kb.core.errors import ConfigError


def _norm(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9&]+", text.lower().replace("'", "").replace("’", "")))


def _short_acronym(term: str) -> bool:
    return term.isupper() and len(term) <= 4


def _as_word(term: str) -> re.Pattern:
    """The term as a whole word; a short acronym only in capitals ("DA", not "da" in "data")."""
    return re.compile(rf"(?<![A-Za-z]){re.escape(term)}(?![A-Za-z])", 0 if _short_acronym(term) else re.I)


@dataclass
class Glossary:
    groups: list[list[str]]
    acronyms: dict[str, str]

    @classmethod
    def load(cls, path: str | Path | None = None) -> "Glossary":
        path = Path(path) if path else Path(str(resources.files("kb") / "data" / "glossary.toml"))
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"glossary file {path}: {exc}") from None
        groups = [list(g["terms"]) for g in data.get("equivalents", [])]
        return cls(groups=groups, acronyms=dict(data.get("acronyms", {})))

    def words(self) -> frozenset[str]:
        """Every word of its terms and acronyms, lower case (words the speller must not correct)."""
        terms = [t for g in self.groups for t in g] + list(self.acronyms) + list(self.acronyms.values())
        return frozenset(w for t in terms for w in re.findall(r"[a-z][a-z'’-]*", t.lower()))

    def _mentions(self, query: str, term: str) -> bool:
        if _short_acronym(term):
            # short acronyms only as written in capitals, or as the whole query
            return bool(_as_word(term).search(query)) or _norm(query) == _norm(term)
        nt = _norm(term)
        return bool(nt) and re.search(rf"(?<![a-z0-9]){re.escape(nt)}s?(?![a-z0-9])", _norm(query)) is not None

    def spelled_out(self, query: str) -> str:
        """The query with the meaning of each acronym it uses after it ("NRPF (No Recourse to
        Public Funds)"): what the embedding model is given, as it knows few of the field's acronyms."""
        out = query
        for acronym, meaning in self.acronyms.items():
            if self._mentions(query, acronym) and _norm(meaning) not in _norm(query):
                out = _as_word(acronym).sub(f"{acronym} ({meaning})", out, count=1)
        return out

    def expand(self, query: str) -> list[str]:
        """Phrasings equivalent to what the query names, not already in it."""
        added: list[str] = []
        nq = _norm(query)
        for group in self.groups:
            if any(self._mentions(query, t) for t in group):
                added += [t for t in group if _norm(t) not in nq]
        for acronym, meaning in self.acronyms.items():
            if self._mentions(query, acronym):
                added.append(meaning)
            elif self._mentions(query, meaning) and len(meaning.split()) > 1:
                added.append(acronym)
        seen: set[str] = set()
        out = []
        for t in added:
            key = _norm(t)
            if key and key not in seen and key not in nq:
                seen.add(key)
                out.append(t)
        return out
