"""Briefings, recurring findings and the theme-by-year table through the pages and the JSON API."""
import csv
import io

import docx

from tests.web.conftest import RESTRICTED, csrf_of, login


def _api(client, method, url, json=None):
    return client.open(url, method=method, json=json, headers={"X-CSRFToken": csrf_of(client)})


def _points(client, query, n=3):
    return [r["id"] for r in client.get(f"/api/search?q={query}&k={n}").get_json()["results"]]


def test_a_visitor_builds_a_briefing_with_the_buttons_and_exports_it(client):
    ids = _points(client, "was not brought")
    token = csrf_of(client)
    for pid in ids:
        r = client.post("/briefings/add", data={"point_id": pid, "next": "/?q=was+not+brought", "csrf_token": token})
        assert r.status_code == 302 and r.headers["Location"].startswith("/?q=was")
    again = client.post("/briefings/add", data={"point_id": ids[0], "csrf_token": token}, follow_redirects=True)
    assert "Already in" in again.get_data(as_text=True)
    mine = client.get("/api/briefings").get_json()
    assert len(mine) == 1 and mine[0]["n_items"] == 3 and "owner" not in mine[0]
    bid = mine[0]["id"]
    page = client.get(f"/briefings/{bid}").get_data(as_text=True)
    assert page.count('class="card"') == 3 and "Move up" in page

    items = client.get(f"/api/briefings/{bid}").get_json()["items"]
    first, second = items[0]["id"], items[1]["id"]
    form = {"csrf_token": token, "title": "WNB for health visitors", "template": "seven-minute",
            f"note-{second}": "Ask the team how they record missed appointments.",
            "text-why": "Children depend on adults to take them to appointments.",
            "action": f"up:{second}"}
    assert client.post(f"/briefings/{bid}", data=form).status_code == 302
    b = client.get(f"/api/briefings/{bid}").get_json()
    assert [i["id"] for i in b["items"]][:2] == [second, first]
    assert b["title"] == "WNB for health visitors" and b["items"][0]["note"].startswith("Ask the team")
    assert b["fields"]["why"].startswith("Children depend")

    r = client.get(f"/briefings/{bid}/export.docx")
    assert r.status_code == 200 and r.headers["Content-Disposition"].endswith("wnb-for-health-visitors.docx")
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(r.data)).paragraphs)
    for item in b["items"]:
        assert f"\u201c{item['text']}\u201d" in text
    assert "Ask the team how they record missed appointments." in text and "References" in text
    html = client.get(f"/briefings/{bid}/export.html")
    assert html.status_code == 200 and "attachment" not in html.headers.get("Content-Disposition", "")
    assert "http://localhost/points/" in html.get_data(as_text=True)  # links back to the passages


def test_briefings_belong_to_their_owner(app, client):
    bid = _api(client, "POST", "/api/briefings", {"title": "Mine"}).get_json()["id"]
    other = app.test_client()
    assert other.get(f"/api/briefings/{bid}").status_code == 404
    assert other.get(f"/briefings/{bid}/export.md").status_code == 404
    assert _api(other, "DELETE", f"/api/briefings/{bid}").status_code == 404
    assert client.get(f"/api/briefings/{bid}").status_code == 200


def test_a_visitors_briefings_become_the_users_on_login(client):
    bid = _api(client, "POST", "/api/briefings", {"title": "Started before logging in"}).get_json()["id"]
    login(client)
    assert [b["id"] for b in client.get("/api/briefings").get_json()] == [bid]
    client.post("/logout", data={"csrf_token": csrf_of(client)})
    assert client.get("/api/briefings").get_json() == []
    assert client.get(f"/api/briefings/{bid}").status_code == 404


def test_export_quoting_a_restricted_document_is_refused_anonymously(app, client):
    from kb.web.context import knowledge_base

    public_point = _points(client, "was not brought", 1)[0]
    bid = _api(client, "POST", "/api/briefings", {"title": "To be restricted"}).get_json()["id"]
    assert _api(client, "POST", f"/api/briefings/{bid}/items", {"point_id": public_point}).status_code == 201
    doc_id = client.get(f"/api/points/{public_point}").get_json()["document_id"]
    with app.app_context(), knowledge_base() as kb:
        kb.update_metadata(doc_id, visibility="restricted")
    for url in (f"/briefings/{bid}/export.docx", f"/api/briefings/{bid}/export?format=md"):
        r = client.get(url)
        assert r.status_code == 403 and b"restricted" in r.data and b"log in" in r.data
    shown = client.get(f"/api/briefings/{bid}").get_json()
    assert shown["items"] == [] and shown["hidden_items"] == 1  # its text is not shown either
    login(client)  # the visitor's briefing is now the user's, who may see restricted documents
    assert client.get(f"/briefings/{bid}/export.docx").status_code == 200


def test_a_restricted_point_cannot_be_added_anonymously(client):
    login(client)
    restricted_point = client.get(f"/api/documents/{RESTRICTED}").get_json()["points"][0]["id"]
    client.post("/logout", data={"csrf_token": csrf_of(client)})
    bid = _api(client, "POST", "/api/briefings", {"title": "x"}).get_json()["id"]
    r = _api(client, "POST", f"/api/briefings/{bid}/items", {"point_id": restricted_point})
    assert r.status_code == 404


def test_api_edits_validate_what_they_are_given(client):
    b = _api(client, "POST", "/api/briefings", {"title": "Digest", "template": "thematic-digest"}).get_json()
    assert _api(client, "POST", "/api/briefings", {"template": "poster"}).status_code == 400
    pids = _points(client, "information sharing", 2)
    items = [_api(client, "POST", f"/api/briefings/{b['id']}/items", {"point_id": p}).get_json()["id"] for p in pids]
    r = _api(client, "PATCH", f"/api/briefings/{b['id']}", {"texts": {"why": "x"}})
    assert r.status_code == 400 and "no text 'why'" in r.get_json()["error"]
    r = _api(client, "PATCH", f"/api/briefings/{b['id']}", {"texts": {"theme": "not-a-theme"}})
    assert r.status_code == 404
    r = _api(client, "PATCH", f"/api/briefings/{b['id']}", {"order": [items[0]]})
    assert r.status_code == 400 and "every item" in r.get_json()["error"]
    r = _api(client, "PATCH", f"/api/briefings/{b['id']}", {"order": items[::-1], "boxes": {str(items[0]): "good"},
                                                             "texts": {"theme": "information-sharing"}})
    assert r.status_code == 200
    got = r.get_json()
    assert [i["id"] for i in got["items"]] == items[::-1] and got["placement"][str(items[0])] == "good"
    md = client.get(f"/api/briefings/{b['id']}/export?format=md").get_data(as_text=True)
    assert "## Definition" in md and "Information sharing" in md and "## Good practice seen" in md


def test_recurring_page_and_api(client):
    groups = client.get("/api/recurring?theme=was-not-brought").get_json()
    assert groups and len(groups[0]["documents"]) >= 2
    assert {"text", "themes", "documents", "points"} <= set(groups[0])
    page = client.get("/recurring?theme=was-not-brought").get_data(as_text=True)
    assert groups[0]["text"][:60].replace("'", "&#39;") in page
    assert page.count("Add to briefing") >= len(groups[0]["points"])
    assert client.get("/api/recurring?theme=nope").status_code == 404


def test_theme_by_year_page_csv_and_api_agree(app, client):
    from kb.web.context import knowledge_base

    with app.app_context(), knowledge_base() as kb:
        counts = kb.store.theme_year_counts(include_restricted=False)
    rows = list(csv.reader(io.StringIO(client.get("/themes/years.csv").get_data(as_text=True))))
    header, body = rows[0], rows[1:]
    for row in body:
        per = counts.get(row[0], {})
        assert [int(c) for c in row[2:-1]] == [per.get(int(y), 0) for y in header[2:-1]]
        assert int(row[-1]) == sum(per.values())
    api = client.get("/api/themes/years").get_json()
    assert api["header"] == header and [[str(c) for c in r] for r in api["rows"]] == body
    page = client.get("/themes/years").get_data(as_text=True)
    assert "Download as CSV" in page and "Was not brought" in page
    theme = client.get("/themes/was-not-brought").get_data(as_text=True)
    assert 'class="timeline"' in theme and "learning points per year" in theme


def test_the_briefing_page_and_api_offer_every_registered_exporter(client, monkeypatch):
    from kb.briefings.export import EXPORTERS, Exporter

    pid = _points(client, "was not brought", n=1)[0]
    client.post("/briefings/add", data={"point_id": pid, "csrf_token": csrf_of(client)})
    bid = client.get("/api/briefings").get_json()[0]["id"]
    monkeypatch.setitem(EXPORTERS, "txt", Exporter("txt", "Plain text (.txt)", "text/plain; charset=utf-8", "txt",
                                                   lambda layout, _day: layout.title + "\n"))
    page = client.get(f"/briefings/{bid}").get_data(as_text=True)
    for e in EXPORTERS.values():
        assert f"/briefings/{bid}/export.{e.key}" in page and e.label in page
    r = client.get(f"/briefings/{bid}/export.txt")
    assert r.status_code == 200 and r.mimetype == "text/plain" and "attachment" in r.headers["Content-Disposition"]
    api = client.get(f"/api/briefings/{bid}/export?format=txt")
    assert api.status_code == 200 and api.get_data(as_text=True).strip()


def test_a_recurring_finding_goes_into_a_briefing_with_every_instance(client):
    group = client.get("/api/recurring").get_json()[0]
    page = client.get("/recurring").get_data(as_text=True)
    assert f"Add all {len(group['points'])} instances to my briefing" in page
    token = csrf_of(client)
    ids = [p["id"] for p in group["points"]]
    r = client.post("/briefings/add", data={"point_id": ids, "next": "/recurring#group-1", "csrf_token": token},
                    follow_redirects=True)
    assert f"{len(ids)} of {len(ids)} points added to" in r.get_data(as_text=True)
    [mine] = client.get("/api/briefings").get_json()
    items = client.get(f"/api/briefings/{mine['id']}").get_json()["items"]
    assert sorted(i["point_id"] for i in items) == sorted(ids)
