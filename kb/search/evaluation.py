"""Search quality by the development set's scoring rule: nDCG@10, recall@10, MRR."""
from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from kb.core.errors import KBError


def normalise(text: str) -> str:
    text = text.lower()
    text = re.sub(r"<[^>]+>", "", text)
    text = text.replace("'", "").replace("’", "").replace("‘", "")
    return " ".join(re.findall(r"[a-z0-9]+", text))


def words(text: str) -> str:
    """Lower-case words only: how a labelled point's opening is matched to a stored point."""
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


@dataclass
class QueryScore:
    id: str
    query: str
    ndcg: float
    recall: float
    mrr: float
    kind: str = ""  # keyword, paraphrase, question, acronym, typo ... as the query file says
    of: str = ""    # for a rewording: the id of the query whose need (and gold) it shares


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


BUNDLED_CORPUS = Path(__file__).resolve().parents[2] / "corpus"  # the seed documents, as scripts/run.sh ingests them
LABELS = BUNDLED_CORPUS / "labels"  # the project's labelled sets, judged on the bundled corpus


def read_list(path: str | Path, key: str, what: str) -> object:
    """The list under `key` of a JSON file (or the file's own list); a readable error otherwise."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise KBError(f"{path}: cannot read {what} ({exc})") from None
    return data.get(key) if isinstance(data, dict) else data


def load_queries(path: str | Path) -> list[dict]:
    queries = read_list(path, "queries", "the query file")
    if not isinstance(queries, list) or not all("query" in q and "gold" in q for q in queries):
        raise KBError(f"{path}: expected {{'queries': [{{'id', 'query', 'gold'}}, ...]}}")
    return queries


def default_rewordings() -> Path:
    return LABELS / "query_variants.json"


def load_rewordings(path: str | Path, queries: list[dict]) -> list[dict]:
    """Other wordings of a graded set's queries ({'variants': [{'id', 'of', 'kind', 'query'}]}),
    each given the gold list of the query it rewords (`of`), so it grows with that set's pooling.
    Rewordings of queries the set does not have are left out."""
    variants = read_list(path, "variants", "the rewordings file")
    if not isinstance(variants, list) or not all("query" in v and "of" in v for v in variants):
        raise KBError(f"{path}: expected {{'variants': [{{'id', 'of', 'kind', 'query'}}, ...]}}")
    gold = {q.get("id"): q["gold"] for q in queries}
    return [dict(v, gold=gold[v["of"]]) for v in variants if v["of"] in gold]


def evaluate(queries: list[dict], search: Callable[[str], list[str]]) -> list[QueryScore]:
    scores = []
    for i, q in enumerate(queries):
        passages = search(q["query"])
        ndcg, recall, mrr = score_query(passages, [tuple(g) for g in q["gold"]])
        scores.append(QueryScore(q.get("id", str(i + 1)), q["query"], ndcg, recall, mrr, q.get("kind") or "",
                                 q.get("of") or ""))
    return scores


def by_kind(scores: list[QueryScore]) -> dict[str, dict[str, float]]:
    """The mean scores of each kind of query (queries without a kind are left out)."""
    kinds: dict[str, list[QueryScore]] = {}
    for s in scores:
        if s.kind:
            kinds.setdefault(s.kind, []).append(s)
    return {kind: mean(group) for kind, group in sorted(kinds.items())}


def mean(scores: list[QueryScore]) -> dict[str, float]:
    n = len(scores) or 1
    return {"ndcg@10": sum(s.ndcg for s in scores) / n, "recall@10": sum(s.recall for s in scores) / n,
            "mrr": sum(s.mrr for s in scores) / n, "queries": len(scores)}


# ------------------------------------------------------------ theme tagging
@dataclass
class ThemeScore:
    theme: str
    support: int     # labelled points carrying the theme
    predicted: int   # points the tagger gave the theme
    correct: int

    @property
    def precision(self) -> float:
        return self.correct / self.predicted if self.predicted else (1.0 if not self.support else 0.0)

    @property
    def recall(self) -> float:
        return self.correct / self.support if self.support else (1.0 if not self.predicted else 0.0)

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class ThemeReport:
    themes: list[ThemeScore]
    points: int
    statement_correct: int
    statement_labelled: int
    unmatched: list[str]
    errors: list[dict]

    def macro(self) -> dict[str, float]:
        """Mean over every theme that is labelled or predicted at least once."""
        scored = [t for t in self.themes if t.support or t.predicted]
        n = len(scored) or 1
        return {"precision": sum(t.precision for t in scored) / n, "recall": sum(t.recall for t in scored) / n,
                "f1": sum(t.f1 for t in scored) / n, "themes": len(scored)}

    def micro(self) -> dict[str, float]:
        tp = sum(t.correct for t in self.themes)
        pred = sum(t.predicted for t in self.themes)
        gold = sum(t.support for t in self.themes)
        p, r = (tp / pred if pred else 0.0), (tp / gold if gold else 0.0)
        return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0}

    @property
    def statement_accuracy(self) -> float:
        return self.statement_correct / self.statement_labelled if self.statement_labelled else 0.0


def default_theme_labels() -> Path:
    """The project's labelled set of the bundled corpus (corpus/labels/themes.json)."""
    return LABELS / "themes.json"


def load_theme_labels(path: str | Path) -> list[dict]:
    items = read_list(path, "points", "the labelled set")
    if not isinstance(items, list) or not all(isinstance(i, dict) and {"document", "text", "themes"} <= set(i)
                                              for i in items):
        raise KBError(f"{path}: expected {{'points': [{{'document', 'text', 'themes', 'statement_type'}}, ...]}}")
    return items


def evaluate_themes(labels: list[dict], find_point: Callable[[str, str], dict | None],
                    theme_slugs: list[str]) -> ThemeReport:
    """Compare the themes (and statement types) of labelled points with what the store holds.

    `find_point(document id, start of text)` returns the stored point or None."""
    scores = {slug: ThemeScore(slug, 0, 0, 0) for slug in theme_slugs}
    unmatched, errors = [], []
    st_ok = st_n = matched = 0
    for item in labels:
        point = find_point(item["document"], item["text"])
        if point is None:
            unmatched.append(f"{item['document']}: {item['text'][:60]}")
            continue
        matched += 1
        gold, got = set(item["themes"]), set(point.get("themes") or [])
        for slug in gold | got:
            s = scores.setdefault(slug, ThemeScore(slug, 0, 0, 0))
            s.support += slug in gold
            s.predicted += slug in got
            s.correct += slug in gold and slug in got
        if item.get("statement_type"):
            st_n += 1
            st_ok += point.get("statement_type") == item["statement_type"]
        if gold != got or (item.get("statement_type") and point.get("statement_type") != item["statement_type"]):
            errors.append({"id": point["id"], "text": point["text"], "missing": sorted(gold - got),
                           "extra": sorted(got - gold), "statement_type": point.get("statement_type"),
                           "labelled_type": item.get("statement_type")})
    return ThemeReport(sorted(scores.values(), key=lambda s: s.theme), matched, st_ok, st_n, unmatched, errors)
