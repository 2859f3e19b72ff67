import pytest

from kb.ingest.points import case_name, extract_points, is_data_row, split_sentences
from kb.ingest.structure import parse_text
from tests.conftest import SEEDS


@pytest.fixture(scope="module")
def seed_points():
    return {k: extract_points(parse_text(p.read_text(encoding="utf-8"))) for k, p in SEEDS.items()}


def test_was_not_brought_point_with_lead_in_and_section(seed_points):
    _, points = seed_points["000"]
    p = next(p for p in points if p.text.startswith("Importance of applying Was Not Brought"))
    assert p.text == "Importance of applying Was Not Brought policies when children do not attend appointments"
    assert p.kind == "item"
    assert p.section_path == ["TABLETOP REVIEWS"]
    assert p.context.startswith("Some of the learning was similar to that in our Learning Review")
    assert p.case_name == "Leo"


def test_fgm_learning_has_its_lead_in(seed_points):
    _, points = seed_points["000"]
    p = next(p for p in points if p.text.startswith("Ensure staff are trained on FGM"))
    assert p.context == "Key learning from the original review and subsequent case audits which remain relevant:"


def test_annual_report_glossary_navigation_and_contents_give_no_points(seed_points):
    sections, points = seed_points["002"]
    texts = [p.text for p in points]
    assert not any(t.startswith(("ABH", "BCCG", "CAMHS | Child and")) for t in texts)
    assert not any("Glossary" in " ".join(p.section_path) for p in points)
    assert not any(t in ("Communication", "Priorities", "The Child Death Overview Panel") for t in texts)
    assert not any(t.startswith("Foreword by the Chair | 2") for t in texts)
    assert any(s.heading == "Glossary of Terms" for s in sections)


def test_named_case_sections_carry_the_pseudonym(seed_points):
    _, points = seed_points["002"]
    cases = {p.case_name for p in points if p.case_name}
    assert {"Child K", "Hannah"} <= cases
    _, points4 = seed_points["004"]
    assert {"Nadiya", "Robyn"} <= {p.case_name for p in points4 if p.case_name}


def test_long_paragraphs_are_split_at_sentences():
    text = " ".join(f"Sentence number {i} says something about practice." for i in range(40))
    pieces = split_sentences(text)
    assert len(pieces) > 1 and all(len(p) <= 600 for p in pieces)
    assert " ".join(pieces) == text


def test_case_name_forms():
    assert case_name(["SERIOUS CASE REVIEW 'CHILD K'"]) == "Child K"
    assert case_name(["THEMATIC REVIEW: ‘Patrick’ – A journey through custody"]) == "Patrick"
    assert case_name(["Local Serious Case Review - Nadiya"]) == "Nadiya"
    assert case_name(["KEY FINDINGS - STRENGTHS"]) is None


def test_figures_rows_are_data():
    assert is_data_row(["2017/2018", "232"])
    assert is_data_row(["Foreword by the Chair", "2", "Children Looked After", "32"])
    assert not is_data_row(["Consult with other CDOPs", "SPOC to contact other CDOPs"])


def test_a_contents_page_titled_index_gives_no_points_and_parents_no_heading():
    from kb.ingest.structure import parse_text

    text = ("SERIOUS CASE REVIEW AB1\n\nINDEX\n\nIntroduction .......... 3\n\nAnalysis .......... 5\n\n"
            "Recommendations .......... 9\n\nINTRODUCTION\n\n1.1 The review was commissioned in 2018.\n\n"
            "ANALYSIS\n\n5.1 Professionals did not give safer sleeping advice at every contact.\n")
    sections, points = extract_points(parse_text(text))
    assert [p.text for p in points] == ["1.1 The review was commissioned in 2018.",
                                        "5.1 Professionals did not give safer sleeping advice at every contact."]
    assert [p.section_path for p in points] == [["INTRODUCTION"], ["ANALYSIS"]]
    assert "INDEX" not in [s.heading for s in sections]


def test_contents_entries_without_leaders_are_known_by_their_page_numbers():
    from kb.ingest.points import contents_blocks
    from kb.ingest.structure import ITEM, PARAGRAPH, Block

    toc = [Block(PARAGRAPH, "1. Introduction 3"), Block(PARAGRAPH, "2. Terms of reference 4"),
           Block(PARAGRAPH, "3. AB1 – Family Circumstances and Key Practice Issues 4"),
           Block(PARAGRAPH, "The review found that the family moved house 3 times in 12")]
    assert contents_blocks(toc) == {0, 1, 2}
    labels = [Block(ITEM, "Recommendation 1"), Block(ITEM, "Recommendation 2"), Block(ITEM, "Recommendation 3")]
    assert contents_blocks(labels) == set()


def test_a_lead_in_set_as_a_heading_is_its_lists_context_inside_the_question_it_answers():
    doc = parse_text("WORKSHOP\n\nWHAT ARE THE BARRIERS TO ESCALATING A CONCERN?\n\n"
                     "GROUPWORK WITHIN THE PRESENTATION IDENTIFIED THE FOLLOWING:\n\n"
                     "- Loss of confidence in the escalation policy\n- Not knowing who to call\n")
    _sections, points = extract_points(doc)
    assert [p.text for p in points] == ["Loss of confidence in the escalation policy", "Not knowing who to call"]
    assert all(p.section_path[-2:] == ["WHAT ARE THE BARRIERS TO ESCALATING A CONCERN?",
                                       "GROUPWORK WITHIN THE PRESENTATION IDENTIFIED THE FOLLOWING:"] for p in points)
    assert all(p.context == "GROUPWORK WITHIN THE PRESENTATION IDENTIFIED THE FOLLOWING:" for p in points)


def test_a_table_whose_first_row_is_data_has_no_header(seed_points):
    """The key themes table of the LLR learning summary has no header row: its first row,
    'Compliance to procedures ... | Compliance to procedures is improving ...', is a finding
    like the others, and no row takes it as its columns' names."""
    _, points = seed_points["004"]
    rows = [p for p in points if p.kind == "table_row" and p.section_path[-1].startswith("Key themes emerging")]
    assert rows[0].text.startswith("Compliance to procedures, including multiagency procedures and standards | "
                                   "Compliance to procedures is improving")
    assert any(p.text.startswith("Case file recording | There is a need") for p in rows)
    assert all(p.context is None for p in rows)


def test_a_header_row_names_columns():
    from kb.ingest.points import is_header_row

    assert is_header_row(["No.", "Recommendation", "Lead agency", "By when"])
    assert is_header_row(["Recommendation", "Action to be taken"])
    assert not is_header_row(["Case file recording", "There is a need to ensure that full demographic information "
                              "is recorded and is accurate."])


def test_a_bullet_ending_with_a_colon_is_the_lead_in_of_the_bullets_after_it(seed_points):
    """The neglect audit's YOS returns: '◉ Actions taken:' announces the bullets under it, up to
    the next topic's caption ('Voice of the Child'); it is no point of its own."""
    _, points = seed_points["003"]
    yos = [p for p in points if p.section_path and p.section_path[-1] == "YOS"]
    assert not any(p.text.rstrip().endswith(":") for p in yos)
    reviewing = next(p for p in yos if p.text.startswith("Management Team have been reviewing"))
    assert reviewing.context == "Actions taken:"
    caption = next(p for p in yos if p.text == "Voice of the Child")
    assert caption.context is None
    assert next(p for p in yos if p.text.startswith("Adopted new Assessment Tool")).context == "Actions Taken:"
    assert next(p for p in yos if p.text.startswith("Improvement in the manner")).context is None
