import json
from pathlib import Path

from click.testing import CliRunner

from kb.cli import main
from tests.conftest import SEEDS

DEV = Path(__file__).resolve().parents[1] / "data" / "dev.json"


def run(home, *args, **kw):
    return CliRunner().invoke(main, ["--home", str(home), *args], env={"KB_EMBEDDER": "hash"}, **kw)


def test_every_command_has_help():
    for name, cmd in main.commands.items():
        assert cmd.help, name
        assert CliRunner().invoke(main, [name, "--help"]).exit_code == 0


def test_ingest_show_documents_stats_remove(tmp_path):
    home = tmp_path / "kb"
    r = run(home, "ingest", "--quiet", str(SEEDS["000"]), str(SEEDS["003"]))
    assert r.exit_code == 0, r.output
    assert "Summary: 2 ingested, 0 replaced, 0 unchanged, 0 failed" in r.output
    r = run(home, "ingest", "--quiet", str(SEEDS["000"]))
    assert "1 unchanged" in r.output
    r = run(home, "documents")
    assert "Learning Summary 2021-23" in r.output or "LEARNING SUMMARY" in r.output
    r = run(home, "show", "000-77e49d8702c71058")
    assert r.exit_code == 0 and "Importance of applying Was Not Brought" in r.output and "TABLETOP REVIEWS" in r.output
    stats = json.loads(run(home, "stats", "--json").output)
    assert stats["documents"] == 2 and stats["points"] > 200
    r = run(home, "remove", "000-77e49d8702c71058")
    assert r.exit_code == 0 and "Removed" in r.output
    assert json.loads(run(home, "stats", "--json").output)["documents"] == 1


def test_failed_ingest_exits_nonzero_with_reason(tmp_path):
    bad = tmp_path / "notes.xyz"
    bad.write_text("hello")
    r = run(tmp_path / "kb", "ingest", "--quiet", str(bad), str(SEEDS["000"]))
    assert r.exit_code == 1
    assert f"Failed: {bad}: unsupported file type '.xyz'" in r.output
    assert "1 ingested" in r.output


def test_unknown_document_is_a_clear_error(tmp_path):
    r = run(tmp_path / "kb", "show", "no-such-doc")
    assert r.exit_code == 1 and "no document matches 'no-such-doc'" in r.output


def test_kb_home_separates_knowledge_bases(tmp_path):
    run(tmp_path / "a", "ingest", "--quiet", str(SEEDS["000"]))
    assert json.loads(run(tmp_path / "b", "stats", "--json").output)["documents"] == 0
    assert json.loads(run(tmp_path / "a", "stats", "--json").output)["documents"] == 1


def test_eval_on_empty_knowledge_base_says_so(tmp_path):
    q = tmp_path / "q.json"
    q.write_text('{"queries": [{"id": "a", "query": "x", "gold": [["000", "x", 2]]}]}')
    r = run(tmp_path / "empty", "eval", str(q))
    assert r.exit_code == 1 and "is empty" in r.output


def test_commands_that_do_not_embed_never_import_torch(seed_kb):
    """`kb documents`, `stats`, `themes`, `show` start without torch (its import alone takes seconds)."""
    import subprocess
    import sys

    seed_home = seed_kb.home
    for args in (["documents"], ["stats"], ["themes"], ["show", "000-77e49d8702c71058"], ["briefing", "list"]):
        code = ("import sys; from kb.cli import main; "
                f"main({['--home', str(seed_home), *args]!r}, standalone_mode=False); "
                "sys.stderr.write('TORCH=%s' % ('torch' in sys.modules))")
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             env={"KB_EMBEDDER": "hash", "PATH": "/usr/bin:/bin", "HF_HUB_OFFLINE": "1"})
        assert out.returncode == 0, out.stderr
        assert "TORCH=False" in out.stderr, (args, out.stderr[-300:])


def test_every_command_has_help():
    import click

    from kb.cli import main

    def walk(command, path):
        yield path, command
        if isinstance(command, click.Group):
            for name, sub in command.commands.items():
                yield from walk(sub, path + [name])

    missing = [" ".join(p) for p, c in walk(main, ["kb"]) if not (c.help or "").strip()]
    assert missing == []


def test_eval_builds_an_empty_default_knowledge_base_from_the_bundled_corpus(tmp_path):
    """The default data folder is where scripts/run.sh builds the bundled corpus, which the graded
    sets are judged on: `kb eval` there, still empty, builds it first and says so."""
    env = {"KB_EMBEDDER": "hash", "XDG_DATA_HOME": str(tmp_path), "KB_HOME": ""}
    r = CliRunner().invoke(main, ["eval", str(DEV), "--json"], env=env)
    assert r.exit_code == 0, r.output
    assert "building it from the bundled corpus" in r.stderr
    assert json.loads(r.stdout)["mean"]["queries"] == 16
    assert (tmp_path / "safeguarding-kb" / "kb.sqlite").exists()
    again = CliRunner().invoke(main, ["eval", str(DEV), "--json"], env=env)
    assert again.exit_code == 0 and "building" not in again.stderr  # built once
