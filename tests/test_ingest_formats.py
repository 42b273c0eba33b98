"""File formats: CSV/TSV/JSON/JSONL/Parquet, gzip, BOM, line numbers, file-level errors."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from insight.errors import InputError
from insight.ingest import read_source
from insight.schema import Reject

ROWS = [
    {"id": "a", "text": "first review", "date": "2026-01-01"},
    {"id": "b", "text": "second review", "date": "2026-01-02"},
]
CSV = "id,text,date\na,first review,2026-01-01\nb,second review,2026-01-02\n"


def _texts(batch):
    return [r.text for r in batch.records]


def test_csv(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text(CSV, encoding="utf-8")
    batch = read_source("reviews", path)
    assert _texts(batch) == ["first review", "second review"]
    assert [r.source_line for r in batch.records] == [2, 3]
    assert batch.rows_read == 2
    assert batch.rejects == []


def test_csv_semicolon_delimiter_is_sniffed(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text(CSV.replace(",", ";"), encoding="utf-8")
    assert _texts(read_source("reviews", path)) == ["first review", "second review"]


def test_tsv(tmp_path: Path) -> None:
    path = tmp_path / "r.tsv"
    path.write_text(CSV.replace(",", "\t"), encoding="utf-8")
    assert _texts(read_source("reviews", path)) == ["first review", "second review"]


def test_csv_with_bom(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_bytes(b"\xef\xbb\xbf" + CSV.encode("utf-8"))
    batch = read_source("reviews", path)
    assert batch.columns["review_id"] == "id"
    assert _texts(batch) == ["first review", "second review"]


def test_json_array_line_is_record_number(tmp_path: Path) -> None:
    path = tmp_path / "r.json"
    path.write_text(json.dumps(ROWS), encoding="utf-8")
    batch = read_source("reviews", path)
    assert _texts(batch) == ["first review", "second review"]
    assert [r.source_line for r in batch.records] == [1, 2]


@pytest.mark.parametrize("key", ["records", "data", "items", "reviews", "rows"])
def test_json_object_with_list(tmp_path: Path, key: str) -> None:
    path = tmp_path / "r.json"
    path.write_text(json.dumps({"meta": {"n": 2}, key: ROWS}), encoding="utf-8")
    assert _texts(read_source("reviews", path)) == ["first review", "second review"]


def test_json_object_without_list_is_input_error(tmp_path: Path) -> None:
    path = tmp_path / "r.json"
    path.write_text(json.dumps({"meta": 1}), encoding="utf-8")
    with pytest.raises(InputError, match="JSON object has no list of rows"):
        read_source("reviews", path)


def test_invalid_json_is_input_error_with_line(tmp_path: Path) -> None:
    path = tmp_path / "r.json"
    path.write_text('[\n{"text": "a",}\n]', encoding="utf-8")
    with pytest.raises(InputError, match=r"r\.json:2: invalid JSON"):
        read_source("reviews", path)


@pytest.mark.parametrize("ext", ["jsonl", "ndjson"])
def test_jsonl_skips_blank_lines_and_keeps_line_numbers(tmp_path: Path, ext: str) -> None:
    path = tmp_path / f"r.{ext}"
    path.write_text(json.dumps(ROWS[0]) + "\n\n" + json.dumps(ROWS[1]) + "\n", encoding="utf-8")
    batch = read_source("reviews", path)
    assert [r.source_line for r in batch.records] == [1, 3]


@pytest.mark.parametrize("name", ["r.csv.gz", "r.jsonl.gz", "r.json.gz", "r.TSV.GZ"])
def test_gzipped_text_formats(tmp_path: Path, name: str) -> None:
    if ".csv" in name:
        payload = CSV
    elif ".tsv" in name.lower():
        payload = CSV.replace(",", "\t")
    elif ".jsonl" in name:
        payload = "\n".join(json.dumps(r) for r in ROWS)
    else:
        payload = json.dumps(ROWS)
    path = tmp_path / name
    path.write_bytes(gzip.compress(payload.encode("utf-8")))
    batch = read_source("reviews", path)
    assert _texts(batch) == ["first review", "second review"]
    assert batch.source == "r"


def test_parquet_line_is_row_index_plus_one(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    path = tmp_path / "r.parquet"
    pq.write_table(pa.Table.from_pylist(ROWS), path)
    batch = read_source("reviews", path)
    assert _texts(batch) == ["first review", "second review"]
    assert [r.source_line for r in batch.records] == [1, 2]


def test_quoted_multiline_field_line_is_where_row_starts(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    body = 'a,"line one\nline two\nline three",2026-01-01\nb,next,2026-01-02\n'
    path.write_text("id,text,date\n" + body, encoding="utf-8")
    batch = read_source("reviews", path)
    assert [r.source_line for r in batch.records] == [2, 5]
    assert batch.records[0].text == "line one\nline two\nline three"


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nope.csv"
    with pytest.raises(InputError, match="file not found"):
        read_source("reviews", path)


def test_unknown_format(tmp_path: Path) -> None:
    path = tmp_path / "r.xlsx"
    path.write_bytes(b"x")
    with pytest.raises(InputError) as info:
        read_source("reviews", path)
    assert str(info.value) == (
        f"{path}: unknown file format (got '.xlsx'). Use .csv, .tsv, .json, .jsonl, .ndjson or "
        f".parquet (the text formats may be gzipped, e.g. .csv.gz)."
    )


def test_unknown_kind(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="unknown kind"):
        read_source("tweets", tmp_path / "x.csv")


def test_invalid_utf8_rejects_only_its_row(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("reviews.csv").write_bytes(
        b"id,text,date\na,fine,2026-01-01\nb,caf\xe9 au lait,2026-01-02\nc,also fine,2026-01-03\n"
    )
    batch = read_source("reviews", "reviews.csv")
    assert _texts(batch) == ["fine", "also fine"]
    assert batch.rejects == [Reject("reviews.csv", 3, "text", "caf\\xe9 au lait", "invalid utf-8", "review")]
    assert batch.rows_read == 3


def test_invalid_utf8_in_jsonl_rejects_only_its_line(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    path.write_bytes(b'{"text": "ok", "date": "2026-01-01"}\n{"text": "caf\xe9", "date": "2026-01-01"}\n')
    batch = read_source("reviews", path)
    assert _texts(batch) == ["ok"]
    assert [(r.line, r.reason) for r in batch.rejects] == [(2, "invalid utf-8")]


def test_invalid_utf8_in_the_header_names_file_line_and_fix(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("reviews.csv").write_bytes(b"id,t\xe9xt,date\na,fine,2026-01-01\n")
    with pytest.raises(InputError) as info:
        read_source("reviews", "reviews.csv")
    assert str(info.value) == (
        "reviews.csv:1: not valid UTF-8 (got b'\\xe9'). Re-run with --encoding latin-1 (or cp1252, "
        "or the file's real encoding), or re-save the file as UTF-8."
    )


def test_invalid_utf8_in_json_names_line(tmp_path: Path) -> None:
    path = tmp_path / "r.json"
    path.write_bytes(b'[\n{"text": "ok"},\n{"text": "caf\xe9"}\n]')
    with pytest.raises(InputError, match=r"r\.json:3: not valid UTF-8"):
        read_source("reviews", path)


def test_encoding_option_decodes(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_bytes("id,text,date\na,café au lait,2026-01-01\n".encode("latin-1"))
    batch = read_source("reviews", path, encoding="latin-1")
    assert _texts(batch) == ["café au lait"]


def test_unknown_encoding_name(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text(CSV, encoding="utf-8")
    with pytest.raises(InputError, match="unknown encoding"):
        read_source("reviews", path, encoding="klingon")


def test_empty_csv_is_input_error(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text("", encoding="utf-8")
    with pytest.raises(InputError, match="the file is empty"):
        read_source("reviews", path)


def test_source_defaults_to_file_name_without_extensions(tmp_path: Path) -> None:
    path = tmp_path / "reviews.csv.gz"
    path.write_bytes(gzip.compress(CSV.encode("utf-8")))
    assert read_source("reviews", path).source == "reviews"
    assert read_source("reviews", path, source="shop").records[0].source == "shop"


def test_source_file_is_path_as_given(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("r.csv").write_text(CSV, encoding="utf-8")
    batch = read_source("reviews", "r.csv")
    assert {r.source_file for r in batch.records} == {"r.csv"}
