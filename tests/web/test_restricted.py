"""Restricted documents fail closed: every GET route the app registers, asked anonymously
with arguments and queries aimed at a restricted document, never shows it: not its id,
title or text, not in results, facets, counts, theme-year cells, recurring groups or
briefing items."""
import html
import json
import re

from markupsafe import escape

from kb import KnowledgeBase
from tests.web.conftest import RESTRICTED, _settings, csrf_of


def _markers(web_home):
    """What would give the restricted document away, and what to ask for it with."""
    with KnowledgeBase(_settings(web_home)) as kb:
        doc = kb.store.document(RESTRICTED)
        public_texts = " ".join(p["text"] for d in kb.store.documents() if d["id"] != RESTRICTED
                                for p in kb.store.points(d["id"]))
        points = kb.store.points(RESTRICTED)
        own = [p for p in points if len(p["text"]) > 60 and p["text"][:60] not in public_texts]
        themes = sorted({t for p in points for t in p["themes"]})
        public_years = kb.store.theme_year_counts(include_restricted=False)
    return doc, own, themes, public_years


def test_no_get_route_shows_a_restricted_document_anonymously(app, client, web_home):
    doc, own, themes, public_years = _markers(web_home)
    assert own and themes
    secrets = [RESTRICTED, doc["title"]] + [p["text"][:60] for p in own]
    client.post("/api/briefings", json={"title": "mine"}, headers={"X-CSRFToken": csrf_of(client)})
    queries = [p["text"][:80] for p in own[:5]] + ["serious youth violence", "was not brought"]
    values = {"doc_id": [RESTRICTED, "000-77e49d8702c71058"], "point_id": [p["id"] for p in own[:5]],
              "slug": themes, "briefing_id": [1], "fmt": ["md", "html", "docx"], "job_id": ["x"],
              "filename": ["style.css"]}
    asked: dict[str, int] = {}
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods:
            continue
        urls = [rule.rule]
        for arg in rule.arguments:
            urls = [re.sub(rf"<(?:[a-z]+:)?{arg}>", str(v), u) for u in urls for v in values.get(arg, ["x"])]
        for url in urls:
            variants = [url]
            if rule.endpoint in ("pages.search", "api.search"):
                variants += [f"{url}?q={q}" for q in queries]
                variants += [f"{url}?q={queries[0]}&document={RESTRICTED}", f"{url}?q=neglect&type=multi-agency-audit"]
            if rule.endpoint in ("pages.recurring", "pages.recurring_csv", "api.recurring"):
                variants += [f"{url}?theme={t}" for t in themes] + [f"{url}?min_docs=2&type=multi-agency-audit"]
            for v, echoed in [(x, x.split("q=", 1)[1].split("&")[0] if "q=" in x else "") for x in variants]:
                r = client.get(v)
                asked[rule.endpoint] = asked.get(rule.endpoint, 0) + 1
                if rule.endpoint == "briefings.export" and v.endswith("docx"):
                    continue  # a zip; the Markdown and HTML exports carry the same text
                body = r.get_data().decode("utf-8", "replace")
                if echoed:  # the page repeats what was asked; that is not the document showing
                    for form in (echoed, str(escape(echoed)), html.escape(echoed, quote=False), json.dumps(echoed)[1:-1]):
                        body = body.replace(form, "")
                for secret in (x for x in secrets if x not in v):  # an id asked for may be echoed ("no document …")
                    assert secret not in body, f"GET {v} ({r.status_code}) shows {secret[:50]!r}"
    gets = {r.endpoint for r in app.url_map.iter_rules() if "GET" in r.methods}
    assert set(asked) == gets  # every GET route the app registers was asked
    table = client.get("/api/themes/years").get_json()
    for row in table["rows"]:
        years = dict(zip(table["header"][2:-1], row[2:-1]))
        assert {int(y): n for y, n in years.items() if n} == public_years.get(row[0], {})


def test_the_reader_fixes_the_audience(seed_kb):
    import pytest

    from kb import Filters

    seed_kb.update_metadata(RESTRICTED, visibility="restricted")
    public = seed_kb.reader(public_only=True)
    assert RESTRICTED not in {d["id"] for d in public.documents()}
    with pytest.raises(TypeError, match="reader fixes"):
        public.documents(include_restricted=True)
    hits = public.search("serious youth violence", k=50, filters=Filters(include_restricted=True))
    assert hits.results and all(r["document"]["id"] != RESTRICTED for r in hits.results)
    assert RESTRICTED in {d["id"] for d in seed_kb.reader(public_only=False).documents()}
