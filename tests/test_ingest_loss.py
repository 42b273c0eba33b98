"""Nothing lost: every row read is new, updated, a duplicate or a reject, and the summary says so."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from insight.errors import InputError
from insight.ingest import read_source
from insight.jobs import ingest_files
from insight.store import Store

HEADER = "review_id,created_at,rating,text\n"


def _write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


@pytest.fixture()
def store(tmp_path: Path):
    with Store(tmp_path / "t.duckdb") as s:
        yield s


def test_unquoted_comma_is_rejected_as_too_many_fields(tmp_path: Path) -> None:
    path = _write(tmp_path, "r.csv", HEADER + "R1,2026-01-01,2,The app crashes, every single day\n"
                  "R2,2026-01-02,4,Works fine\n")
    batch = read_source("reviews", path)
    assert [r.text for r in batch.records] == ["Works fine"]
    (reject,) = batch.rejects
    assert (reject.line, reject.reason) == (2, "too many fields")
    assert reject.field == "record (5 fields, header has 4)"
    assert reject.value == "R1,2026-01-01,2,The app crashes, every single day"


def test_stray_quote_rejects_its_row_with_the_line_range_and_keeps_the_rows_it_swallowed(tmp_path: Path) -> None:
    path = _write(tmp_path, "r.csv", HEADER + 'R1,2026-01-01,2,"The app crashes\n'
                  "R2,2026-01-02,4,Works fine\nR3,2026-01-03,5,Love it\n")
    batch = read_source("reviews", path)
    assert [r.source_id for r in batch.records] == ["R2", "R3"]
    (reject,) = batch.rejects
    assert (reject.line, reject.last_line, reject.field, reject.reason) == (2, 4, "record", "bad quoting")
    assert reject.where == f"{path}:2-4"
    assert batch.rows_read == 3


def test_stray_quote_closed_by_a_later_quote_is_caught_too(tmp_path: Path) -> None:
    path = _write(tmp_path, "r.csv", HEADER + 'R1,2026-01-01,2,"The app crashes\n'
                  'R2,2026-01-02,4,Works "really" fine\nR3,2026-01-03,5,"Love it, truly"\n')
    batch = read_source("reviews", path)
    assert [r.source_id for r in batch.records] == ["R2", "R3"]
    assert [(r.line, r.reason) for r in batch.rejects] == [(2, "bad quoting")]


def test_quoted_field_over_many_lines_is_still_one_row(tmp_path: Path) -> None:
    path = _write(tmp_path, "r.csv", HEADER + 'R1,2026-01-01,2,"one\ntwo, three\nfour"\nR2,2026-01-02,4,ok\n')
    batch = read_source("reviews", path)
    assert [(r.source_id, r.source_line) for r in batch.records] == [("R1", 2), ("R2", 5)]
    assert batch.rejects == []


def test_duplicate_header_is_an_error(tmp_path: Path) -> None:
    path = _write(tmp_path, "r.csv", "body,body,created_at\na,b,2026-01-01\n")
    with pytest.raises(InputError) as info:
        read_source("reviews", path)
    assert str(info.value) == (
        f"{path}:1: duplicate column name (got 'body' and 'body'). Rename one of the columns so that "
        f"every column has its own name."
    )


def test_strict_catches_too_many_fields(tmp_path: Path, store: Store) -> None:
    path = _write(tmp_path, "r.csv", HEADER + "R1,2026-01-01,2,crashes, daily\nR2,2026-01-02,4,fine\n")
    with pytest.raises(InputError, match=r"r\.csv:2: record \(5 fields, header has 4\): too many fields"):
        ingest_files(store, "reviews", [path], strict=True)
    assert store.scalar("SELECT count(*) FROM records") == 0


def test_summary_accounts_for_every_row_and_rerun_changes_nothing(tmp_path: Path, store: Store) -> None:
    path = _write(tmp_path, "r.csv", HEADER + "R1,2026-01-01,2,one\nR2,2026-01-02,4,two\nR2,2026-01-02,4,two\n"
                  "R3,2026-01-03,9,bad rating\nR4,2026-01-04,4,four,extra\n")
    (first,) = ingest_files(store, "reviews", [path])
    assert (first.rows, first.added, first.updated, first.duplicates, first.rejected) == (5, 2, 0, 1, 2)
    assert first.line() == f"{path}: 5 rows read = 2 new records + 0 updated + 1 duplicates + 2 rejected"
    (again,) = ingest_files(store, "reviews", [path])
    assert (again.rows, again.added, again.updated, again.duplicates, again.rejected) == (5, 0, 0, 3, 2)
    assert store.scalar("SELECT count(*) FROM records") == 2
    assert store.scalar("SELECT count(*) FROM rejects") == 2


def test_same_id_different_content_in_one_file_is_rejected(tmp_path: Path, store: Store) -> None:
    path = _write(tmp_path, "r.csv", HEADER + "R1,2026-01-01,2,first text\nR1,2026-01-01,2,other text\n")
    (summary,) = ingest_files(store, "reviews", [path])
    assert (summary.added, summary.rejected) == (1, 1)
    assert store.scalar("SELECT text FROM records") == "first text"
    row = store.con.execute("SELECT line, field, value, reason FROM rejects").fetchall()
    assert row == [(3, "review_id", "R1: other text", "duplicate id, different content")]


def test_same_id_changed_in_a_later_file_is_an_update_and_is_reanalysed(tmp_path: Path, store: Store) -> None:
    ingest_files(store, "reviews", [_write(tmp_path, "r.csv", HEADER + "R1,2026-01-01,2,old text\n")])
    rid = store.scalar("SELECT record_id FROM records")
    store.con.execute("INSERT INTO stage_done (stage, record_id, run_id) VALUES ('nlp', ?, 'x')", [rid])
    store.con.execute("INSERT INTO sentences (sentence_id, record_id, text) VALUES ('s1', ?, 'old text')", [rid])
    (summary,) = ingest_files(store, "reviews", [_write(tmp_path, "r.csv", HEADER + "R1,2026-01-01,2,new text\n")])
    assert (summary.added, summary.updated, summary.duplicates) == (0, 1, 0)
    assert store.scalar("SELECT text FROM records") == "new text"
    assert store.scalar("SELECT count(*) FROM sentences") == 0
    assert store.count_pending("nlp") == 1


def test_conversation_split_over_two_lines_keeps_both_parts(tmp_path: Path, store: Store) -> None:
    part1 = {"conversation_id": "T1", "turns": [{"speaker": "customer", "text": "hi", "ts": "2026-01-01T10:00:00Z"}]}
    part2 = {"conversation_id": "T1", "turns": [{"speaker": "agent", "text": "hello", "ts": "2026-01-01T10:01:00Z"}]}
    path = _write(tmp_path, "t.jsonl", "\n".join(json.dumps(p) for p in (part1, part2, part1)) + "\n")
    batch = read_source("transcripts", path)
    assert [(r.turn, r.text) for r in batch.records] == [(0, "hi"), (1, "hello"), (0, "hi")]
    (summary,) = ingest_files(store, "transcripts", [path])
    assert summary.line() == (f"{path}: 3 turns read (1 conversations) = 2 new records + 0 updated + "
                              f"1 duplicates + 0 rejected")


def test_empty_jsonl_and_empty_array_say_no_rows(tmp_path: Path) -> None:
    for name, text in (("r.jsonl", ""), ("r.json", "[]"), ("h.csv", HEADER)):
        with pytest.raises(InputError, match="no rows"):
            read_source("reviews", _write(tmp_path, name, text))


def test_cli_summary_utf8_hint_and_line_ranges(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from insight.cli import main

    path = tmp_path / "r.csv"
    path.write_bytes((HEADER + 'R1,2026-01-01,2,"The app crashes\nR2,2026-01-02,4,Works fine\n').encode()
                     + b"R3,2026-01-03,5,caf\xe9\n")
    db = str(tmp_path / "t.duckdb")
    result = CliRunner().invoke(main, ["ingest", "reviews", str(path), "--db", db])
    assert result.exit_code == 0
    assert f"{path}: 3 rows read = 1 new records + 0 updated + 0 duplicates + 2 rejected" in result.output
    assert "re-run with --encoding latin-1" in result.output
    listed = CliRunner().invoke(main, ["rejects", "--db", db]).output.splitlines()
    assert listed == [f"{path}:2-4: record: bad quoting (got 'R1,2026-01-01,2,\"The app crashes')",
                      f"{path}:4: text: invalid utf-8 (got 'caf\\\\xe9')"]


def test_bad_date_format_is_one_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"--date-format must name day, month and year .*got '%Q'"):
        read_source("reviews", _write(tmp_path, "r.csv", HEADER + "R1,2026-01-01,2,ok\n"), date_format="%Q")


def test_a_repeated_json_key_rejects_its_row_instead_of_dropping_a_value(tmp_path: Path) -> None:
    row = '{"review_id": "R%d", "created_at": "2026-01-01", "text": "%s"%s}'
    lines = [row % (1, "first text", ', "text": "second text"'), row % (2, "fine", ""),
             '{"conversation_id": "C1", "turns": [{"speaker": "customer", "speaker": "agent", "text": "hi", '
             '"ts": "2026-01-01T10:00:00"}]}']
    leak = '{"text": "x", "created_at": "2026-01-01", "ann@example.com": 1, "ann@example.com": 2}'
    jsonl = read_source("reviews", _write(tmp_path, "r.jsonl", "\n".join([*lines[:2], leak]) + "\n"))
    assert [r.text for r in jsonl.records] == ["fine"]
    assert [(r.line, r.field, r.reason) for r in jsonl.rejects] == [(1, "text", "duplicate key"),
                                                                     (3, "[EMAIL]", "duplicate key")]
    whole = read_source("reviews", _write(tmp_path, "r.json", "[" + ",\n".join(lines[:2]) + "]"))
    assert [r.text for r in whole.records] == ["fine"]
    assert [(r.line, r.field, r.reason) for r in whole.rejects] == [(1, "text", "duplicate key")]
    good = '{"conversation_id": "C2", "turns": [{"speaker": "customer", "text": "ok", "ts": "2026-01-01T10:00:00"}]}'
    turns = read_source("transcripts", _write(tmp_path, "t.jsonl", lines[2] + "\n" + good + "\n"))
    assert [r.text for r in turns.records] == ["ok"]
    assert [(r.line, r.field, r.reason) for r in turns.rejects] == [(1, "speaker", "duplicate key")]


def test_duplicate_parquet_column_is_an_error(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_arrays([pa.array(["R1"]), pa.array(["2026-01-01"]), pa.array(["first"]), pa.array(["second"])],
                                 names=["review_id", "created_at", "text", "text"])
    pq.write_table(table, tmp_path / "r.parquet")
    with pytest.raises(InputError, match=r"r\.parquet:1: duplicate column name \(got 'text' and 'text'\)"):
        read_source("reviews", str(tmp_path / "r.parquet"))


def test_a_line_closing_a_quoted_field_is_not_read_as_a_row_of_its_own(tmp_path: Path) -> None:
    # found by the CSV property at 1,500 examples: a well-formed row of 4 cells spanning two lines,
    # whose second line ('0",,') happens to split into 3 cells, was 'bad quoting' + a second row
    # the second and third close one field and open another on the same line
    for body, last in ((',"\n0",,\n', 3), (',"\n0",,"\n"\n', 4), ('"\n",",",",","\n"\n', 4)):
        batch = read_source("reviews", _write(tmp_path, "r.csv", "text,created_at,rating\n" + body))
        assert batch.records == [] and batch.rows_read == 1
        assert [(r.line, r.last_line, r.reason) for r in batch.rejects] == [(2, last, "too many fields")]
