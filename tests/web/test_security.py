"""A server ready for a network: headers on every response, login throttling,
cookie flags and session expiry, and `kb serve`'s refusal without a session key."""
import re
import time

import pytest
from click.testing import CliRunner

from kb import Settings
from kb.cli import main
from kb.core.errors import ConfigError
from tests.conftest import test_settings
from tests.web.conftest import ADMIN, PASSWORD, RESTRICTED, csrf_of, login
from kb.web import create_app
from kb.web.security import HEADERS, LoginThrottle, check_serving, style_hashes

PUBLIC_DOC = "000-77e49d8702c71058"


class Clock:
    """A test clock for the throttle: time moves only when the test says so; sleeps are recorded."""

    def __init__(self):
        self.now = 1000.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)


def assert_hardened(response, where: str) -> None:
    csp = response.headers.get("Content-Security-Policy", "")
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";") if d.strip())
    assert directives.get("frame-ancestors") == "'none'", where
    assert directives.get("default-src") == "'self'", where
    assert directives.get("script-src") == "'self'", where  # no inline script, no other site
    assert "unsafe-inline" not in csp and "http" not in csp, where
    assert response.headers.get("X-Content-Type-Options") == "nosniff", where
    assert response.headers.get("X-Frame-Options") == "DENY", where
    assert response.headers.get("Referrer-Policy") in ("same-origin", "no-referrer", "strict-origin"), where


def _urls(app, client) -> list[str]:
    """Every GET route the app registers, with real values for its arguments where there are some."""
    point_id = client.get(f"/api/documents/{PUBLIC_DOC}").get_json()["points"][0]["id"]
    values = {"doc_id": PUBLIC_DOC, "slug": "was-not-brought", "point_id": point_id, "briefing_id": 1,
              "fmt": "md", "job_id": "nope", "filename": "style.css"}
    urls = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods:
            continue
        url = rule.rule
        for arg in rule.arguments:
            url = re.sub(rf"<(?:[a-z]+:)?{arg}>", str(values.get(arg, "x")), url)
        urls.append(url)
    return urls + ["/no-such-page", "/api/no-such-endpoint", f"/documents/{RESTRICTED}"]


def test_every_page_and_api_response_carries_the_security_headers(app, client):
    client.post("/briefings", data={"title": "Headers",
                                    "csrf_token": csrf_of(client)})
    urls = _urls(app, client)
    assert len(urls) > 25
    for url in urls:
        assert_hardened(client.get(url), f"anonymous GET {url}")
    login(client)
    for url in urls:
        r = client.get(url)
        assert_hardened(r, f"administrator GET {url}")
        assert "no-store" in r.headers.get("Cache-Control", ""), url  # pages that may show restricted reviews
    r = client.post("/api/briefings", json={}, headers={"X-CSRFToken": "wrong"})
    assert_hardened(r, "a refused API write")


def test_the_print_page_admits_only_its_own_stylesheet(client):
    token = csrf_of(client)
    client.post("/briefings", data={"title": "Print", "csrf_token": token})
    r = client.get("/briefings/1/export.html")
    assert r.status_code == 200
    csp = r.headers["Content-Security-Policy"]
    hashes = style_hashes(r.data)
    assert hashes and all(f"'sha256-{h}'" in csp for h in hashes)
    assert "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp


def test_the_sixth_wrong_password_within_a_minute_is_refused_unchecked_until_the_lock_expires(app, client,
                                                                                               monkeypatch):
    clock = Clock()
    throttle = app.extensions["login_throttle"] = LoginThrottle(clock=clock, sleep=clock.sleep)
    kb = app.extensions["kb"].kb
    checked = []
    real_check = kb.check_password
    monkeypatch.setattr(kb, "check_password", lambda n, p: checked.append(n) or real_check(n, p))
    token = csrf_of(client)

    def attempt(password):
        return client.post("/login", data={"name": ADMIN, "password": password, "csrf_token": token})

    for n in range(5):
        clock.now += 5
        r = attempt(f"wrong {n}")
        assert r.status_code == (401 if n < 4 else 429)
    assert len(checked) == 5
    assert clock.slept == [0.25, 0.5, 1.0, 2.0]  # each failure slows the next attempt
    assert b"Too many failed logins" in r.data and int(r.headers["Retry-After"]) > 60

    for password in ("wrong 6", PASSWORD):  # the sixth wrong one, then even the right one
        clock.now += 5
        r = attempt(password)
        assert r.status_code == 429 and b"Too many failed logins" in r.data
    assert len(checked) == 5  # refused without checking the password
    assert client.get("/admin/upload").status_code == 302

    clock.now += throttle.lock_seconds + 1
    r = attempt(PASSWORD)
    assert r.status_code == 302 and len(checked) == 6
    assert client.get("/admin/upload").status_code == 200


def test_throttle_counts_per_account_and_per_address():
    clock = Clock()
    t = LoginThrottle(clock=clock, sleep=clock.sleep, account_limit=5, address_limit=8, window=60)
    for n in range(7):  # one address trying seven accounts: no account is locked
        assert t.failed(f"user{n}", "10.0.0.9") is None
    assert t.refusal("user0", "10.0.0.1") is None
    assert t.failed("user7", "10.0.0.9") is not None  # the address reaches its limit
    assert t.refusal("admin", "10.0.0.9") is not None and t.refusal("admin", "10.0.0.1") is None
    for _ in range(4):  # failures spread over more than the window do not add up
        t.failed("spread", "10.0.0.2")
        clock.now += 30
    assert t.refusal("spread", "10.0.0.3") is None
    t.failed("admin", "10.0.0.3")
    t.succeeded("admin", "10.0.0.3")
    assert t.pause("admin", "10.0.0.4") == 0.0  # a success clears the account's failures


@pytest.mark.parametrize("https", [False, True])
def test_session_cookie_flags_follow_the_https_setting(web_home, https):
    settings = test_settings(web_home, {"KB_HTTPS": "1" if https else "0"})
    client = create_app(settings, {"TESTING": True}).test_client()
    login(client)
    cookie = client.get_cookie("session")
    assert cookie is not None and cookie.http_only and cookie.same_site == "Lax"
    assert cookie.secure is https
    assert cookie.expires is not None  # a login session expires
    hsts = client.get("/").headers.get("Strict-Transport-Security")
    assert (hsts is not None) is https


def test_a_login_ends_after_the_session_lifetime(client):
    login(client)
    assert client.get("/admin/upload").status_code == 200
    with client.session_transaction() as s:
        s["login_at"] = time.time() - 9 * 3600  # the default lifetime is 8 hours
    r = client.get("/admin/upload")
    assert r.status_code == 302 and "/login" in r.headers["Location"]


def test_kb_serve_refuses_a_network_address_without_a_session_key(tmp_path):
    plain = Settings.from_env(environ={}, home=str(tmp_path))
    with pytest.raises(ConfigError, match="KB_SECRET_KEY"):
        check_serving(plain, "0.0.0.0")
    check_serving(plain, "127.0.0.1")
    check_serving(Settings.from_env(environ={"KB_SECRET_KEY": "k" * 40}, home=str(tmp_path)), "0.0.0.0")
    result = CliRunner().invoke(main, ["--home", str(tmp_path), "serve", "--host", "0.0.0.0"],
                                env={"KB_SECRET_KEY": "", "KB_EMBEDDER": "hash"})
    assert result.exit_code == 1 and "KB_SECRET_KEY" in result.output


def test_yes_no_settings_are_checked():
    assert Settings.from_env(environ={"KB_HTTPS": "yes"}).https is True
    with pytest.raises(ConfigError, match="KB_HTTPS"):
        Settings.from_env(environ={"KB_HTTPS": "maybe"})
    with pytest.raises(ConfigError, match="KB_SESSION_HOURS"):
        Settings.from_env(environ={"KB_SESSION_HOURS": "eight"})


def test_header_table_is_what_the_app_sends(client):
    r = client.get("/")
    for name, value in HEADERS.items():
        assert r.headers[name] == value
