"""The Python API mirrors the CLI; the README's example runs as written."""

import re
import shutil
from pathlib import Path

import pytest

import insight
from insight.errors import InputError

ROOT = Path(__file__).resolve().parents[1]
MINI = ROOT / "tests" / "data" / "mini"


def _readme_example() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Python API"):]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


def _reviews(tmp_path: Path) -> None:
    text = (MINI / "reviews.csv").read_text(encoding="utf-8").replace(",C001,", ",CU-1,")
    (tmp_path / "reviews.csv").write_text(text, encoding="utf-8")


def test_open_ingest_profiles_and_errors(tmp_path):
    _reviews(tmp_path)
    with insight.open(tmp_path / "d.duckdb") as db:
        (summary,) = db.ingest("reviews", tmp_path / "reviews.csv", map={"text": "body"})
        assert summary.added == 25 and summary.columns["text"] == "body"
        assert db.store.scalar("SELECT count(*) FROM records WHERE customer_id = 'CU-1'") >= 1
        assert len(db.profiles()) == 0
        with pytest.raises(InputError, match="no customer 'CU-1'"):
            db.profile("CU-1")
    with pytest.raises(InputError, match="nothing to analyse"), insight.open(tmp_path / "e.duckdb") as empty:
        empty.analyze()


def test_cli_and_api_share_the_ingest(tmp_path):
    from click.testing import CliRunner

    from insight.cli import main

    _reviews(tmp_path)
    result = CliRunner().invoke(main, ["ingest", "reviews", str(tmp_path / "reviews.csv"), "--db",
                                       str(tmp_path / "cli.duckdb")])
    with insight.open(tmp_path / "api.duckdb") as db:
        (summary,) = db.ingest("reviews", tmp_path / "reviews.csv")
    assert summary.line() in result.output


@pytest.mark.e2e
def test_readme_example_runs(tmp_path, monkeypatch, capsys):
    _reviews(tmp_path)
    monkeypatch.chdir(tmp_path)
    scope: dict = {}
    exec(compile(_readme_example(), "README.md", "exec"), scope)  # noqa: S102 - our own README
    pains, prof = scope["pains"], scope["prof"]
    assert len(pains) >= 1 and {"rank", "label", "customers", "quotes"} <= set(pains.columns)
    assert prof["customer_id"] == "CU-1" and prof["churn_risk"]["level"] in ("low", "medium", "high")
    printed = capsys.readouterr().out
    assert prof["churn_risk"]["level"] in printed
