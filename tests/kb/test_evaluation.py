import math

from kb.search.evaluation import normalise, score_query


def test_normalise_rule():
    assert normalise("The <u>child’s</u> 'Was Not Brought' policy!") == "the childs was not brought policy"


def test_scores_by_the_rule():
    gold = [("000", "alpha beta", 2), ("001", "gamma", 1)]
    ndcg, recall, mrr = score_query(["x", "Alpha, beta!", "gamma delta"], gold)
    dcg = 2 / math.log2(3) + 1 / math.log2(4)
    idcg = 2 / math.log2(2) + 1 / math.log2(3)
    assert ndcg == dcg / idcg and recall == 1.0 and mrr == 0.5


def test_each_gold_counts_once_and_text_cut_at_1000():
    gold = [("000", "alpha", 2)]
    assert score_query(["alpha", "alpha"], gold) == (1.0, 1.0, 1.0)
    assert score_query(["x" * 1000 + " alpha"], gold)[1] == 0.0


def test_scores_are_reported_per_kind_of_query():
    from kb.search.evaluation import QueryScore, by_kind

    scores = [QueryScore("1", "a", 1.0, 1.0, 1.0, "keyword"), QueryScore("2", "b", 0.5, 0.0, 0.0, "keyword"),
              QueryScore("3", "c", 0.2, 0.4, 0.5, "paraphrase"), QueryScore("4", "d", 0.9, 0.9, 0.9)]
    kinds = by_kind(scores)
    assert list(kinds) == ["keyword", "paraphrase"]
    assert kinds["keyword"]["ndcg@10"] == 0.75 and kinds["keyword"]["queries"] == 2
    assert kinds["paraphrase"]["mrr"] == 0.5


def test_rewordings_take_the_gold_of_the_query_they_reword(tmp_path):
    import json

    from kb.search.evaluation import default_rewordings, load_rewordings

    queries = [{"id": "d01", "query": "was not brought", "gold": [["000", "was not brought", 2]]}]
    f = tmp_path / "variants.json"
    f.write_text(json.dumps({"variants": [{"id": "d01p", "of": "d01", "kind": "paraphrase", "query": "missed visits"},
                                          {"id": "d99p", "of": "d99", "kind": "paraphrase", "query": "other"}]}))
    out = load_rewordings(f, queries)
    assert [(v["id"], v["gold"]) for v in out] == [("d01p", [["000", "was not brought", 2]])]  # d99: no such query
    shipped = json.loads(default_rewordings().read_text())["variants"]
    assert {v["kind"] for v in shipped} == {"paraphrase", "question", "acronym", "typo"} and len(shipped) >= 40
