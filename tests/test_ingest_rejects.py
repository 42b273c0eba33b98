"""One test per reject reason: file, line, field, value and reason are all kept."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from insight.ingest import read_source
from insight.schema import MAX_FIELD_CHARS, MAX_TEXT_CHARS, Reject


def _csv(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def _only_reject(batch) -> Reject:
    assert len(batch.rejects) == 1, batch.rejects
    return batch.rejects[0]


def test_missing_text(tmp_path: Path) -> None:
    path = _csv(tmp_path, "r.csv", "id,text,date\na,ok,2026-01-01\nb,   ,2026-01-02\n")
    batch = read_source("reviews", path)
    assert _only_reject(batch) == Reject(path, 3, "text", "   ", "missing text", "review")
    assert len(batch.records) == 1


def test_unparseable_date(tmp_path: Path) -> None:
    path = _csv(tmp_path, "r.csv", "id,text,date\na,ok,last tuesday\n")
    assert _only_reject(read_source("reviews", path)) == Reject(
        path, 2, "created_at", "last tuesday", "unparseable date", "review"
    )


def test_rating_out_of_range(tmp_path: Path) -> None:
    path = _csv(tmp_path, "r.csv", "id,text,date,rating\na,ok,2026-01-01,6\n")
    assert _only_reject(read_source("reviews", path)) == Reject(path, 2, "rating", "6", "rating out of range", "review")


def test_unparseable_rating(tmp_path: Path) -> None:
    path = _csv(tmp_path, "r.csv", "id,text,date,rating\na,ok,2026-01-01,great\n")
    assert _only_reject(read_source("reviews", path)) == Reject(
        path, 2, "rating", "great", "unparseable rating", "review"
    )


def test_invalid_utf8_in_a_parquet_field(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    path = str(tmp_path / "r.parquet")
    table = pa.table(
        {
            "text": pa.array([b"fine", b"caf\xe9"], type=pa.binary()),
            "date": ["2026-01-01", "2026-01-02"],
        }
    )
    pq.write_table(table, path)
    batch = read_source("reviews", path)
    assert _only_reject(batch) == Reject(path, 2, "text", "caf\\xe9", "invalid utf-8", "review")
    assert [r.text for r in batch.records] == ["fine"]


def test_wrong_type_text_is_an_object(tmp_path: Path) -> None:
    path = str(tmp_path / "r.jsonl")
    Path(path).write_text(json.dumps({"text": {"body": "x"}, "date": "2026-01-01"}) + "\n", encoding="utf-8")
    assert _only_reject(read_source("reviews", path)) == Reject(
        path, 1, "text", '{"body": "x"}', "wrong type", "review"
    )


def test_wrong_type_text_is_a_number(tmp_path: Path) -> None:
    path = str(tmp_path / "r.json")
    Path(path).write_text(json.dumps([{"text": 42, "date": "2026-01-01"}]), encoding="utf-8")
    assert _only_reject(read_source("reviews", path)) == Reject(path, 1, "text", "42", "wrong type", "review")


def test_wrong_type_array_element_is_not_an_object(tmp_path: Path) -> None:
    path = str(tmp_path / "r.json")
    Path(path).write_text(json.dumps([{"text": "ok", "date": "2026-01-01"}, "oops"]), encoding="utf-8")
    assert _only_reject(read_source("reviews", path)) == Reject(path, 2, "record", "oops", "wrong type", "review")


def test_field_too_long_text(tmp_path: Path) -> None:
    long_text = "a" * (MAX_TEXT_CHARS + 1)
    path = _csv(tmp_path, "r.csv", f"id,text,date\na,{long_text},2026-01-01\n")
    reject = _only_reject(read_source("reviews", path))
    assert (reject.source_file, reject.line, reject.field, reject.reason) == (path, 2, "text", "field too long")
    assert reject.value == "a" * 200


def test_field_too_long_other_field(tmp_path: Path) -> None:
    long_id = "c" * (MAX_FIELD_CHARS + 1)
    path = _csv(tmp_path, "r.csv", f"id,text,date,customer_id\na,ok,2026-01-01,{long_id}\n")
    assert _only_reject(read_source("reviews", path)) == Reject(
        path, 2, "customer_id", "c" * 200, "field too long", "review"
    )


def test_unknown_speaker(tmp_path: Path) -> None:
    path = _csv(tmp_path, "t.csv", "conversation_id,turn,speaker,text,ts\nT1,1,martian,hi,2026-01-01\n")
    assert _only_reject(read_source("transcripts", path)) == Reject(
        path, 2, "speaker", "martian", "unknown speaker", "support"
    )


def test_duplicate_customer_id_last_wins(tmp_path: Path) -> None:
    path = _csv(tmp_path, "c.csv", "customer_id,plan\nC1,free\nC2,pro\nC1,pro\n")
    batch = read_source("customers", path)
    assert _only_reject(batch) == Reject(path, 2, "customer_id", "C1", "duplicate customer_id", "customers")
    assert {c["customer_id"]: c["attributes"]["plan"] for c in batch.customers} == {"C1": "pro", "C2": "pro"}


def test_missing_customer_id_in_customers(tmp_path: Path) -> None:
    path = _csv(tmp_path, "c.csv", "customer_id,plan\n,free\nC2,pro\n")
    assert _only_reject(read_source("customers", path)) == Reject(
        path, 2, "customer_id", "", "missing customer_id", "customers"
    )


def test_missing_customer_id_in_identities(tmp_path: Path) -> None:
    path = _csv(tmp_path, "i.csv", "handle,customer_id\n@ann,\n@bob,C2\n")
    assert _only_reject(read_source("identities", path)) == Reject(
        path, 2, "customer_id", "", "missing customer_id", "identities"
    )


def test_invalid_json_line(tmp_path: Path) -> None:
    path = str(tmp_path / "r.jsonl")
    Path(path).write_text('{"text": "ok", "date": "2026-01-01"}\n{"text": broken\n', encoding="utf-8")
    assert _only_reject(read_source("reviews", path)) == Reject(
        path, 2, "record", '{"text": broken', "invalid json", "review"
    )


def test_missing_conversation_id(tmp_path: Path) -> None:
    path = _csv(tmp_path, "t.csv", "conversation_id,speaker,text,ts\n,customer,hi,2026-01-01\n")
    assert _only_reject(read_source("transcripts", path)) == Reject(
        path, 2, "conversation_id", "", "missing conversation_id", "support"
    )


def test_missing_identifier(tmp_path: Path) -> None:
    path = _csv(tmp_path, "i.csv", "handle,customer_id\n,C1\n")
    assert _only_reject(read_source("identities", path)) == Reject(
        path, 2, "identifier", "", "missing identifier", "identities"
    )


def test_duplicate_identifier_for_another_customer(tmp_path: Path) -> None:
    path = _csv(tmp_path, "i.csv", "handle,customer_id\n@ann,C1\n@ANN,C2\n@bob,C3\n@bob,C3\n")
    batch = read_source("identities", path)
    assert _only_reject(batch) == Reject(path, 2, "identifier", "ann", "duplicate identifier", "identities")
    assert [(i["identifier"], i["customer_id"]) for i in batch.identities] == [("ann", "C2"), ("bob", "C3")]


def test_reject_value_is_cut_to_200_chars(tmp_path: Path) -> None:
    path = _csv(tmp_path, "r.csv", "id,text,date\na,ok," + "9" * 300 + "x\n")
    assert len(_only_reject(read_source("reviews", path)).value) == 200
