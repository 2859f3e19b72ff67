"""Themes through the facade and the CLI on the seed corpus (hashing embedder:
lexical evidence only), including re-tagging after a taxonomy edit."""
import json

import pytest
from click.testing import CliRunner

from kb.cli import main
from kb.core.errors import NotFound, QueryError
from kb.search.searcher import Filters
from tests.conftest import make_kb


def test_every_point_has_a_statement_type_and_documents_have_primary_themes(seed_kb):
    points = [p for batch in seed_kb.store.iter_points() for p in batch]
    assert all(p["statement_type"] in seed_kb.taxonomy.statement_types for p in points)
    for doc in seed_kb.documents():
        assert 1 <= len(doc["primary_themes"]) <= 3
    audit = seed_kb.resolve("003-d670d4a9ea96f58f")
    assert "neglect" in audit["primary_themes"]


def test_themes_counts_match_the_store(seed_kb):
    rows = {t["slug"]: t for t in seed_kb.themes()}
    assert len(rows) == len(seed_kb.taxonomy.themes)
    n = seed_kb.store.conn.execute(
        "SELECT COUNT(*) FROM points WHERE themes LIKE '%\"was-not-brought\"%'").fetchone()[0]
    assert rows["was-not-brought"]["points"] == n >= 5
    assert rows["was-not-brought"]["documents"] >= 3


def test_theme_groups_points_by_document_newest_first(seed_kb):
    t = seed_kb.theme("was-not-brought")
    years = [g["document"]["year"] for g in t["documents"]]
    assert years == sorted(years, reverse=True)
    for g in t["documents"]:
        positions = [p["position"] for p in g["points"]]
        assert positions == sorted(positions)
        assert all("was-not-brought" in p["themes"] and p["theme_reason"] for p in g["points"])
    only = seed_kb.theme("was-not-brought", statement_types=["action-taken"])
    assert only["points"] and all(p["statement_type"] == "action-taken"
                                  for g in only["documents"] for p in g["points"])


def test_unknown_theme_is_not_found(seed_kb):
    with pytest.raises(NotFound, match="no theme 'nope'"):
        seed_kb.theme("nope")


def test_restricted_documents_leave_the_counts_for_anonymous_readers(seed_kb):
    seed_kb.update_metadata("000-77e49d8702c71058", visibility="restricted")
    public = {t["slug"]: t["documents"] for t in seed_kb.themes(include_restricted=False)}
    everyone = {t["slug"]: t["documents"] for t in seed_kb.themes()}
    assert public["was-not-brought"] == everyone["was-not-brought"] - 1
    ids = {g["document"]["id"] for g in seed_kb.theme("was-not-brought", include_restricted=False)["documents"]}
    assert "000-77e49d8702c71058" not in ids


def test_search_filters_by_theme_and_statement_type(seed_kb):
    r = seed_kb.search("policy", filters=Filters(themes=["was-not-brought"], doc_types=["action-taken"]))
    assert r.results
    assert all("was-not-brought" in x["themes"] and x["statement_type"] == "action-taken" for x in r.results)
    with pytest.raises(QueryError, match="unknown theme 'wnb'"):
        seed_kb.search("policy", filters=Filters(themes=["wnb"]))


def test_editing_a_trigger_and_retagging_changes_the_tags(seed_home, tmp_path):
    import shutil

    from kb.analysis.taxonomy import default_path

    home = tmp_path / "kb"
    shutil.copytree(seed_home, home)
    taxonomy = tmp_path / "taxonomy.toml"
    text = default_path().read_text(encoding="utf-8")
    # an administrator adds a trigger phrase to the housing theme
    text = text.replace('  "housing providers",\n', '  "housing providers",\n  "Transitions day",\n', 1)
    taxonomy.write_text(text, encoding="utf-8")
    with make_kb(home) as k:
        before = k.theme("housing")["points"]
        esac = next(p for b in k.store.iter_points() for p in b if "annual Transitions day" in p["text"])
        assert "housing" not in esac["themes"]
    with make_kb(home, taxonomy=str(taxonomy)) as k:
        info = k.retag()
        assert info["changed"] >= 1
        after = k.point(esac["id"])
        assert "housing" in after["themes"]
        assert any(r["theme"] == "housing" and "Transitions day" in r["reason"] for r in after["theme_reasons"])
        assert k.theme("housing")["points"] == before + 1
        # the keyword index follows: the theme filter finds it at once
        hits = k.search("Transitions day", filters=Filters(themes=["housing"])).results
        assert any(h["id"] == esac["id"] for h in hits)


def cli(home, *args):
    return CliRunner().invoke(main, ["--home", str(home), *args], env={"KB_EMBEDDER": "hash"})


def test_cli_themes_and_theme_json(seed_home):
    r = cli(seed_home, "themes", "--json")
    assert r.exit_code == 0, r.output
    rows = json.loads(r.output)
    assert {"slug", "name", "points", "documents"} <= set(rows[0])
    r = cli(seed_home, "theme", "harmful-practices", "--json")
    data = json.loads(r.output)
    point = data["documents"][0]["points"][0]
    assert {"id", "text", "document", "themes", "statement_type"} <= set(point)
    assert point["document"]["title"]
    r = cli(seed_home, "theme", "harmful-practices")
    assert "Female genital mutilation" in r.output and "[recommendation]" in r.output
    assert cli(seed_home, "theme", "nope").exit_code != 0


def test_cli_eval_themes_prints_per_theme_and_macro(seed_home):
    r = cli(seed_home, "eval-themes")
    assert r.exit_code == 0, r.output
    assert "macro" in r.output and "was-not-brought" in r.output
    data = json.loads(cli(seed_home, "eval-themes", "--json").output)
    assert data["points"] >= 150 and not data["unmatched"]
    assert 0 < data["macro"]["f1"] <= 1


def test_theme_by_year_table_and_csv_match_the_store(seed_home, tmp_path):
    import csv

    out = tmp_path / "themes.csv"
    r = cli(seed_home, "theme-years", "--csv", str(out))
    assert r.exit_code == 0, r.output
    rows = list(csv.reader(out.open(encoding="utf-8")))
    header, body = rows[0], rows[1:]
    assert header[:2] == ["theme", "name"] and header[-1] == "total" and header[2:-1] == ["2017", "2019", "2020", "2023"]
    with make_kb(seed_home) as k:
        direct = {}
        for batch in k.store.iter_points():
            for p in batch:
                year = k.store.document(p["document_id"])["year"]
                for theme in p["themes"]:
                    direct[(theme, str(year))] = direct.get((theme, str(year)), 0) + 1
        assert len(body) == len(k.taxonomy.themes)
    for row in body:
        for year, cell in zip(header[2:-1], row[2:-1]):
            assert int(cell) == direct.get((row[0], year), 0), (row[0], year)
        assert int(row[-1]) == sum(int(c) for c in row[2:-1])
    assert "was-not-brought" in r.output


def test_a_theme_is_read_a_page_at_a_time(seed_kb, monkeypatch):
    everything = seed_kb.theme("information-sharing")
    all_ids = [p["id"] for g in everything["documents"] for p in g["points"]]
    assert everything["pages"] == 1 and len(all_ids) == everything["points"] > 6
    from kb.services import analysis
    monkeypatch.setattr(analysis, "THEME_PAGE", 4)
    pages = [seed_kb.theme("information-sharing", page=n) for n in range(1, everything["points"] // 4 + 2)]
    assert pages[0]["pages"] == -(-everything["points"] // 4)
    assert [p["id"] for t in pages for g in t["documents"] for p in g["points"]][:len(all_ids)] == all_ids
    assert seed_kb.theme("information-sharing", page=999)["page"] == pages[0]["pages"]  # past the end: the last
    assert all(t["document_count"] == everything["document_count"] for t in pages)
