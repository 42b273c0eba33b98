"""End to end with the real models on the mini corpus: ingest, analyse, report, profiles."""

import json

import pytest

from insight.jobs import run_config
from insight.store import Store

pytestmark = pytest.mark.e2e


def _store(result, **kw):
    return Store(result["db"], **kw)


def test_every_stage_ran(mini_run):
    result, _, _ = mini_run
    counts = result["analyze"]
    # 25 valid reviews + 10 customer turns + 8 posts are the customer's voice; agent/bot/system turns are not
    assert counts["nlp"] == 43 and counts["sentiment"] == 43 and counts["aspects"] == 43
    assert counts["topics"]["topics"] >= 2
    assert counts["pain_points"] >= 2
    with _store(result, read_only=True) as store:
        assert store.scalar("SELECT count(*) FROM rejects") == 3
        assert store.scalar("SELECT count(*) FROM profiles") == 23  # every CRM customer; rejected rows add none
        runs = store.query("SELECT status FROM runs WHERE command = 'analyze' OR command LIKE 'ingest%'")
        assert set(runs["status"]) == {"ok"}


def test_outputs_are_written(mini_run):
    result, _, _ = mini_run
    for path in result["outputs"].values():
        with open(path, encoding="utf-8") as fh:
            assert fh.read().strip()


def test_rerun_changes_nothing(mini_run):
    result, config, _ = mini_run
    with _store(result, read_only=True) as store:
        before = store.counts()
    again = run_config(config, progress=False)
    assert again["analyze"]["nlp"] == 0 and again["analyze"]["sentiment"] == 0
    with _store(result, read_only=True) as store:
        assert store.counts() == before


def test_battery_is_a_top_pain_point(mini_run):
    result, _, _ = mini_run
    with _store(result, read_only=True) as store:
        pains = store.query("SELECT label, customers FROM pain_points ORDER BY rank")
    top = " ".join(pains["label"].head(3)).lower()
    assert "battery" in top


def test_hidden_login_issue_shows_in_profile(mini_run):
    result, _, _ = mini_run
    with _store(result, read_only=True) as store:
        p = json.loads(store.scalar("SELECT profile FROM profiles WHERE customer_id = 'C003'"))
    kinds = {n["kind"] for n in p["unstated_needs"]}
    assert {"cross_channel_gap", "repeat_contact", "churn"} <= kinds
    assert p["behaviour"]["contacts_by_channel"] == {"review": 2, "support": 2}
    gap = next(n for n in p["unstated_needs"] if n["kind"] == "cross_channel_gap")
    assert all(e["channel"] == "support" for e in gap["evidence"])


def test_agent_words_are_never_the_customers(mini_run):
    result, _, _ = mini_run
    with _store(result, read_only=True) as store:
        profiles = [json.loads(p) for p in store.query("SELECT profile FROM profiles")["profile"]]
    text = json.dumps(profiles)
    assert "escalated this to our engineers" not in text
    assert "virtual assistant" not in text


def test_crash_mid_run_keeps_work_and_resumes(tmp_path, monkeypatch):
    from insight import runners
    from insight.jobs import ingest_files
    from insight.pipeline import analyze
    from tests_paths import MINI

    db = tmp_path / "crash.duckdb"
    with Store(db) as store:
        for kind, name in (("reviews", "reviews.csv"), ("transcripts", "transcripts.jsonl"), ("social", "social.jsonl")):
            ingest_files(store, kind, [str(MINI / name)])
        real = runners.COMPUTE["sentiment"]
        calls = {"n": 0}

        def flaky(frame, models):
            calls["n"] += 1
            if calls["n"] == 3:
                raise RuntimeError("simulated crash")
            return real(frame, models)

        monkeypatch.setitem(runners.COMPUTE, "sentiment", flaky)
        with pytest.raises(RuntimeError, match="simulated crash"):
            analyze(store, batch_size=8, progress=False)
        assert store.scalar("SELECT status FROM runs WHERE command = 'analyze'") == "failed"
        kept = store.scalar("SELECT count(*) FROM doc_sentiment")
        assert kept == 16  # two committed batches of 8 records survive the crash
        assert store.scalar("SELECT count(*) FROM stage_done WHERE stage = 'nlp'") == 42  # stage 1 finished

        monkeypatch.setitem(runners.COMPUTE, "sentiment", real)
        counts = analyze(store, batch_size=8, progress=False)
        assert counts["nlp"] == 0 and counts["sentiment"] == 42 - 16
        assert store.scalar("SELECT count(*) FROM doc_sentiment") == 42
        assert store.scalar("SELECT count(*) FROM sentence_sentiment") == store.scalar("SELECT count(*) FROM sentences")


def test_profiles_built_by_customer_chunks_are_the_profiles_of_one_build(mini_run, tmp_path, monkeypatch):
    """refresh_insights builds profiles PROFILE_CHUNK customers at a time (bounded memory on large stores);
    chunks of two customers give exactly the profiles and churn-ranked pain points of the run's one chunk."""
    import shutil

    from insight import pipeline

    result, _, _ = mini_run
    copy = tmp_path / "chunks.duckdb"
    shutil.copy(result["db"], copy)
    monkeypatch.setattr(pipeline, "PROFILE_CHUNK", 2)
    with Store(copy) as store:
        run_id = store.start_run("test refresh", {})
        store.end_run(run_id, pipeline.refresh_insights(store, run_id))
        chunked = store.query("SELECT customer_id, profile, churn_risk FROM profiles ORDER BY customer_id")
        pains = store.query("SELECT pain_id, rank, score, parts FROM pain_points ORDER BY pain_id")
    with _store(result, read_only=True) as store:
        whole = store.query("SELECT customer_id, profile, churn_risk FROM profiles ORDER BY customer_id")
        stored_pains = store.query("SELECT pain_id, rank, score, parts FROM pain_points ORDER BY pain_id")
    assert len(chunked) == 23
    assert [json.loads(p) for p in chunked["profile"]] == [json.loads(p) for p in whole["profile"]]
    assert list(chunked["churn_risk"]) == list(whole["churn_risk"])
    assert pains[["pain_id", "rank", "score"]].equals(stored_pains[["pain_id", "rank", "score"]])
    assert [json.loads(p) for p in pains["parts"]] == [json.loads(p) for p in stored_pains["parts"]]


def test_voice_group_ids_read_alone_are_those_of_a_fresh_voice_read(mini_run, tmp_path):
    """After topic groups move, refresh_insights re-reads only the voice's group ids (``voice_groups``)
    instead of the whole voice: with them the voice read before equals a voice read after the move."""
    import shutil

    import pandas as pd

    result, _, _ = mini_run
    copy = tmp_path / "groups.duckdb"
    shutil.copy(result["db"], copy)
    with Store(copy) as store:
        before = store.voice_frame()
        topics = sorted(int(t) for t in before["topic_id"].dropna().unique() if t >= 0)
        assert len(topics) >= 3
        store.con.execute("UPDATE topics SET merged_into = ? WHERE topic_id IN (?, ?)", [topics[0], topics[1], topics[2]])
        after = store.voice_frame()
        groups = store.voice_groups().set_index("sentence_id")["group_id"]
    assert not after["group_id"].equals(before["group_id"])  # the move changed some groups
    moved = before.assign(group_id=groups.reindex(before["sentence_id"]).to_numpy())
    pd.testing.assert_frame_equal(moved, after)


def test_a_profile_build_that_fails_midway_leaves_the_stored_profiles_and_pain_points(mini_run, tmp_path,
                                                                                     monkeypatch):
    """Profiles are staged chunk by chunk and swapped in with the pain points at the end: a build that
    fails after some chunks were written changes neither table."""
    import shutil

    from insight import pipeline
    from insight.stages import profiles as profile_stage

    result, _, _ = mini_run
    copy = tmp_path / "fails.duckdb"
    shutil.copy(result["db"], copy)
    monkeypatch.setattr(pipeline, "PROFILE_CHUNK", 2)
    real, calls = profile_stage.build_profiles, []

    def failing(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("killed mid-build")
        return real(*args, **kwargs)

    monkeypatch.setattr(profile_stage, "build_profiles", failing)
    with Store(copy) as store:
        before = (store.query("SELECT * FROM profiles ORDER BY customer_id"),
                  store.query("SELECT * FROM pain_points ORDER BY pain_id"))
        store.con.execute("UPDATE pain_points SET run_id = 'earlier'")  # a later write would replace it
        run_id = store.start_run("test refresh", {})
        with pytest.raises(RuntimeError, match="killed mid-build"):
            pipeline.refresh_insights(store, run_id)
        assert store.query("SELECT * FROM profiles ORDER BY customer_id").equals(before[0])
        assert set(store.query("SELECT run_id FROM pain_points")["run_id"]) == {"earlier"}
        assert len(store.query("SELECT * FROM pain_points")) == len(before[1])
        assert not store.has_table("profiles_staged")
