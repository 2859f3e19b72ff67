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
