"""The demo corpus's planted truth, checked on named customers with the real models end to end."""

import json
from pathlib import Path

import pytest

from insight.store import Store

pytestmark = pytest.mark.e2e
TRUTH = json.loads((Path(__file__).resolve().parents[1] / "corpora" / "demo" / "truth.json").read_text())
# gap + mismatch + repeat; churn + request; churn + mismatch; gap + repeat + request
NAMED = ["CU-10061", "CU-10038", "CU-10039", "CU-10305"]
CLEAN = ["CU-10004", "CU-10006", "CU-10013"]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    from insight.jobs import DEMO_CONFIG, run_config

    db = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    run_config(DEMO_CONFIG, progress=False, db=str(db))
    with Store(db, read_only=True) as store:
        profiles = {cid: json.loads(p) for cid, p in store.con.execute("SELECT customer_id, profile FROM profiles").fetchall()}
        source_ids = {rid: {sid, conv} for rid, sid, conv in
                      store.con.execute("SELECT record_id, source_id, conversation_id FROM records").fetchall()}
    return profiles, source_ids


@pytest.mark.parametrize("cid", NAMED)
def test_planted_signals_appear_with_their_evidence(demo, cid):
    profiles, source_ids = demo
    truth = TRUTH["customers"][cid]
    needs = profiles[cid]["unstated_needs"]
    assert sorted({n["kind"] for n in needs}) == sorted(truth["signals"])
    for kind, planted in truth["evidence"].items():
        found = {s for n in needs if n["kind"] == kind for e in n["evidence"] for s in source_ids[e["record_id"]]}
        assert found & set(planted), f"{cid} {kind}: evidence {sorted(found)} misses planted {planted}"


@pytest.mark.parametrize("cid", CLEAN)
def test_customer_with_nothing_hidden_gets_no_flag(demo, cid):
    profiles, _ = demo
    assert profiles[cid]["unstated_needs"] == []
    assert profiles[cid]["churn_risk"]["level"] == "low"
