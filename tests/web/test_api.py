"""The JSON API: shapes, the restricted-document rule, CSRF, administrator-only writes."""
from tests.web.conftest import RESTRICTED, csrf_of, login


def test_search_returns_cited_results_with_facets(client):
    body = client.get("/api/search?q=was+not+brought&k=5").get_json()
    r = body["results"][0]
    assert {"id", "text", "context", "document", "section", "page", "statement_type", "themes", "score",
            "keyword_rank", "vector_rank"} <= set(r)
    assert r["document"]["title"] and "did not attend" in body["expansions"]
    assert dict(body["facets"]["theme"])["was-not-brought"] >= 3
    assert client.get("/api/search?q=").status_code == 400
    assert "unknown theme" in client.get("/api/search?q=x&theme=nope").get_json()["error"]


def test_restricted_documents_are_invisible_anonymously_everywhere(client):
    def everything():
        search = client.get("/api/search?q=serious+youth+violence+extra-familial+harm&k=50").get_json()
        facets = dict(search["facets"]["doc_type"])
        docs = {d["id"] for d in client.get("/api/documents").get_json()}
        themes = {t["slug"]: t["documents"] for t in client.get("/api/themes").get_json()}
        efh = client.get("/api/themes/extra-familial-harm").get_json()
        return search, facets, docs, themes, efh

    search, facets, docs, themes, efh = everything()
    assert RESTRICTED not in docs
    assert all(r["document"]["id"] != RESTRICTED for r in search["results"])
    assert "multi-agency-audit" not in facets or facets["multi-agency-audit"] <= 10  # only the 2017 audit
    assert RESTRICTED not in {g["document"]["id"] for g in efh["documents"]}
    assert client.get(f"/api/documents/{RESTRICTED}").status_code == 404
    assert client.get(f"/documents/{RESTRICTED}").status_code == 404
    assert client.get(f"/documents/{RESTRICTED}/file").status_code == 404

    login(client)
    search2, _facets2, docs2, themes2, efh2 = everything()
    assert RESTRICTED in docs2
    assert any(r["document"]["id"] == RESTRICTED for r in search2["results"])
    assert themes2["extra-familial-harm"] == themes["extra-familial-harm"] + 1
    assert RESTRICTED in {g["document"]["id"] for g in efh2["documents"]}
    doc = client.get(f"/api/documents/{RESTRICTED}").get_json()
    point_id = doc["points"][0]["id"]
    assert client.get(f"/api/points/{point_id}").status_code == 200
    client.post("/logout", data={"csrf_token": csrf_of(client)})
    assert client.get(f"/api/points/{point_id}").status_code == 404


def test_forms_and_writes_without_a_csrf_token_are_rejected(client):
    r = client.post("/login", data={"name": "admin", "password": "correct horse battery"})
    assert r.status_code == 400 and b"did not come from this site" in r.data
    login(client)
    files = {"files": (__import__("io").BytesIO(b"NOTES\n\nFathers were not assessed.\n"), "notes.txt")}
    r = client.post("/api/documents", data=files, content_type="multipart/form-data")
    assert r.status_code == 400 and "CSRF" in r.get_json()["error"]
    r = client.delete("/api/documents/000-77e49d8702c71058")
    assert r.status_code == 400
    assert client.get("/api/documents/000-77e49d8702c71058").status_code == 200


def test_writes_need_an_administrator(client):
    token = csrf_of(client)
    r = client.delete("/api/documents/000-77e49d8702c71058", headers={"X-CSRFToken": token})
    assert r.status_code == 401
    assert client.get("/admin/upload").status_code == 302
    r = client.post("/login", data={"name": "admin", "password": "wrong password!", "csrf_token": token})
    assert r.status_code == 401 and b"Wrong name or password" in r.data


def test_upload_through_the_api_is_ingested_in_the_background(app, client):
    import io

    login(client)
    token = csrf_of(client)
    text = b"LEARNING FROM THE ZEPHYR REVIEW\n\n- Practitioners should ask about quintessential bedtime routines.\n"
    r = client.post("/api/documents", headers={"X-CSRFToken": token}, content_type="multipart/form-data",
                    data={"files": (io.BytesIO(text), "zephyr.txt"), "doc_type": "learning-review",
                          "visibility": "restricted"})
    assert r.status_code == 202
    [job] = r.get_json()
    app.extensions["ingest_queue"].wait()
    done = client.get(f"/api/jobs/{job['id']}").get_json()
    assert done["status"] == "done" and done["points"] == 1, done
    hits = client.get("/api/search?q=quintessential+bedtime").get_json()["results"]
    assert hits and hits[0]["document"]["id"] == done["document_id"]
    client.post("/logout", data={"csrf_token": csrf_of(client)})
    hits = client.get("/api/search?q=quintessential+bedtime").get_json()["results"]
    assert all(h["document"]["id"] != done["document_id"] for h in hits)


def test_bad_upload_reports_the_reason_and_changes_nothing(app, client):
    import io

    login(client)
    before = client.get("/api/documents").get_json()
    r = client.post("/api/documents", headers={"X-CSRFToken": csrf_of(client)}, content_type="multipart/form-data",
                    data={"files": (io.BytesIO(b"%PDF-1.4 this is not really a pdf"), "broken.pdf")})
    [job] = r.get_json()
    app.extensions["ingest_queue"].wait()
    failed = client.get(f"/api/jobs/{job['id']}").get_json()
    assert failed["status"] == "failed" and "PDF" in failed["error"]
    assert client.get("/api/documents").get_json() == before


def test_pages_load_nothing_from_other_sites_and_escape_document_text(client):
    import re

    for url in ["/", "/?q=voice+of+the+child", "/themes", "/themes/neglect", "/documents",
                "/documents/000-77e49d8702c71058", "/login"]:
        html = client.get(url).get_data(as_text=True)
        assert client.get(url).status_code == 200
        external = re.findall(r'(?:src|href)="(https?://[^"]+)"', html)
        assert external == [], (url, external)
        assert '<html lang="en-GB">' in html and '<main id="main"' in html
    # text from documents is escaped: a title with markup shows as text
    login(client)
    client.post("/documents/000-77e49d8702c71058/edit",
                data={"title": "<script>alert(1)</script> Summary", "csrf_token": csrf_of(client)})
    html = client.get("/documents").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_the_library_and_theme_pages_are_paginated(client, monkeypatch):
    from kb.web import pages
    monkeypatch.setattr(pages, "LIBRARY_PAGE", 2)
    first = client.get("/documents").get_data(as_text=True)
    assert "page 1 of 2" in first and 'rel="next"' in first
    second = client.get("/documents?page=2").get_data(as_text=True)
    assert second.count("<tr>") < first.count("<tr>") + 1 and 'aria-current="page"' in second
    from kb.services import analysis
    monkeypatch.setattr(analysis, "THEME_PAGE", 3)
    body = client.get("/api/themes/information-sharing?page=2").get_json()
    assert body["page"] == 2 and body["pages"] > 2
    assert sum(len(g["points"]) for g in body["documents"]) == 3


def test_recurring_findings_are_paginated(client, monkeypatch):
    from kb.web import pages
    everything = client.get("/api/recurring").get_json()
    assert len(everything) >= 2
    monkeypatch.setattr(pages, "RECURRING_PAGE", 1)
    first = client.get("/recurring").get_data(as_text=True)
    second = client.get("/recurring?page=2").get_data(as_text=True)
    assert f"page 1 of {len(everything)}" in first and f"page 2 of {len(everything)}" in second
    assert everything[0]["text"][:40] in first and everything[1]["text"][:40] in second
    assert first.count('class="group-card"') == second.count('class="group-card"') == 1


def test_the_themes_a_query_maps_to_are_shown_and_can_be_turned_off(client):
    page = client.get("/?q=children+who+were+not+brought+to+appointments").get_data(as_text=True)
    assert "Also searched for theme:" in page and 'href="/themes/was-not-brought"' in page
    assert "concepts=0" in page
    off = client.get("/?q=children+who+were+not+brought+to+appointments&concepts=0").get_data(as_text=True)
    assert "Also searched for theme:" not in off and "Themes are not searched for." in off
    api = client.get("/api/search?q=children+who+were+not+brought+to+appointments").get_json()
    assert "was-not-brought" in api["concepts"] and api["concepts_from"] == "query"  # by its words
    assert "most of the first results carry it" not in page
    assert client.get("/api/search?q=children+who+were+not+brought&concepts=0").get_json()["concepts"] == []


def test_recurring_findings_download_as_csv_and_say_why_each_instance_is_there(client):
    import csv
    import io
    groups = client.get("/api/recurring").get_json()
    g = groups[0]
    seed = next(p for p in g["points"] if p["id"] == g["representative"])
    other = next(p for p in g["points"] if p["id"] != g["representative"])
    assert seed["similarity"] >= other["similarity"] and seed["shared_terms"] == []
    assert all(t in seed["text"].lower() and t in other["text"].lower() for t in other["shared_terms"])
    page = client.get("/recurring").get_data(as_text=True)
    assert "Why in this group: meaning" in page and 'href="/recurring.csv' in page
    r = client.get("/recurring.csv")
    assert r.status_code == 200 and r.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(r.get_data(as_text=True))))
    assert len(rows) == sum(len(x["points"]) for x in groups)
    assert rows[0]["finding"] == g["text"] and rows[0]["document"] and rows[0]["first_year"] == str(g["first_year"])
    assert [r["kind"] for r in rows[:1]] == [g["kind"]]
    marked = sum(1 for x in groups[:20] if x["kind"] != "finding")  # good practice, recommendations (a page of 20)
    assert marked and page.count('<span class="kind">') == marked
