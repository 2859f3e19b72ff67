"""Both keyword engines behind one interface: the same plan and filters, the engine
recorded with the index, and documents updated in place without a rebuild."""
import pytest

from kb import Filters
from kb.core.errors import IndexMismatch
from kb.search.keyword import make_keyword_index, plan
from kb.search.selection import Selection
from tests.conftest import make_kb

POINTS = [
    ("d1", "cspr", 2019, "public", "finding", ["was-not-brought"], "Children were not brought to health appointments."),
    ("d1", "cspr", 2019, "public", "recommendation", [], "Agencies should review their was not brought policy."),
    ("d2", "scr", 2016, "restricted", "finding", ["neglect"], "Neglect was not recognised by the school."),
    ("d2", "scr", 2016, "restricted", "finding", ["was-not-brought"], "The baby was not brought to the clinic."),
    ("d3", "audit", 2022, "public", "learning", [], "Information sharing between agencies was poor."),
]


def _rows():
    out = []
    for n, (doc, dtype, year, vis, stype, themes, text) in enumerate(POINTS, start=1):
        out.append(({"id": n, "text": text, "section_path": "Findings", "context": "", "themes": themes,
                     "statement_type": stype},
                    {"id": doc, "title": f"Review {doc}", "doc_type": dtype, "year": year, "visibility": vis}))
    return out


@pytest.fixture(params=["tantivy", "whoosh"])
def engine(request, tmp_path):
    ix = make_keyword_index(request.param, tmp_path)
    ix.build([_rows()], generation=1)
    yield ix
    ix.close()


def _search(ix, query, expansions=(), **flt):
    return [i for i, _ in ix.search(plan(query, list(expansions)), 10, Selection(**flt) if flt else None)]


def test_the_plan_ranks_the_phrase_first_in_both_engines(engine):
    hits = _search(engine, "was not brought")
    assert set(hits[:3]) == {1, 2, 4}
    assert hits[0] in (2, 4)  # the exact phrase in the text
    assert _search(engine, "appointments") == [1]
    assert 1 in _search(engine, "", ["missed appointments", "not brought"])


def test_an_equivalent_phrasing_matches_its_words_anywhere_in_a_point(engine):
    """'information poor' finds 'Information sharing between agencies was poor': an equivalent
    phrasing's words need not stand side by side ('child ... sexually abused')."""
    assert _search(engine, "", ["information poor"]) == [5]
    assert _search(engine, "", ["children health"]) == [1]
    assert _search(engine, "", ["information recognised"]) == []  # every word, not any


def test_a_negated_phrasing_stays_a_near_phrase():
    """'did not attend' must not match 'did not wish to attend', so only the others are sloppy."""
    slops = {c.text: c.slop for c in plan("", ["did not attend", "missed appointments"]) if c.phrase}
    assert slops["did not attend"] <= 1 < slops["missed appointments"]


def test_filters_run_inside_each_engine(engine):
    assert set(_search(engine, "not brought", public_only=True)) == {1, 2}
    assert set(_search(engine, "not", documents=frozenset({"d2"}))) == {3, 4}
    assert set(_search(engine, "not", doc_types=frozenset({"scr"}))) == {3, 4}
    assert set(_search(engine, "not", statement_types=frozenset({"recommendation"}))) == {2}
    assert set(_search(engine, "not", themes=frozenset({"was-not-brought"}))) == {1, 4}
    assert set(_search(engine, "agencies", year_from=2020)) == {5}
    assert set(_search(engine, "not", year_to=2017)) == {3, 4}


def test_update_replaces_one_document_in_place(engine):
    point = {"id": 9, "text": "Fathers were not assessed.", "section_path": "", "context": "", "themes": [],
             "statement_type": "finding"}
    engine.update(["d1"], [(point, {"id": "d1", "title": "Review d1", "doc_type": "cspr", "year": 2019,
                                    "visibility": "public"})], generation=2)
    assert _search(engine, "fathers") == [9]
    assert 1 not in _search(engine, "appointments")
    assert set(_search(engine, "neglect")) == {3}  # the other documents are still there
    assert engine.meta() == {"engine": engine.engine, "generation": 2}


def test_spelling_suggestions_and_known_words(engine):
    assert engine.is_known("appointments") and engine.is_known("neglected")
    assert not engine.is_known("negelct")
    assert engine.suggest("negelct") == "neglect"


def test_another_engine_refuses_the_saved_index_naming_reindex(seed_kb):
    other = "whoosh" if seed_kb.keyword.engine == "tantivy" else "tantivy"
    with make_kb(seed_kb.home, keyword_engine=other) as k:
        with pytest.raises(IndexMismatch, match="kb reindex"):
            k.search("neglect")
        k.reindex()
        assert k.search("neglect").results
        assert k.keyword.meta()["engine"] == other


def test_ingesting_a_document_updates_the_indexes_without_rebuilding(seed_kb, tmp_path, monkeypatch):
    seed_kb.search("warm up")

    def no_rebuild(*_a, **_k):
        raise AssertionError("a full index rebuild")

    monkeypatch.setattr(seed_kb.indexes, "_build_keyword", no_rebuild)
    monkeypatch.setattr(seed_kb.indexes, "_build_vectors", no_rebuild)
    f = tmp_path / "new-review.txt"
    f.write_text("NEW REVIEW\n\nFINDINGS\n\nThe stepfather's history of violence was never checked by anyone.\n")
    report = seed_kb.ingest([str(f)])
    assert report.count("ingested") == 1
    hits = seed_kb.search("stepfather history of violence never checked", k=3).results
    assert hits[0]["document"]["id"] == report.outcomes[0].document_id
    seed_kb.update_metadata(report.outcomes[0].document_id, visibility="restricted")
    public = seed_kb.search("stepfather history of violence", k=10, filters=Filters(include_restricted=False))
    assert all(r["document"]["id"] != report.outcomes[0].document_id for r in public.results)
    seed_kb.remove(report.outcomes[0].document_id)
    assert all(r["document"]["id"] != report.outcomes[0].document_id
               for r in seed_kb.search("stepfather history of violence", k=10).results)


def test_another_process_sees_the_update_without_rebuilding(seed_kb, tmp_path):
    with make_kb(seed_kb.home) as reader:
        reader.search("warm up")
        f = tmp_path / "other.txt"
        f.write_text("OTHER REVIEW\n\nFINDINGS\n\nThe lodger was not known to children's social care.\n")
        seed_kb.ingest([str(f)])
        reader._build_keyword = reader._build_vectors = None  # a rebuild would fail
        # (the indexes seeing the update, not the themes the query maps to, are under test)
        assert "lodger" in reader.search("lodger not known to social care", k=1, concepts=False).results[0]["text"]
