"""Search on the seed corpus with the fast hashing embedder (the keyword side carries these)."""
import pytest

from kb.core.errors import QueryError
from kb.search.glossary import Glossary
from kb.search import searcher
from kb.search.searcher import Filters, Searcher, highlight_spans


def texts(response):
    return [r["text"] for r in response.results]


def test_glossary_expansion_both_ways():
    g = Glossary.load()
    assert {"did not attend", "DNA", "missed appointments"} <= set(g.expand("was not brought"))
    assert "was not brought" in g.expand("WNB")
    assert g.expand("female genital mutilation") == ["FGM"]
    assert g.expand("thresholds") == []
    assert "DA" not in g.expand("a data protection issue")  # short acronyms only when written as such


def test_expansion_reported_and_can_be_turned_off(seed_kb):
    r = seed_kb.search("WNB")
    assert "was not brought" in r.expansions
    assert any("Was Not Brought" in t for t in texts(r)[:5])
    off = seed_kb.search("WNB", expand=False)
    assert off.expansions == []


def test_phrase_ranks_above_scattered_words(seed_kb):
    r = seed_kb.search("was not brought", k=5)
    assert "Was Not Brought" in r.results[0]["text"] or "was not brought" in r.results[0]["text"].lower()


def test_typo_gets_did_you_mean(seed_kb):
    r = seed_kb.search("proffesional curiousity")
    assert r.did_you_mean == "professional curiosity"
    assert any("professional curiosity" in t.lower() for t in texts(r)[:3])


def test_result_fields_and_citation(seed_kb):
    r = seed_kb.search("escalation policy").results[0]
    for key in ("id", "text", "context", "document", "section", "page", "statement_type", "themes", "score",
                "keyword_rank", "vector_rank"):
        assert key in r
    assert r["document"]["title"] and r["document"]["id"]


def test_filters(seed_kb):
    r = seed_kb.search("supervision", k=20, filters=Filters(doc_types=["annual-report"]))
    assert r.results and all(x["document"]["doc_type"] == "annual-report" for x in r.results)
    r = seed_kb.search("supervision", k=20, filters=Filters(year_from=2019, year_to=2020))
    assert r.results and all(2019 <= x["document"]["year"] <= 2020 for x in r.results)
    r = seed_kb.search("supervision", k=20, filters=Filters(documents=["003-d670d4a9ea96f58f"]))
    assert r.results and all(x["document"]["id"] == "003-d670d4a9ea96f58f" for x in r.results)
    r = seed_kb.search("supervision", filters=Filters(publishers=["Leicester"]))
    assert all("Leicester" in x["document"]["publisher"] for x in r.results)


def test_restricted_documents_hidden_when_asked(seed_kb):
    seed_kb.update_metadata("004-268053ca808ee524", visibility="restricted")
    hidden = seed_kb.search("Nadiya", k=20, filters=Filters(include_restricted=False))
    assert all(x["document"]["id"] != "004-268053ca808ee524" for x in hidden.results)
    shown = seed_kb.search("Nadiya", k=20)
    assert any(x["document"]["id"] == "004-268053ca808ee524" for x in shown.results)


def _most_from_one_document(response) -> int:
    by_doc = {}
    for x in response.results:
        by_doc[x["document"]["id"]] = by_doc.get(x["document"]["id"], 0) + 1
    return max(by_doc.values())


def test_diversity_in_top_ten(seed_kb, monkeypatch):
    assert _most_from_one_document(seed_kb.search("neglect", k=10)) <= searcher.MAX_PER_DOCUMENT
    monkeypatch.setattr(searcher, "MAX_PER_DOCUMENT", 3)  # "neglect" has more than 3 good points in one document
    r = seed_kb.search("neglect", k=10)
    assert len(r.results) == 10 and _most_from_one_document(r) <= 3
    one = seed_kb.search("neglect", k=10, filters=Filters(documents=["003-d670d4a9ea96f58f"]))
    assert len(one.results) == 10


def test_highlight_spans_match_stems():
    text = "Appointments were missed; the child was not brought."
    spans = highlight_spans(text, ["missed appointment"])
    assert [text[a:b] for a, b in spans] == ["Appointments", "missed"]


def test_query_length_capped(seed_kb):
    with pytest.raises(QueryError, match="limit is 300"):
        seed_kb.search("neglect " * 100)
    with pytest.raises(QueryError, match="empty"):
        seed_kb.search("   ")


def test_eval_command_scores(seed_kb, tmp_path):
    import json

    q = {"queries": [{"id": "t1", "query": "was not brought", "gold": [
        ["000", "Importance of applying Was Not Brought policies when children do not attend appointments", 2]]}]}
    f = tmp_path / "q.json"
    f.write_text(json.dumps(q))
    scores = seed_kb.evaluate(str(f))
    assert scores[0].recall == 1.0 and scores[0].mrr > 0


def test_eval_scores_rewordings_apart_from_the_graded_set(seed_kb, tmp_path):
    import json

    from click.testing import CliRunner

    from kb.cli import main

    dev = {"queries": [{"id": "d01", "kind": "keyword", "query": "was not brought", "gold": [
        ["000", "Importance of applying Was Not Brought policies when children do not attend appointments", 2]]}]}
    variants = {"variants": [{"id": "d01a", "of": "d01", "kind": "acronym", "query": "WNB"}]}
    (tmp_path / "dev.json").write_text(json.dumps(dev))
    (tmp_path / "v.json").write_text(json.dumps(variants))
    r = CliRunner().invoke(main, ["--home", str(seed_kb.home), "eval", str(tmp_path / "dev.json"), "--rewordings",
                                  str(tmp_path / "v.json"), "--json"], env={"KB_EMBEDDER": "hash"})
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    assert data["mean"]["queries"] == 1 and data["rewordings"]["mean"]["queries"] == 1
    assert list(data["rewordings"]["by_kind"]) == ["acronym"] and data["rewordings"]["mean"]["recall@10"] == 1.0


@pytest.mark.parametrize("query", ["baby fell asleep on the sofa", "give partners the chance to speak",
                                   "co-sleeping", "neglected children", "safeguarding partnerships"])
def test_real_words_are_never_corrected(seed_kb, query):
    assert seed_kb.search(query).did_you_mean is None


def test_speller_corrects_only_words_nobody_knows():
    from kb.search.spelling import Speller, english_words

    corpus = {"professional", "curiosity", "neglect", "sleeping"}
    speller = Speller(lambda w: w in corpus, lambda w: {"proffesional": "professional",
                                                         "curiousity": "curiosity"}.get(w))
    assert "chance" in english_words() and "fell" in english_words()
    assert speller.correct("proffesional curiousity") == "professional curiosity"
    assert speller.correct("Proffesional curiosity") == "professional curiosity"
    assert speller.correct("the chance to speak, fell asleep, co-sleeping") is None
    assert speller.correct("WNB CSPR") is None


def test_acronyms_and_glossary_words_are_not_corrected():
    from kb.search.spelling import Speller

    speller = Speller(lambda w: w in {"families", "with"}, lambda w: "nps", english=frozenset(),
                      domain=Glossary.load().words())
    assert speller.correct("NRPF") is None                     # typed in capitals: an acronym
    assert speller.correct("families with nrpf") is None       # the glossary knows it
    assert speller.correct("families with qzxv") == "families with nps"


def test_an_acronym_query_is_expanded_and_searched_as_typed(seed_kb):
    r = seed_kb.search("what support is there for families with NRPF?")
    assert r.did_you_mean is None
    assert "No Recourse to Public Funds" in r.expansions
    assert any("no recourse to public funds" in t.lower() for t in texts(r)[:3])


def test_the_meaning_side_is_given_an_acronyms_meaning():
    g = Glossary.load()
    assert g.spelled_out("families with NRPF") == "families with NRPF (No Recourse to Public Funds)"
    assert g.spelled_out("CSE and CCE") == "CSE (Child Sexual Exploitation) and CCE (Child Criminal Exploitation)"
    assert g.spelled_out("a data protection issue") == "a data protection issue"  # "DA" only as written
    assert g.spelled_out("voice of the child") == "voice of the child"


def test_a_negated_word_also_searches_its_negative_form_when_the_corpus_uses_it():
    from kb.search.word_forms import negations

    corpus = {"ineffective", "uncontrolled", "unaware", "effective", "information", "formation"}.__contains__
    assert negations("child protection plans not effective", corpus) == ["ineffective"]
    assert negations("diabetes that was never controlled", corpus) == ["uncontrolled"]
    assert negations("the school was not aware", corpus) == ["unaware"]
    assert negations("information was not shared", corpus) == []   # "unshared" is not a corpus word
    assert negations("information sharing", corpus) == []           # no "not formation" the other way


def test_a_verb_also_searches_its_noun_and_the_noun_its_verb_when_the_corpus_uses_them():
    from kb.search.word_forms import derivations

    corpus = {"identification", "identify", "decision", "recognition", "intervene"}.__contains__
    assert derivations("how is neglect identified early", corpus) == ["identification"]
    assert derivations("identification of risk", corpus) == ["identify"]
    assert derivations("deciding on the plan", corpus) == ["decision"]
    assert derivations("recognising neglect", corpus) == ["recognition"]
    assert derivations("early intervention", corpus) == ["intervene"]
    assert derivations("notified the school", corpus) == []      # "notification" is not a corpus word
    assert derivations("the side of the bed", corpus) == []      # too short to be derived


def test_the_noun_is_shown_with_the_expansions_and_found(seed_kb):
    r = seed_kb.search("how is neglect identified early", k=10)
    assert "identification" in r.expansions
    assert any("identification" in t.lower() for t in texts(r))
    assert "identification" not in seed_kb.search("how is neglect identified early", expand=False).expansions


def test_the_negative_form_is_shown_with_the_expansions(seed_kb):
    r = seed_kb.search("child protection plans not effective", k=30)
    assert "ineffective" in r.expansions
    with_forms = texts(r)
    without = texts(seed_kb.search("child protection plans not effective", k=30, expand=False))

    def rank(ts):  # where "Ineffective Child Protection Processes" comes; past the end when absent
        return next((i for i, t in enumerate(ts) if "Ineffective" in t), len(ts))

    assert rank(with_forms) < len(with_forms)
    assert rank(with_forms) < rank(without)


def test_background_ranks_a_little_below_learning(monkeypatch):
    point = {"text": "The local authority received 412 referrals about neglect in the year.", "statement_type": "context"}
    finding = dict(point, statement_type="finding")
    assert Searcher._prior(point) < Searcher._prior(finding) == 1.0
    monkeypatch.setattr(searcher, "STATEMENT_PRIORS", {})
    assert Searcher._prior(point) == Searcher._prior(finding)
