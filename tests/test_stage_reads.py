"""A stage's store reads must not grow with the number of batches: each read of pending records or of
their sentences scans the whole store, so one per batch makes a run quadratic in its size."""

from datetime import datetime, timezone

import pandas as pd
import pytest

from insight import pipeline
from insight.schema import Record
from insight.store import Store

N = 40


def _records() -> list[Record]:
    return [Record(record_id=f"r{i:03d}", channel="review", text=f"text {i}", source="reviews", source_id=f"R{i}",
                   created_at=datetime(2026, 1, 1 + i % 28, tzinfo=timezone.utc), source_file="reviews.csv",
                   source_line=i + 2)
            for i in range(N)]


def _sentences(ids) -> pd.DataFrame:
    rows = [{"sentence_id": f"{rid}-s{k}", "record_id": rid, "idx": k, "text": f"sentence {k} of {rid}",
             "start_char": 0, "end_char": 1, "lemmas": "", "noun_chunks": "[]"}
            for rid in ids for k in range(int(rid[1:]) % 3)]  # 0, 1 or 2 sentences a record
    return pd.DataFrame(rows)


class CountingStore(Store):
    """Counts the reads that scan the whole store (pending records, records and sentences by id)."""

    scans = 0

    def pending(self, *a, **kw):
        self.scans += 1
        return super().pending(*a, **kw)

    def pending_ids(self, *a, **kw):
        self.scans += 1
        return super().pending_ids(*a, **kw)

    def sentences_with_language(self, *a, **kw):
        self.scans += 1
        return super().sentences_with_language(*a, **kw)


@pytest.fixture()
def store(tmp_path):
    with CountingStore(tmp_path / "t.duckdb") as s:
        s.add_records(_records(), "r0")
        ids = list(s.pending("nlp")["record_id"])
        s.commit_stage("nlp", ids, "r0", {"sentences": _sentences(ids)})
        yield s


def test_stage_reads_do_not_grow_with_batches(store):
    seen: list[pd.DataFrame] = []

    def frames(sents):
        seen.append(sents)
        return {}

    store.scans = 0
    assert pipeline._per_batch(store, "sentiment", "r1", 4, False, frames) == N  # 10 batches
    assert len(seen) == N // 4
    assert store.scans <= 2  # one read of what is pending, one of its sentences (40 < 4 * READ_BATCHES)
    assert store.count_pending("sentiment", after="nlp") == 0


def test_batches_hold_the_same_rows_as_a_query_per_batch(store):
    """Each batch gets the sentences of its records, in the store's order, exactly as its own query gives."""
    order = list(store.pending("sentiment", after="nlp")["record_id"])
    got: list[pd.DataFrame] = []
    pipeline._per_batch(store, "sentiment", "r1", 3, False, lambda s: got.append(s) or {})
    assert len(got) == -(-N // 3)
    for k, sents in enumerate(got):
        want = store.sentences_with_language(order[3 * k:3 * k + 3])
        assert list(sents.columns) == list(want.columns)
        pd.testing.assert_frame_equal(sents, want, check_dtype=len(want) > 0)  # an empty query gives object columns


def test_batches_read_once_per_read_chunk(monkeypatch):
    reads: list[list[str]] = []

    def read(ids):
        reads.append(ids)
        return pd.DataFrame({"record_id": ids, "x": range(len(ids))})

    monkeypatch.setattr(pipeline, "READ_BATCHES", 2)
    ids = [f"r{i}" for i in range(11)]
    out = list(pipeline._batches(ids, 3, read))
    assert [b for b, _ in out] == [ids[0:3], ids[3:6], ids[6:9], ids[9:11]]
    assert reads == [ids[0:6], ids[6:11]]
    assert [list(f["record_id"]) for _, f in out] == [b for b, _ in out]
    assert all(list(f.index) == list(range(len(f))) for _, f in out)
