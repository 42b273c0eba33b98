"""A run killed mid-way (kill -9: no end_run) is marked aborted when the next run starts."""

from __future__ import annotations

from insight.store import Store


def _status(store: Store) -> dict[str, str]:
    return dict(store.con.execute("SELECT run_id, status FROM runs").fetchall())


def test_killed_run_is_marked_aborted_at_the_next_start(tmp_path) -> None:
    db = tmp_path / "t.duckdb"
    with Store(db) as store:
        killed = store.start_run("analyze", {})
    with Store(db) as store:
        assert _status(store) == {killed: "running"}
        fresh = store.start_run("ingest reviews", {})
        assert _status(store) == {killed: "aborted", fresh: "running"}
        store.end_run(fresh, {})
        assert _status(store)[fresh] == "ok"


def test_runs_of_this_process_are_not_aborted(tmp_path) -> None:
    with Store(tmp_path / "t.duckdb") as store:
        outer = store.start_run("persona enrich", {})
        inner = store.start_run("ingest reviews", {})
        assert _status(store) == {outer: "running", inner: "running"}
