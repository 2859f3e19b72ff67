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
