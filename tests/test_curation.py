"""Topic groups and analyst edits: consolidation, merge, rename, ignore, split; persisted and re-applied."""

import json

import numpy as np
import pandas as pd
import pytest

from insight import curation
from insight.errors import InputError
from insight.params import AnalysisParams
from insight.stages.topics import consolidate
from insight.store import Store


def _unit(v):
    return v / np.linalg.norm(v)


RNG = np.random.default_rng(1)
WIFI = _unit(RNG.normal(size=384))
BATTERY = _unit(RNG.normal(size=384))


def _near(v, eps):
    return _unit(v + eps * _unit(RNG.normal(size=384)))


def test_consolidate_groups_near_topics_under_the_lowest_id():
    cents = np.stack([_near(WIFI, 0.3), _near(BATTERY, 0.3), _near(WIFI, 0.3), BATTERY])
    assert consolidate([0, 1, 2, 3], cents, distance=0.45) == {0: 0, 1: 1, 2: 0, 3: 1}
    assert consolidate([0, 1, 2, 3], cents, distance=0.01) == {0: 0, 1: 1, 2: 2, 3: 3}


@pytest.fixture()
def store(tmp_path):
    with Store(tmp_path / "c.duckdb") as s:
        cents = [_near(WIFI, 0.3), _near(BATTERY, 0.3), _near(WIFI, 0.3)]
        s._insert_frame("topics", pd.DataFrame({
            "topic_id": [0, 1, 2], "label": ["goes offline", "battery drains", "live view stuck"],
            "keywords": ["[]"] * 3, "size": [10, 8, 6], "centroid": [c.tolist() for c in cents],
            "status": "active", "created_run": "r0", "updated_run": "r0", "merged_into": [None, None, None]}))
        yield s


def _parents(store):
    return {int(t): (None if pd.isna(m) else int(m)) for t, m in
            store.con.execute("SELECT topic_id, merged_into FROM topics ORDER BY topic_id").fetchall()}


def test_consolidation_records_merged_and_keeps_ids(store):
    assert curation.consolidate_topics(store, "r1", AnalysisParams(pain_merge_distance=0.45)) == 1
    assert _parents(store) == {0: None, 1: None, 2: 0}
    change = store.query("SELECT topic_id, change, detail FROM topic_changes WHERE run_id = 'r1'")
    assert list(change["change"]) == ["merged"] and json.loads(change["detail"][0])["into"] == 0
    assert curation.consolidate_topics(store, "r2", AnalysisParams(pain_merge_distance=0.45)) == 0  # idempotent


def test_analyst_merge_rename_ignore_persist_and_reapply(store):
    curation.merge(store, [1, 2], label="power problems")
    assert _parents(store)[2] == 1
    curation.rename(store, 0, "camera goes offline")
    curation.ignore(store, 1)
    ignored, labels = curation.group_state(store)
    assert ignored == {1, 2} and labels == {1: "power problems", 0: "camera goes offline"}
    # a later run that changed things back gets the edits again
    store.con.execute("UPDATE topics SET merged_into = NULL, label = 'x'")
    curation.reapply(store, "later")
    assert _parents(store)[2] == 1
    assert store.scalar("SELECT label FROM topics WHERE topic_id = 0") == "camera goes offline"
    kinds = set(store.query("SELECT change FROM topic_changes")["change"])
    assert {"merged", "renamed", "ignored"} <= kinds


def test_bad_edits_name_the_fix(store):
    with pytest.raises(InputError, match=r"topics merge: no topic 9 \(got 9\)"):
        curation.merge(store, [0, 9])
    with pytest.raises(InputError, match="two or more different topic ids"):
        curation.merge(store, [0, 0])
    with pytest.raises(InputError, match="the new label is empty"):
        curation.rename(store, 0, "  ")


def test_split_makes_a_new_topic_and_locks_both(store):
    ids = [f"s{i}" for i in range(12)]
    vecs = [_near(WIFI, 0.1) for _ in range(8)] + [_near(BATTERY, 0.1) for _ in range(4)]
    texts = ["camera goes offline at night"] * 8 + ["battery dies by noon"] * 4
    store._insert_frame("sentences", pd.DataFrame({"sentence_id": ids, "record_id": ids, "idx": 0, "text": texts,
                                                   "start_char": 0, "end_char": 1, "lemmas": "", "noun_chunks": "[]"}))
    store._insert_frame("embeddings", pd.DataFrame({"sentence_id": ids, "vector": [v.tolist() for v in vecs]}))
    store._insert_frame("sentence_topics", pd.DataFrame({"sentence_id": ids, "record_id": ids, "topic_id": 0,
                                                         "probability": 0.9, "run_id": "r0"}))
    out = curation.split(store, 0)
    assert out["kept"]["size"] == 8 and out["new"] == {"topic_id": 3, "label": out["new"]["label"], "size": 4}
    assert "battery" in out["new"]["label"]
    assert store.scalar("SELECT count(*) FROM sentence_topics WHERE topic_id = 3") == 4
    assert curation.locked_topics(store) == {0, 3}
    assert set(store.query("SELECT change FROM topic_changes")["change"]) >= {"split", "new"}


def test_a_merge_by_shared_customers_moves_the_whole_group_and_is_recorded(store):
    store.con.execute("UPDATE topics SET merged_into = 2 WHERE topic_id = 1")  # group 2 = {2, 1}
    merge = {"topic_id": 2, "into": 0, "shared": 8, "share": 0.8, "lift": 3.2}
    assert curation.merge_by_customers(store, "r1", [merge]) == 1
    assert _parents(store) == {0: None, 1: 0, 2: 0}
    change = store.query("SELECT topic_id, change, detail FROM topic_changes WHERE run_id = 'r1'")
    assert list(change["topic_id"]) == [2] and list(change["change"]) == ["merged"]
    assert json.loads(change["detail"][0]) == {"into": 0, "by": "shared customers", "shared": 8, "share": 0.8,
                                               "lift": 3.2}
    assert curation.merge_by_customers(store, "r2", [merge]) == 0  # already one group: nothing again


def test_a_split_topic_is_never_merged_by_customers(store):
    store.add_topic_edit("split", [2, 3], None, "r0")  # an analyst split topic 2: it stays apart
    assert curation.merge_by_customers(store, "r1", [{"topic_id": 2, "into": 0, "shared": 5, "share": 0.9,
                                                      "lift": 3.0}]) == 0
    assert _parents(store)[2] is None
