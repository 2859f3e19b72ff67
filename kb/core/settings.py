"""Settings, declared once.

Every setting has a name, a default, the environment variable that overrides
it and a line of help. `Settings.from_env()` is the only place the
environment is read; everything else receives a `Settings` explicitly.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from pathlib import Path

from kb.core.errors import ConfigError

DEFAULT_MODEL = "all-MiniLM-L6-v2"


def _default_home() -> str:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return str(Path(base) / "safeguarding-kb")


def _setting(default, env: str, help_: str):
    """One setting: its default, the environment variable that overrides it, a line of help."""
    return field(default=default, metadata={"env": env, "help": help_})


@dataclass(frozen=True)
class Settings:
    """Every setting, declared once: the name, type, default, environment variable and help."""

    home: str = _setting("", "KB_HOME",
        "Data folder holding the SQLite store and every index built from it.")
    model: str = _setting(DEFAULT_MODEL, "KB_MODEL",
        "sentence-transformers model: a name or a local path. The default is the packaged all-MiniLM-L6-v2.")
    embedder: str = _setting("sentence-transformers", "KB_EMBEDDER",
        "Embedding backend: 'sentence-transformers' (real model) or 'hash' (deterministic, for fast tests).")
    keyword_engine: str = _setting("tantivy", "KB_KEYWORD_ENGINE",
        "Keyword search engine: 'tantivy' (compiled, fast at any size) or 'whoosh' (pure Python, for machines "
        "that cannot install tantivy's wheel). Changing it needs `kb reindex`.")
    ocr: str = _setting("auto", "KB_OCR",
        "Scanned PDF pages: 'auto' reads them with Tesseract when it is installed (Debian tesseract-ocr), "
        "'on' insists on it, 'off' never (they are reported by page number instead).")
    max_file_mb: float = _setting(50.0, "KB_MAX_FILE_MB",
        "Largest document accepted for ingest, in megabytes.")
    max_query_chars: int = _setting(300, "KB_MAX_QUERY_CHARS",
        "Longest search query accepted, in characters.")
    fetch_timeout: float = _setting(30.0, "KB_FETCH_TIMEOUT",
        "Seconds to wait when ingesting from an http(s) URL.")
    taxonomy: str | None = _setting(None, "KB_TAXONOMY",
        "Path of the theme taxonomy file; default is the bundled one.")
    host: str = _setting("127.0.0.1", "KB_HOST",
        "Address `kb serve` listens on (0.0.0.0 for the whole network).")
    port: int = _setting(8000, "KB_PORT",
        "Port `kb serve` listens on.")
    public_url: str | None = _setting(None, "KB_PUBLIC_URL",
        "Address of the web app, for links back to passages in exported briefings; default http://HOST:PORT.")
    secret_key: str | None = _setting(None, "KB_SECRET_KEY",
        "Key that signs web sessions; default: one generated once and kept in the data folder. "
        "Required by `kb serve` on an address other than this machine's.")
    https: bool = _setting(False, "KB_HTTPS",
        "The web app is served over HTTPS (directly or behind a TLS proxy): session cookies are marked "
        "Secure and browsers are told to use HTTPS only (HSTS).")
    session_hours: float = _setting(8.0, "KB_SESSION_HOURS",
        "A web session (a login, a visitor's briefings) ends after this many hours without a request; "
        "a login also ends this long after it began.")
    trusted_proxies: int = _setting(0, "KB_TRUSTED_PROXIES",
        "Number of reverse proxies in front of the web app whose X-Forwarded-For/-Proto headers are "
        "trusted (for the client address that login throttling counts).")

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides) -> "Settings":
        env = os.environ if environ is None else environ
        values: dict[str, object] = {}
        for f in fields(cls):
            var, raw = f.metadata["env"], env.get(f.metadata["env"])
            if raw is None or raw == "":
                continue
            if f.type == "bool":
                values[f.name] = _boolean(var, raw)
            elif f.type in ("float", "int"):
                values[f.name] = _number(var, raw, float if f.type == "float" else int)
            else:
                values[f.name] = raw
        values.setdefault("home", _default_home())
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)

    @property
    def home_path(self) -> Path:
        return Path(self.home).expanduser()

    @property
    def is_default_home(self) -> bool:
        """Whether this is the data folder used when none is named (KB_HOME, --home)."""
        return self.home_path.resolve() == Path(_default_home()).expanduser().resolve()

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
    for f in fields(Settings):
        shown = f.default if f.default not in (None, "") else "(see help)"
        lines.append(f"{f.metadata['env']:<20} {f.name:<16} default: {shown}\n    {f.metadata['help']}")
    return "\n".join(lines)
