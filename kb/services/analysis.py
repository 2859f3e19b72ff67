"""Analysis of the collection: themes with their counts and pages, the theme-by-year table,
re-tagging, the themes' evaluation and recurring findings."""
from __future__ import annotations

import csv
import io
from typing import Callable, Iterable

from kb.analysis.tagging import classify
from kb.analysis.taxonomy import Taxonomy, Theme
from kb.analysis.themes import ThemeTagger
from kb.core.cache import GenerationCache
from kb.core.errors import KBError, NotFound
from kb.core.records import doc_ref
from kb.core.store import Store
from kb.search import evaluation
from kb.services.indexes import Indexes
from kb.services.library import Library

THEME_PAGE = 100  # points per page of a theme


class Analysis:
    def __init__(self, store: Store, taxonomy: Taxonomy, tagger: ThemeTagger, indexes: Indexes,
                 cache: GenerationCache, library: Library):
        self.store, self.taxonomy, self.tagger = store, taxonomy, tagger
        self.indexes, self.cache, self.library = indexes, cache, library

    def theme_named(self, slug: str) -> Theme:
        theme = next((t for t in self.taxonomy.themes if t.slug == slug), None)
        if theme is None:
            raise NotFound(f"no theme '{slug}' (see `kb themes` for the slugs)")
        return theme

    def theme_counts(self, include_restricted: bool = True) -> dict[str, dict]:
        """Per theme slug, its number of points and of documents."""
        return self.cache.get(("theme_counts", include_restricted), lambda: self.store.theme_counts(include_restricted))

    def theme_years(self, include_restricted: bool = True) -> dict[str, dict[int, int]]:
        """Per theme slug, its number of points in documents of each year."""
        return self.cache.get(("theme_years", include_restricted),
                              lambda: self.store.theme_year_counts(include_restricted))

    def themes(self, include_restricted: bool = True) -> list[dict]:
        """Every theme of the taxonomy with its number of points and documents, and its
        points per year of publication."""
        counts = self.theme_counts(include_restricted)
        years = self.theme_years(include_restricted)
        return [{"slug": t.slug, "name": t.name, "group": t.group, "description": t.description,
                 "points": counts.get(t.slug, {}).get("points", 0),
                 "documents": counts.get(t.slug, {}).get("documents", 0),
                 "years": years.get(t.slug, {})} for t in self.taxonomy.themes]

    def theme(self, slug: str, include_restricted: bool = True,
              statement_types: Iterable[str] | None = None, page: int = 1) -> dict:
        """A theme and one page of its learning points grouped by document, newest document
        first; `points` counts all of them (after `statement_types` filters), `statement_counts`
        all its points by statement type, `page` and `pages` place this page."""
        theme = self.theme_named(slug)
        wanted = list(statement_types or ())
        statement_counts = self.cache.get(("stypes", slug, include_restricted),
                                          lambda: self.store.theme_statement_counts(slug, include_restricted))
        total = sum(n for st, n in statement_counts.items() if not wanted or st in wanted)
        pages = max(1, -(-total // THEME_PAGE))
        page = min(max(1, page), pages)
        docs = {d["id"]: d for d in self.library.documents(include_restricted)}
        groups: dict[str, dict] = {}
        for p in self.store.theme_points(slug, include_restricted, wanted, THEME_PAGE, (page - 1) * THEME_PAGE):
            doc = docs[p["document_id"]]
            group = groups.setdefault(doc["id"], {"document": doc_ref(doc), "points": []})
            p["document"] = group["document"]
            group["points"].append(p)
        return {"slug": theme.slug, "name": theme.name, "group": theme.group, "description": theme.description,
                "points": total, "documents": list(groups.values()), "page": page, "pages": pages,
                "document_count": self.theme_counts(include_restricted).get(slug, {}).get("documents", 0),
                "statement_counts": {k: v for k, v in statement_counts.items() if k},
                "years": self.theme_years(include_restricted).get(slug, {})}

    def theme_year_table(self, include_restricted: bool = True) -> tuple[list[str], list[list]]:
        """The theme-by-year table of the whole collection: a header and one row per theme
        (slug, name, a count per year, total), in taxonomy order."""
        counts = self.theme_years(include_restricted)
        years = sorted({y for per in counts.values() for y in per})
        header = ["theme", "name"] + [str(y) for y in years] + ["total"]
        rows = []
        for t in self.taxonomy.themes:
            per = counts.get(t.slug, {})
            rows.append([t.slug, t.name] + [per.get(y, 0) for y in years] + [sum(per.values())])
        return header, rows

    def theme_year_csv(self, include_restricted: bool = True) -> str:
        """The theme-by-year table as CSV text."""
        header, rows = self.theme_year_table(include_restricted)
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\n").writerows([header] + rows)
        return buf.getvalue()

    def retag(self, progress: Callable[[int, int], None] | None = None) -> dict:
        """Re-tag every point with the current taxonomy (themes and statement types); no re-ingest."""
        self.indexes.refresh()  # every point has an embedding with the configured model
        ids, vecs = self.store.embeddings(self.indexes.model)
        row = {int(i): n for n, i in enumerate(ids)}
        updates, primary, changed = [], {}, 0
        docs = self.store.documents()
        for n, doc in enumerate(docs, start=1):
            points = self.store.points(doc["id"])
            before = {p["id"]: (p["statement_type"], p["themes"]) for p in points}
            vectors = vecs[[row[p["id"]] for p in points]] if points else None
            primary[doc["id"]] = classify(self.tagger, points, vectors, doc)
            for p in points:
                updates.append((p["id"], p["statement_type"], p["theme_tags"]))
                changed += before[p["id"]] != (p["statement_type"], p["themes"])
            if progress:
                progress(n, len(docs))
        self.store.set_tags(updates, primary)
        self.indexes.refresh()
        return {"documents": len(docs), "points": len(updates), "changed": changed}

    def _labelled_point_finder(self) -> Callable[[str, str], dict | None]:
        """find(document id, start of text) -> the stored point a labelled set names, or None."""
        if not self.store.point_count():
            raise KBError(f"the knowledge base in {self.indexes.home} is empty: ingest the documents first")
        cache: dict[str, list[dict]] = {}

        def find(doc_id: str, start: str) -> dict | None:
            if doc_id not in cache:
                cache[doc_id] = self.store.points(doc_id)
            want = evaluation.words(start)
            return next((p for p in cache[doc_id] if evaluation.words(p["text"]).startswith(want)), None)
        return find

    def evaluate_themes(self, labels_path: str) -> evaluation.ThemeReport:
        """Themes and statement types of the stored points against a hand-labelled set."""
        labels = evaluation.load_theme_labels(labels_path)
        return evaluation.evaluate_themes(labels, self._labelled_point_finder(), [t.slug for t in self.taxonomy.themes])

    def recurring_csv(self, theme: str | None = None, min_docs: int = 2, doc_types: Iterable[str] = (),
                      year_from: int | None = None, year_to: int | None = None,
                      include_restricted: bool = True) -> str:
        """The recurring findings as CSV: one row per instance, with its group and citation."""
        groups = self.recurring(theme, min_docs, doc_types, year_from, year_to, include_restricted)
        buf = io.StringIO()
        out = csv.writer(buf, lineterminator="\n")
        out.writerow(["group", "finding", "kind", "themes", "documents", "first_year", "last_year", "instance",
                      "statement_type", "document", "publisher", "year", "section", "page", "similarity",
                      "shared_terms", "point_id"])
        for n, g in enumerate(groups, start=1):
            for p in g["points"]:
                d = p["document"]
                out.writerow([n, g["text"], g["kind"], "; ".join(g["themes"]), len(g["documents"]), g["first_year"],
                              g["last_year"], p["text"], p["statement_type"], d["title"], d["publisher"] or "",
                              d["year"] or "", p["section"], p["page"] or "", p["similarity"],
                              "; ".join(p["shared_terms"]), p["id"]])
        return buf.getvalue()

    def evaluate_recurring(self, labels_path: str):
        """Recurring groups against hand-labelled pairs (kb.analysis.recurring_eval)."""
        from kb.analysis import recurring_eval

        pairs = recurring_eval.load_labels(labels_path)
        find = self._labelled_point_finder()
        return recurring_eval.evaluate(pairs, self.recurring(), lambda doc, start: (find(doc, start) or {}).get("id"))

    # ------------------------------------------------------------ recurring findings
    def recurring(self, theme: str | None = None, min_docs: int = 2, doc_types: Iterable[str] = (),
                  year_from: int | None = None, year_to: int | None = None,
                  include_restricted: bool = True) -> list[dict]:
        """Findings stated in several documents: groups with their representative statement,
        themes, documents and every instance with its citation (see kb.analysis.recurring)."""
        if theme:
            self.theme_named(theme)
        self.indexes.refresh()
        key = ("recurring", theme, min_docs, tuple(doc_types), year_from, year_to, include_restricted)
        return self.cache.get(key, lambda: self._recurring(theme, min_docs, doc_types, year_from, year_to,
                                                           include_restricted))

    def _recurring(self, theme, min_docs, doc_types, year_from, year_to, include_restricted) -> list[dict]:
        from kb.analysis import recurring

        docs = {d["id"]: d for d in self.store.documents(include_restricted)
                if (not doc_types or d["doc_type"] in doc_types)
                and (year_from is None or (d["year"] or 0) >= year_from)
                and (year_to is None or (d["year"] or 9999) <= year_to)}
        points = [p for p in self.store.tagged_points(recurring.MIN_TAG_CONFIDENCE, recurring.SKIP_TYPES, theme)
                  if p["document_id"] in docs]
        found, vectors = self.indexes.vectors.vectors_of([p["id"] for p in points])
        by_id = {p["id"]: p for p in points}
        points = [by_id[i] for i in found]
        for p in points:
            p["year"] = docs[p["document_id"]]["year"]
        groups = recurring.find_groups(points, vectors, min_docs=min_docs, themes=[theme] if theme else None)
        by_id = {p["id"]: p for p in points}
        row = {p["id"]: n for n, p in enumerate(points)}
        out = []
        for g in groups:
            instances = []
            seed = by_id[g.seed]
            for pid in g.points:
                p = by_id[pid]
                instances.append({"id": pid, "text": p["text"], "context": p["context"],
                                  "document": doc_ref(docs[p["document_id"]]), "section": p["section_path"],
                                  "page": p["page"], "statement_type": p["statement_type"], "themes": p["themes"],
                                  # why it is in the group: how close its meaning is to the representative
                                  # statement's, and the words they share
                                  "similarity": round(float(vectors[row[pid]] @ vectors[row[g.seed]]), 3),
                                  "shared_terms": [] if pid == g.seed else recurring.shared_terms(seed["text"], p["text"])})
            instances.sort(key=lambda i: (-(i["document"]["year"] or 0), i["document"]["title"], i["id"]))
            first, last = (min(g.years), max(g.years)) if g.years else (None, None)
            out.append({"text": by_id[g.seed]["text"], "representative": g.seed, "kind": g.kind, "themes": g.themes,
                        "documents": [doc_ref(docs[d]) for d in g.documents], "years": g.years,
                        "first_year": first, "last_year": last,
                        # documents of the group published after it was first seen: it came back
                        "documents_since_first": sum(1 for d in g.documents
                                                     if first is not None and (docs[d]["year"] or 0) > first),
                        "points": instances})
        return out
