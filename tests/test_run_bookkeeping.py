"""One run bookkeeping: Store.run records ok / failed with the counts; nothing else calls start/end_run."""

import ast
import json
from pathlib import Path

import pytest

from insight.store import Store

PACKAGE = Path(__file__).resolve().parents[1] / "insight"


def test_run_ends_ok_with_its_counts(tmp_path):
    with Store(tmp_path / "t.duckdb") as store:
        with store.run("persona enrich", {"file": "p.yaml"}) as run:
            run["counts"] = {"personas": 3}
        row = store.con.execute("SELECT status, counts FROM runs WHERE run_id = ?", [run["run_id"]]).fetchone()
    assert row[0] == "ok" and json.loads(row[1]) == {"personas": 3}


def test_run_ends_failed_and_the_error_goes_on(tmp_path):
    with Store(tmp_path / "t.duckdb") as store:
        with pytest.raises(KeyboardInterrupt), store.run("analyze", {}) as run:
            run["counts"] = {"nlp": 5}
            raise KeyboardInterrupt
        row = store.con.execute("SELECT status, counts FROM runs WHERE run_id = ?", [run["run_id"]]).fetchone()
    assert row[0] == "failed" and json.loads(row[1]) == {"nlp": 5}


def test_only_the_store_starts_and_ends_runs():
    callers = []
    for path in PACKAGE.rglob("*.py"):
        if path.name == "store.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr in ("start_run", "end_run"):
                callers.append(f"{path.relative_to(PACKAGE)}:{node.lineno}")
    assert callers == []
