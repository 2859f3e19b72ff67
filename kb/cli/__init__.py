"""The `kb` command line: each command parses, makes one library call, renders."""
from __future__ import annotations

import json
import sys

import click

from kb.search import evaluation
from kb.core.citations import citation as cite
from kb.core.errors import KBError
from kb.knowledge_base import KnowledgeBase
from kb.search.searcher import Filters
from kb.core.settings import Settings, describe


class _Group(click.Group):
    """Translates domain errors into one readable line and an exit code, in one place."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except KBError as exc:
            click.echo(f"Error: {exc}", err=True)
            ctx.exit(exc.exit_code)


def _kb(ctx: click.Context) -> KnowledgeBase:
    if "kb" not in ctx.obj:
        ctx.obj["kb"] = KnowledgeBase(ctx.obj["settings"])
        ctx.call_on_close(ctx.obj["kb"].close)
    return ctx.obj["kb"]


def _echo_json(data) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))


def citation(doc: dict, section: str | None, page: int | None) -> str:
    return cite(doc, section, page, sep=" · ", kind=doc.get("doc_type"))


def _mark(text: str, spans: list) -> str:
    out, last = [], 0
    for start, end in spans:
        out.append(text[last:start])
        out.append(click.style(text[start:end], bold=True, fg="yellow"))
        last = end
    out.append(text[last:])
    return "".join(out)


@click.group(cls=_Group)
@click.option("--home", type=click.Path(file_okay=False), envvar="KB_HOME",
              help="Data folder of the knowledge base (default: KB_HOME or ~/.local/share/safeguarding-kb).")
@click.version_option(package_name="safeguarding-kb")
@click.pass_context
def main(ctx: click.Context, home: str | None) -> None:
    """A knowledge base of learning from child safeguarding reviews."""
    ctx.ensure_object(dict)
    ctx.obj["settings"] = Settings.from_env(home=home)


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
    kb = _kb(ctx)
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
                    (f"  — {outcome.reason}" if outcome.reason else ""))
            bar.write(line, file=sys.stderr if outcome.status == "failed" else sys.stdout)

        report = kb.ingest(todo, meta, progress=step)
    click.echo(f"Summary: {report.summary()}")
    for o in report.failed:
        click.echo(f"Failed: {o.source}: {o.reason}", err=True)
    if report.failed:
        ctx.exit(1)


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def documents(ctx, as_json):
    """List the documents in the knowledge base."""
    docs = _kb(ctx).documents()
    if as_json:
        return _echo_json(docs)
    if not docs:
        click.echo("No documents yet. Add some with `kb ingest PATH`.")
    for d in docs:
        flag = " [restricted]" if d["visibility"] == "restricted" else ""
        click.echo(f"{d['id']}\t{d['year'] or '----'}\t{d['doc_type']}\t{d['n_points']} points\t{d['title']}{flag}")


@main.command()
@click.argument("document")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def show(ctx, document, as_json):
    """Show a document's sections and learning points with citations."""
    doc = _kb(ctx).document(document)
    if as_json:
        return _echo_json(doc)
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
    doc = _kb(ctx).remove(document)
    click.echo(f"Removed {doc['id']} ({doc['title']}).")


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def stats(ctx, as_json):
    """Counts of documents, sections and learning points."""
    s = _kb(ctx).stats()
    if as_json:
        return _echo_json(s)
    for key, value in s.items():
        click.echo(f"{key}: {value}")


@main.command()
@click.argument("query")
@click.option("-k", "k", default=10, show_default=True, help="How many results.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option("--type", "doc_types", multiple=True,
              help="Document type or statement type slug, e.g. cspr, recommendation (repeatable).")
@click.option("--publisher", "publishers", multiple=True, help="Publisher (part of the name; repeatable).")
@click.option("--year", help="A year (2020) or a range (2017-2020, 2019-).")
@click.option("--document", "documents_", multiple=True, help="Document id (repeatable).")
@click.option("--statement", "statement_types", multiple=True, help="Statement type slug (repeatable).")
@click.option("--theme", "themes", multiple=True, help="Theme slug (repeatable).")
@click.option("--no-expand", is_flag=True, help="Do not add glossary equivalents to the query.")
@click.pass_context
def search(ctx, query, k, as_json, doc_types, publishers, year, documents_, statement_types, themes, no_expand):
    """Search learning points: keyword and meaning, fused, each result cited."""
    year_from, year_to = _years(year)
    filters = Filters(doc_types=list(doc_types), publishers=list(publishers), year_from=year_from,
                      year_to=year_to, documents=list(documents_), statement_types=list(statement_types),
                      themes=list(themes))
    response = _kb(ctx).search(query, k=k, filters=filters, expand=not no_expand)
    if as_json:
        return _echo_json(response.results)
    if response.did_you_mean:
        click.echo(f"Did you mean: {response.did_you_mean}")
    if response.expansions:
        click.echo(f"Also searched for: {', '.join(response.expansions)}")
    if not response.results:
        click.echo("No learning points found.")
    for n, r in enumerate(response.results, start=1):
        click.echo(f"\n{n}. {_mark(r['text'], r['highlights'])}")
        if r["context"]:
            click.echo(click.style(f"   In: {r['context']}", italic=True))
        click.echo(click.style(f"   {citation(r['document'], r['section'], r['page'])}  [point {r['id']}]", dim=True))


def _years(text: str | None) -> tuple[int | None, int | None]:
    if not text:
        return None, None
    try:
        if "-" in text:
            a, b = text.split("-", 1)
            return (int(a) if a else None), (int(b) if b else None)
        return int(text), int(text)
    except ValueError:
        raise click.BadParameter(f"'{text}' is not a year or a range like 2017-2020", param_hint="--year") from None


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def themes(ctx, as_json):
    """The themes of the taxonomy with how many points and documents carry each."""
    rows = _kb(ctx).themes()
    if as_json:
        return _echo_json(rows)
    group = None
    for t in rows:
        if t["group"] != group:
            group = t["group"]
            click.echo(click.style(f"\n{group}", bold=True))
        click.echo(f"  {t['slug']:<24} {t['points']:>5} points {t['documents']:>3} documents  {t['name']}")


@main.command(name="theme-years")
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False, writable=True), help="Also write it as CSV.")
@click.pass_context
def theme_years(ctx, csv_path):
    """The theme-by-year table: points of each theme in documents of each year."""
    k = _kb(ctx)
    header, rows = k.theme_year_table()
    if csv_path:
        with open(csv_path, "w", newline="", encoding="utf-8") as f:
            f.write(k.theme_year_csv())
        click.echo(f"Wrote {len(rows)} themes × {len(header) - 3} years to {csv_path}", err=True)
    widths = [max(len(str(r[i])) for r in [header] + rows) for i in range(len(header))]
    for r in [header] + rows:
        cells = [str(r[0]).ljust(widths[0])] + [str(c).rjust(widths[i + 2]) for i, c in enumerate(r[2:])]
        click.echo("  ".join(cells))


@main.command()
@click.argument("slug")
@click.option("--type", "statement_types", multiple=True, help="Only this statement type (repeatable).")
@click.option("--page", default=1, show_default=True, help="Page of 100 points.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def theme(ctx, slug, statement_types, page, as_json):
    """A theme's learning points grouped by document, newest first, with citations."""
    t = _kb(ctx).theme(slug, statement_types=list(statement_types), page=page)
    if as_json:
        return _echo_json(t)
    click.echo(click.style(f"{t['name']} ({t['slug']})", bold=True))
    click.echo(f"{t['description']}\n{t['points']} points in {t['document_count']} documents"
               + (f" (page {t['page']} of {t['pages']}: --page)" if t["pages"] > 1 else ""))
    for group in t["documents"]:
        doc = group["document"]
        click.echo("\n" + click.style(citation(doc, None, None), bold=True, fg="cyan"))
        for p in group["points"]:
            page = f", p. {p['page']}" if p["page"] else ""
            click.echo(f"  • [{p['statement_type']}] {p['text']}")
            click.echo(click.style(f"    {p['section_path'] or '(no section)'}{page}  [point {p['id']}; "
                                   f"{p['theme_reason']}]", dim=True))


@main.command()
@click.option("--theme", help="Only findings under this theme slug.")
@click.option("--min-docs", default=2, show_default=True, help="Found in at least this many documents.")
@click.option("--type", "doc_types", multiple=True, help="Only documents of this type (repeatable).")
@click.option("--year", help="A year (2020) or a range (2017-2020, 2019-).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def recurring(ctx, theme, min_docs, doc_types, year, as_json):
    """Findings that recur across documents, each instance cited; most documents first."""
    year_from, year_to = _years(year)
    groups = _kb(ctx).recurring(theme=theme, min_docs=min_docs, doc_types=list(doc_types),
                                year_from=year_from, year_to=year_to)
    if as_json:
        return _echo_json(groups)
    if not groups:
        click.echo("No finding recurs across documents with these filters.")
    for n, g in enumerate(groups, start=1):
        years = ", ".join(str(y) for y in g["years"])
        click.echo("\n" + click.style(f"{n}. {g['text']}", bold=True))
        click.echo(click.style(f"   {len(g['documents'])} documents ({years}); themes: {', '.join(g['themes'])}",
                               dim=True))
        for p in g["points"]:
            click.echo(f"   • {p['text']}")
            click.echo(click.style(f"     {citation(p['document'], p['section'], p['page'])}  [point {p['id']}]",
                                   dim=True))


@main.command()
@click.pass_context
def retag(ctx):
    """Re-tag every learning point with the current taxonomy (no re-ingest)."""
    from tqdm import tqdm

    def step(done: int, total: int) -> None:
        bar.total = total
        bar.update(1)

    with tqdm(desc="Retagging", unit="doc", file=sys.stderr) as bar:
        info = _kb(ctx).retag(progress=step)
    click.echo(f"Re-tagged {info['points']} points in {info['documents']} documents; "
               f"{info['changed']} changed their themes or statement type.")


@main.command(name="eval-themes")
@click.argument("labels", required=False, type=click.Path(exists=True, dir_okay=False))
@click.option("-v", "--verbose", is_flag=True, help="Also list the points the tagger gets wrong.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def eval_themes(ctx, labels, verbose, as_json):
    """Theme tagging against a hand-labelled set: per-theme and macro precision, recall, F1."""
    report = _kb(ctx).evaluate_themes(labels or str(evaluation.default_theme_labels()))
    rows = [{"theme": t.theme, "support": t.support, "predicted": t.predicted, "precision": t.precision,
             "recall": t.recall, "f1": t.f1} for t in report.themes if t.support or t.predicted]
    if as_json:
        return _echo_json({"macro": report.macro(), "micro": report.micro(), "themes": rows,
                           "statement_type_accuracy": report.statement_accuracy, "points": report.points,
                           "unmatched": report.unmatched, "errors": report.errors if verbose else None})
    click.echo(f"{'theme':<24} {'labelled':>8} {'tagged':>6} {'P':>5} {'R':>5} {'F1':>5}")
    for r in rows:
        click.echo(f"{r['theme']:<24} {r['support']:>8} {r['predicted']:>6} {r['precision']:5.2f} "
                   f"{r['recall']:5.2f} {r['f1']:5.2f}")
    m, mi = report.macro(), report.micro()
    click.echo(f"\npoints: {report.points} labelled, {len(report.unmatched)} not found in the store")
    click.echo(f"macro ({m['themes']} themes): precision {m['precision']:.3f}  recall {m['recall']:.3f}  "
               f"F1 {m['f1']:.3f}")
    click.echo(f"micro: precision {mi['precision']:.3f}  recall {mi['recall']:.3f}  F1 {mi['f1']:.3f}")
    click.echo(f"statement type accuracy: {report.statement_accuracy:.3f}")
    for u in report.unmatched:
        click.echo(f"not found: {u}", err=True)
    if verbose:
        for e in report.errors:
            click.echo(f"\n[{e['id']}] {e['text'][:160]}")
            if e["missing"] or e["extra"]:
                click.echo(f"    missing {', '.join(e['missing']) or '-'}; extra {', '.join(e['extra']) or '-'}")
            if e["labelled_type"] and e["labelled_type"] != e["statement_type"]:
                click.echo(f"    statement type {e['statement_type']}, labelled {e['labelled_type']}")


@main.command()
@click.option("--reembed", is_flag=True, help="Embed every point again, not only those the model has not embedded.")
@click.pass_context
def reindex(ctx, reembed):
    """Rebuild the keyword and vector indexes from the store with the configured model and engine."""
    info = _kb(ctx).reindex(progress=True, reembed=reembed)
    click.echo(f"Reindexed {info['points']} points ({info['embedded']} embedded now) with {info['model']} "
               f"(dimension {info['dim']}), keyword engine {info['keyword_engine']}, "
               f"{info['vector_index']} vector index.")


@main.command(name="eval")
@click.argument("queries", type=click.Path(exists=True, dir_okay=False))
@click.option("-v", "--verbose", is_flag=True, help="Scores for each query.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def eval_(ctx, queries, verbose, as_json):
    """Search quality on graded queries: nDCG@10, recall@10 and MRR."""
    scores = _kb(ctx).evaluate(queries)
    summary = evaluation.mean(scores)
    kinds = evaluation.by_kind(scores)
    if as_json:
        return _echo_json({"mean": summary, "by_kind": kinds, "queries": [vars(s) for s in scores]})
    if verbose:
        click.echo(f"{'id':<6} {'kind':<11} {'nDCG@10':>8} {'recall':>7} {'MRR':>6}  query")
        for s in scores:
            click.echo(f"{s.id:<6} {s.kind:<11} {s.ndcg:8.3f} {s.recall:7.3f} {s.mrr:6.3f}  {s.query}")
        click.echo(f"\n{'kind':<18} {'queries':>7} {'nDCG@10':>8} {'recall':>7} {'MRR':>6}")
        for kind, m in kinds.items():
            click.echo(f"{kind:<18} {m['queries']:>7} {m['ndcg@10']:8.3f} {m['recall@10']:7.3f} {m['mrr']:6.3f}")
        click.echo()
    click.echo(f"queries: {summary['queries']}")
    click.echo(f"nDCG@10: {summary['ndcg@10']:.3f}")
    click.echo(f"recall@10: {summary['recall@10']:.3f}")
    click.echo(f"MRR: {summary['mrr']:.3f}")


@main.command()
@click.option("--host", help="Address to listen on (default KB_HOST, 127.0.0.1; 0.0.0.0 for the network).")
@click.option("--port", type=int, help="Port (default KB_PORT, 8000).")
@click.option("--threads", default=8, show_default=True, help="Worker threads of the WSGI server.")
@click.pass_context
def serve(ctx, host, port, threads):
    """Serve the web app with a production WSGI server (waitress)."""
    from waitress import serve as waitress_serve

    from kb.web import create_app
    from kb.web.security import check_serving

    settings = ctx.obj["settings"]
    host, port = host or settings.host, port or settings.port
    check_serving(settings, host)
    app = create_app(settings)
    kb = app.extensions["kb"].kb
    kb.refresh_indexes()
    click.echo(f"Serving {kb.store.point_count()} learning points from {kb.home}")
    click.echo(f"Open http://{'localhost' if host in ('127.0.0.1', '0.0.0.0') else host}:{port}/ (Ctrl+C stops)")
    if not kb.users():
        click.echo("No administrator yet: create one with `kb user add NAME` to upload documents.")
    if host not in ("127.0.0.1", "localhost", "::1") and not settings.https:
        click.echo("Note: without KB_HTTPS=1 behind HTTPS, passwords and sessions cross the network unencrypted.")
    waitress_serve(app, host=host, port=port, threads=threads, ident="safeguarding-kb")


@main.group()
def user():
    """Administrators of the web app (who may upload, edit and see restricted documents)."""


@user.command(name="add")
@click.argument("name")
@click.password_option(help="Password (asked for when not given; at least 10 characters).")
@click.pass_context
def user_add(ctx, name, password):
    """Create an administrator, or set a new password."""
    _kb(ctx).add_user(name, password)
    click.echo(f"Administrator '{name}' saved (the password is stored hashed).")


@user.command(name="list")
@click.pass_context
def user_list(ctx):
    """List the administrators."""
    for u in _kb(ctx).users():
        click.echo(f"{u['name']}\tsince {u['created_at']}")


@user.command(name="remove")
@click.argument("name")
@click.pass_context
def user_remove(ctx, name):
    """Remove an administrator."""
    _kb(ctx).remove_user(name)
    click.echo(f"Removed administrator '{name}'.")


@main.group()
def briefing():
    """Briefings for trainers: build them in the web app or here, export them to Word, Markdown, HTML."""


@briefing.command(name="list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def briefing_list(ctx, as_json):
    rows = _kb(ctx).briefings()
    if as_json:
        _echo_json(rows)
        return
    if not rows:
        click.echo("No briefings yet: `kb briefing new TITLE`, or build one in the web app.")
    for b in rows:
        click.echo(f"{b['id']:>4}  {b['title']}  ({b['template']}, {b['n_items']} points, "
                   f"changed {b['updated_at'][:10]}, owner {b['owner'].split(':')[0]})")


@briefing.command(name="new")
@click.argument("title")
@click.option("--template", default="seven-minute", show_default=True,
              help="seven-minute, learning-brief or thematic-digest.")
@click.pass_context
def briefing_new(ctx, title, template):
    b = _kb(ctx).create_briefing("local", title, template)
    click.echo(f"Briefing {b['id']}: {b['title']} ({b['template']}). Add points with `kb briefing add {b['id']} POINT_ID`.")


@briefing.command(name="add")
@click.argument("briefing_id", type=int)
@click.argument("point_ids", type=int, nargs=-1, required=True)
@click.option("--note", default="", help="Your note on the point(s).")
@click.pass_context
def briefing_add(ctx, briefing_id, point_ids, note):
    """Quote learning points (ids from `kb search --json` or `kb show`) in a briefing."""
    k = _kb(ctx)
    for pid in point_ids:
        item = k.add_to_briefing(briefing_id, pid, note=note)
        click.echo(f"{'Added' if item['added'] else 'Already in the briefing'}: point {pid} "
                   f"({item['source']['title']})")


@briefing.command(name="show")
@click.argument("briefing_id", type=int)
@click.pass_context
def briefing_show(ctx, briefing_id):
    """The briefing as Markdown."""
    click.echo(_kb(ctx).export_briefing(briefing_id, "md").data.decode("utf-8"))


@briefing.command(name="export")
@click.argument("briefing_id", type=int)
@click.option("--format", "fmt", type=click.Choice(["docx", "md", "html"]), default="docx", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True),
              help="File to write (default: the briefing's title with the format's extension).")
@click.option("--base-url", help="Address of the web app for links back to passages (default KB_PUBLIC_URL).")
@click.pass_context
def briefing_export(ctx, briefing_id, fmt, output, base_url):
    exported = _kb(ctx).export_briefing(briefing_id, fmt, base_url=base_url)
    path = output or exported.filename
    with open(path, "wb") as f:
        f.write(exported.data)
    click.echo(f"Wrote {path} ({len(exported.data):,} bytes)")


@main.command(name="settings")
def settings_():
    """The settings, their environment variables and defaults."""
    click.echo(describe())


if __name__ == "__main__":
    main()
