from kb import Settings
from web import create_app


def test_api_search_and_errors(seed_home, tmp_path):
    import shutil

    home = tmp_path / "kb"
    shutil.copytree(seed_home, home)
    app = create_app({"KB_SETTINGS": Settings.from_env(environ={}, home=str(home), embedder="hash"), "TESTING": True})
    client = app.test_client()
    r = client.get("/api/search?q=was+not+brought&k=5")
    assert r.status_code == 200
    body = r.get_json()
    assert body["results"] and body["results"][0]["document"]["title"]
    assert "did not attend" in body["expansions"]
    r = client.get("/api/search?q=")
    assert r.status_code == 400 and "empty" in r.get_json()["error"]
