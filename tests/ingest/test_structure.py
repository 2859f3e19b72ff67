from kb.ingest.structure import HEADING, ITEM, PARAGRAPH, TABLE_ROW, clean_inline, join_lines, parse_text


def kinds(doc):
    return [(b.kind, b.text) for b in doc.blocks]


def test_bullet_glyphs_become_items_without_their_markers():
    doc = parse_text("KEY FINDINGS\n\n- ◉ Effective challenge\n- ❖ **Home visits:** seen at home\n- ① 1/ What are the barriers?\n")
    assert kinds(doc)[1:] == [(ITEM, "Effective challenge"), (ITEM, "Home visits: seen at home"),
                              (ITEM, "1/ What are the barriers?")]


def test_all_caps_line_is_a_heading_and_a_colon_line_is_not():
    doc = parse_text("Intro text here.\n\nTABLETOP REVIEWS\n\nSpecific learning included:\n\n- One\n- Two\n")
    assert doc.blocks[1].kind == HEADING and doc.blocks[1].text == "TABLETOP REVIEWS"
    assert doc.blocks[2].kind == PARAGRAPH


def test_markup_quirks_are_cleaned():
    assert clean_inline("See [our guidance](#) and <i>this</i> <u>now</u> *really*") == "See our guidance and this now really"


def test_hyphenated_words_rejoined_but_prefix_hyphens_kept():
    assert join_lines(["the assess-", "ment was late"]) == "the assessment was late"
    assert join_lines(["a multi-", "agency meeting"]) == "a multi-agency meeting"


def test_tab_separated_rows_are_table_rows_with_header():
    doc = parse_text("Intro.\n\nRecommendation\tAction to be taken\n\nConsult other CDOPs\tSPOC to contact them\n")
    rows = [b for b in doc.blocks if b.kind == TABLE_ROW]
    assert rows[1].cells == ["Consult other CDOPs", "SPOC to contact them"]
    assert rows[1].header == ["Recommendation", "Action to be taken"]


def test_a_table_keeps_its_rows_apart_across_a_group_row_and_starred_cells():
    # a group row whose empty cells went with its trailing tabs, and footnote stars on names
    doc = parse_text("Course Title\tSessions\tAttendees\nFace to face classroom learning\n"
                     "Group 3 Safeguarding Children\t4\t73\n*Domestic Abuse Foundation\t4\t33\n"
                     "*What Is Sexual Violence?\t1\t6\nPrivate Fostering\t2\t19\n")
    rows = [b for b in doc.blocks if b.kind == TABLE_ROW]
    assert [r.text for r in rows] == ["Course Title | Sessions | Attendees", "Face to face classroom learning",
                                      "Group 3 Safeguarding Children | 4 | 73", "Domestic Abuse Foundation | 4 | 33",
                                      "What Is Sexual Violence? | 1 | 6", "Private Fostering | 2 | 19"]
    assert rows[-1].header == ["Course Title", "Sessions", "Attendees"]


def test_lines_with_a_stray_tab_are_not_a_table():
    doc = parse_text("We met the family.\tThey were keen.\nThe plan was agreed at the conference and reviewed.\n"
                     "Nobody asked the children what they thought of it.\n")
    assert [b.kind for b in doc.blocks] == [PARAGRAPH]


def test_navigation_menu_repeated_on_pages_is_dropped():
    menu = "The Partnership\n\nCommunication\n\nLearning &\nImprovement\n\nPriorities\n\n"
    text = "Intro paragraph.\n\n" + (menu + "Some page text about the partnership.\n\n") * 4
    doc = parse_text(text)
    assert all(b.text not in ("Communication", "Priorities", "Learning & Improvement") for b in doc.blocks)
    assert sum(b.text == "Some page text about the partnership." for b in doc.blocks) == 4


def test_paragraph_broken_by_page_break_is_rejoined():
    doc = parse_text("HEADING\n\nIt is published too late\n\n\n\nto inform a response.\n")
    assert doc.blocks[-1].text == "It is published too late to inform a response."


def test_markdown_headings_give_levels():
    doc = parse_text("# Review\n\n## Findings\n\nText here.\n")
    assert [(b.kind, b.level) for b in doc.blocks[:2]] == [(HEADING, 1), (HEADING, 2)]


def test_words_private_use_bullets_are_separate_items_with_their_lead_in():
    from kb.ingest.points import extract_points

    text = ("SAFER SLEEP\n\nThe NHS advises that parents should:\n\uf0b7 put the baby to sleep on their back\n"
            "\uf0b7\tkeep the cot clear of bumpers and pillows\no\tnever share a sofa with the baby\n\n"
            "Professionals gave this advice at every contact.\n")
    _sections, points = extract_points(parse_text(text))
    items = [p for p in points if p.kind == "item"]
    assert [p.text for p in items] == ["put the baby to sleep on their back",
                                          "keep the cot clear of bumpers and pillows",
                                          "never share a sofa with the baby"]
    assert all(p.context == "The NHS advises that parents should:" for p in items)
    after = next(p for p in points if p.text.startswith("Professionals gave"))
    assert after.kind == "paragraph" and not after.context
    assert not any("\uf0b7" in p.text for p in points)
