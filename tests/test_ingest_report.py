"""Ingest tells what it did with the columns, warns about look-alike ignored columns, updates changed
records, and a failed ingest leaves no new store behind."""

from pathlib import Path

from click.testing import CliRunner

from insight.cli import main
from insight.ingest.report import column_lines
from insight.store import Store

CSV = ("review_id,body,Stars (1-10),date,Kundennummer\n"
       "R1,The battery dies by noon every day.,3,2026-01-02,K1\n"
       "R2,Love the screen but the app crashes.,7,2026-01-03,K2\n")


def test_columns_used_ignored_and_look_alikes():
    used = {"text": "body", "created_at": "date", "review_id": "review_id"}
    assert column_lines("r.csv", "reviews", ["review_id", "body", "Stars (1-10)", "date", "Kundennummer"], used) == [
        "r.csv: columns used: text <- 'body', created_at <- 'date', review_id <- 'review_id'",
        "r.csv: columns ignored: 'Stars (1-10)', 'Kundennummer'",
        "r.csv: warning: ignored column 'Stars (1-10)' looks like the rating field. "
        'To use it, ingest again with --map rating="Stars (1-10)" --rating-scale 1-10.',
        "r.csv: warning: ignored column 'Kundennummer' looks like the customer_id field. "
        'To use it, ingest again with --map customer_id="Kundennummer".',
    ]


def test_no_warning_when_the_field_already_has_a_column():
    used = {"text": "body", "created_at": "date", "customer_id": "Customer"}
    lines = column_lines("r.csv", "reviews", ["body", "date", "Customer", "Kundennummer", "notes"], used)
    assert lines[1:] == ["r.csv: columns ignored: 'Kundennummer', 'notes'"]


def test_customer_columns_are_attributes_not_ignored():
    assert column_lines("c.csv", "customers", ["id", "plan", "region"], {"customer_id": "id"}) == [
        "c.csv: columns used: customer_id <- 'id'; attributes: 'plan', 'region'"]


def test_cli_reports_columns_then_updates_with_the_map(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text(CSV, encoding="utf-8")
    db = str(tmp_path / "d.duckdb")
    first = CliRunner().invoke(main, ["ingest", "reviews", str(path), "--db", db])
    assert first.exit_code == 0, first.output
    assert f"{path}: columns ignored: 'Stars (1-10)', 'Kundennummer'" in first.output
    assert '--map rating="Stars (1-10)" --rating-scale 1-10' in first.output
    again = CliRunner().invoke(main, ["ingest", "reviews", str(path), "--db", db, "--map", "rating=Stars (1-10)",
                                      "--map", "customer_id=Kundennummer", "--rating-scale", "1-10"])
    assert again.exit_code == 0, again.output
    assert f"{path}: 2 rows read = 0 new records + 2 updated + 0 duplicates + 0 rejected" in again.output
    assert "warning" not in again.output
    with Store(db, read_only=True) as store:
        rows = store.query("SELECT customer_id, rating FROM records ORDER BY source_id")
    assert list(rows["customer_id"]) == ["K1", "K2"] and rows["rating"].notna().all()


def test_failed_first_ingest_leaves_no_store(tmp_path):
    db = tmp_path / "d.duckdb"
    missing = CliRunner().invoke(main, ["ingest", "reviews", str(tmp_path / "nope.csv"), "--db", str(db)])
    assert missing.exit_code == 1
    assert not db.exists()
    wrong = tmp_path / "customers.csv"
    wrong.write_text("id,plan\nC1,basic\n", encoding="utf-8")
    wrong_kind = CliRunner().invoke(main, ["ingest", "reviews", str(wrong), "--db", str(db)])
    assert wrong_kind.exit_code == 1 and "no column for required field 'text'" in wrong_kind.output
    assert not db.exists() and not Path(str(db) + ".wal").exists()
    later = CliRunner().invoke(main, ["issues", "--db", str(db)])
    assert later.output == f"Error: {db}: no insight store here. Run `insight ingest ...` first or pass --db PATH.\n"


def test_failed_ingest_keeps_an_existing_store(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text(CSV, encoding="utf-8")
    db = tmp_path / "d.duckdb"
    assert CliRunner().invoke(main, ["ingest", "reviews", str(path), "--db", str(db)]).exit_code == 0
    failed = CliRunner().invoke(main, ["ingest", "reviews", str(tmp_path / "nope.csv"), "--db", str(db)])
    assert failed.exit_code == 1
    with Store(db, read_only=True) as store:
        assert store.scalar("SELECT count(*) FROM records") == 2


def test_run_keeps_a_new_store_once_ingest_succeeded(tmp_path, monkeypatch):
    """Only the ingest is guarded: an analysis that fails afterwards keeps what was ingested (resumable)."""
    import pytest

    from insight import pipeline
    from insight.jobs import run_config

    (tmp_path / "r.csv").write_text(CSV, encoding="utf-8")
    config = tmp_path / "c.toml"
    config.write_text('db = "d.duckdb"\nout_dir = "out"\n[[sources]]\nkind = "reviews"\npath = "r.csv"\n')

    def interrupted(store, **kw):
        raise KeyboardInterrupt

    monkeypatch.setattr(pipeline, "analyze", interrupted)
    with pytest.raises(KeyboardInterrupt):
        run_config(config, progress=False)
    with Store(tmp_path / "d.duckdb", read_only=True) as store:
        assert store.scalar("SELECT count(*) FROM records") == 2
