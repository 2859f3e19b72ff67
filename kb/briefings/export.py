"""Exports of a laid-out briefing (kb.briefings.Layout): Word, Markdown, print-ready HTML.

Every quotation is written exactly as it stands in its document, inside quotation
marks, followed by its reference number and citation; the author's own words
(texts, notes) are never inside quotation marks and notes are labelled as theirs.
A reference list closes every export.
"""
from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass
from typing import Callable

from jinja2 import Environment, PackageLoader, select_autoescape

from kb.briefings.templates import ACTION_PLAN_COLUMNS, Layout
from kb.core.errors import QueryError

OWN_WORDS = ("Text in quotation marks is quoted exactly from the cited documents; "
             "everything else, including notes, is the author's own words.")
NOTE_LABEL = "Note (author's own words):"


@dataclass(frozen=True)
class Exporter:
    """One export format: `render` makes the file (bytes or text) from a briefing's layout."""
    key: str  # the name in URLs, the API and `kb briefing export --format`
    label: str  # what the briefing page's link says
    mimetype: str
    extension: str
    render: Callable[[Layout, dt.date], bytes | str]
    inline: bool = False  # the web app opens it as a page rather than downloading it


@dataclass
class Export:
    data: bytes
    filename: str
    mimetype: str


def export(layout: Layout, fmt: str, made_on: dt.date | None = None) -> Export:
    exporter = EXPORTERS.get(fmt)
    if exporter is None:
        raise QueryError(f"unknown export format '{fmt}' (known: {', '.join(EXPORTERS)})")
    out = exporter.render(layout, made_on or dt.date.today())
    data = out if isinstance(out, bytes) else out.encode("utf-8")
    return Export(data, f"{filename_stem(layout.title)}.{exporter.extension}", exporter.mimetype)


def filename_stem(title: str) -> str:
    stem = re.sub(r"[^A-Za-z0-9]+", "-", title).strip("-").lower()
    return stem[:60].rstrip("-") or "briefing"


def subtitle(layout: Layout, made_on: dt.date) -> str:
    bits = [layout.template.name]
    if layout.theme_name:
        bits.append(f"theme: {layout.theme_name}")
    bits.append(f"made {made_on.isoformat()}")
    return " · ".join(bits)


def quoted(text: str) -> str:
    return f"\u201c{text}\u201d"


# ------------------------------------------------------------------ Markdown
def to_markdown(layout: Layout, made_on: dt.date) -> str:
    out = [f"# {layout.title}", "", f"*{subtitle(layout, made_on)}*", "", f"*{OWN_WORDS}*", ""]
    for part in layout.parts:
        out += [f"## {part.heading}", ""]
        if part.text:
            out += [part.text, ""]
        if part.generated:
            out += [f"- {g}" for g in part.generated] + [""]
        for q in part.quotations:
            if q.context:
                out += [f"> From a list introduced by {quoted(q.context)}", ">"]
            lines = quoted(q.text).split("\n")
            lines[-1] += f" [{q.number}]"
            out += [f"> {line}" for line in lines]
            out += [">", f"> \u2014 {q.citation}", ""]
            if q.note:
                out += [f"**{NOTE_LABEL}** {q.note}", ""]
        if not (part.text or part.generated or part.quotations):
            out += ["*(nothing added yet)*", ""]
    out += [f"## {layout.template.questions_heading}", ""]
    out += [f"{n}. {q}" for n, q in enumerate(layout.questions, start=1)] + [""]
    if layout.action_plan is not None:
        out += ["## Action plan", "", "| " + " | ".join(ACTION_PLAN_COLUMNS) + " |",
                "|" + "---|" * len(ACTION_PLAN_COLUMNS)]
        out += ["| " + " | ".join(row[c] or " " for c in ACTION_PLAN_COLUMNS) + " |" for row in layout.action_plan]
        out += [""]
    out += ["## References", ""]
    for r in layout.references:
        out.append(f"{r.number}. {r.line()}" + (f" <{r.url}>" if r.url else ""))
    if not layout.references:
        out.append("No learning points cited.")
    return "\n".join(out) + "\n"


# ------------------------------------------------------------------ HTML
_env = Environment(loader=PackageLoader("kb", "data"), autoescape=select_autoescape(["html", "j2"]),
                   trim_blocks=True, lstrip_blocks=True)


def to_html(layout: Layout, made_on: dt.date) -> str:
    return _env.get_template("briefing.html.j2").render(
        layout=layout, subtitle=subtitle(layout, made_on), own_words=OWN_WORDS, note_label=NOTE_LABEL,
        columns=ACTION_PLAN_COLUMNS, quoted=quoted)


# ------------------------------------------------------------------ Word
def to_docx(layout: Layout, made_on: dt.date) -> bytes:
    from docx import Document
    from docx.shared import Pt, RGBColor

    grey, note_colour = RGBColor(0x55, 0x55, 0x55), RGBColor(0x1F, 0x3A, 0x68)
    doc = Document()
    doc.core_properties.title = layout.title
    doc.core_properties.subject = layout.template.name
    doc.add_heading(layout.title, 0)
    lead = doc.add_paragraph()
    lead.add_run(subtitle(layout, made_on)).italic = True
    doc.add_paragraph().add_run(OWN_WORDS).italic = True
    for part in layout.parts:
        doc.add_heading(part.heading, 1)
        for para in [p for p in part.text.split("\n") if p.strip()]:
            doc.add_paragraph(para)
        for g in part.generated:
            doc.add_paragraph(g, style="List Bullet")
        for q in part.quotations:
            if q.context:
                ctx = doc.add_paragraph(style="Quote")
                ctx.add_run("From a list introduced by ")
                ctx.add_run(quoted(q.context))
            para = doc.add_paragraph(style="Quote")
            para.add_run(quoted(q.text))
            para.add_run(f" [{q.number}]")
            cite = doc.add_paragraph()
            run = cite.add_run(f"\u2014 {q.citation}")
            run.font.size, run.font.color.rgb = Pt(9), grey
            if q.note:
                note = doc.add_paragraph()
                label = note.add_run(NOTE_LABEL + " ")
                label.bold, label.font.color.rgb = True, note_colour
                note.add_run(q.note).font.color.rgb = note_colour
        if not (part.text or part.generated or part.quotations):
            doc.add_paragraph().add_run("(nothing added yet)").italic = True
    doc.add_heading(layout.template.questions_heading, 1)
    for q in layout.questions:
        doc.add_paragraph(q, style="List Number")
    if layout.action_plan is not None:
        doc.add_heading("Action plan", 1)
        table = doc.add_table(rows=1 + len(layout.action_plan), cols=len(ACTION_PLAN_COLUMNS))
        table.style = "Table Grid"
        for c, name in enumerate(ACTION_PLAN_COLUMNS):
            table.rows[0].cells[c].text = name
            for r, row in enumerate(layout.action_plan, start=1):
                table.rows[r].cells[c].text = row[name]
    doc.add_heading("References", 1)
    for r in layout.references:
        doc.add_paragraph(f"[{r.number}] {r.line()}" + (f" {r.url}" if r.url else ""))
    if not layout.references:
        doc.add_paragraph("No learning points cited.")
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


# The exporters, in the order the briefing page lists them. Adding one is a module with a
# render function and an entry here: the CLI's --format, the API and the page's links follow.
EXPORTERS: dict[str, Exporter] = {e.key: e for e in [
    Exporter("docx", "Word (.docx)", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
             "docx", to_docx),
    Exporter("md", "Markdown (.md)", "text/markdown; charset=utf-8", "md", to_markdown),
    Exporter("html", "Print-ready page", "text/html; charset=utf-8", "html", to_html, inline=True),
]}
