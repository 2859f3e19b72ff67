"""`kb search` and `kb eval`."""
from __future__ import annotations

import click

from kb.cli.app import building_bundled_corpus, citation, json_or_text, main, mark, open_kb
from kb.search import evaluation
from kb.search.searcher import Filters, SearchResponse


def years_option(text: str | None) -> tuple[int | None, int | None]:
    """--year: a year (2020) or a range (2017-2020, 2019-)."""
    if not text:
        return None, None
    try:
        if "-" in text:
            a, b = text.split("-", 1)
            return (int(a) if a else None), (int(b) if b else None)
        return int(text), int(text)
    except ValueError:
        raise click.BadParameter(f"'{text}' is not a year or a range like 2017-2020", param_hint="--year") from None


def _show_results(response: SearchResponse, **_) -> None:
    if response.did_you_mean:
        click.echo(f"Did you mean: {response.did_you_mean}")
    if response.expansions:
        click.echo(f"Also searched for: {', '.join(response.expansions)}")
    if response.concepts:
        names = {t.slug: t.name for t in open_kb(click.get_current_context()).taxonomy.themes}
        shown = ", ".join(f"{names.get(slug, slug)} ({slug})" for slug in response.concepts)
        terms = f"; and for {', '.join(repr(t) for t in response.concept_terms)}" if response.concept_terms else ""
        why = " (most of the first results carry it)" if response.concepts_from == "results" else ""
        click.echo(f"Also searched for theme: {shown}{why}{terms} (--no-themes leaves them out)")
    if not response.results:
        click.echo("No learning points found.")
    for n, r in enumerate(response.results, start=1):
        click.echo(f"\n{n}. {mark(r['text'], r['highlights'])}")
        if r["context"]:
            click.echo(click.style(f"   In: {r['context']}", italic=True))
        click.echo(click.style(f"   {citation(r['document'], r['section'], r['page'])}  [point {r['id']}]", dim=True))


@main.command()
@click.argument("query")
@click.option("-k", "k", default=10, show_default=True, help="How many results.")
@click.option("--type", "doc_types", multiple=True,
              help="Document type or statement type slug, e.g. cspr, recommendation (repeatable).")
@click.option("--publisher", "publishers", multiple=True, help="Publisher (part of the name; repeatable).")
@click.option("--year", help="A year (2020) or a range (2017-2020, 2019-).")
@click.option("--document", "documents_", multiple=True, help="Document id (repeatable).")
@click.option("--statement", "statement_types", multiple=True, help="Statement type slug (repeatable).")
@click.option("--theme", "themes", multiple=True, help="Theme slug (repeatable).")
@click.option("--no-expand", is_flag=True, help="Do not add glossary equivalents to the query.")
@click.option("--no-themes", is_flag=True, help="Do not favour points of the themes the query maps to.")
@json_or_text(_show_results, data=lambda response, **_: response.results)
@click.pass_context
def search(ctx, query, k, doc_types, publishers, year, documents_, statement_types, themes, no_expand, no_themes):
    """Search learning points: keyword and meaning, fused, each result cited."""
    year_from, year_to = years_option(year)
    filters = Filters(doc_types=list(doc_types), publishers=list(publishers), year_from=year_from,
                      year_to=year_to, documents=list(documents_), statement_types=list(statement_types),
                      themes=list(themes))
    return open_kb(ctx).search(query, k=k, filters=filters, expand=not no_expand, concepts=not no_themes)


def _parts(scores) -> tuple[list, list]:
    return [s for s in scores if not s.of], [s for s in scores if s.of]


def _scores_json(scores, **_) -> dict:
    graded, reworded = _parts(scores)
    out = {"mean": evaluation.mean(graded), "by_kind": evaluation.by_kind(graded),
           "queries": [vars(s) for s in scores]}
    if reworded:
        out["rewordings"] = {"mean": evaluation.mean(reworded), "by_kind": evaluation.by_kind(reworded)}
    return out


def _show_kinds(title: str, scores) -> None:
    click.echo(f"\n{title:<18} {'queries':>7} {'nDCG@10':>8} {'recall':>7} {'MRR':>6}")
    for kind, m in evaluation.by_kind(scores).items():
        click.echo(f"{kind:<18} {m['queries']:>7} {m['ndcg@10']:8.3f} {m['recall@10']:7.3f} {m['mrr']:6.3f}")


def _show_scores(scores, verbose: bool = False, **_) -> None:
    graded, reworded = _parts(scores)
    summary = evaluation.mean(graded)
    if verbose:
        click.echo(f"{'id':<6} {'kind':<11} {'nDCG@10':>8} {'recall':>7} {'MRR':>6}  query")
        for s in scores:
            click.echo(f"{s.id:<6} {s.kind:<11} {s.ndcg:8.3f} {s.recall:7.3f} {s.mrr:6.3f}  {s.query}")
        _show_kinds("kind", graded)
        if reworded:
            _show_kinds("rewordings, kind", reworded)
            m = evaluation.mean(reworded)
            click.echo(f"{'all rewordings':<18} {m['queries']:>7} {m['ndcg@10']:8.3f} {m['recall@10']:7.3f} "
                       f"{m['mrr']:6.3f}   (gold pooled for the original wording: a lower bound)")
        click.echo()
    click.echo(f"queries: {summary['queries']}")
    click.echo(f"nDCG@10: {summary['ndcg@10']:.3f}")
    click.echo(f"recall@10: {summary['recall@10']:.3f}")
    click.echo(f"MRR: {summary['mrr']:.3f}")


@main.command(name="eval")
@click.argument("queries", type=click.Path(exists=True, dir_okay=False))
@click.option("-v", "--verbose", is_flag=True, help="Scores for each query and for each kind of query.")
@click.option("--rewordings", type=click.Path(exists=True, dir_okay=False), is_flag=False,
              flag_value=str(evaluation.default_rewordings()),
              help="Also score other wordings of the queries (paraphrase, question, acronym, typo) against their "
                   "gold lists; without a file, the project's own (corpus/labels/query_variants.json).")
@json_or_text(_show_scores, data=_scores_json)
@click.pass_context
def eval_(ctx, queries, verbose, rewordings):
    """Search quality on graded queries: nDCG@10, recall@10 and MRR."""
    return open_kb(ctx).evaluate(queries, rewordings, progress=building_bundled_corpus(ctx))
