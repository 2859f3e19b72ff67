"""The `kb` group and what every command shares: the knowledge base opened once per
invocation, domain errors translated to one line and an exit code in one place, and the
`--json` option (`json_or_text`): a command returns what it found, printed as JSON or for
reading."""
from __future__ import annotations

import functools
import json
from typing import Any, Callable

import click

from kb.core.citations import citation as cite
from kb.core.errors import KBError
from kb.core.settings import Settings
from kb.knowledge_base import KnowledgeBase


class _Group(click.Group):
    """Translates domain errors into one readable line and an exit code, in one place."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except KBError as exc:
            click.echo(f"Error: {exc}", err=True)
            ctx.exit(exc.exit_code)


def open_kb(ctx: click.Context) -> KnowledgeBase:
    if "kb" not in ctx.obj:
        ctx.obj["kb"] = KnowledgeBase(ctx.obj["settings"])
        ctx.call_on_close(ctx.obj["kb"].close)
    return ctx.obj["kb"]


def building_bundled_corpus(ctx: click.Context) -> Callable:
    """A progress callback for the evaluation commands, which build an empty default knowledge
    base from the bundled corpus first: one line on stderr per document, after a heading."""
    def step(outcome) -> None:
        if not step.started:
            click.echo(f"The knowledge base in {ctx.obj['settings'].home_path} is empty: building it from the "
                       "bundled corpus (corpus/) first, as scripts/run.sh does.", err=True)
            step.started = True
        click.echo(f"{outcome.status:>9}  {outcome.source}" + (f"  — {outcome.reason}" if outcome.reason else ""),
                   err=True)
    step.started = False
    return step


def echo_json(data) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))


def json_or_text(render: Callable[..., None], data: Callable[..., Any] | None = None):
    """`--json` for a command that returns what it found: printed as JSON (`data(found, **params)`
    picks what, default all of it) or by `render(found, **params)` for reading."""
    def decorate(command):
        @functools.wraps(command)
        def run(*args, as_json: bool = False, **params):
            found = command(*args, **params)
            if as_json:
                echo_json(data(found, **params) if data else found)
            else:
                render(found, **params)
        return click.option("--json", "as_json", is_flag=True, help="Print JSON.")(run)
    return decorate


def citation(doc: dict, section: str | None, page: int | None) -> str:
    return cite(doc, section, page, sep=" · ", kind=doc.get("doc_type"))


def mark(text: str, spans: list) -> str:
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
