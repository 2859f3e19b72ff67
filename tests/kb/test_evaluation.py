import math

from kb.evaluation import normalise, score_query


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
