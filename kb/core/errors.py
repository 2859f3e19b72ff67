"""Domain exceptions. The CLI and the web app each translate them in one place."""
from __future__ import annotations


class KBError(Exception):
    """Base of every error the knowledge base reports to a user."""

    http_status = 400
    exit_code = 1


class IngestError(KBError):
    """A document could not be ingested; names the source and the reason."""

    def __init__(self, source: str, reason: str):
        self.source = source
        self.reason = reason
        super().__init__(f"{source}: {reason}")


class UnsupportedFormat(IngestError):
    pass


class NotFound(KBError):
    http_status = 404


class QueryError(KBError):
    """A search query that cannot be run (too long, empty, bad filter)."""


class IndexMismatch(KBError):
    """The saved index was built with another model or is out of date."""

    http_status = 503


class ConfigError(KBError):
    """A configuration or taxonomy file is malformed."""

    http_status = 500


class Forbidden(KBError):
    http_status = 403
