"""CLI shell: help text everywhere, README coverage, exact errors and exit codes."""

import re
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from insight.cli import main

ROOT = Path(__file__).resolve().parents[1]


def _commands(group: click.Group, prefix: str = ""):
    for name, cmd in sorted(group.commands.items()):
        yield f"{prefix}{name}", cmd
        if isinstance(cmd, click.Group):
            yield from _commands(cmd, f"{prefix}{name} ")


ALL = list(_commands(main))


@pytest.mark.parametrize(("name", "cmd"), ALL, ids=[n for n, _ in ALL])
def test_every_command_has_help(name, cmd):
    assert cmd.help and len(cmd.help.strip()) > 20, f"`insight {name}` needs help text"
    result = CliRunner().invoke(main, [*name.split(), "--help"])
    assert result.exit_code == 0
    assert "Usage: main" in result.output or "Usage: insight" in result.output


@pytest.mark.parametrize(("name", "cmd"), ALL, ids=[n for n, _ in ALL])
def test_every_command_is_in_the_readme(name, cmd):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert re.search(rf"insight {re.escape(name)}\b", readme), f"README has no line for `insight {name}`"


def test_help_is_instant_and_imports_nothing_heavy():
    code = "import sys; from insight.cli import main; print(sorted(m for m in ('torch','bertopic','spacy','transformers','pandas','duckdb') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_unknown_kind_is_a_usage_error():
    result = CliRunner().invoke(main, ["ingest", "tickets", "x.csv"])
    assert result.exit_code == 2
    assert "Invalid value for '{reviews|transcripts|social|customers|identities}'" in result.output


def test_bad_map_is_a_usage_error(tmp_path):
    result = CliRunner().invoke(main, ["ingest", "reviews", "x.csv", "--map", "text", "--db", str(tmp_path / "d.duckdb")])
    assert result.exit_code == 2
    assert "Invalid value for --map: expected field=column (got 'text')" in result.output


def test_bad_rating_scale_is_a_usage_error(tmp_path):
    result = CliRunner().invoke(main, ["ingest", "reviews", "x.csv", "--rating-scale", "ten", "--db", str(tmp_path / "d.duckdb")])
    assert result.exit_code == 2
    assert "expected LOW-HIGH such as 1-10 (got 'ten')" in result.output


def test_report_on_missing_store_exits_1_with_one_line(tmp_path):
    db = tmp_path / "none.duckdb"
    result = CliRunner().invoke(main, ["issues", "--db", str(db)])
    assert result.exit_code == 1
    assert result.output == f"Error: {db}: no insight store here. Run `insight ingest ...` first or pass --db PATH.\n"


def test_a_duckdb_memory_cap_that_is_no_size_exits_1_with_one_line(tmp_path, monkeypatch):
    from insight.store import Store

    db = tmp_path / "s.duckdb"
    Store(db).close()
    monkeypatch.setenv("INSIGHT_DUCKDB_MEMORY", "lots")
    result = CliRunner().invoke(main, ["rejects", "--db", str(db)])
    assert result.exit_code == 1
    assert result.output == ("Error: INSIGHT_DUCKDB_MEMORY: not a DuckDB memory size (got 'lots'). "
                             "Give a number and a unit, e.g. 3GB or 500MB.\n")


def test_debug_shows_the_traceback(tmp_path):
    result = CliRunner().invoke(main, ["--debug", "issues", "--db", str(tmp_path / "none.duckdb")])
    assert result.exit_code == 1
    assert result.exception is not None and type(result.exception).__name__ == "StoreError"


def test_missing_input_file_names_the_fix(tmp_path):
    result = CliRunner().invoke(main, ["sentiment", str(tmp_path / "nope.txt")])
    assert result.exit_code == 1
    assert result.output == f"Error: {tmp_path / 'nope.txt'}: file not found. Pass a text file with one text per line, or - for stdin.\n"


def test_run_with_missing_config(tmp_path):
    cfg = tmp_path / "missing.toml"
    result = CliRunner().invoke(main, ["run", str(cfg)])
    assert result.exit_code == 1
    assert result.output == f"Error: {cfg}: config file not found. Pass the path of an insight TOML config.\n"


def test_run_with_config_without_sources(tmp_path):
    cfg = tmp_path / "c.toml"
    cfg.write_text('db = "x.duckdb"\n')
    result = CliRunner().invoke(main, ["run", str(cfg)])
    assert result.exit_code == 1
    assert result.output == f"Error: {cfg}: no [[sources]] given (got None). Add one [[sources]] table per input file.\n"


def test_ray_options_need_the_ray_runner(tmp_path, monkeypatch):
    monkeypatch.delenv("RAY_ADDRESS", raising=False)
    for args in (["--ray-workers", "3"], ["--ray-address", "10.0.0.1:6379"]):
        result = CliRunner().invoke(main, ["analyze", *args, "--db", str(tmp_path / "d.duckdb")])
        assert result.exit_code == 2
        assert "--ray-address and --ray-workers need --runner ray." in result.output
    result = CliRunner().invoke(main, ["analyze", "--runner", "ray", "--ray-workers", "0", "--db", str(tmp_path / "d.duckdb")])
    assert result.exit_code == 2 and "--ray-workers" in result.output
