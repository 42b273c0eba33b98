"""The DuckDB store: idempotent writes, atomic stage batches, resumable pending queues."""

from datetime import datetime, timezone

import pandas as pd
import pytest

from insight.errors import StoreError
from insight.schema import Record, Reject, record_id_for
from insight.store import Store


def _record(n: int, **kw) -> Record:
    text = kw.pop("text", f"text number {n}")
    return Record(
        record_id=record_id_for("review", "reviews", f"R{n}", text),
        channel="review",
        created_at=datetime(2026, 1, n, tzinfo=timezone.utc),
        text=text,
        source="reviews",
        source_id=f"R{n}",
        source_file="reviews.csv",
        source_line=n + 1,
        customer_id=kw.pop("customer_id", f"C{n}"),
        rating=4.0,
        **kw,
    )


@pytest.fixture()
def store(tmp_path):
    with Store(tmp_path / "t.duckdb") as s:
        yield s


def test_records_are_added_once(store):
    records = [_record(1), _record(2)]
    assert store.add_records(records, "run1") == 2
    assert store.add_records(records, "run2") == 0
    assert store.scalar("SELECT count(*) FROM records") == 2


def test_created_at_is_stored_timezone_aware(store):
    store.add_records([_record(3)], "run1")
    value = store.con.execute("SELECT created_at FROM records").fetchone()[0]
    assert value == datetime(2026, 1, 3, tzinfo=timezone.utc)


def test_rejects_are_kept_once_with_reason(store):
    rej = Reject("reviews.csv", 7, "rating", "9", "rating out of range", "review")
    assert store.add_rejects([rej], "run1") == 1
    assert store.add_rejects([rej], "run2") == 0
    row = store.con.execute("SELECT source_file, line, field, value, reason FROM rejects").fetchone()
    assert row == ("reviews.csv", 7, "rating", "9", "rating out of range")


def test_text_with_sql_is_stored_verbatim(store):
    nasty = "'); DROP TABLE records; --"
    store.add_records([_record(4, text=nasty)], "run1")
    assert store.scalar("SELECT text FROM records") == nasty


def test_customers_upsert_reports_changes_only(store):
    rows = [{"customer_id": "C1", "attributes": {"plan": "basic"}}]
    assert store.upsert_customers(rows, "c.csv", "r1") == 1
    assert store.upsert_customers(rows, "c.csv", "r2") == 0
    assert store.upsert_customers([{"customer_id": "C1", "attributes": {"plan": "premium"}}], "c.csv", "r3") == 1
    assert store.scalar("SELECT attributes->>'plan' FROM customers") == "premium"


def test_relink_gives_unlinked_posts_their_customer(store):
    post = Record(record_id="p1", channel="social", created_at=datetime(2026, 1, 1, tzinfo=timezone.utc),
                  text="hi", source="social", source_id="p1", source_file="s.jsonl", source_line=1,
                  handle="@Dave")
    store.add_records([post], "r1")
    store.upsert_identities([{"identifier": "dave", "kind": "handle", "platform": "twitter", "customer_id": "C9"}])
    assert store.relink_handles(lambda h: h.strip().lstrip("@").lower()) == 1
    assert store.scalar("SELECT customer_id FROM records WHERE record_id = 'p1'") == "C9"


def test_failed_stage_batch_leaves_nothing_behind(store):
    store.add_records([_record(1), _record(2)], "r1")
    good = pd.DataFrame({"sentence_id": ["s1"], "record_id": [_record(1).record_id], "idx": [0], "text": ["x"],
                         "start_char": [0], "end_char": [1], "lemmas": ["x"], "noun_chunks": ["[]"]})
    bad = pd.DataFrame({"no_such_column": [1]})
    with pytest.raises(Exception):
        store.commit_stage("nlp", [_record(1).record_id], "r1", {"sentences": good, "doc_sentiment": bad})
    assert store.scalar("SELECT count(*) FROM sentences") == 0
    assert store.count_pending("nlp") == 2


def test_pending_shrinks_as_batches_commit(store):
    store.add_records([_record(1), _record(2), _record(3)], "r1")
    first = store.pending("nlp", limit=2)
    store.commit_stage("nlp", first["record_id"], "r1", {})
    assert store.count_pending("nlp") == 1
    assert store.count_pending("sentiment", after="nlp") == 2


def test_agent_turns_are_never_pending(store):
    agent = Record(record_id="a1", channel="support", created_at=datetime(2026, 1, 1, tzinfo=timezone.utc),
                   text="How can I help?", source="t", source_id="T1:1", source_file="t.jsonl", source_line=1,
                   speaker="agent", conversation_id="T1", turn=1)
    store.add_records([agent], "r1")
    assert store.count_pending("nlp") == 0


def test_agent_replies_are_the_agent_turns_of_conversations(store):
    def turn(rid, speaker, minute, conv="T1"):
        return Record(record_id=rid, channel="support", created_at=datetime(2026, 1, 1, 10, minute, tzinfo=timezone.utc),
                      text=f"turn {rid}", source="t", source_id=f"{conv}:{minute}", source_file="t.jsonl",
                      source_line=minute, speaker=speaker, conversation_id=conv, turn=minute, customer_id="C1")
    store.add_records([turn("c0", "customer", 0), turn("b1", "bot", 1), turn("a2", "agent", 2), turn("c3", "customer", 3),
                       turn("a9", "agent", 9, conv="T2")], "r1")
    replies = store.agent_replies()
    assert list(replies["conversation_id"]) == ["T1", "T2"]
    assert [t.minute for t in pd.to_datetime(replies["created_at"], utc=True)] == [2, 9]


def test_read_only_store_must_exist(tmp_path):
    with pytest.raises(StoreError, match="no insight store here"):
        Store(tmp_path / "missing.duckdb", read_only=True)


def test_runs_record_status(store):
    run = store.start_run("analyze", {"x": 1}, {"insight": "0.1.0"})
    store.end_run(run, {"nlp": 3})
    last = store.last_run("analyze")
    assert last["run_id"] == run and last["status"] == "ok"
