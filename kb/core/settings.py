"""Settings, declared once.

Every setting has a name, a default, the environment variable that overrides
it and a line of help. `Settings.from_env()` is the only place the
environment is read; everything else receives a `Settings` explicitly.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, fields
from pathlib import Path

from kb.core.errors import ConfigError

DEFAULT_MODEL = "all-MiniLM-L6-v2"


def _default_home() -> str:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return str(Path(base) / "safeguarding-kb")


# name, default, environment variable, help
SETTINGS_TABLE: list[tuple[str, object, str, str]] = [
    ("home", None, "KB_HOME", "Data folder holding the SQLite store and every index built from it."),
    ("model", DEFAULT_MODEL, "KB_MODEL",
     "sentence-transformers model: a name or a local path. The default is the packaged all-MiniLM-L6-v2."),
    ("embedder", "sentence-transformers", "KB_EMBEDDER",
     "Embedding backend: 'sentence-transformers' (real model) or 'hash' (deterministic, for fast tests)."),
    ("keyword_engine", "tantivy", "KB_KEYWORD_ENGINE",
     "Keyword search engine: 'tantivy' (compiled, fast at any size) or 'whoosh' (pure Python, for machines "
     "that cannot install tantivy's wheel). Changing it needs `kb reindex`."),
    ("max_file_mb", 50.0, "KB_MAX_FILE_MB", "Largest document accepted for ingest, in megabytes."),
    ("max_query_chars", 300, "KB_MAX_QUERY_CHARS", "Longest search query accepted, in characters."),
    ("fetch_timeout", 30.0, "KB_FETCH_TIMEOUT", "Seconds to wait when ingesting from an http(s) URL."),
    ("taxonomy", None, "KB_TAXONOMY", "Path of the theme taxonomy file; default is the bundled one."),
    ("host", "127.0.0.1", "KB_HOST", "Address `kb serve` listens on (0.0.0.0 for the whole network)."),
    ("port", 8000, "KB_PORT", "Port `kb serve` listens on."),
    ("public_url", None, "KB_PUBLIC_URL",
     "Address of the web app, for links back to passages in exported briefings; default http://HOST:PORT."),
    ("secret_key", None, "KB_SECRET_KEY",
     "Key that signs web sessions; default: one generated once and kept in the data folder. "
     "Required by `kb serve` on an address other than this machine's."),
    ("https", False, "KB_HTTPS",
     "The web app is served over HTTPS (directly or behind a TLS proxy): session cookies are marked "
     "Secure and browsers are told to use HTTPS only (HSTS)."),
    ("session_hours", 8.0, "KB_SESSION_HOURS",
     "A web session (a login, a visitor's briefings) ends after this many hours without a request; "
     "a login also ends this long after it began."),
    ("trusted_proxies", 0, "KB_TRUSTED_PROXIES",
     "Number of reverse proxies in front of the web app whose X-Forwarded-For/-Proto headers are "
     "trusted (for the client address that login throttling counts)."),
]


@dataclass(frozen=True)
class Settings:
    home: str = ""
    model: str = DEFAULT_MODEL
    embedder: str = "sentence-transformers"
    keyword_engine: str = "tantivy"
    max_file_mb: float = 50.0
    max_query_chars: int = 300
    fetch_timeout: float = 30.0
    taxonomy: str | None = None
    host: str = "127.0.0.1"
    port: int = 8000
    public_url: str | None = None
    secret_key: str | None = None
    https: bool = False
    session_hours: float = 8.0
    trusted_proxies: int = 0

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides) -> "Settings":
        env = os.environ if environ is None else environ
        values: dict[str, object] = {}
        types = {f.name: f.type for f in fields(cls)}
        for name, default, var, _help in SETTINGS_TABLE:
            raw = env.get(var)
            if raw is None or raw == "":
                values[name] = default
                continue
            if types[name] == "bool":
                values[name] = _boolean(var, raw)
            elif types[name] in ("float", "int"):
                values[name] = _number(var, raw, float if types[name] == "float" else int)
            else:
                values[name] = raw
        if values["home"] is None:
            values["home"] = _default_home()
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)

    @property
    def home_path(self) -> Path:
        return Path(self.home).expanduser()

    @property
    def db_path(self) -> Path:
        return self.home_path / "kb.sqlite"

    @property
    def link_base(self) -> str:
        return self.public_url or f"http://{self.host}:{self.port}"

    @property
    def max_file_bytes(self) -> int:
        return int(self.max_file_mb * 1024 * 1024)


def _boolean(var: str, raw: str) -> bool:
    value = raw.strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise ConfigError(f"{var}={raw!r} is not a yes/no value (use 1 or 0)")


def _number(var: str, raw: str, kind: type):
    try:
        return kind(raw)
    except ValueError:
        raise ConfigError(f"{var}={raw!r} is not {'a whole number' if kind is int else 'a number'}") from None


def describe() -> str:
    """Help text for every setting (used by `kb settings`)."""
    lines = []
    for name, default, var, help_ in SETTINGS_TABLE:
        shown = default if default is not None else "(see help)"
        lines.append(f"{var:<20} {name:<16} default: {shown}\n    {help_}")
    return "\n".join(lines)
