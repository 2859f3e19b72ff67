"""The theme taxonomy: themes, document types and statement types, from a TOML file.

Administrators edit the file; `load()` validates it and names the problem
(duplicate slug, missing field, malformed entry) when it is wrong.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from kb.core.errors import ConfigError

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass(frozen=True)
class Theme:
    slug: str
    name: str
    description: str
    group: str = ""
    triggers: tuple[str, ...] = ()
    weak: tuple[str, ...] = ()
    exemplars: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()


@dataclass
class Taxonomy:
    themes: list[Theme]
    document_types: dict[str, str]
    statement_types: dict[str, str]
    source: str = ""


def default_path() -> Path:
    return Path(str(resources.files("kb") / "data" / "taxonomy.toml"))


def load(path: str | Path | None = None) -> Taxonomy:
    path = Path(path) if path else default_path()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"taxonomy file {path}: cannot be read ({exc.strerror})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"taxonomy file {path}: not valid TOML ({exc})") from None
    return parse(data, str(path))


def parse(data: dict, source: str = "taxonomy") -> Taxonomy:
    def fail(msg: str) -> ConfigError:
        return ConfigError(f"taxonomy file {source}: {msg}")

    raw_themes = data.get("themes")
    if not isinstance(raw_themes, list) or not raw_themes:
        raise fail("needs at least one [[themes]] entry")
    themes: list[Theme] = []
    seen: set[str] = set()
    for i, entry in enumerate(raw_themes, start=1):
        if not isinstance(entry, dict):
            raise fail(f"theme #{i} is not a table")
        slug = entry.get("slug")
        where = f"theme #{i} ({slug!r})" if slug else f"theme #{i}"
        for key in ("slug", "name", "description"):
            if not isinstance(entry.get(key), str) or not entry[key].strip():
                raise fail(f"{where} needs a non-empty '{key}'")
        if not _SLUG.match(slug):
            raise fail(f"{where}: slug must be lower-case words joined by hyphens")
        if slug in seen:
            raise fail(f"duplicate theme slug '{slug}'")
        seen.add(slug)
        lists = {}
        for key in ("triggers", "weak", "exemplars", "exclude"):
            value = entry.get(key, [])
            if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
                raise fail(f"{where}: '{key}' must be a list of non-empty strings")
            lists[key] = tuple(v.strip() for v in value)
        unknown = set(entry) - {"slug", "name", "description", "group", "triggers", "weak", "exemplars", "exclude"}
        if unknown:
            raise fail(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
        themes.append(Theme(slug=slug, name=entry["name"].strip(), description=entry["description"].strip(),
                            group=str(entry.get("group", "")), **lists))
    doc_types = data.get("document_types", {})
    stmt_types = data.get("statement_types", {})
    for label, table in (("document_types", doc_types), ("statement_types", stmt_types)):
        if not isinstance(table, dict) or not table or not all(isinstance(v, str) for v in table.values()):
            raise fail(f"[{label}] must map slugs to names")
    return Taxonomy(themes=themes, document_types=dict(doc_types), statement_types=dict(stmt_types), source=source)
