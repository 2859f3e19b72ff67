"""Recurring-finding groups as a pure function of points, tags and vectors."""
import numpy as np

from kb.analysis.recurring import find_groups, threshold


def point(pid, doc, year, theme, conf=0.9, stype="finding"):
    return {"id": pid, "document_id": doc, "year": year, "statement_type": stype,
            "theme_tags": [{"theme": theme, "confidence": conf}]}


def unit(*xs):
    v = np.array(xs, dtype=np.float32)
    return v / np.linalg.norm(v)


def test_groups_need_similar_points_from_different_documents_and_rank_by_documents():
    points = [point(1, "a", 2020, "was-not-brought"), point(2, "b", 2023, "was-not-brought"),
              point(3, "c", 2019, "was-not-brought"), point(4, "a", 2020, "housing"),
              point(5, "b", 2021, "housing"), point(6, "a", 2020, "housing"),
              point(7, "d", 2018, "was-not-brought", conf=0.62),   # meaning alone: not counted
              point(8, "e", 2018, "was-not-brought", stype="context")]  # background: not counted
    vectors = np.stack([unit(1, 0.1, 0), unit(1, 0.2, 0), unit(1, 0, 0.1), unit(0, 1, 0), unit(0.1, 1, 0),
                        unit(0, 0, 1), unit(1, 0, 0), unit(1, 0, 0)])
    groups = find_groups(points, vectors)
    assert [g.documents for g in groups] == [["a", "b", "c"], ["a", "b"]]
    assert groups[0].themes == ["was-not-brought"] and groups[0].years == [2019, 2020, 2023]
    assert 6 not in groups[1].points  # not close enough to the seed
    assert find_groups(points, vectors, min_docs=3)[0].documents == ["a", "b", "c"]
    assert [g.themes for g in find_groups(points, vectors, themes=["housing"])] == [["housing"]]


def test_broad_themes_need_closer_meaning():
    assert threshold(5) < threshold(30) < threshold(60) == threshold(200)


def test_actions_taken_stay_out_and_good_practice_is_its_own_kind():
    points = [point(1, "a", 2020, "supervision"), point(2, "b", 2021, "supervision"),
              point(3, "c", 2022, "supervision", stype="action-taken"),   # a response, not the finding again
              point(4, "d", 2022, "supervision", stype="good-practice"),  # close in meaning, the opposite
              point(5, "e", 2023, "supervision", stype="good-practice")]
    vectors = np.stack([unit(1, 0.05, 0)] * 5)
    groups = find_groups(points, vectors)
    assert sorted(sorted(g.points) for g in groups) == [[1, 2], [4, 5]]
    assert {g.kind for g in groups if 4 in g.points} == {"good-practice"}


def test_recommendations_recur_as_their_own_kind_apart_from_the_findings_they_answer():
    points = [point(1, "a", 2020, "information-sharing"), point(2, "b", 2021, "information-sharing"),
              point(3, "c", 2022, "information-sharing", stype="recommendation"),
              point(4, "d", 2023, "information-sharing", stype="recommendation")]
    groups = find_groups(points, np.stack([unit(1, 0.05, 0)] * 4))
    assert sorted((g.kind, sorted(g.points)) for g in groups) == [("finding", [1, 2]), ("recommendation", [3, 4])]


def test_pairwise_precision_recall_and_pure_top_groups():
    from kb.analysis.recurring_eval import evaluate

    def pair(a, b, label):
        return {"a": {"document": "d", "text": a}, "b": {"document": "d", "text": b}, "label": label}

    ids = {"gp": 1, "gp2": 2, "school": 3, "fathers": 4, "fathers2": 5}
    groups = [{"points": [{"id": 1}, {"id": 2}, {"id": 3}]}, {"points": [{"id": 4}]}]
    pairs = [pair("gp", "gp2", "same-finding"), pair("gp", "school", "same-topic"),
             pair("fathers", "fathers2", "same-finding"), pair("gp", "missing", "unrelated")]
    r = evaluate(pairs, groups, lambda _doc, text: ids.get(text))
    assert (r.grouped, r.grouped_same, r.same_finding) == (2, 1, 2)
    assert r.precision == 0.5 and r.recall == 0.5
    assert (r.top_groups_labelled, r.top_groups_pure) == (1, 0) and r.unmatched == ["d: missing"]


def test_groups_with_the_same_representative_under_two_themes_are_one():
    points = [dict(point(1, "a", 2020, "education"), theme_tags=[{"theme": "education", "confidence": 0.9},
                                                              {"theme": "multi-agency", "confidence": 0.9}]),
              point(2, "b", 2021, "education"), point(3, "c", 2022, "education"),
              point(4, "d", 2022, "multi-agency"), point(5, "e", 2023, "multi-agency")]
    vectors = np.stack([unit(1, 0, 0), unit(1, 0.1, 0), unit(1, 0.12, 0), unit(1, -0.1, 0), unit(1, -0.12, 0)])
    groups = find_groups(points, vectors)
    assert len(groups) == 1 and groups[0].themes == ["education", "multi-agency"] and groups[0].seed == 1
