"""scripts/bench_scale.py replicates an analysed store inside DuckDB: every replica's ids are its own,
missing ids stay missing, and identities follow their customers (the scale figures rest on it)."""

import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest

from insight.schema import Record
from insight.store import Store

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
bench_scale = pytest.importorskip("bench_scale")


def _record(rid, customer, handle=None, channel="review"):
    return Record(record_id=rid, channel=channel, created_at=datetime(2026, 3, 1, tzinfo=timezone.utc),
                  text="The battery dies by noon.", source="test", source_id=rid, source_file="t.csv",
                  source_line=2, customer_id=customer, handle=handle)


def test_replicas_get_their_own_ids_and_keep_missing_ones_missing(tmp_path):
    with Store(tmp_path / "s.duckdb") as store:
        run = store.start_run("test", {})
        store.add_records([_record("R1", "CU-1"), _record("R2", None, handle="@ann", channel="social")], run)
        store.upsert_identities([{"identifier": "@ann", "kind": "handle", "platform": "twitter",
                                  "customer_id": "CU-2"}])
        bench_scale.replicate(store.con, 3)
        records = store.query("SELECT record_id, customer_id, handle, source_id FROM records ORDER BY record_id")
        identities = store.query("SELECT identifier, customer_id FROM identities ORDER BY identifier")
    assert list(records["record_id"]) == ["R1", "R1#1", "R1#2", "R2", "R2#1", "R2#2"]
    assert list(records["source_id"]) == list(records["record_id"])
    assert records["customer_id"].isna().sum() == 3  # the social post's replicas have no customer id either
    assert list(records.loc[records["record_id"] == "R2#2", "handle"]) == ["@ann#2"]
    assert list(identities["identifier"]) == ["@ann", "@ann#1", "@ann#2"]
    assert list(identities["customer_id"]) == ["CU-2", "CU-2#1", "CU-2#2"]
