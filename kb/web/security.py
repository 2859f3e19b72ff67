"""What a server on a network needs: security headers on every response, login
throttling, session lifetime and cookie flags, and the check `kb serve` makes
before it listens beyond this machine."""
from __future__ import annotations

import base64
import hashlib
import logging
import re
import threading
import time
from collections import deque
from dataclasses import dataclass
from datetime import timedelta
from typing import Callable

from flask import Flask, Response, session

from kb.core.errors import ConfigError
from kb.core.settings import Settings

log = logging.getLogger("kb.web.security")

LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})

# Only the app's own assets; no inline script anywhere; never framed.
POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
}


def content_security_policy(style_hashes: tuple[str, ...] = ()) -> str:
    """The policy; `style_hashes` admits named inline <style> blocks (the print-ready export)."""
    policy = dict(POLICY)
    if style_hashes:
        policy["style-src"] += "".join(f" 'sha256-{h}'" for h in style_hashes)
    return "; ".join(f"{k} {v}" for k, v in policy.items())


def style_hashes(html: bytes | str) -> tuple[str, ...]:
    """CSP hashes of the inline <style> blocks of a page."""
    text = html.decode("utf-8") if isinstance(html, bytes) else html
    return tuple(base64.b64encode(hashlib.sha256(m.encode("utf-8")).digest()).decode("ascii")
                 for m in re.findall(r"<style[^>]*>(.*?)</style>", text, flags=re.S))


def install(app: Flask, settings: Settings) -> None:
    """Cookie flags, session lifetime, proxy trust and the headers of every response."""
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.https,
        PERMANENT_SESSION_LIFETIME=timedelta(hours=settings.session_hours),
    )
    if settings.trusted_proxies:
        from werkzeug.middleware.proxy_fix import ProxyFix
        n = settings.trusted_proxies
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)

    @app.after_request
    def headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", content_security_policy())
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        if settings.https:
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        if session.get("user"):  # pages that may show restricted reviews stay out of shared caches
            response.headers["Cache-Control"] = "private, no-store"
        return response


def check_serving(settings: Settings, host: str) -> None:
    """Refuse to listen beyond this machine with a session key nobody chose."""
    if host in LOCAL_HOSTS or settings.secret_key:
        return
    raise ConfigError(
        f"kb serve on {host} would be reachable from the network, so it needs its own session key: "
        "set KB_SECRET_KEY to a long random value kept secret, e.g. "
        "export KB_SECRET_KEY=$(python3 -c 'import secrets; print(secrets.token_hex(32))') "
        "(and KB_HTTPS=1 when it is served over HTTPS)")


@dataclass(frozen=True)
class Refusal:
    """A login refused before any password is checked."""
    retry_after: float

    @property
    def message(self) -> str:
        minutes = max(1, round(self.retry_after / 60))
        return (f"Too many failed logins. Logging in is locked for about {minutes} "
                f"minute{'s' if minutes != 1 else ''}; try again later or ask another administrator.")


class LoginThrottle:
    """Failed logins counted per account and per client address. Each recent failure
    slows the next attempt (a growing delay before the password is checked); too many
    within `window` seconds lock that account or address for `lock_seconds`, during
    which attempts are refused without checking the password. Kept in memory: one
    server process (waitress threads share it); a restart forgets it."""

    def __init__(self, clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep,
                 account_limit: int = 5, address_limit: int = 20, window: float = 60.0,
                 lock_seconds: float = 300.0, base_delay: float = 0.25, max_delay: float = 2.0):
        self.clock, self.sleep = clock, sleep
        self.limits = {"account": account_limit, "address": address_limit}
        self.window, self.lock_seconds = window, lock_seconds
        self.base_delay, self.max_delay = base_delay, max_delay
        self._failures: dict[str, deque[float]] = {}
        self._locked_until: dict[str, float] = {}
        self._mutex = threading.Lock()

    @staticmethod
    def _keys(account: str, address: str | None) -> list[tuple[str, str]]:
        keys = [("account", f"account:{account.strip().lower()}")]
        if address:
            keys.append(("address", f"address:{address}"))
        return keys

    def _recent(self, key: str, now: float) -> deque[float]:
        times = self._failures.setdefault(key, deque())
        while times and now - times[0] > self.window:
            times.popleft()
        return times

    def refusal(self, account: str, address: str | None) -> Refusal | None:
        """A refusal while the account or the address is locked, else None."""
        now = self.clock()
        with self._mutex:
            waits = [self._locked_until.get(key, 0.0) - now for _, key in self._keys(account, address)]
        wait = max(waits)
        return Refusal(wait) if wait > 0 else None

    def pause(self, account: str, address: str | None) -> float:
        """Wait the growing delay that recent failures earn (0.25 s, 0.5 s, 1 s, 2 s, ...)."""
        now = self.clock()
        with self._mutex:
            n = max(len(self._recent(key, now)) for _, key in self._keys(account, address))
        delay = min(self.max_delay, self.base_delay * 2 ** (n - 1)) if n else 0.0
        if delay:
            self.sleep(delay)
        return delay

    def failed(self, account: str, address: str | None) -> Refusal | None:
        """Count a failure; the refusal when it locks the account or the address."""
        now = self.clock()
        locked = None
        with self._mutex:
            for kind, key in self._keys(account, address):
                times = self._recent(key, now)
                times.append(now)
                if len(times) >= self.limits[kind]:
                    self._locked_until[key] = now + self.lock_seconds
                    times.clear()
                    locked = Refusal(self.lock_seconds)
                    log.warning("login locked for %.0f s: %s after %d failures within %.0f s",
                                self.lock_seconds, key, self.limits[kind], self.window)
        if locked is None:
            log.info("failed login for account %r from %s", account, address)
        return locked

    def succeeded(self, account: str, address: str | None) -> None:
        with self._mutex:
            self._failures.pop(self._keys(account, address)[0][1], None)
