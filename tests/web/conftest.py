"""The web app over a copy of the seed knowledge base (hashing embedder), with an
administrator; a live server (waitress, as `kb serve` runs it) for the browser."""
from __future__ import annotations

import shutil
import socket
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from kb import Settings
from tests.conftest import ROOT, test_settings
from kb.web import create_app

ADMIN, PASSWORD = "admin", "correct horse battery"
RESTRICTED = "001-6a8283025a7b6d4f"  # marked restricted in these tests
SCREENSHOTS = ROOT / "artifacts" / "screenshots"


def _settings(home: Path) -> Settings:
    return test_settings(home)


@pytest.fixture
def web_home(seed_home, tmp_path) -> Path:
    home = tmp_path / "kb"
    shutil.copytree(seed_home, home)
    from kb import KnowledgeBase
    with KnowledgeBase(_settings(home)) as k:
        k.add_user(ADMIN, PASSWORD)
        k.update_metadata(RESTRICTED, visibility="restricted")
    return home


@pytest.fixture
def app(web_home):
    app = create_app(_settings(web_home), {"TESTING": True})
    yield app
    app.extensions["ingest_queue"].wait()


@pytest.fixture
def client(app):
    return app.test_client()


def csrf_of(client) -> str:
    return client.get("/api/csrf").get_json()["csrf_token"]


def login(client) -> None:
    r = client.post("/login", data={"name": ADMIN, "password": PASSWORD, "csrf_token": csrf_of(client)})
    assert r.status_code == 302, r.data


@pytest.fixture
def live_server(app):
    """The app served by waitress on a free local port, in a thread."""
    from waitress.server import create_server

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = create_server(app, host="127.0.0.1", port=port, threads=8)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    for _ in range(50):
        try:
            urllib.request.urlopen(url + "/api/health", timeout=2)
            break
        except OSError:
            time.sleep(0.1)
    yield url
    server.close()


CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium driven by Playwright (scripts/test.sh installs both)."""
    if not Path(CHROMIUM).exists():
        pytest.skip("browser tests need Debian chromium at /usr/bin/chromium: "
                    "scripts/test.sh installs it (apt-get install chromium) when run as root")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("browser tests need the playwright package (pip install -e .[test])")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                              args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                                    "--disable-background-networking"])
        yield b
        b.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server, viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.set_default_timeout(15000)
    yield pg
    context.close()


def shot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
