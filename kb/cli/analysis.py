"""Themes, the theme-by-year table, recurring findings, re-tagging and the themes' evaluation."""
from __future__ import annotations

import sys

import click

from kb.cli.app import building_bundled_corpus, citation, json_or_text, main, open_kb
from kb.cli.search import years_option
from kb.analysis import recurring_eval
from kb.search import evaluation


def _show_themes(rows: list[dict], **_) -> None:
    group = None
    for t in rows:
        if t["group"] != group:
            group = t["group"]
            click.echo(click.style(f"\n{group}", bold=True))
        click.echo(f"  {t['slug']:<24} {t['points']:>5} points {t['documents']:>3} documents  {t['name']}")


@main.command()
@json_or_text(_show_themes)
@click.pass_context
def themes(ctx):
    """The themes of the taxonomy with how many points and documents carry each."""
    return open_kb(ctx).themes()


@main.command(name="theme-years")
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False, writable=True), help="Also write it as CSV.")
@click.pass_context
def theme_years(ctx, csv_path):
    """The theme-by-year table: points of each theme in documents of each year."""
    k = open_kb(ctx)
    header, rows = k.theme_year_table()
    if csv_path:
        with open(csv_path, "w", newline="", encoding="utf-8") as f:
            f.write(k.theme_year_csv())
        click.echo(f"Wrote {len(rows)} themes × {len(header) - 3} years to {csv_path}", err=True)
    widths = [max(len(str(r[i])) for r in [header] + rows) for i in range(len(header))]
    for r in [header] + rows:
        cells = [str(r[0]).ljust(widths[0])] + [str(c).rjust(widths[i + 2]) for i, c in enumerate(r[2:])]
        click.echo("  ".join(cells))


def _show_theme(t: dict, **_) -> None:
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
@click.argument("slug")
@click.option("--type", "statement_types", multiple=True, help="Only this statement type (repeatable).")
@click.option("--page", default=1, show_default=True, help="Page of 100 points.")
@json_or_text(_show_theme)
@click.pass_context
def theme(ctx, slug, statement_types, page):
    """A theme's learning points grouped by document, newest first, with citations."""
    return open_kb(ctx).theme(slug, statement_types=list(statement_types), page=page)


def _show_groups(groups: list[dict], **_) -> None:
    names = open_kb(click.get_current_context()).taxonomy.statement_types
    if not groups:
        click.echo("No finding recurs across documents with these filters.")
    for n, g in enumerate(groups, start=1):
        years = ", ".join(str(y) for y in g["years"])
        kind = "" if g["kind"] == "finding" else f"[{names.get(g['kind'], g['kind'])}] "
        click.echo("\n" + click.style(f"{n}. {kind}{g['text']}", bold=True))
        seen = (f"; first seen {g['first_year']}, last seen {g['last_year']}" if g.get("first_year") else "")
        click.echo(click.style(f"   {len(g['documents'])} documents ({years}){seen}; themes: {', '.join(g['themes'])}",
                               dim=True))
        for p in g["points"]:
            click.echo(f"   • {p['text']}")
            click.echo(click.style(f"     {citation(p['document'], p['section'], p['page'])}  [point {p['id']}]",
                                   dim=True))


@main.command()
@click.option("--theme", help="Only findings under this theme slug.")
@click.option("--min-docs", default=2, show_default=True, help="Found in at least this many documents.")
@click.option("--type", "doc_types", multiple=True, help="Only documents of this type (repeatable).")
@click.option("--year", help="A year (2020) or a range (2017-2020, 2019-).")
@click.option("--csv", "as_csv", is_flag=True, help="Print CSV: one row per instance with its group and citation.")
@json_or_text(_show_groups)
@click.pass_context
def recurring(ctx, theme, min_docs, doc_types, year, as_csv):
    """Findings that recur across documents, each instance cited; most documents first."""
    year_from, year_to = years_option(year)
    wanted = dict(theme=theme, min_docs=min_docs, doc_types=list(doc_types), year_from=year_from, year_to=year_to)
    if as_csv:
        click.echo(open_kb(ctx).recurring_csv(**wanted), nl=False)
        ctx.exit(0)
    return open_kb(ctx).recurring(**wanted)


@main.command()
@click.pass_context
def retag(ctx):
    """Re-tag every learning point with the current taxonomy (no re-ingest)."""
    from tqdm import tqdm

    def step(done: int, total: int) -> None:
        bar.total = total
        bar.update(1)

    with tqdm(desc="Retagging", unit="doc", file=sys.stderr) as bar:
        info = open_kb(ctx).retag(progress=step)
    click.echo(f"Re-tagged {info['points']} points in {info['documents']} documents; "
               f"{info['changed']} changed their themes or statement type.")


def _theme_rows(report) -> list[dict]:
    return [{"theme": t.theme, "support": t.support, "predicted": t.predicted, "precision": t.precision,
             "recall": t.recall, "f1": t.f1} for t in report.themes if t.support or t.predicted]


def _report_json(report, verbose: bool = False, **_) -> dict:
    return {"macro": report.macro(), "micro": report.micro(), "themes": _theme_rows(report),
            "statement_type_accuracy": report.statement_accuracy, "points": report.points,
            "unmatched": report.unmatched, "errors": report.errors if verbose else None}


def _show_report(report, verbose: bool = False, **_) -> None:
    click.echo(f"{'theme':<24} {'labelled':>8} {'tagged':>6} {'P':>5} {'R':>5} {'F1':>5}")
    for r in _theme_rows(report):
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


@main.command(name="eval-themes")
@click.argument("labels", required=False, type=click.Path(exists=True, dir_okay=False))
@click.option("-v", "--verbose", is_flag=True, help="Also list the points the tagger gets wrong.")
@json_or_text(_show_report, data=_report_json)
@click.pass_context
def eval_themes(ctx, labels, verbose):
    """Theme tagging against a hand-labelled set: per-theme and macro precision, recall, F1."""
    return open_kb(ctx).evaluate_themes(labels or str(evaluation.default_theme_labels()),
                                        progress=building_bundled_corpus(ctx))


def _show_recurring_report(r, **_) -> None:
    click.echo(f"labelled pairs: {r.pairs} ({r.same_finding} same-finding)")
    click.echo(f"grouped together: {r.grouped} (" + ", ".join(f"{k} {v}" for k, v in r.grouped_by_label.items()) + ")")
    click.echo(f"pairwise precision {r.precision:.3f}  recall {r.recall:.3f}")
    click.echo(f"top-{recurring_eval.TOP} groups with labelled pairs: {r.top_groups_labelled}, "
               f"all same-finding: {r.top_groups_pure}")
    for u in r.unmatched:
        click.echo(f"not found: {u}", err=True)


def _recurring_report_json(r, **_) -> dict:
    return {"pairs": r.pairs, "same_finding": r.same_finding, "grouped": r.grouped,
            "grouped_by_label": r.grouped_by_label, "precision": round(r.precision, 4),
            "recall": round(r.recall, 4), "top_groups_labelled": r.top_groups_labelled,
            "top_groups_pure": r.top_groups_pure, "unmatched": r.unmatched}


@main.command(name="eval-recurring")
@click.argument("labels", required=False, type=click.Path(exists=True, dir_okay=False))
@json_or_text(_show_recurring_report, data=_recurring_report_json)
@click.pass_context
def eval_recurring(ctx, labels):
    """Recurring groups against hand-labelled pairs: pairwise precision and recall of same-finding."""
    return open_kb(ctx).evaluate_recurring(labels or str(recurring_eval.default_labels()),
                                           progress=building_bundled_corpus(ctx))
