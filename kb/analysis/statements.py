"""Statement types: what kind of statement a learning point is.

finding · learning · recommendation · good-practice · action-taken · challenge ·
context. Reports keep these apart, mostly by headings ("Key findings -
strengths", "Recommendations", "Action from previous learning reviews") and
list lead-ins ("The recommendations from the review were:"); inside a section
the wording tells ("should", "need to", "has been delivered", "we will").

`statement_type` is a pure function of a point's text, lead-in, section path
and document type. The order of evidence: a label the text starts with
("Action: ...", "BSCP Challenge: ..."), the lead-in, the nearest heading, the
headings above it, the wording, and last the document type's usual statement.
"""
from __future__ import annotations

import re

# Cues in headings and lead-ins, most specific first ("Key findings -
# strengths" is good practice before it is a finding).
SECTION_CUES: list[tuple[str, re.Pattern]] = [
    ("good-practice", re.compile(r"\bstrengths?\b|good practice|went well|worked well|\bpositives?\b|"
                                 r"what is working|effective practice|achievements", re.I)),
    ("challenge", re.compile(r"challenges?\b|barriers?\b|\bgaps?\b|difficult|weakness|areas? for (development|"
                             r"improvement)|what (is|was) not working|\bconcerns?\b", re.I)),
    ("action-taken", re.compile(r"actions? (from|taken|completed|following)|progress|has been achieved|"
                                r"have been achieved|what we have done|what has changed|\bimpact of\b|"
                                r"implementation|improvements made|been implemented", re.I)),
    ("recommendation", re.compile(r"recommendations?|next steps|what needs to (happen|change)|actions? (for|"
                                  r"required|to be taken)|action plan|\bplan\b|priorities for|next year|we will|going forward|"
                                  r"questions? for|reflective questions", re.I)),
    ("finding", re.compile(r"findings?|key themes|themes (identified|emerging)|analysis|what we found|"
                           r"key issues|identified the following|\boutcomes\b|emerging", re.I)),
    ("learning", re.compile(r"\blearning\b|lessons?|key messages|learnt|learned|reflections?", re.I)),
    ("context", re.compile(r"introduction|background|context|methodology|\babout\b|demographic|facts and figures|"
                           r"returns|\bdata\b|snapshot|purpose|\bscope\b|terms of reference|overview|"
                           r"membership|who we are|breakdown|attendance|statistics|figures|summary of cases", re.I)),
]

# Labels a point itself starts with.
LABEL_CUES: list[tuple[str, re.Pattern]] = [
    # a plan's outcome, priority or aim: what the plan is for, not a finding
    ("context", re.compile(r"^\s*(outcomes?|priorit(y|ies)|objectives?|aims?|vision)\s*\d*\s*:", re.I)),
    # a plan's action put in the infinitive ("Actions 2017-19: To monitor ..."): what is to be done
    ("recommendation", re.compile(r"^\s*actions?\b[^:]{0,20}:\s*to\s+\w", re.I)),
    ("action-taken", re.compile(r"^\s*(actions? taken|action|progress|update)\s*:", re.I)),
    ("challenge", re.compile(r"^\s*(\w+\s+)?challenges?\s*:", re.I)),
    ("recommendation", re.compile(r"^\s*(recommendations?|next steps?)\b\s*(\d+)?\s*[:.-]", re.I)),
    ("good-practice", re.compile(r"^\s*(strengths?|good practice)\s*:", re.I)),
    ("finding", re.compile(r"^\s*(key )?findings?\s*(\d+)?\s*:", re.I)),
    ("learning", re.compile(r"^\s*(key )?learning( points?)?\s*:", re.I)),
]

# Wording inside a point.
_RECOMMEND = re.compile(
    r"\b(should|must|need(s)? to|ought to|recommend\w*|we will|is required to|are required to)\b|"
    r"\bwill (?:be )?(?:consider|explor|ensur|review|develop|provid|promot|introduc|work|deliver)\w*|"
    r"^\s*(\d+[.)]\s*)?(ensure|consider|use|explore|develop|review|promote|raise|improve|strengthen|"
    r"establish|embed|agencies to|practitioners to|partners to|all agencies to|be aware|apply|make sure)\b",
    re.I)
_INFINITIVE_PLAN = re.compile(
    r"^\s*(?:the\s+)?(?:(?!from\b|of\b|by\b|in\b|with\b|for\b)[\w’'-]+\s+){0,4}"
    r"(?:representatives?|templates?|forms?|GPs?|schools?|visitors?|nurses?|workers?|managers?|staff|teams?|boards?|"
    r"services?|agencies|practitioners|partners|professionals|leads?|chairs?)(?:\s+for\s+[\w’'-]+)?\s+to\s+(?:\w+ly\s+)?"
    r"(?!the\b|a\b|an\b|be\s+(?:seen|known|aware)\b)[a-z]+\b")
_MODAL = re.compile(r"\b(should|must|recommend\w*)\b", re.I)
_NUMBER = r"(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|half|most|some|several|many)"
# Background: what the document is, what was reviewed, where to find more.
_NARRATIVE = re.compile(
    r"^\s*(in (19|20)\d\d|this (document|briefing|report|paper)|the aim of|summar(y|ies) of|at the time of|in brief\b)|"
    r"\b(carried out a|was undertaken|were undertaken|"
    # where to find more, not "not available on the record"
    r"(available|found) (on|via|at) (our|the) (?:[\w-]+ ){0,3}(?:website|site|page|link|intranet|portal|repository)|"
    r"look out for|watch our|have been involved in|we (have |also )?(held|contribute)|"
    r"criteria for an? (local )?(child safeguarding practice review|cspr|lcspr|serious case review|scr|rapid review))\b",
    re.I)
# Counts: "1166 Strategy Discussions were held", "There were three deaths ...": statistics
_COUNT = re.compile(rf"^\s*(?:\d[\d,]*\s+(?!(?:months?|years?|weeks?|days?|hours?|minutes?)\b)[A-Za-z]|there (?:is|are|was|were) {_NUMBER}\b(?! of)(?! ways?\b))",
                    re.I)
# A document named with its year ("LLR LSCB CSE audit (2018)"): a reference, not a finding
_CITED = re.compile(r"\((?:19|20)\d\d(?:[/-]\d{2,4})?\)")
_SIGNPOST = re.compile(r"https?://|www\.|\bwebsite\b", re.I)
# (not "to have": "this appears to have produced a process which was not effective" is a finding)
_ACTION = re.compile(
    r"(?<!\bto )\b(has|have) been (\w+ )?(delivered|developed|introduced|updated|revised|launched|implemented|"
    r"established|produced|completed|created|commissioned|amended|reviewed|rolled out|embedded|put in place|set up|held|"
    r"circulated|reinforced|agreed|appointed|published|undertaken|achieved)|(?<!\bto )\b(has|have) (updated|revised|"
    r"amended|introduced|developed|launched|implemented|completed|produced|created|commissioned|established|"
    r"delivered|held|rolled out)\b|\b(was|were) (delivered|introduced|launched|implemented|commissioned|"
    r"produced|circulated|held|updated|revised|established)\b|\b(delivered|provided|completed|introduced|"
    r"launched|produced|held|commissioned|rolled out|implemented)\b.*\b(20\d\d|training|workshops?|sessions?)\b|"
    r"\b(there is now|are now|is now|now has|now have|took place|have taken place|has taken place)\b|"
    r"\b(is|are) (currently |now )?being (refreshed|reviewed|developed|updated|revised|implemented|rolled out|"
    r"introduced|embedded|piloted)\b", re.I)
# How the review itself was done: audits, reviews, workshops or meetings held or carried out
_PROCESS = re.compile(
    r"\b(conducts|undertakes|carries out|holds|commissions)\s+(\w+\s+){0,3}(reviews|audits|workshops|meetings)\b|"
    r"\b(audits?|reviews?|workshops?|meetings?|panels?|events?|sessions?)\b[^.]{0,60}?\b(was|were|has been|have been)\s+"
    r"(held|undertaken|carried out|conducted)\b|"
    r"\b(held|carried out|undertook|conducted)\s+(a|an|the|two|three|four|\d+)\b[^.]{0,40}?"
    r"\b(audits?|reviews?|workshops?|meetings?)\b", re.I)
# The cases a review looked at, described ("About 6 of the cases involved serious injury",
# "One involved the stabbing of ...", "There is one case clearly resulting from ..."): background
_COHORT = re.compile(
    rf"^\s*(?:about |around |over |nearly )?{_NUMBER}(?: of (?:the|these|those))? (?:cases?|reviews?|deaths?) "
    r"(?:involved|concerned|related|resulted)\b|"
    r"^\s*(?:one|two|three|another|the other) (?:involved|concerned)\b|"
    r"^\s*there (?:is|are|was|were) (?:\w+ ){0,2}cases? (?:\w+ )?(?:resulting|involving|where|of|in which)\b", re.I)
_QUOTATION = re.compile(r"^\s*[“\"][^”\"]{40,}[”\"]\s*(\(.{0,80}\))?\s*\.?\s*$", re.S)
_GOOD = re.compile(r"\b(strength|good practice|good examples?|well (managed|coordinated|evidenced)|"
                   r"positive(ly)?|effective(ly)? (working|partnership)|excellent|timely and)\b", re.I)
_CHALLENGE = re.compile(r"\b(barriers?|lack of|limited|difficult(y|ies)?|unable to|struggle|challenges?|"
                        r"not being responded|under ?resourcing|delays?)\b", re.I)
_DEFICITS = r"ineffective|inadequate|insufficient|poor(?:ly)?|lack(?:ing)?|failed|failure|unclear|inconsistent"
_DEFICIT = re.compile(rf"\b(?:{_DEFICITS}|not|no)\b", re.I)
_CONTRAST = re.compile(r"\b(but|however|although|though|whereas)\b", re.I)
_FIGURES = re.compile(r"\d[\d,.]*\s*%|\b\d{2,}[\d,]*\b")
_YEAR = re.compile(r"\b(19|20)\d\d\b")

# The usual statement of a document type, when nothing else tells.
DOC_TYPE_DEFAULT = {
    "annual-report": "context",
    "learning-summary": "learning",
    "7-minute-briefing": "learning",
    "multi-agency-audit": "finding",
    "thematic-review": "finding",
}


def is_figures(text: str) -> bool:
    """A statistics paragraph: numbers carry it (not years), few words around them."""
    numbers = [m for m in _FIGURES.findall(text) if not _YEAR.fullmatch(m.strip())]
    words = len(text.split())
    return len(numbers) >= 1 and (len(numbers) >= 2 or words <= 25 or "%" in text)


_LABEL_FUNCTION_WORDS = {"a", "an", "and", "the", "of", "for", "in", "on", "to", "with", "at", "by", "or", "&"}
LABEL_MAX_WORDS = 8


def is_label(text: str) -> bool:
    """A name or caption rather than a statement: a few words, every content word
    capitalised or a number ("Health Visitors and School Nurses", "Youth Justice Service – 1",
    "Jim Gamble QPM Independent Chair"), no sentence punctuation."""
    words = re.findall(r"[A-Za-z0-9][A-Za-z0-9'’]*", text)
    if not words or len(words) > LABEL_MAX_WORDS or text.rstrip().endswith((".", "?", "!", ":")):
        return False
    content = [w for w in words if w.lower() not in _LABEL_FUNCTION_WORDS]
    return len(content) >= 2 and all(w[0].isupper() or w[0].isdigit() for w in content)


# A judgement in a few words: what a review's key themes or an audit's grades say in headline
# form ("Ineffective Child Protection Processes", "External Partnership Working = Inadequate",
# "Effective challenge to parents"). Shaped like a label, it is a statement of learning.
_JUDGEMENT = re.compile(rf"\b(?:{_DEFICITS}|effective(?:ly)?|appropriate(?:ly)?|good|strong|robust)\b", re.I)


def is_headline(text: str) -> bool:
    """A short judgement rather than a name: a few words, one of them a verdict, no figures
    ("Probation – Good 1" is a grade count, a caption)."""
    return (len(text.split()) <= LABEL_MAX_WORDS and not re.search(r"\d", text)
            and bool(_JUDGEMENT.search(text)))


def _section_cue(text: str | None) -> str | None:
    if not text:
        return None
    for stype, pattern in SECTION_CUES:
        if pattern.search(text):
            return stype
    return None


def lead_in_sentence(context: str | None) -> str | None:
    """The sentence of a list lead-in that introduces the list ("The recommendations were:"),
    or None when the context is not a lead-in (a table header, nothing)."""
    context = (context or "").strip()
    if not context.endswith(":"):
        return None
    return re.split(r"(?<=[.!?])\s+", context)[-1]


def headings_of(section_path: list[str] | str | None) -> list[str]:
    """A point's headings, outermost first, from a list or the stored ' › ' string."""
    if isinstance(section_path, str):
        from kb.core.store import SEP
        return [s for s in section_path.split(SEP) if s]
    return list(section_path or [])


def statement_type(text: str, context: str | None, section_path: list[str] | str | None,
                   doc_type: str | None = None) -> str:
    """The statement type of one learning point (a slug of the taxonomy's [statement_types])."""
    for stype, pattern in LABEL_CUES:
        if pattern.search(text):
            return stype
    if text.rstrip().endswith("?"):
        return "context"  # a question put to the reader or a workshop
    if _QUOTATION.match(text):
        return "context"  # a passage quoted from guidance or another report
    if _CITED.search(text) and len(text.split()) <= 12 and not text.rstrip().endswith("."):
        return "context"  # an audit or report named with its year, in a list of sources
    if _SIGNPOST.search(text) and not _MODAL.search(text):
        return "context"  # where to find more
    if _COUNT.search(text):
        return "context"  # a count: statistics, whatever verb carries it
    headline = is_headline(text)
    if (is_label(text) or len(re.findall(r"\w+", text)) <= 2) and not headline:
        return "context"  # a name, a caption or a heading-like label ("Positives", "Probation – Good 1")
    # a heading ending with a colon announces its list, as a lead-in does (it is the point's context)
    headings = [h for h in reversed(headings_of(section_path)) if not h.rstrip().endswith(":")]
    lead = lead_in_sentence(context)
    # The lead-in, then the nearest heading: the closest thing that says what the list is.
    cues = [c for c in (_section_cue(lead), _section_cue(headings[0] if headings else "")) if c]
    if cues:
        # a finding is the general kind; a heading that names a kind of finding (a challenge, good
        # practice) says more than a lead-in's "identified the following"
        cue = cues[1] if cues[0] == "finding" and cues[1:] in (["challenge"], ["good-practice"]) else cues[0]
        return _refine(cue, text)
    # A table row's header ("Recommendation | Action to be taken") says it for the row.
    if context and "|" in context:
        cue = _section_cue(context.split("|")[0])
        if cue:
            return _refine(cue, text)
    wording = _wording(text)
    if wording == "challenge" and DOC_TYPE_DEFAULT.get(doc_type or "") == "finding":
        wording = "finding"  # in an audit or a review, a gap its authors found is a finding
    if wording:
        return wording
    for heading in headings[1:]:
        cue = _section_cue(heading)
        if cue and cue != "context":
            return _refine(cue, text)
    if headline:
        return "finding" if _DEFICIT.search(text) else "good-practice"  # a verdict against, or for
    if is_figures(text) or len(text.split()) <= 6:
        return "context"  # statistics; a bare label such as an agency's or a person's name
    return DOC_TYPE_DEFAULT.get(doc_type or "", "finding")


def _refine(cue: str, text: str) -> str:
    """A section's cue, unless the point's own wording clearly says otherwise."""
    if cue in ("recommendation", "good-practice", "challenge") and is_figures(text) and not _MODAL.search(text):
        return "context"  # statistics under a heading that names a plan or a priority
    if cue != "recommendation" and _PROCESS.search(text[:200]):
        return "context"
    if cue in ("finding", "learning") and (_NARRATIVE.search(text) or is_figures(text) or _COHORT.search(text)):
        return "context"
    if cue in ("context", "finding", "learning") and _ACTION.search(text):
        return "action-taken"
    if cue == "context" and not is_figures(text) and _RECOMMEND.search(text):
        return "recommendation"
    if cue == "finding" and _MODAL.search(text):
        return "recommendation"
    return cue


def _wording(text: str) -> str | None:
    if _PROCESS.search(text[:200]):
        return "context"
    if (is_figures(text) or _NARRATIVE.search(text) or _COHORT.search(text)) and not _ACTION.search(text):
        return "context"
    if _ACTION.search(text):
        return "action-taken"
    if _RECOMMEND.search(text) or _INFINITIVE_PLAN.search(text):
        return "recommendation"
    if _GOOD.search(text):
        return "finding" if _CONTRAST.search(text) else "good-practice"  # "a strength ... But overall"
    if _CHALLENGE.search(text):
        return "challenge"
    return None
