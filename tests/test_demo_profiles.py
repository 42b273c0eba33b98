"""The demo corpus's planted truth, checked on named customers with the real models end to end.

Not every planted customer is found (the demo's tune2 phrasings are one of the two tune banks,
corpora/README.md): these named customers are regression anchors the profiles get right today; the aggregate
precision and recall per field are scripts/eval_profiles.py's job (figures in the README)."""

import json
from pathlib import Path

import pytest

from insight.store import Store

pytestmark = pytest.mark.e2e
TRUTH = json.loads((Path(__file__).resolve().parents[1] / "corpora" / "demo" / "truth.json").read_text())
# gap + mismatch + repeat; gap + repeat + request; churn + gap + request; gap + repeat
# (CU-10180 replaced CU-10029 when sentiment.e5.v3 shipped: it reads CU-10029's support turns as
# negative, but that customer's refund complaint no longer lands in a pain point shared with a topic.
# CU-10171 replaced CU-10180 when a wish stopped counting as a complaint: CU-10180's gap was found only
# through its ask, "Hope the next update brings email instead of SMS for the login code.", read as a
# login complaint; CU-10171's ask, "Is HomeKit support on the roadmap?", is found by the plans frame)
NAMED = ["CU-10061", "CU-10305", "CU-10171", "CU-10227"]
# customers who write German (churn + repeat), Turkish (gap) and Finnish (gap): the demo's --per-language 16
# (CU-10430 replaced CU-10431 when sentiment.e5.v4 shipped: it reads CU-10431's one complaint, "Evdeki
# diğer tüm cihazlar sorunsuz, sadece kamera internetten düşüyor.", as mildly positive, so that gap is
# lost; it finds CU-10430's gap, which e5.v3 missed. One of the two planted Turkish gaps either way.)
FOREIGN = ["CU-10403", "CU-10430", "CU-10442"]
CLEAN = ["CU-10004", "CU-10006", "CU-10013"]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """Profiles, record id -> source ids and record id -> language of the demo run end to end; under .ci/run, the store the installed wheel's `insight demo` wrote
    (INSIGHT_DEMO_DB, from .ci/wheel-check: same code, so CI runs the demo once, not twice)."""
    import os
    import shutil

    from insight.jobs import DEMO_CONFIG, run_config

    work = tmp_path_factory.mktemp("demo")
    db = work / "demo.duckdb"
    shared = os.environ.get("INSIGHT_DEMO_DB")
    if shared:
        shutil.copy(shared, db)  # a missing file fails here: CI asked for it
    else:
        run_config(DEMO_CONFIG, progress=False, db=str(db), out_dir=work)
    with Store(db, read_only=True) as store:
        profiles = {cid: json.loads(p) for cid, p in store.con.execute("SELECT customer_id, profile FROM profiles").fetchall()}
        source_ids = {rid: {sid, conv} for rid, sid, conv in
                      store.con.execute("SELECT record_id, source_id, conversation_id FROM records").fetchall()}
        languages = dict(store.con.execute("SELECT record_id, language FROM records").fetchall())
    return profiles, source_ids, languages


@pytest.mark.parametrize("cid", NAMED + FOREIGN)
def test_planted_signals_appear_with_their_evidence(demo, cid):
    profiles, source_ids, _ = demo
    truth = TRUTH["customers"][cid]
    needs = profiles[cid]["unstated_needs"]
    assert sorted({n["kind"] for n in needs}) == sorted(truth["signals"])
    for kind, planted in truth["evidence"].items():
        found = {s for n in needs if n["kind"] == kind for e in n["evidence"] for s in source_ids[e["record_id"]]}
        assert found & set(planted), f"{cid} {kind}: evidence {sorted(found)} misses planted {planted}"


@pytest.mark.parametrize("cid", CLEAN)
def test_customer_with_nothing_hidden_gets_no_flag(demo, cid):
    profiles, _, _ = demo
    assert profiles[cid]["unstated_needs"] == []
    assert profiles[cid]["churn_risk"]["level"] == "low"


def test_request_keeps_its_object(demo):
    profiles, _, _ = demo
    assert [r["object"] for r in profiles["CU-10305"]["requests"]] == ["HomeKit support"]


def test_motives_with_their_kinds(demo):
    profiles, _, _ = demo
    assert sorted(m["kind"] for m in profiles["CU-10061"]["motives"]) == ["replacement", "research"]


def test_resolved_and_open_support_cases(demo):
    profiles, _, _ = demo
    resolved = [p["resolution"]["status"] for p in profiles["CU-10034"]["pain_points"] if p.get("resolution")]
    still_open = [p["resolution"]["status"] for p in profiles["CU-10061"]["pain_points"] if p.get("resolution")]
    assert resolved and set(resolved) == {"resolved"}
    assert still_open and set(still_open) == {"open"}


@pytest.mark.parametrize("cid", FOREIGN)
def test_needs_of_a_customer_in_another_language_quote_their_own_words(demo, cid):
    profiles, _, languages = demo
    needs = profiles[cid]["unstated_needs"]
    assert needs and {languages[e["record_id"]] for n in needs for e in n["evidence"]} == {TRUTH["languages"][cid]}
