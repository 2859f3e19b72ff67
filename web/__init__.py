"""The Flask web app (app factory). Views parse, make one call on the facade, render.

Minimal for now: a JSON search endpoint and health check; the full UI is the web issue.
"""
from __future__ import annotations

from flask import Flask, jsonify, request

from kb import KBError, KnowledgeBase, Settings
from kb.search import Filters


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(__name__)
    app.config.from_mapping(KB_SETTINGS=None)
    if test_config:
        app.config.update(test_config)
    settings = app.config["KB_SETTINGS"] or Settings.from_env()
    kb = KnowledgeBase(settings)
    app.extensions["kb"] = kb

    @app.errorhandler(KBError)
    def kb_error(exc: KBError):
        return jsonify({"error": str(exc)}), exc.http_status

    @app.get("/api/health")
    def health():
        return jsonify({"status": "ok", "points": kb.store.point_count()})

    @app.get("/api/search")
    def api_search():
        args = request.args
        filters = Filters(doc_types=args.getlist("type"), themes=args.getlist("theme"),
                          documents=args.getlist("document"), include_restricted=False)
        k = min(max(args.get("k", 10, type=int), 1), 100)
        response = kb.search(args.get("q", ""), k=k, filters=filters, expand=args.get("expand", "1") != "0")
        return jsonify(response.to_dict())

    return app
