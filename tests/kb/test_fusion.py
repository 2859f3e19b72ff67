import pytest

from kb.search.fusion import apply_prior, dedupe, diversify, rrf


def test_rrf_sums_reciprocal_ranks():
    fused = dict(rrf([["a", "b", "c"], ["b", "d"]], k=60))
    assert fused["b"] == pytest.approx(1 / 62 + 1 / 61)
    assert fused["a"] == pytest.approx(1 / 61)
    assert fused["d"] == pytest.approx(1 / 62)


def test_rrf_order_and_weights():
    assert [i for i, _ in rrf([["a", "b"], ["b", "a"]], weights=[2.0, 1.0])] == ["a", "b"]
    assert [i for i, _ in rrf([["a", "b"], ["b", "a"]], weights=[1.0, 2.0])] == ["b", "a"]
    with pytest.raises(ValueError):
        rrf([["a"]], weights=[1.0, 2.0])


def test_rrf_ties_keep_first_appearance():
    assert [i for i, _ in rrf([["x"], ["y"]])] == ["x", "y"]


def test_diversify_caps_one_document_in_top():
    scored = [(i, 1.0 - i / 100) for i in range(12)]
    groups = {i: ("A" if i < 9 else "B") for i in range(12)}
    out = diversify(scored, groups, max_per_group=6, top=10)
    top = [i for i, _ in out[:10]]
    # the three B items move up; only when nothing else is left does a seventh A fill the list
    assert top == [0, 1, 2, 3, 4, 5, 9, 10, 11, 6]
    more = [(i, 1.0 - i / 100) for i in range(20)]
    groups2 = {i: ("A" if i < 9 else f"B{i}") for i in range(20)}
    top2 = [i for i, _ in diversify(more, groups2, max_per_group=6, top=10)[:10]]
    assert sum(groups2[i] == "A" for i in top2) == 6
    assert sorted(i for i, _ in out) == list(range(12))


def test_diversify_leaves_varied_lists_alone():
    scored = [(i, 1.0) for i in range(5)]
    assert diversify(scored, {i: i for i in range(5)}) == scored


def test_prior_and_dedupe():
    out = apply_prior([("a", 1.0), ("b", 0.9)], {"a": 0.5})
    assert [i for i, _ in out] == ["b", "a"]
    assert dedupe([("a", 1), ("b", 1), ("c", 1)], {"a": "x", "b": "x", "c": "y"}) == [("a", 1), ("c", 1)]


def test_near_repeats_are_shown_once_in_the_top():
    from kb.search.fusion import drop_near_repeats

    words = {"a": set("the bscp leads the safeguarding agenda and is curious".split()),
             "b": set("outcome the bscp leads the safeguarding agenda and is curious".split()),  # a again
             "c": set("health visitors and school nurses".split()),
             "d": set("agencies said health visitors and school nurses missed conferences".split()),
             "e": set("fathers were not invited".split())}
    scored = [("a", 5), ("b", 4), ("d", 3), ("c", 2), ("e", 1)]
    assert drop_near_repeats(scored, words) == [("a", 5), ("d", 3), ("e", 1)]  # c: a label repeating d
    assert drop_near_repeats(scored, words, top=1) == [("a", 5)] + scored[1:]  # below the top: untouched
    assert drop_near_repeats([("x", 1), ("y", 1)], {"x": {"ok"}, "y": {"ok"}}) == [("x", 1), ("y", 1)]  # too short


def test_leading_label_needs_enough_items_and_a_clear_lead():
    from kb.search.fusion import leading_label

    page = [["voice"], ["voice", "neglect"], ["voice"], ["voice", "voice"], ["neglect"], []]
    assert leading_label(page, minimum=4) == "voice"  # an item's repeated label counts once
    assert leading_label(page, minimum=5) is None
    assert leading_label([["a"], ["a"], ["b"], ["b"]], minimum=2) is None  # a tie: no lead
    assert leading_label([], minimum=1) is None
