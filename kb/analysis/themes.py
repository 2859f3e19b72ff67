"""Theme tagging: which safeguarding themes a learning point is about, and why.

Evidence, strongest first:

* a trigger phrase of the theme in the point's own text (matched on word
  stems, small gaps allowed: "missed health (and other) appointments" matches
  "missed appointments"), or a phrasing the glossary says is equivalent;
* a trigger in the point's nearest heading or in the last sentence of its list
  lead-in (a bullet under "Voice of the child" inherits that theme);
* semantic similarity of the point's embedding to the theme's name,
  description and exemplars (catches paraphrases: "children not taken to their
  health appointments").

Weak triggers ("MASH", "school", "young people") count only when the point is
also semantically close to the theme, so a passage that merely names the MASH
is not thereby about thresholds. Exclude phrases mask words that look like a
trigger but are not ("threshold for a CSPR").

`ThemeTagger.tag` is pure given the vectors; nothing here touches the store.
"""
from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from pathlib import Path
from dataclasses import dataclass

import numpy as np

from kb.search.embedding import Embedder
from kb.search.glossary import Glossary
from kb.analysis.statements import headings_of, lead_in_sentence
from kb.analysis.taxonomy import Taxonomy, Theme

# Confidence of each kind of evidence; a theme is assigned at MIN_CONFIDENCE.
TEXT_CONFIDENCE = 0.9
LEAD_IN_CONFIDENCE = 0.75
HEADING_CONFIDENCE = 0.7
MIN_CONFIDENCE = 0.5
# Cosine similarity (normalised MiniLM vectors) to the closest of a theme's
# prototypes: alone enough at SEMANTIC_ALONE, enough to back a weak trigger at
# SEMANTIC_SUPPORT. Chosen on the project's labelled set (`kb eval-themes`).
SEMANTIC_ALONE = 0.62
SEMANTIC_MARGIN = 0.2  # ...and this far above the point's mean similarity to all themes,
SEMANTIC_TOP = 0.05    # ...and within this of its closest theme (short texts are close to many)
SEMANTIC_SUPPORT = 0.45
MAX_GAP = 3          # words skipped at most between two content words of a trigger
PRIMARY_THEMES = 3   # document-level themes kept

# Words that may be skipped between two content words of a trigger ("missed
# health (and other) appointments" matches "missed appointments"); a trigger's
# own function words must be adjacent to their neighbours ("did not attend"
# does not match "did not wish to attend", "children in care" does not match
# "children's social care").
_FUNCTION = frozenset("""a an the of to and or in on for with by at from as into about their his her its
this that these those it be is are was were been being which who whom whose any all such other not no did
do does has have had""".split())
MAX_SKIPPED_CONTENT = 1
_WORD = re.compile(r"[A-Za-z0-9]+")
_ACRONYM = re.compile(r"^[A-Z][A-Z0-9&]{1,7}s?$")


@dataclass(frozen=True)
class ThemeTag:
    theme: str
    confidence: float
    reason: str


@dataclass(frozen=True)
class _Trigger:
    phrase: str
    stems: tuple[str, ...]
    acronym: str | None  # matched case-sensitively on the raw word
    weak: bool


def _norm(word: str) -> str:
    """A light stem: lower case, plural and possessive endings off ("appointments" = "appointment").

    Deliberately lighter than Porter: "housing" must not match "in-house"."""
    w = word.lower()
    if len(w) > 4 and w.endswith("ies"):
        return w[:-3] + "y"
    if len(w) > 4 and w.endswith(("ches", "shes", "sses", "xes")):
        return w[:-2]
    if len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is")):
        return w[:-1]
    return w


_ARTICLES = frozenset({"s", "the", "a", "an"})


def _tokens(text: str) -> list[tuple[str, str]]:
    """(raw word, light stem) pairs; the possessive 's and the articles are dropped: "voice of
    child" and "a child's voice" say what "voice of the child" and "child's voice" say."""
    text = text.replace("’", "'")
    return [(m.group(), _norm(m.group())) for m in _WORD.finditer(text) if m.group().lower() not in _ARTICLES]


def _compile(phrase: str, weak: bool) -> _Trigger | None:
    phrase = phrase.strip()
    if _ACRONYM.match(phrase) and not phrase.istitle():
        return _Trigger(phrase, (), phrase.rstrip("s") if phrase.endswith("s") and phrase[:-1].isupper() else phrase,
                        weak)
    stems = tuple(s for _, s in _tokens(phrase))
    return _Trigger(phrase, stems, None, weak) if stems else None


class _Text:
    """A text prepared for trigger matching: stems with their positions, raw words."""

    def __init__(self, text: str):
        toks = _tokens(text or "")
        self.stems = [s for _, s in toks]
        self.raw = {r for r, _ in toks}
        self.where: dict[str, list[int]] = defaultdict(list)
        for i, s in enumerate(self.stems):
            self.where[s].append(i)

    def mask(self, trigger: _Trigger) -> "_Text":
        """A copy with the words of `trigger`'s matches removed (exclude phrases)."""
        spans = self._spans(trigger)
        if not spans:
            return self
        drop = {i for span in spans for i in span}
        out = _Text("")
        out.stems = [s for i, s in enumerate(self.stems) if i not in drop]
        out.raw = self.raw
        for i, s in enumerate(out.stems):
            out.where[s].append(i)
        return out

    def _spans(self, trigger: _Trigger) -> list[list[int]]:
        if trigger.acronym:
            return []
        spans = []
        words = trigger.stems
        for start in self.where.get(words[0], ()):
            span = [start]
            for k in range(1, len(words)):
                prev, want = span[-1], words[k]
                adjacent_only = words[k - 1] in _FUNCTION or want in _FUNCTION
                limit = 1 if adjacent_only else 1 + MAX_GAP
                nxt = next((i for i in self.where.get(want, ()) if prev < i <= prev + limit
                            and sum(self.stems[j] not in _FUNCTION for j in range(prev + 1, i))
                            <= MAX_SKIPPED_CONTENT), None)
                if nxt is None:
                    break
                span.append(nxt)
            else:
                spans.append(span)
        return spans

    def matches(self, trigger: _Trigger) -> bool:
        if trigger.acronym:
            return trigger.acronym in self.raw or trigger.acronym + "s" in self.raw
        return bool(self._spans(trigger))


class ThemeTagger:
    """Tags learning points with themes from a taxonomy (see the module notes)."""

    def __init__(self, taxonomy: Taxonomy, glossary: Glossary, embedder: Embedder | None = None,
                 cache_dir: Path | None = None):
        self.taxonomy = taxonomy
        self.embedder = embedder
        self.cache_dir = cache_dir  # keeps the prototypes' embeddings, so a search need not load the model
        self.triggers: dict[str, list[_Trigger]] = {}  # theme slug → its strong triggers
        self.weak: dict[str, list[_Trigger]] = {}
        self.excludes: dict[str, list[_Trigger]] = {}
        for theme in taxonomy.themes:
            compiled: dict[str, _Trigger] = {}
            for weak, phrases in ((False, theme.triggers), (True, theme.weak)):
                for phrase in phrases:
                    for variant in [phrase] + ([] if weak else glossary.expand(phrase)):
                        trig = _compile(variant, weak)
                        key = trig and (trig.acronym or " ".join(trig.stems))
                        if trig and key not in compiled:
                            compiled[key] = trig
            self.triggers[theme.slug] = [t for t in compiled.values() if not t.weak]
            self.weak[theme.slug] = [t for t in compiled.values() if t.weak]
            self.excludes[theme.slug] = [t for t in (_compile(p, False) for p in theme.exclude) if t]
        self._prototypes: tuple[np.ndarray, np.ndarray] | None = None

    # ------------------------------------------------------------ semantic
    def _prototype_matrix(self) -> tuple[np.ndarray, np.ndarray]:
        """Embeddings of every theme's prototypes and the theme index of each row."""
        if self._prototypes is None:
            texts, owner = [], []
            for i, theme in enumerate(self.taxonomy.themes):
                for t in _prototype_texts(theme):
                    texts.append(t)
                    owner.append(i)
            key = hashlib.sha256("\n".join([self.embedder.name, *texts]).encode()).hexdigest()[:16]
            cached = self.cache_dir / f"theme-prototypes-{key}.npy" if self.cache_dir else None
            if cached is not None and cached.exists():
                vecs = np.load(cached)
            else:
                vecs = np.asarray(self.embedder.encode(texts), dtype=np.float32)
                if cached is not None:
                    tmp = cached.with_suffix(".tmp.npy")
                    np.save(tmp, vecs)
                    tmp.replace(cached)
            self._prototypes = (np.asarray(vecs, dtype=np.float32), np.asarray(owner))
        return self._prototypes

    def similarities(self, vectors: np.ndarray) -> np.ndarray:
        """(points × themes) similarity to each theme's closest prototype; zeros without an embedder."""
        n_themes = len(self.taxonomy.themes)
        if self.embedder is None or vectors is None or not len(vectors):
            return np.zeros((0 if vectors is None else len(vectors), n_themes), dtype=np.float32)
        protos, owner = self._prototype_matrix()
        sims = np.asarray(vectors, dtype=np.float32) @ protos.T
        out = np.full((len(vectors), n_themes), -1.0, dtype=np.float32)
        for j in range(n_themes):
            cols = owner == j
            if cols.any():
                out[:, j] = sims[:, cols].max(axis=1)
        return out

    # ------------------------------------------------------------ tagging
    def tag(self, points: list[dict], vectors: np.ndarray | None, title: str = "") -> list[list[ThemeTag]]:
        """Themes of each point (dicts with text, context and section_path), best first.

        `title` is the document's: a heading that only repeats it names the whole
        document, not the section, and passes no theme on."""
        sims = self.similarities(vectors) if vectors is not None else None
        title_words = {s for _, s in _tokens(title)} - _FUNCTION
        out = []
        for i, point in enumerate(points):
            row = sims[i] if sims is not None and len(sims) else None
            out.append(self._tag_one(point, row, title_words))
        return out

    def _tag_one(self, point: dict, sims: np.ndarray | None, title_words: set[str]) -> list[ThemeTag]:
        text = _Text(point.get("text", ""))
        lead = _Text(lead_in_sentence(point.get("context")) or "")
        heading_text = (headings_of(point.get("section_path")) or [""])[-1]
        heading_words = {s for _, s in _tokens(heading_text)} - _FUNCTION
        if heading_words and len(heading_words & title_words) >= 0.6 * len(heading_words):
            heading_text = ""
        heading = _Text(heading_text)
        tags = []
        mean = float(sims.mean()) if sims is not None else 0.0
        best = float(sims.max()) if sims is not None else 0.0
        for j, theme in enumerate(self.taxonomy.themes):
            sim = float(sims[j]) if sims is not None else 0.0
            alone_ok = sim - mean >= SEMANTIC_MARGIN and sim >= best - SEMANTIC_TOP
            tag = self._evidence(theme, text, lead, heading, heading_text, sim, alone_ok)
            if tag and tag.confidence >= MIN_CONFIDENCE:
                tags.append(tag)
        tags.sort(key=lambda t: -t.confidence)
        return tags

    def _evidence(self, theme: Theme, text: _Text, lead: _Text, heading: _Text, heading_text: str,
                  sim: float, alone_ok: bool) -> ThemeTag | None:
        for ex in self.excludes[theme.slug]:
            text, lead, heading = text.mask(ex), lead.mask(ex), heading.mask(ex)
        strong, weak = self.triggers[theme.slug], self.weak[theme.slug]
        hit = next((t for t in strong if text.matches(t)), None)
        if hit:
            return ThemeTag(theme.slug, TEXT_CONFIDENCE, f"mentions '{hit.phrase}'")
        hit = next((t for t in strong if lead.matches(t)), None)
        if hit:
            return ThemeTag(theme.slug, LEAD_IN_CONFIDENCE, f"lead-in mentions '{hit.phrase}'")
        hit = next((t for t in strong if heading.matches(t)), None)
        if hit:
            return ThemeTag(theme.slug, HEADING_CONFIDENCE, f"under heading '{heading_text}'")
        if sim >= SEMANTIC_SUPPORT:
            hit = next((t for t in weak if text.matches(t) or lead.matches(t) or heading.matches(t)), None)
            if hit:
                return ThemeTag(theme.slug, round(0.55 + 0.3 * sim, 3),
                                f"mentions '{hit.phrase}' and is close in meaning to the theme ({sim:.2f})")
        if sim >= SEMANTIC_ALONE and alone_ok:
            return ThemeTag(theme.slug, round(min(0.85, sim), 3),
                            f"close in meaning to the theme's description and examples ({sim:.2f})")
        return None


def primary_themes(point_tags: list[list[ThemeTag]], statement_types: list[str | None],
                   limit: int = PRIMARY_THEMES) -> list[str]:
    """A document's main themes: summed confidence over its points, background points counting half."""
    score: Counter[str] = Counter()
    count: Counter[str] = Counter()
    for tags, stype in zip(point_tags, statement_types):
        weight = 0.5 if stype == "context" else 1.0
        for t in tags:
            score[t.theme] += t.confidence * weight
            count[t.theme] += 1
    ranked = [slug for slug, _ in score.most_common() if count[slug] >= 2]
    return ranked[:limit]


def _prototype_texts(theme: Theme) -> list[str]:
    return [f"{theme.name}. {theme.description}"] + list(theme.exemplars)

