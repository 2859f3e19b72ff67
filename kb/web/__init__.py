"""The Flask web app: search, themes, documents, ingest. Views parse, make one
call on the `kb` facade, render; domain errors become pages or JSON in one place."""
from __future__ import annotations

import secrets
from pathlib import Path

from flask import Flask, jsonify, render_template, request
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.exceptions import HTTPException

from kb import KBError, KnowledgeBase, Settings

from kb.web import security
from kb.web.context import SharedKB
from kb.web.jobs import IngestQueue

UPLOAD_FILES = 5  # files per upload form; the request limit is this many times KB_MAX_FILE_MB


def create_app(settings: Settings | None = None, test_config: dict | None = None) -> Flask:
    test_config = dict(test_config or {})
    settings = test_config.pop("KB_SETTINGS", None) or settings or Settings.from_env()
    app = Flask(__name__)
    kb = KnowledgeBase(settings)
    app.config.update(
        SECRET_KEY=settings.secret_key or _secret_key(kb.home),
        MAX_CONTENT_LENGTH=UPLOAD_FILES * settings.max_file_bytes + 1024 * 1024,
        WTF_CSRF_TIME_LIMIT=None,
        KB_SETTINGS=settings,
    )
    app.config.update(test_config)
    app.extensions["kb"] = SharedKB(kb)
    app.extensions["ingest_queue"] = IngestQueue(settings)
    CSRFProtect(app)
    security.install(app, settings)
    app.extensions["login_throttle"] = security.LoginThrottle()

    from kb.web import admin, api, auth, briefings, pages
    app.register_blueprint(auth.bp)
    app.register_blueprint(briefings.bp)
    app.register_blueprint(pages.bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(api.bp)
    pages.register_filters(app)

    def error(status: int, message: str):
        """One error, as JSON under /api/ and as a page elsewhere."""
        if request.path.startswith("/api/"):
            return jsonify({"error": message}), status
        return render_template("error.html", status=status, message=message), status

    @app.errorhandler(KBError)
    def kb_error(exc: KBError):
        return error(exc.http_status, str(exc))

    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError):
        return error(400, f"The form had expired or did not come from this site ({exc.description}). "
                          "Reload and try again.")

    @app.errorhandler(413)
    def too_large(_exc):
        return error(413, f"The upload is too large: at most {UPLOAD_FILES} files of "
                          f"{settings.max_file_mb:g} MB each (KB_MAX_FILE_MB).")

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        return error(exc.code, exc.description)

    return app


def _secret_key(home: Path) -> str:
    """A session key generated once per data folder and kept there (readable by its owner only)."""
    path = Path(home) / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()
