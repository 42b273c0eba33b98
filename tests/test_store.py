"""The DuckDB store: idempotent writes, atomic stage batches, resumable pending queues."""

from datetime import datetime, timezone

import pandas as pd
import pytest

from insight.errors import ConfigError, StoreError
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


def _profiles(ids, level="high", run="run2"):
    import json

    return pd.DataFrame({"customer_id": ids, "profile": [json.dumps({"churn_risk": {"level": level}}) for _ in ids],
                         "churn_risk": [0.5] * len(ids), "run_id": run})


def _pains(run):
    return (pd.DataFrame({"pain_id": ["P1"], "label": ["battery"], "rank": [1], "run_id": [run]}),
            pd.DataFrame({"pain_id": ["P1"], "sentence_id": ["S1"], "record_id": ["R1"]}))


def test_profiles_staged_by_chunks_equal_one_write_and_swap_in_with_the_pain_points(store):
    store.replace_table("profiles", _profiles(["C1", "C2", "C3"], run="run1"))
    chunks = [_profiles(["C1", "C2"]), _profiles(["C3"], level="low"), _profiles(["C4"])]
    assert store.stage_profiles(iter(chunks)) == 4
    assert store.churn_customers(["high"], staged=True) == {"C1", "C2", "C4"}
    assert store.churn_customers(["high"]) == {"C1", "C2", "C3"}  # the stored ones, untouched so far
    store.replace_insights(*_pains("run2"))
    got = store.query("SELECT * FROM profiles ORDER BY customer_id")
    assert got.equals(pd.concat(chunks, ignore_index=True))
    assert store.query("SELECT pain_id, run_id FROM pain_points").values.tolist() == [["P1", "run2"]]
    assert not store.has_table("profiles_staged")
    assert store.scalar("SELECT count(*) FROM duckdb_constraints() WHERE table_name = 'profiles' "
                        "AND constraint_type = 'PRIMARY KEY'") == 1  # the staged table brings the key


def test_a_failure_while_staging_leaves_the_stored_profiles_and_pain_points(store):
    store.replace_table("profiles", _profiles(["C1", "C2"], run="run1"))
    store.stage_profiles([_profiles(["C1"], run="run1")])
    store.replace_insights(*_pains("run1"))
    before = (store.query("SELECT * FROM profiles"), store.query("SELECT * FROM pain_points"))

    def chunks():
        yield _profiles(["C1", "C2"])
        raise RuntimeError("killed mid-build")

    with pytest.raises(RuntimeError, match="killed mid-build"):
        store.stage_profiles(chunks())
    assert not store.has_table("profiles_staged")
    with pytest.raises(StoreError, match="no staged profiles"):
        store.replace_insights(*_pains("run2"))
    assert store.query("SELECT * FROM profiles").equals(before[0])
    assert store.query("SELECT * FROM pain_points").equals(before[1])


def test_a_staging_table_left_by_a_killed_build_is_dropped_by_the_next(store):
    store.con.execute("CREATE TABLE profiles_staged AS SELECT * FROM profiles")
    store.con.execute("INSERT INTO profiles_staged VALUES ('OLD', '{}', 0.1, 'dead')")
    assert store.stage_profiles([_profiles(["C1"])]) == 1
    store.replace_insights(*_pains("run2"))
    assert list(store.query("SELECT customer_id FROM profiles")["customer_id"]) == ["C1"]


def test_churn_customers_read_the_level_in_the_profile_json(store):
    import json

    frame = pd.DataFrame({"customer_id": ["A", "B", "C", "D"], "churn_risk": 0.0, "run_id": "r",
                          "profile": [json.dumps(p) for p in ({"churn_risk": {"level": "high"}},
                                                              {"churn_risk": {"level": "medium"}},
                                                              {"churn_risk": None}, {})]})
    store.replace_table("profiles", frame)
    assert store.churn_customers(["high", "medium"]) == {"A", "B"}
    assert store.churn_customers(["low"]) == set()


def test_pages_of_sentences_without_topic_count_only_embedded_unassigned_ones(store):
    """sentences_without_topic picks a page of ids before it reads their vectors: a sentence with no
    embedding, or with a topic, takes no place in a page, and the pages together are the one read."""
    for i in range(6):
        store.con.execute("INSERT INTO sentences (sentence_id, record_id, idx, text) VALUES (?, ?, 0, ?)",
                          [f"S{i}", f"R{i}", f"sentence {i}"])
        if i != 1:  # S1 has no embedding
            store.con.execute("INSERT INTO embeddings VALUES (?, ?)", [f"S{i}", [float(i)] * 384])
    store.con.execute("INSERT INTO sentence_topics VALUES ('S2', 'R2', 0, 1.0, 'run1')")  # S2 has a topic
    whole = store.sentences_without_topic()
    assert list(whole["sentence_id"]) == ["S0", "S3", "S4", "S5"]
    assert [v[0] for v in whole["vector"]] == [0.0, 3.0, 4.0, 5.0]
    first = store.sentences_without_topic(limit=2)
    second = store.sentences_without_topic(limit=2, after=first["sentence_id"].iloc[-1])
    assert list(first["sentence_id"]) == ["S0", "S3"] and list(second["sentence_id"]) == ["S4", "S5"]
    assert pd.concat([first, second], ignore_index=True)[["sentence_id", "record_id", "text"]].equals(
        whole[["sentence_id", "record_id", "text"]])


def test_duckdb_memory_is_capped_by_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("INSIGHT_DUCKDB_MEMORY", "500MB")
    with Store(tmp_path / "m.duckdb") as s:
        assert s.scalar("SELECT current_setting('memory_limit')") == "476.8 MiB"  # 500 * 1000^2 bytes
    with Store(tmp_path / "m.duckdb", memory_limit="1GiB") as s:  # the argument wins
        assert s.scalar("SELECT current_setting('memory_limit')") == "1.0 GiB"
    monkeypatch.setenv("INSIGHT_DUCKDB_MEMORY", "lots")
    with pytest.raises(ConfigError, match="INSIGHT_DUCKDB_MEMORY: not a DuckDB memory size"):
        Store(tmp_path / "m.duckdb")


def test_a_query_read_in_chunks_is_the_query_read_at_once(store, monkeypatch):
    import insight.store as store_module

    monkeypatch.setattr(store_module, "QUERY_CHUNK_VECTORS", 1)  # 2,048 rows a piece
    sql = ("SELECT i, 'row ' || i AS text, CASE WHEN i % 3000 = 0 THEN NULL ELSE i END AS gappy, "
           "TIMESTAMPTZ '2026-01-01 00:00:00+00' + to_seconds(i) AS at FROM range(5000) t(i) ORDER BY i DESC")
    chunked = store.query_in_chunks(sql)
    pd.testing.assert_frame_equal(chunked, store.query(sql), check_exact=True)
    assert len(chunked) == 5000 and list(chunked["i"].head(2)) == [4999, 4998]
    empty = store.query_in_chunks("SELECT 1 AS one WHERE false")
    assert list(empty.columns) == ["one"] and len(empty) == 0
