"""Briefing templates and layout (pure): where points go, numbering, questions, action plan."""
import pytest

from kb.briefings import templates as briefings
from kb.core.errors import QueryError

NAMES = briefings.Names(themes={"was-not-brought": "Was not brought", "voice-of-child": "Voice of the child"},
                        doc_types={"cspr": "Child Safeguarding Practice Review"},
                        theme_descriptions={"was-not-brought": "Children not taken to appointments."},
                        theme_coverage={"was-not-brought": {"points": 7, "documents": 4, "years": [2017, 2023]}})


def item(i, stype="finding", box=None, themes=("was-not-brought",), doc="d1", note=""):
    return {"id": i, "point_id": 100 + i, "document_id": doc, "text": f"Point {i} text.", "context": None,
            "section": "Findings", "page": i, "statement_type": stype, "themes": list(themes), "note": note,
            "box": box, "source": {"title": f"Review {doc}", "publisher": "A Partnership", "date": "May 2023",
                                   "doc_type": "cspr"}}


def seven(items, **fields):
    return {"title": "T", "template": "seven-minute", "fields": fields, "items": items}


def test_the_seven_minute_briefing_has_seven_boxes_questions_and_an_action_plan():
    lay = briefings.layout(seven([]), NAMES)
    assert [p.heading for p in lay.parts] == ["1. Background", "2. Why it matters", "3. Key learning",
                                              "4. Key learning", "5. Key learning", "6. Things to note or remember",
                                              "7. What to do"]
    assert lay.questions == list(briefings.STANDARD_QUESTIONS)
    assert [list(r) for r in lay.action_plan] == [list(briefings.ACTION_PLAN_COLUMNS)] * 3


@pytest.mark.parametrize("n, sizes", [(1, [1, 0, 0]), (3, [1, 1, 1]), (4, [2, 1, 1]), (5, [2, 2, 1]), (7, [3, 2, 2])])
def test_findings_share_the_key_learning_boxes_in_order(n, sizes):
    where = briefings.placement(briefings.template("seven-minute"), [item(i) for i in range(n)])
    got = [sum(1 for v in where.values() if v == k) for k in ("key-1", "key-2", "key-3")]
    assert got == sizes
    assert [where[i] for i in range(n)] == sorted(where[i] for i in range(n))  # order kept


def test_statement_types_and_chosen_parts_decide_where_a_point_goes():
    items = [item(1, "recommendation"), item(2, "good-practice"), item(3, "action-taken"), item(4, "context"),
             item(5, "finding", box="do"), item(6, None), item(7, "finding", box="no-such-part")]
    where = briefings.placement(briefings.template("seven-minute"), items)
    assert where[1] == "do" and where[2] == "note" and where[3] == "note" and where[4] == "background"
    assert where[5] == "do" and where[6] == "key-1" and where[7] == "key-2"


def test_layout_numbers_quotations_in_reading_order_with_citations():
    items = [item(1, "recommendation"), item(2, "finding", note="Our note"), item(3, "finding", doc="d2")]
    lay = briefings.layout(seven(items, why="Because."), NAMES, link=lambda it: f"http://kb/points/{it['point_id']}")
    quotes = [q for p in lay.parts for q in p.quotations]
    assert [q.number for q in quotes] == [1, 2, 3]
    assert [q.item_id for q in quotes] == [2, 3, 1]  # key learning boxes come before "What to do"
    assert quotes[0].note == "Our note" and quotes[0].text == "Point 2 text."
    assert quotes[0].citation == "Review d1, A Partnership, May 2023, Findings, p. 2"
    ref = lay.references[0]
    assert ref.line() == ("Review d1. A Partnership. May 2023. Child Safeguarding Practice Review. "
                          "section: Findings. page 2.") and ref.url == "http://kb/points/102"
    assert lay.parts[1].text == "Because."
    assert lay.parts[0].generated == ["Drawn from: Review d1 (Child Safeguarding Practice Review, A Partnership, May 2023)",
                                      "Drawn from: Review d2 (Child Safeguarding Practice Review, A Partnership, May 2023)"]


def test_own_questions_follow_the_standard_ones():
    lay = briefings.layout(seven([], questions="What would you do differently?\n\n  "), NAMES)
    assert lay.questions[-1] == "What would you do differently?" and len(lay.questions) == 4


def test_the_thematic_digest_defines_its_theme_and_counts_its_reviews():
    items = [item(1, "finding"), item(2, "recommendation", themes=("voice-of-child", "was-not-brought"))]
    lay = briefings.layout({"title": "D", "template": "thematic-digest", "fields": {}, "items": items}, NAMES)
    assert lay.theme_name == "Was not brought" and lay.action_plan is None
    parts = {p.key: p for p in lay.parts}
    assert parts["definition"].generated == ["Was not brought: Children not taken to appointments."]
    assert parts["coverage"].generated == ["In this collection, 7 learning points in 4 documents carry this theme, "
                                           "published 2017–2023."]
    assert [q.item_id for q in parts["findings"].quotations] == [1]
    assert [q.item_id for q in parts["recommendations"].quotations] == [2]


def test_unknown_templates_and_overlong_text_are_refused():
    with pytest.raises(QueryError, match="unknown briefing template 'poster'"):
        briefings.template("poster")
    with pytest.raises(QueryError, match="at most"):
        briefings.check_text("note", "x" * (briefings.MAX_TEXT + 1))
    assert briefings.check_title("   ") == briefings.UNTITLED
