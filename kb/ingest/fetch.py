"""Fetching a published review from an http(s) URL."""
from __future__ import annotations

import re
import urllib.error
import urllib.request
from pathlib import PurePosixPath
from urllib.parse import unquote, urlparse

from kb.core.errors import IngestError
from kb.ingest import readers



def is_url(text: str) -> bool:
    return text.startswith(("http://", "https://"))


def fetch(url: str, max_bytes: int, timeout: float) -> tuple[bytes, str]:
    """(content, a file name with the right extension) for a URL."""
    request = urllib.request.Request(url, headers={"User-Agent": "safeguarding-kb/0.1"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            ctype = (response.headers.get_content_type() or "").lower()
            data = response.read(max_bytes + 1)
    except urllib.error.HTTPError as exc:
        raise IngestError(url, f"the server answered {exc.code} {exc.reason}") from None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise IngestError(url, f"could not be fetched ({reason})") from None
    if len(data) > max_bytes:
        raise IngestError(url, f"larger than the limit of {max_bytes // (1024 * 1024)} MB")
    return data, download_name(url, ctype)


def download_name(url: str, content_type: str) -> str:
    """A file name for what a URL answered: its own name when a reader takes its suffix, else
    with the suffix of the reader of its content type (a page's name gets the site's name)."""
    path = PurePosixPath(unquote(urlparse(url).path))
    name = path.name or "index"
    typed = readers.suffix_for_content_type(content_type)
    if path.suffix.lower() not in readers.suffixes() and typed:
        name = re.sub(r"[^A-Za-z0-9._-]+", "-", name) + typed
    host = urlparse(url).hostname or "web"
    return f"{host}-{name}" if not path.suffix else name
