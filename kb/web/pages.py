"""Reading pages: search (the home page), themes, documents. Open to anyone on
the network the server is configured for; restricted documents only after login."""
from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, Response, redirect, render_template, request, send_file, url_for
from markupsafe import Markup, escape

from kb.search.searcher import Filters

from kb.web.context import knowledge_base

bp = Blueprint("pages", __name__)

PAGE_SIZE = 10
MAX_PAGES = 5  # results are ranked by relevance; five pages of ten is where it stops helping
FACETS = [("theme", "Theme"), ("type", "Document type"), ("stype", "Statement type"), ("year", "Year"),
          ("publisher", "Publisher")]
FACET_KEYS = {"theme": "theme", "type": "doc_type", "stype": "statement_type", "year": "year",
              "publisher": "publisher"}


def filters_from(args) -> Filters:
    """Filters from a query string (the same names in pages and the JSON API)."""
    years = [int(y) for y in args.getlist("year") if y.isdigit()]
    year_from = args.get("year_from", type=int)
    year_to = args.get("year_to", type=int)
    if years:
        year_from, year_to = min(years), max(years)
    return Filters(doc_types=args.getlist("type"), statement_types=args.getlist("stype"),
                   themes=args.getlist("theme"), publishers=args.getlist("publisher"),
                   documents=args.getlist("document"), year_from=year_from, year_to=year_to)


def url_with(**changes) -> str:
    """The current page's URL with parameters changed: a value toggles in a multi-valued
    parameter (facets), None removes the parameter; the page number resets."""
    params: dict[str, list[str]] = {k: request.args.getlist(k) for k in request.args}
    params.pop("page", None)
    for key, value in changes.items():
        if key == "page":
            params["page"] = [str(value)]
        elif value is None:
            params.pop(key, None)
        elif key == "q":
            params["q"] = [value]
        else:
            values = params.get(key, [])
            params[key] = [v for v in values if v != str(value)] if str(value) in values else values + [str(value)]
    query = urlencode([(k, v) for k, vs in params.items() for v in vs if v != ""])
    return f"{request.path}?{query}" if query else request.path


def highlight(text: str, spans) -> Markup:
    """Point text with the query's words in <mark>, every piece escaped."""
    out, last = [], 0
    for start, end in spans or []:
        out.append(escape(text[last:start]))
        out.append(Markup("<mark>") + escape(text[start:end]) + Markup("</mark>"))
        last = end
    out.append(escape(text[last:]))
    return Markup("").join(out)


def register_filters(app) -> None:
    app.jinja_env.filters["highlight"] = highlight
    app.jinja_env.globals["url_with"] = url_with

    @app.context_processor
    def taxonomy_names():
        from kb.web.briefings import current_briefing
        from kb.web.context import current_user
        kb = app.extensions["kb"].kb
        with knowledge_base() as shared:
            briefing = current_briefing(shared)
        return {
            "briefing": briefing,
            "briefing_points": {i["point_id"] for i in briefing["items"]} if briefing else set(),
            "current_user": current_user(),
            "theme_names": {t.slug: t.name for t in kb.taxonomy.themes},
            "doc_type_names": kb.taxonomy.document_types,
            "statement_names": kb.taxonomy.statement_types,
        }


@bp.get("/")
def search():
    q = request.args.get("q", "").strip()
    filters = filters_from(request.args)
    page = max(1, min(request.args.get("page", 1, type=int), MAX_PAGES))
    expand = request.args.get("expand", "1") != "0"
    concepts = request.args.get("concepts", "1") != "0"
    with knowledge_base() as kb:
        if not q:
            themes = sorted(kb.themes(), key=lambda t: -t["points"])
            return render_template("search.html", q="", response=None, themes=themes[:12],
                                   filters=filters, facets=FACETS)
        response = kb.search(q, k=PAGE_SIZE, filters=filters, expand=expand, offset=(page - 1) * PAGE_SIZE,
                             concepts=concepts)
    pages = min(MAX_PAGES, max(1, -(-response.total_candidates // PAGE_SIZE)))
    return render_template("search.html", q=q, response=response, filters=filters, page=page, pages=pages,
                           expand=expand, concepts=concepts, facets=FACETS, facet_keys=FACET_KEYS, themes=None,
                           selected={k: request.args.getlist(k) for k, _ in FACETS})


@bp.get("/themes")
def themes():
    with knowledge_base() as kb:
        rows = kb.themes()
    all_years = sorted({y for t in rows for y in t["years"]})
    return render_template("themes.html", themes=rows, all_years=all_years)


@bp.get("/themes/<slug>")
def theme(slug: str):
    stypes = request.args.getlist("stype")
    with knowledge_base() as kb:
        t = kb.theme(slug, statement_types=stypes,
                     page=request.args.get("page", 1, type=int))
    return render_template("theme.html", theme=t, stypes=stypes)


@bp.get("/themes/years")
def theme_years():
    with knowledge_base() as kb:
        header, rows = kb.theme_year_table()
    return render_template("theme_years.html", header=header, rows=rows)


@bp.get("/themes/years.csv")
def theme_years_csv():
    with knowledge_base() as kb:
        text = kb.theme_year_csv()
    return Response(text, mimetype="text/csv",
                    headers={"Content-Disposition": "attachment; filename=themes-by-year.csv"})


def recurring_args(args) -> dict:
    """Filters of the recurring findings (the same names in the page and the API)."""
    filters = filters_from(args)
    return {"theme": args.get("theme") or None, "min_docs": max(2, args.get("min_docs", 2, type=int)),
            "doc_types": filters.doc_types, "year_from": filters.year_from, "year_to": filters.year_to}


RECURRING_PAGE = 20  # groups per page of recurring findings


@bp.get("/recurring")
def recurring():
    wanted = recurring_args(request.args)
    with knowledge_base() as kb:
        groups = kb.recurring(**wanted)
        years = sorted({y for t in kb.theme_years().values() for y in t})
    pages = max(1, -(-len(groups) // RECURRING_PAGE))
    page = min(max(1, request.args.get("page", 1, type=int)), pages)
    query = {k: v for k, v in request.args.to_dict().items() if k != "page"}
    return render_template("recurring.html", groups=groups[(page - 1) * RECURRING_PAGE:page * RECURRING_PAGE],
                           total=len(groups), page=page, pages=pages, first=(page - 1) * RECURRING_PAGE + 1,
                           query=query, wanted=wanted, years=years)


@bp.get("/recurring.csv")
def recurring_csv():
    with knowledge_base() as kb:
        text = kb.recurring_csv(**recurring_args(request.args))
    return Response(text, mimetype="text/csv",
                    headers={"Content-Disposition": "attachment; filename=recurring-findings.csv"})


LIBRARY_PAGE = 100  # documents per page of the library


@bp.get("/documents")
def documents():
    with knowledge_base() as kb:
        docs = kb.documents()
    pages = max(1, -(-len(docs) // LIBRARY_PAGE))
    page = min(max(1, request.args.get("page", 1, type=int)), pages)
    return render_template("documents.html", documents=docs[(page - 1) * LIBRARY_PAGE:page * LIBRARY_PAGE],
                           total=len(docs), page=page, pages=pages)


@bp.get("/documents/<doc_id>")
def document(doc_id: str):
    with knowledge_base() as kb:
        doc = kb.document(doc_id)
    by_section: dict = {}
    for p in doc["points"]:
        by_section.setdefault(p["section_id"], []).append(p)
    return render_template("document.html", doc=doc, by_section=by_section)


@bp.get("/documents/<doc_id>/file")
def document_file(doc_id: str):
    with knowledge_base() as kb:
        path, name = kb.original_file(doc_id)
    return send_file(path, as_attachment=True, download_name=name)


@bp.get("/points/<int:point_id>")
def point(point_id: int):
    with knowledge_base() as kb:
        p = kb.point(point_id)
    return redirect(url_for("pages.document", doc_id=p["document_id"]) + f"#point-{point_id}")
