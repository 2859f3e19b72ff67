"""The whoosh keyword index: BM25F over point text, section heading, document title,
list context and themes, with English stemming; phrase matches rank higher."""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from whoosh import index as windex
from whoosh import scoring
from whoosh.analysis import StemmingAnalyzer
from whoosh.fields import ID, KEYWORD, NUMERIC, TEXT, Schema
from whoosh.lang.porter import stem
from whoosh.query import Or, Phrase, Term

# Whoosh's default stop list drops "not", "no" and "may"; in this domain
# "was not brought" and "no recourse to public funds" depend on them.
STOP_WORDS = frozenset({
    "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "if", "in", "is", "it",
    "of", "on", "or", "that", "the", "this", "to", "with", "their", "there", "which", "was",
    "were", "been", "has", "have", "had", "its", "into", "than", "then", "these", "those",
    # question words: practitioners type questions ("how is neglect identified early")
    "how", "what", "why", "who", "does", "do", "did", "can", "should", "we", "i",
})
# equivalent phrasings match with a few words between ("missed health (and other) appointments"),
# except negated ones: "did not attend" must not match "did not wish to attend"
EXPANSION_SLOP = 3
NEGATION = frozenset({"not", "no", "never", "did", "was", "were"})
FIELD_BOOSTS = {"text": 1.0, "heading": 0.35, "context": 0.3, "title": 0.15, "themes": 0.3}


def analyzer():
    return StemmingAnalyzer(stoplist=STOP_WORDS, minsize=1)


def schema() -> Schema:
    a = analyzer()
    return Schema(
        id=NUMERIC(stored=True, unique=True, bits=64, signed=False),
        document=ID(stored=False),
        text=TEXT(analyzer=a, phrase=True, spelling=True),
        heading=TEXT(analyzer=a, phrase=True),
        context=TEXT(analyzer=a, phrase=True),
        title=TEXT(analyzer=a),
        themes=KEYWORD(lowercase=True, commas=False, scorable=True),
    )


def tokens(text: str) -> list[str]:
    return [t.text for t in analyzer()(text)]


class KeywordIndex:
    def __init__(self, folder: Path):
        self.folder = Path(folder) / "keyword"
        self._ix = None
        self._searcher = None

    def exists(self) -> bool:
        return windex.exists_in(str(self.folder))

    def meta(self) -> dict:
        f = self.folder / "kb-meta.json"
        return json.loads(f.read_text()) if f.exists() else {}

    def _set_meta(self, meta: dict) -> None:
        (self.folder / "kb-meta.json").write_text(json.dumps(meta))

    def open(self):
        if self._ix is None:
            self._ix = windex.open_dir(str(self.folder))
        return self._ix

    def searcher(self):
        if self._searcher is None:
            self._searcher = self.open().searcher(weighting=scoring.BM25F(B=0.4, K1=1.2))
        return self._searcher

    def close(self) -> None:
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None
        self._ix = None

    def build(self, batches, generation: int, progress=None) -> None:
        """Rebuild from scratch from batches of (point, document) dicts."""
        self.close()
        if self.folder.exists():
            shutil.rmtree(self.folder)
        self.folder.mkdir(parents=True)
        ix = windex.create_in(str(self.folder), schema())
        writer = ix.writer(limitmb=256, procs=1)
        for batch in batches:
            for point, doc in batch:
                writer.add_document(**_fields(point, doc))
            if progress:
                progress(len(batch))
        writer.commit(optimize=True)
        self._set_meta({"generation": generation})

    def replace_document(self, doc_id: str, rows, generation: int) -> None:
        ix = self.open()
        writer = ix.writer()
        writer.delete_by_term("document", doc_id)
        for point, doc in rows:
            writer.add_document(**_fields(point, doc))
        writer.commit()
        self._set_meta({"generation": generation})

    def remove_document(self, doc_id: str, generation: int) -> None:
        writer = self.open().writer()
        writer.delete_by_term("document", doc_id)
        writer.commit()
        self._set_meta({"generation": generation})

    # ------------------------------------------------------------ querying
    def build_query(self, query: str, expansions: list[str]):
        """Words of the query in any field (OR); the whole query as a phrase in the point's
        text (boosted); each glossary expansion as a phrase. (An all-words clause and phrases
        in headings and lead-ins changed no development-set score and cost a third of the
        time at 100,000 points, so they are gone.)"""
        clauses = []
        words = tokens(query)
        for field, boost in FIELD_BOOSTS.items():
            if field == "themes":
                continue
            for w in words:
                clauses.append(Term(field, w, boost=boost))
        if len(words) > 1:
            clauses.append(Phrase("text", words, boost=2.0, slop=1))
        for phrase in expansions:
            ew = tokens(phrase)
            if not ew:
                continue
            slop = 1 if NEGATION & set(phrase.lower().split()) else EXPANSION_SLOP
            for field, boost in (("text", 0.9), ("heading", 0.35), ("context", 0.3)):
                clauses.append(Phrase(field, ew, boost=boost * 1.5, slop=slop) if len(ew) > 1
                               else Term(field, ew[0], boost=boost))
        return Or(clauses) if clauses else None

    def search(self, query: str, expansions: list[str], limit: int) -> list[tuple[int, float]]:
        q = self.build_query(query, expansions)
        if q is None:
            return []
        s = self.searcher()
        results = s.search(q, limit=limit)
        return [(int(hit["id"]), float(hit.score)) for hit in results]

    def unknown_words(self, query: str) -> list[str]:
        s = self.searcher()
        reader = s.reader()
        out = []
        for word in re.findall(r"[A-Za-z][A-Za-z'-]+", query):
            w = word.lower()
            if w in STOP_WORDS or len(w) < 4:
                continue
            if not reader.frequency("text", stem(w)) and not reader.frequency("heading", stem(w)):
                out.append(word)
        return out

    def suggest(self, word: str) -> str | None:
        """The closest word of the corpus, by edit distance, for a misspelt query word."""
        s = self.searcher()
        corrector = s.corrector("text")
        found = corrector.suggest(word.lower(), limit=1, maxdist=2, prefix=1)
        return found[0] if found else None


def _fields(point: dict, doc: dict) -> dict:
    heading = point["section_path"].split(" › ")[-1] if point.get("section_path") else ""
    return {
        "id": point["id"],
        "document": doc["id"],
        "text": point["text"],
        "heading": heading,
        "context": point.get("context") or "",
        "title": doc.get("title") or "",
        "themes": " ".join(point.get("themes") or []),
    }
