"""Support transcripts: nested conversations, flat turn rows, speaker normalisation."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from insight.ingest import read_source
from insight.ingest.speakers import normalise_speaker

DATA = Path(__file__).parent / "data" / "ingest"
UTC = timezone.utc


def test_nested_conversations_one_record_per_turn() -> None:
    batch = read_source("transcripts", DATA / "conversations.json")
    assert batch.rejects == []
    got = [(r.conversation_id, r.turn, r.speaker, r.customer_id, r.platform) for r in batch.records]
    assert got == [
        ("T1", 0, "customer", "C1", "chat"),
        ("T1", 1, "agent", "C1", "chat"),
        ("T1", 2, "bot", "C1", "chat"),
        ("T2", 0, "customer", "C2", "email"),
    ]
    assert {r.channel for r in batch.records} == {"support"}
    assert [r.source_id for r in batch.records][:2] == ["T1:0", "T1:1"]


def test_nested_turn_time_falls_back_to_start_plus_index() -> None:
    records = read_source("transcripts", DATA / "conversations.json").records
    start = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)
    assert records[0].created_at == start
    assert records[1].created_at == datetime(2026, 3, 1, 10, 2, tzinfo=UTC)
    assert records[2].created_at == start + timedelta(seconds=2)
    assert records[3].created_at == datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_nested_turn_without_time_or_start_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    path.write_text(json.dumps({"id": "X", "turns": [{"role": "user", "content": "hi"}]}) + "\n", encoding="utf-8")
    batch = read_source("transcripts", path)
    assert batch.records == []
    reject = batch.rejects[0]
    assert (reject.line, reject.field, reject.reason) == (1, "turns[0].ts", "unparseable date")


def test_flat_rows_grouped_and_ordered_by_turn() -> None:
    batch = read_source("transcripts", DATA / "turns.csv")
    assert batch.rejects == []
    assert batch.columns["conversation_id"] == "ticket_id"
    got = [(r.conversation_id, r.turn, r.speaker, r.customer_id, r.text, r.source_line) for r in batch.records]
    assert got == [
        ("T9", 0, "customer", "C9", "I cannot log in", 3),
        ("T9", 1, "agent", "C9", "We have reset your password.", 2),
        ("T9", 2, "bot", "C9", "Anything else?", 5),
        ("T8", 0, "customer", "C8", "App crashes on start", 4),
    ]


def test_flat_rows_without_turn_are_ordered_by_time(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text(
        "conversation_id,speaker,text,ts\nA,agent,second,2026-01-01 10:05\nA,customer,first,2026-01-01 10:00\n",
        encoding="utf-8",
    )
    assert [r.text for r in read_source("transcripts", path).records] == ["first", "second"]


def test_flat_rows_from_parquet(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    path = tmp_path / "t.parquet"
    rows = [
        {"conversation_id": "A", "turn": 2, "speaker": "rep", "text": "fixed", "ts": datetime(2026, 1, 1, 10, 1)},
        {"conversation_id": "A", "turn": 1, "speaker": "customer", "text": "broken", "ts": datetime(2026, 1, 1, 10)},
    ]
    pq.write_table(pa.Table.from_pylist(rows), path)
    records = read_source("transcripts", path).records
    assert [(r.turn, r.speaker, r.text) for r in records] == [(0, "customer", "broken"), (1, "agent", "fixed")]
    assert records[0].created_at == datetime(2026, 1, 1, 10, tzinfo=UTC)


def test_transcript_record_ids_are_stable() -> None:
    first = [r.record_id for r in read_source("transcripts", DATA / "turns.csv").records]
    assert first == [r.record_id for r in read_source("transcripts", DATA / "turns.csv").records]
    assert len(set(first)) == 4


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Customer", "customer"), ("user", "customer"), ("client", "customer"), ("caller", "customer"),
        ("Agent (Maria)", "agent"), ("support", "agent"), ("rep", "agent"), ("CSR", "agent"),
        ("advisor", "agent"), ("Customer Service Rep", "agent"),
        ("bot", "bot"), ("assistant", "bot"), ("Virtual Agent", "bot"), ("automated", "bot"),
        ("system", "system"), ("martian", None), ("", None),
    ],
)  # fmt: skip
def test_speaker_normalisation(raw: str, expected: str | None) -> None:
    assert normalise_speaker(raw) == expected
