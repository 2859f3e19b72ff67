"""Search quality by the development set's scoring rule: nDCG@10, recall@10, MRR."""
from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from .errors import KBError


def normalise(text: str) -> str:
    text = text.lower()
    text = re.sub(r"<[^>]+>", "", text)
    text = text.replace("'", "").replace("’", "").replace("‘", "")
    return " ".join(re.findall(r"[a-z0-9]+", text))


@dataclass
class QueryScore:
    id: str
    query: str
    ndcg: float
    recall: float
    mrr: float


def score_query(passages: list[str], gold: list[tuple[str, str, int]], k: int = 10) -> tuple[float, float, float]:
    """Score one query's ranked passages against its gold items (doc prefix, text, grade)."""
    norm_passages = [normalise(p[:1000]) for p in passages[:k]]
    found: set[int] = set()
    gains = [0.0] * len(norm_passages)
    first_high = None
    for rank, passage in enumerate(norm_passages):
        for gi, (_prefix, text, grade) in enumerate(gold):
            if gi in found:
                continue
            if normalise(text) in passage:
                found.add(gi)
                gains[rank] += grade
                if grade == 2 and first_high is None:
                    first_high = rank + 1
    dcg = sum(g / math.log2(r + 2) for r, g in enumerate(gains))
    ideal = sorted((g for _, _, g in gold), reverse=True)[:k]
    idcg = sum(g / math.log2(r + 2) for r, g in enumerate(ideal))
    ndcg = min(1.0, dcg / idcg) if idcg else 0.0
    total = sum(g for _, _, g in gold)
    recall = sum(gold[i][2] for i in found) / total if total else 0.0
    mrr = 1.0 / first_high if first_high else 0.0
    return ndcg, recall, mrr


def load_queries(path: str | Path) -> list[dict]:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise KBError(f"{path}: cannot read the query file ({exc})") from None
    queries = data.get("queries") if isinstance(data, dict) else data
    if not isinstance(queries, list) or not all("query" in q and "gold" in q for q in queries):
        raise KBError(f"{path}: expected {{'queries': [{{'id', 'query', 'gold'}}, ...]}}")
    return queries


def evaluate(queries: list[dict], search: Callable[[str], list[str]]) -> list[QueryScore]:
    scores = []
    for i, q in enumerate(queries):
        passages = search(q["query"])
        ndcg, recall, mrr = score_query(passages, [tuple(g) for g in q["gold"]])
        scores.append(QueryScore(q.get("id", str(i + 1)), q["query"], ndcg, recall, mrr))
    return scores


def mean(scores: list[QueryScore]) -> dict[str, float]:
    n = len(scores) or 1
    return {"ndcg@10": sum(s.ndcg for s in scores) / n, "recall@10": sum(s.recall for s in scores) / n,
            "mrr": sum(s.mrr for s in scores) / n, "queries": len(scores)}
