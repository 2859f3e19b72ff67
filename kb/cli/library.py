"""Documents in and out: `kb ingest`, `documents`, `show`, `remove`, `stats`, `reindex`."""
from __future__ import annotations

import sys

import click

from kb.cli.app import json_or_text, main, open_kb


@main.command()
@click.argument("sources", nargs=-1, required=True)
@click.option("--title", help="Document title (overrides what is inferred).")
@click.option("--publisher", help="Publishing partnership.")
@click.option("--date", help="Publication date, e.g. 'April 2023' or 2023-04.")
@click.option("--type", "doc_type", help="Document type slug, e.g. cspr, scr, multi-agency-audit.")
@click.option("--url", "source_url", help="Where the document is published.")
@click.option("--restricted", is_flag=True, default=None, help="Visible only to logged-in users.")
@click.option("--quiet", is_flag=True, help="No progress bar.")
@click.pass_context
def ingest(ctx, sources, title, publisher, date, doc_type, source_url, restricted, quiet):
    """Ingest documents: files, folders (recursively), globs, or http(s) URLs."""
    kb = open_kb(ctx)
    meta = {"title": title, "publisher": publisher, "date": date, "doc_type": doc_type, "source_url": source_url,
            "visibility": "restricted" if restricted else None}
    meta = {k: v for k, v in meta.items() if v is not None}
    todo = kb.expand_sources(sources)
    from tqdm import tqdm

    with tqdm(total=len(todo), desc="Ingesting", unit="doc", disable=quiet, file=sys.stderr) as bar:
        def step(outcome):
            bar.update(1)
            line = (f"{outcome.status:>9}  {outcome.source}" +
                    (f"  ({outcome.points} points, id {outcome.document_id})" if outcome.document_id else "") +
                    (f"  — {outcome.reason}" if outcome.reason else "") +
                    "".join(f"\n           warning: {w}" for w in outcome.warnings))
            bar.write(line, file=sys.stderr if outcome.status == "failed" else sys.stdout)

        report = kb.ingest(todo, meta, progress=step)
    click.echo(f"Summary: {report.summary()}")
    for o in report.failed:
        click.echo(f"Failed: {o.source}: {o.reason}", err=True)
    if report.failed:
        ctx.exit(1)


def _show_documents(docs: list[dict], **_) -> None:
    if not docs:
        click.echo("No documents yet. Add some with `kb ingest PATH`.")
    for d in docs:
        flag = " [restricted]" if d["visibility"] == "restricted" else ""
        click.echo(f"{d['id']}\t{d['year'] or '----'}\t{d['doc_type']}\t{d['n_points']} points\t{d['title']}{flag}")


@main.command()
@json_or_text(_show_documents)
@click.pass_context
def documents(ctx):
    """List the documents in the knowledge base."""
    return open_kb(ctx).documents()


def _show_document(doc: dict, **_) -> None:
    click.echo(click.style(doc["title"], bold=True))
    click.echo(f"{doc['publisher'] or 'publisher unknown'} · {doc['doc_type']} · {doc['date'] or doc['year'] or ''}"
               f" · {doc['source_name']}" + (f" · {doc['page_count']} pages" if doc["page_count"] else ""))
    by_section: dict = {}
    for p in doc["points"]:
        by_section.setdefault(p["section_id"], []).append(p)
    for p in by_section.get(None, []):
        click.echo(_point_line(p))
    for s in doc["sections"]:
        click.echo("\n" + "  " * (s["level"] - 1) + click.style(s["heading"], bold=True, fg="cyan"))
        last_context = None
        for p in by_section.get(s["id"], []):
            if p["context"] and p["context"] != last_context:
                click.echo(click.style(f"    {p['context']}", italic=True))
            last_context = p["context"]
            click.echo(_point_line(p))


@main.command()
@click.argument("document")
@json_or_text(_show_document)
@click.pass_context
def show(ctx, document):
    """Show a document's sections and learning points with citations."""
    return open_kb(ctx).document(document)


def _point_line(p: dict) -> str:
    page = f" p.{p['page']}" if p["page"] else ""
    extra = []
    if p.get("statement_type"):
        extra.append(p["statement_type"])
    if p.get("themes"):
        extra.append(", ".join(p["themes"]))
    if p.get("case_name"):
        extra.append(f"case: {p['case_name']}")
    tail = click.style(f"  [{'; '.join(extra)}]", dim=True) if extra else ""
    marker = "•" if p["kind"] == "item" else ("▦" if p["kind"] == "table_row" else "¶")
    return f"  {marker} [{p['id']}{page}] {p['text']}{tail}"


@main.command()
@click.argument("document")
@click.pass_context
def remove(ctx, document):
    """Remove a document and its learning points."""
    doc = open_kb(ctx).remove(document)
    click.echo(f"Removed {doc['id']} ({doc['title']}).")


def _show_stats(s: dict, **_) -> None:
    for key, value in s.items():
        click.echo(f"{key}: {value}")


@main.command()
@json_or_text(_show_stats)
@click.pass_context
def stats(ctx):
    """Counts of documents, sections and learning points, the model and the indexes."""
    return open_kb(ctx).stats()


@main.command()
@click.option("--reembed", is_flag=True, help="Embed every point again, not only those the model has not embedded.")
@click.pass_context
def reindex(ctx, reembed):
    """Rebuild the keyword and vector indexes from the store with the configured model and engine."""
    info = open_kb(ctx).reindex(progress=True, reembed=reembed)
    click.echo(f"Reindexed {info['points']} points ({info['embedded']} embedded now) with {info['model']} "
               f"(dimension {info['dim']}), keyword engine {info['keyword_engine']}, "
               f"{info['vector_index']} vector index.")
