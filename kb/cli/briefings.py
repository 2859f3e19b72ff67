"""`kb briefing`: briefings for trainers, built from cited learning points and exported."""
from __future__ import annotations

import click

from kb.briefings.export import EXPORTERS
from kb.cli.app import json_or_text, main, open_kb


class _ExportFormat(click.Choice):
    """The exporters' keys, read from the registry when asked (so a new exporter is offered)."""

    def __init__(self):
        super().__init__([])

    @property
    def choices(self):
        return list(EXPORTERS)

    @choices.setter
    def choices(self, _value):
        pass

@main.group()
def briefing():
    """Briefings for trainers: build them in the web app or here, export them to Word, Markdown, HTML."""


def _show_briefings(rows: list[dict], **_) -> None:
    if not rows:
        click.echo("No briefings yet: `kb briefing new TITLE`, or build one in the web app.")
    for b in rows:
        click.echo(f"{b['id']:>4}  {b['title']}  ({b['template']}, {b['n_items']} points, "
                   f"changed {b['updated_at'][:10]}, owner {b['owner'].split(':')[0]})")


@briefing.command(name="list")
@json_or_text(_show_briefings)
@click.pass_context
def briefing_list(ctx):
    """List the briefings, most recently changed first."""
    return open_kb(ctx).briefings()


@briefing.command(name="new")
@click.argument("title")
@click.option("--template", default="seven-minute", show_default=True,
              help="seven-minute, learning-brief or thematic-digest.")
@click.pass_context
def briefing_new(ctx, title, template):
    """Start an empty briefing (then add points with `kb briefing add`)."""
    b = open_kb(ctx).create_briefing("local", title, template)
    click.echo(f"Briefing {b['id']}: {b['title']} ({b['template']}). Add points with `kb briefing add {b['id']} POINT_ID`.")


@briefing.command(name="add")
@click.argument("briefing_id", type=int)
@click.argument("point_ids", type=int, nargs=-1, required=True)
@click.option("--note", default="", help="Your note on the point(s).")
@click.pass_context
def briefing_add(ctx, briefing_id, point_ids, note):
    """Quote learning points (ids from `kb search --json` or `kb show`) in a briefing."""
    k = open_kb(ctx)
    for pid in point_ids:
        item = k.add_to_briefing(briefing_id, pid, note=note)
        click.echo(f"{'Added' if item['added'] else 'Already in the briefing'}: point {pid} "
                   f"({item['source']['title']})")


@briefing.command(name="show")
@click.argument("briefing_id", type=int)
@click.pass_context
def briefing_show(ctx, briefing_id):
    """The briefing as Markdown."""
    click.echo(open_kb(ctx).export_briefing(briefing_id, "md").data.decode("utf-8"))


@briefing.command(name="export")
@click.argument("briefing_id", type=int)
@click.option("--format", "fmt", type=_ExportFormat(), default="docx", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True),
              help="File to write (default: the briefing's title with the format's extension).")
@click.option("--base-url", help="Address of the web app for links back to passages (default KB_PUBLIC_URL).")
@click.pass_context
def briefing_export(ctx, briefing_id, fmt, output, base_url):
    """Write the briefing to a file, every quotation cited, with a reference list."""
    exported = open_kb(ctx).export_briefing(briefing_id, fmt, base_url=base_url)
    path = output or exported.filename
    with open(path, "wb") as f:
        f.write(exported.data)
    click.echo(f"Wrote {path} ({len(exported.data):,} bytes)")
