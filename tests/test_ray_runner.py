"""The Ray Data runner computes exactly what the in-process runner computes."""

import pandas as pd
import pytest

ray = pytest.importorskip("ray", reason="Ray Data is the optional extra: pip install 'insight[ray]'")


def test_ray_runner_matches_in_process():
    from insight.pipeline import Models
    from insight.runners import InProcessRunner, RayRunner

    models = Models()
    frame = pd.DataFrame({"record_id": [f"r{i}" for i in range(12)],
                          "text": [f"Love the screen number {i}. The battery dies by noon." for i in range(12)]})
    try:
        remote = RayRunner(models, concurrency=1, block_size=5).apply("nlp", frame)
    finally:
        ray.shutdown()
    local = InProcessRunner(models).apply("nlp", frame)
    key = ["record_id", "idx"]
    a = remote.sort_values(key).reset_index(drop=True).astype(str)
    b = local.sort_values(key).reset_index(drop=True).astype(str)
    assert len(a) == 24
    pd.testing.assert_frame_equal(a, b)


@pytest.mark.e2e
def test_every_model_stage_on_two_ray_workers_matches_the_local_run(mini_run, tmp_path):
    """`insight analyze --runner ray --ray-workers 2` on the mini corpus: sentences, sentiment and
    emotions, aspects, embeddings and acts, each computed by two Ray actors, equal the in-process run's."""
    import numpy as np

    from insight.jobs import _ORDER, ingest_files, load_config
    from insight.pipeline import analyze
    from insight.store import Store

    result, config_path, _ = mini_run
    config = load_config(config_path)
    db = tmp_path / "ray.duckdb"
    with Store(db) as store:
        for src in sorted(config["sources"], key=lambda s: _ORDER[s["kind"]]):
            list(ingest_files(store, src["kind"], [src["path"]], mapping=src.get("map") or None))
        try:
            analyze(store, progress=False, runner="ray", ray_workers=2, batch_size=64)
        finally:
            ray.shutdown()
    queries = {
        "sentences": "SELECT sentence_id, record_id, idx, text, start_char, end_char, lemmas FROM sentences",
        "sentiment": "SELECT sentence_id, label, round(score, 4) AS score, language, supported, "
                     "round(emo_anger, 4) AS anger, round(emo_joy, 4) AS joy FROM sentence_sentiment",
        "aspects": "SELECT sentence_id, term, norm, start_char, label, round(score, 4) AS score FROM aspects",
        "acts": "SELECT sentence_id, act, object FROM sentence_acts",
    }
    with Store(db, read_only=True) as remote, Store(result["db"], read_only=True) as local:
        for name, sql in queries.items():
            a, b = (st.query(sql) for st in (remote, local))
            a, b = (f.sort_values(list(f.columns[:3])).reset_index(drop=True) for f in (a, b))
            assert len(a) > 0, name
            pd.testing.assert_frame_equal(a.astype(str), b.astype(str), obj=name)
        ra = remote.query("SELECT sentence_id, vector FROM embeddings ORDER BY sentence_id")
        lo = local.query("SELECT sentence_id, vector FROM embeddings ORDER BY sentence_id")
        assert list(ra["sentence_id"]) == list(lo["sentence_id"]) and len(ra)
        # each text's vector is the one it gets alone (insight.embedders.encode_on_cores): the same in any block
        np.testing.assert_array_equal(np.stack(ra["vector"].to_numpy()), np.stack(lo["vector"].to_numpy()))
        assert remote.query("SELECT params FROM runs WHERE command = 'analyze'")["params"].str.contains('"ray"').all()
