"""A practitioner's question is searched on the keyword side by its content, not its frame."""
import pytest

from kb.search.questions import content_of


@pytest.mark.parametrize("question, content", [
    ("what did reviews say about fathers?", "fathers"),
    ("What are the lessons about disguised compliance?", "disguised compliance"),
    ("how should we share information with schools?", "share information with schools"),
    ("are there any reviews about drowning", "drowning"),
    ("tell me about bruising in babies", "bruising in babies"),
])
def test_a_questions_frame_is_dropped(question, content):
    assert content_of(question) == content


@pytest.mark.parametrize("query", ["how is neglect identified early", "child protection plans not effective",
                                   "was not brought", "what do we know"])
def test_a_query_without_a_frame_or_with_nothing_else_is_kept(query):
    assert content_of(query) == query


def test_a_question_ranks_as_its_content_on_the_keyword_side(seed_kb):
    from kb.search.keyword import plan

    assert plan(content_of("what did the reviews say about escalation policy?"), []) == plan("escalation policy", [])
    asked = seed_kb.search("what did the reviews say about escalation policy?", k=30, expand=False)
    plain = seed_kb.search("escalation policy", k=30, expand=False)
    ranks = lambda r: {x["id"]: x["keyword_rank"] for x in r.results if x["keyword_rank"]}  # noqa: E731
    shared = ranks(asked).keys() & ranks(plain).keys()
    assert len(shared) >= 5 and all(ranks(asked)[i] == ranks(plain)[i] for i in shared)


def test_the_themes_a_query_maps_to_are_reported_and_can_be_turned_off(seed_kb):
    on = seed_kb.search("children who were not brought to their appointments")
    assert "was-not-brought" in on.concepts
    off = seed_kb.search("children who were not brought to their appointments", concepts=False)
    assert off.concepts == []


def test_a_query_mapped_to_a_theme_also_searches_the_themes_lead_term(seed_kb, monkeypatch):
    from kb.search import searcher

    query = "practitioners took explanations at face value"  # a trigger of professional curiosity
    said = lambda r: sum("professional curiosity" in x["text"].lower() for x in r.results)  # noqa: E731
    on = seed_kb.search(query)
    assert on.concepts == ["professional-curiosity"] and on.concept_terms == ["professional curiosity"]
    monkeypatch.setattr(searcher, "THEME_TERMS", False)
    seed_kb.searcher._memo.clear()
    without = seed_kb.search(query)
    assert without.concept_terms == [] and said(on) >= said(without) + 3
    assert seed_kb.search(query, concepts=False).concept_terms == []


def test_a_lead_term_the_query_already_names_is_not_added_again(seed_kb):
    assert seed_kb.search("professional curiosity").concept_terms == []


def test_the_meaning_side_embeds_the_query_with_its_themes_lead_terms(seed_kb, monkeypatch):
    embedder = seed_kb.searcher.embedder
    real, seen = embedder.encode_query, []
    monkeypatch.setattr(embedder, "encode_query", lambda text: seen.append(text) or real(text))
    seed_kb.search("practitioners took explanations at face value")
    assert seen[-1] == "practitioners took explanations at face value (professional curiosity)"
    seen.clear()
    seed_kb.search("professional curiosity")  # nothing to add: embedded once, as typed
    assert seen == ["professional curiosity"]
