"""Briefings: the formats trainers use, and how a briefing's points are laid out in them.

A briefing is a title, a template, the trainer's own texts (one per part that
takes text) and an ordered list of items. An item is a learning point quoted
exactly as it stood when it was added, with its citation, an optional note in the
trainer's own words and an optional part it was put in. Items without a chosen
part go where their statement type belongs (a recommendation under "What to
do", good practice under "Things to note"); findings fill the key-learning
boxes in order.

`layout()` is pure: it turns a briefing into a `Layout` (parts with texts,
quotations and reference numbers, questions, action plan, references) that every
exporter (kb.export) renders the same way. See ../shared/reference/formats.md.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from kb.core.citations import citation
from kb.core.errors import QueryError

STANDARD_QUESTIONS = (
    "What are your key thoughts and reflections?",
    "How can we make sure the learning is embedded, and how will we know?",
    "How can we build the learning into team or service improvement plans?",
)
ACTION_PLAN_COLUMNS = ("Team", "Date", "Actions agreed", "Owner")
ACTION_PLAN_ROWS = 3
MAX_TITLE = 200
MAX_TEXT = 5000
UNTITLED = "Untitled briefing"


@dataclass(frozen=True)
class Part:
    key: str
    heading: str
    hint: str                      # what goes here, shown in the builder
    text: bool = True              # takes the trainer's own text
    items: bool = True             # takes quoted learning points
    takes: tuple[str, ...] = ()    # statement types placed here automatically
    generated: str | None = None   # facts filled in from the documents: "documents", "themes", "definition", "coverage"


@dataclass(frozen=True)
class Template:
    slug: str
    name: str
    description: str
    parts: tuple[Part, ...]
    key_parts: tuple[str, ...] = ()   # parts that share the findings in order (the 7-minute boxes 3-5)
    questions_heading: str = "Reflective questions"
    action_plan: bool = False
    needs_theme: bool = False

    def part(self, key: str | None) -> Part | None:
        return next((p for p in self.parts if p.key == key), None)


FINDINGS = ("finding", "learning", "challenge")

TEMPLATES: dict[str, Template] = {t.slug: t for t in (
    Template(
        "seven-minute", "7-minute briefing",
        "One page for a team meeting: seven boxes, reflective questions and an action-plan footer.",
        parts=(
            Part("background", "1. Background", "What the review or audit was and why it happened.",
                 takes=("context",), generated="documents"),
            Part("why", "2. Why it matters", "Why this learning matters to the team's practice."),
            Part("key-1", "3. Key learning", "A key finding or piece of learning.", text=True, takes=FINDINGS),
            Part("key-2", "4. Key learning", "A key finding or piece of learning.", text=True),
            Part("key-3", "5. Key learning", "A key finding or piece of learning.", text=True),
            Part("note", "6. Things to note or remember", "Policies, tools, local procedures.",
                 takes=("good-practice", "action-taken")),
            Part("do", "7. What to do", "Actions for practice.", takes=("recommendation",)),
        ),
        key_parts=("key-1", "key-2", "key-3"),
        action_plan=True,
    ),
    Template(
        "learning-brief", "Learning brief",
        "One to four pages: the reviews, key learning themes, good practice, what needs to change, "
        "questions for group supervision.",
        parts=(
            Part("details", "Details of the review(s)", "What the reviews were and why they happened.",
                 takes=("context",), generated="documents"),
            Part("themes", "Key learning themes", "The learning, theme by theme.", takes=FINDINGS,
                 generated="themes"),
            Part("good", "Good practice", "What went well and should continue.", takes=("good-practice",)),
            Part("change", "What needs to change", "Recommendations and changes to practice.",
                 takes=("recommendation", "action-taken")),
        ),
        questions_heading="Questions for group supervision",
    ),
    Template(
        "thematic-digest", "Thematic digest",
        "One theme across reviews: definition, reviews and years, the most frequent findings with quoted "
        "evidence, good practice, recommendations and reflective questions.",
        parts=(
            Part("definition", "Definition", "What the theme covers.", items=False, generated="definition"),
            Part("coverage", "Reviews and years", "How many reviews carry the theme, and when.", items=False,
                 generated="coverage"),
            Part("findings", "Most frequent findings", "The findings, with quoted evidence.",
                 takes=FINDINGS + ("context",)),
            Part("good", "Good practice seen", "Strengths the reviews found.", takes=("good-practice",)),
            Part("recommendations", "Recommendations made", "What the reviews asked agencies to do.",
                 takes=("recommendation", "action-taken")),
        ),
        needs_theme=True,
    ),
)}
DEFAULT_TEMPLATE = "seven-minute"


def template(slug: str) -> Template:
    try:
        return TEMPLATES[slug]
    except KeyError:
        raise QueryError(f"unknown briefing template '{slug}' (known: {', '.join(TEMPLATES)})") from None


def check_title(title: str | None) -> str:
    title = " ".join((title or "").split())
    if len(title) > MAX_TITLE:
        raise QueryError(f"the title is {len(title)} characters long; at most {MAX_TITLE}")
    return title or UNTITLED


def check_text(name: str, text: str | None) -> str:
    text = (text or "").replace("\r\n", "\n").strip()
    if len(text) > MAX_TEXT:
        raise QueryError(f"'{name}' is {len(text)} characters long; at most {MAX_TEXT}")
    return text


# ------------------------------------------------------------------ layout
@dataclass
class Quotation:
    number: int            # its number in the reference list
    item_id: int
    text: str              # verbatim, as it stands in the document
    context: str | None    # the list's lead-in, verbatim
    note: str              # the trainer's own words
    citation: str          # document, publisher, date, section, page
    url: str | None


@dataclass
class LaidOutPart:
    key: str
    heading: str
    text: str                                   # the trainer's own words
    generated: list[str] = field(default_factory=list)  # facts from the documents' metadata
    quotations: list[Quotation] = field(default_factory=list)


@dataclass
class Reference:
    number: int
    title: str
    publisher: str | None
    date: str | None
    doc_type: str | None
    section: str
    page: int | None
    url: str | None

    def line(self) -> str:
        bits = [self.title]
        bits += [b for b in (self.publisher, self.date, self.doc_type) if b]
        if self.section:
            bits.append(f"section: {self.section}")
        if self.page:
            bits.append(f"page {self.page}")
        return ". ".join(b.rstrip(".") for b in bits) + "."


@dataclass
class Layout:
    title: str
    template: Template
    parts: list[LaidOutPart]
    questions: list[str]
    action_plan: list[dict] | None          # rows of ACTION_PLAN_COLUMNS, or None
    references: list[Reference]
    theme_name: str | None = None


@dataclass(frozen=True)
class Names:
    """Human names of slugs, and what the digest needs to know about its theme."""
    themes: dict[str, str]
    doc_types: dict[str, str]
    theme_descriptions: dict[str, str] = field(default_factory=dict)
    theme_coverage: dict[str, dict] = field(default_factory=dict)   # slug -> {"documents": n, "years": [..]}


def _str(value) -> str | None:
    return None if value in (None, "") else str(value)


def placement(tmpl: Template, items: list[dict]) -> dict[int, str]:
    """The part each item goes in: its chosen part if the template has it, else by statement
    type; findings (and anything no part takes) share the key parts in order, evenly."""
    first_takes = {}
    for p in tmpl.parts:
        for stype in p.takes:
            first_takes.setdefault(stype, p.key)
    item_parts = [p.key for p in tmpl.parts if p.items]
    fallback = first_takes.get("finding", item_parts[0])
    where: dict[int, str] = {}
    shared: list[int] = []
    for item in items:
        chosen = tmpl.part(item.get("box"))
        if chosen is not None and chosen.items:
            where[item["id"]] = chosen.key
            continue
        key = first_takes.get(item.get("statement_type") or "", fallback)
        if tmpl.key_parts and key in tmpl.key_parts:
            shared.append(item["id"])
        else:
            where[item["id"]] = key
    if shared:
        n, boxes = len(shared), len(tmpl.key_parts)
        for i, item_id in enumerate(shared):
            where[item_id] = tmpl.key_parts[min(boxes - 1, i * boxes // n)] if n >= boxes else tmpl.key_parts[i]
    return where


def main_theme(items: list[dict]) -> str | None:
    """The theme most items carry (first among equals in item order)."""
    counts: dict[str, int] = {}
    for item in items:
        for slug in item.get("themes") or []:
            counts[slug] = counts.get(slug, 0) + 1
    return max(counts, key=lambda s: counts[s]) if counts else None


def layout(briefing: dict, names: Names, link: callable = lambda item: None) -> Layout:
    """The briefing laid out in its template: parts with the trainer's texts, facts from the
    documents and numbered quotations; questions; the action plan; references in order."""
    tmpl = template(briefing["template"])
    fields = briefing.get("fields") or {}
    items = briefing.get("items") or []
    where = placement(tmpl, items)
    theme = fields.get("theme") or (main_theme(items) if tmpl.needs_theme else None)
    parts: list[LaidOutPart] = []
    references: list[Reference] = []
    by_part: dict[str, list[dict]] = {}
    for item in items:
        by_part.setdefault(where[item["id"]], []).append(item)
    for part in tmpl.parts:
        laid = LaidOutPart(part.key, part.heading, fields.get(part.key, "") if part.text else "",
                           generated=_generated(part.generated, items, names, theme))
        for item in by_part.get(part.key, []):
            source = item["source"]
            number = len(references) + 1
            url = link(item)
            references.append(Reference(
                number, source.get("title") or item["document_id"], source.get("publisher"),
                source.get("date") or _str(source.get("year")),
                names.doc_types.get(source.get("doc_type"), source.get("doc_type")),
                item.get("section") or "", item.get("page"), url))
            laid.quotations.append(Quotation(number, item["id"], item["text"], item.get("context"),
                                             item.get("note") or "", citation(source, item.get("section") or "",
                                                                              item.get("page")), url))
        parts.append(laid)
    extra = [q.strip() for q in (fields.get("questions") or "").splitlines() if q.strip()]
    plan = None
    if tmpl.action_plan:
        first = {"Team": fields.get("team", ""), "Date": fields.get("date", ""), "Actions agreed": "", "Owner": ""}
        plan = [first] + [dict.fromkeys(ACTION_PLAN_COLUMNS, "") for _ in range(ACTION_PLAN_ROWS - 1)]
    return Layout(briefing.get("title") or UNTITLED, tmpl, parts, list(STANDARD_QUESTIONS) + extra, plan,
                  references, names.themes.get(theme, theme) if theme else None)


def _generated(kind: str | None, items: list[dict], names: Names, theme: str | None) -> list[str]:
    """Facts taken from the documents' metadata and the taxonomy: never quotations."""
    if kind == "documents":
        seen: dict[str, str] = {}
        for item in items:
            s = item["source"]
            kind_name = names.doc_types.get(s.get("doc_type"), s.get("doc_type"))
            bits = [b for b in (kind_name, s.get("publisher"), s.get("date") or _str(s.get("year"))) if b]
            seen.setdefault(item["document_id"], f"{s.get('title') or item['document_id']} ({', '.join(bits)})"
                            if bits else s.get("title") or item["document_id"])
        return [f"Drawn from: {v}" for v in seen.values()]
    if kind == "themes":
        counts: dict[str, int] = {}
        for item in items:
            for slug in item.get("themes") or []:
                counts[slug] = counts.get(slug, 0) + 1
        ranked = sorted(counts, key=lambda s: -counts[s])[:6]
        return [f"Themes of the chosen points: {', '.join(names.themes.get(s, s) for s in ranked)}"] if ranked else []
    if kind == "definition" and theme:
        desc = names.theme_descriptions.get(theme)
        return [f"{names.themes.get(theme, theme)}: {desc}" if desc else names.themes.get(theme, theme)]
    if kind == "coverage" and theme:
        cov = names.theme_coverage.get(theme)
        if cov:
            years = cov.get("years") or []
            span = f", published {years[0]}–{years[-1]}" if len(years) > 1 else (f", published {years[0]}" if years else "")
            return [f"In this collection, {cov['points']} learning points in {cov['documents']} "
                    f"document{'s' if cov['documents'] != 1 else ''} carry this theme{span}."]
    return []
