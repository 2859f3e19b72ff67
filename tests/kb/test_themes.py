"""The theme tagger: triggers on light stems with small gaps, glossary equivalents,
heading and lead-in inheritance, weak triggers and exclusions (no embedder here:
the lexical evidence alone), and document primary themes."""
import pytest

from kb.search.glossary import Glossary
from kb.analysis.taxonomy import load, parse
from kb.analysis.themes import ThemeTag, ThemeTagger, primary_themes


@pytest.fixture(scope="module")
def tagger():
    return ThemeTagger(load(), Glossary.load(), embedder=None)


def themes_of(tagger, text, context=None, section_path=(), title=""):
    point = {"text": text, "context": context, "section_path": list(section_path)}
    return {t.theme for t in tagger.tag([point], None, title)[0]}


def test_trigger_matches_plural_and_gap(tagger):
    assert "was-not-brought" in themes_of(
        tagger, "The importance of a pattern of missed health (and other) appointments as an indicator")
    assert "was-not-brought" in themes_of(tagger, "He missed an appointment with the dentist")


def test_articles_do_not_decide_a_match(tagger):
    # the trigger is "voice of the child"; reports also write it without the article
    assert "voice-of-child" in themes_of(tagger, "Voice of child not always heard within CAF process")
    assert "voice-of-child" in themes_of(tagger, "Capturing the voice of a child in assessments")
    assert "voice-of-child" not in themes_of(tagger, "The child's father raised his voice of anger")


def test_the_men_around_the_baby_are_its_male_carers(tagger):
    # the national panel's phrase ("The myth of invisible men"), as practitioners search it
    assert "fathers-male-carers" in themes_of(tagger, "the men around the baby")
    assert "fathers-male-carers" in themes_of(tagger, "Assessing the men around a child")


def test_glossary_equivalent_counts_as_trigger(tagger):
    # "DNA" is not a trigger of its own; the glossary says it is "did not attend"
    assert "was-not-brought" in themes_of(tagger, "Three DNAs were recorded for the child")


def test_function_words_must_be_adjacent(tagger):
    assert "was-not-brought" not in themes_of(tagger, "He did not wish to attend the group")
    assert "care-arrangements" not in themes_of(tagger, "Children's Social Care held the case")


def test_light_stem_does_not_conflate_housing_and_house(tagger):
    assert "housing" not in themes_of(tagger, "In-house workshops were delivered to the whole team")
    assert "housing" in themes_of(tagger, "Raising awareness of the significance of housing issues")


def test_short_acronyms_only_in_capitals(tagger):
    assert "harmful-practices" in themes_of(tagger, "Staff are trained on FGM")
    assert "non-engagement" not in themes_of(tagger, "The dna sample")


def test_bullet_inherits_heading_and_lead_in(tagger):
    assert "voice-of-child" in themes_of(tagger, "Ask about daily routines", section_path=["Voice of the child"])
    assert "harmful-practices" in themes_of(
        tagger, "The partnership should revise the protocol",
        context="Agencies had limited expertise in FGM. The recommendations of the FGM review were:")
    # only the sentence that introduces the list counts, not all the background before it
    assert "housing" not in themes_of(
        tagger, "Importance of information sharing",
        context="Partners came from Schools, Police and Housing. The key learning was about:")


def test_heading_that_repeats_the_title_passes_nothing_on(tagger):
    title = "Learning from the multi-agency neglect audit 2017"
    assert "neglect" not in themes_of(tagger, "Health Visitors and School Nurses",
                                      section_path=["Multi agency neglect audit 2017"], title=title)


def test_weak_trigger_alone_is_not_enough(tagger):
    # "MASH" is weak for thresholds: without semantic support it tags nothing
    assert "thresholds" not in themes_of(tagger, "Delays with agencies feeding back information eg to MASH")
    assert "information-sharing" in themes_of(tagger, "Delays with agencies feeding back information eg to MASH")


def test_exclude_phrase_masks_trigger(tagger):
    assert "thresholds" not in themes_of(tagger, "The death did not meet the threshold for CSPR")
    assert "thresholds" in themes_of(tagger, "Thresholds were applied inconsistently by the front door")


def test_reason_names_the_evidence(tagger):
    [tags] = tagger.tag([{"text": "Fathers were not assessed", "section_path": ["Learning"]}], None)
    tag = next(t for t in tags if t.theme == "fathers-male-carers")
    assert "mentions 'father" in tag.reason and 0.5 <= tag.confidence <= 1


def test_taxonomy_edit_changes_tags():
    data = {"themes": [{"slug": "fathers-male-carers", "name": "Fathers", "description": "Fathers.",
                        "triggers": ["stepdad"]}],
            "document_types": {"other": "Other"}, "statement_types": {"finding": "Finding"}}
    tagger = ThemeTagger(parse(data), Glossary.load(), None)
    assert themes_of(tagger, "The stepdad was never seen") == {"fathers-male-carers"}
    assert themes_of(tagger, "The fathers were never seen") == set()


def test_primary_themes_rank_by_summed_confidence_and_need_two_points():
    tags = [[ThemeTag("neglect", 0.9, "")], [ThemeTag("neglect", 0.9, ""), ThemeTag("housing", 0.7, "")],
            [ThemeTag("housing", 0.7, "")], [ThemeTag("education", 0.9, "")]]
    assert primary_themes(tags, ["finding"] * 4) == ["neglect", "housing"]
    # background points count half
    assert primary_themes(tags, ["context", "context", "finding", "finding"]) == ["housing", "neglect"]
