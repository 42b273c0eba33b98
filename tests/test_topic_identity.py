"""Topic identity across runs: new batches join existing topics; new themes get new ids."""

import json

import numpy as np
import pandas as pd
import pytest

from insight.pipeline import TopicParams, update_topics
from insight.store import Store

RNG = np.random.default_rng(0)
CENTERS = {name: v / np.linalg.norm(v) for name, v in
           ((n, RNG.normal(size=384)) for n in ("battery", "login", "refund", "delivery", "billing"))}
PHRASES = {"battery": "battery drains overnight", "login": "login code never arrives", "refund": "refund not received",
           "delivery": "parcel arrived damaged", "billing": "charged twice this month"}


def _add(store, theme, n, start):
    vecs = CENTERS[theme] + 0.02 * RNG.normal(size=(n, 384))
    vecs = (vecs / np.linalg.norm(vecs, axis=1, keepdims=True)).astype(np.float32)
    ids = [f"{theme}-{start + i}" for i in range(n)]
    sentences = pd.DataFrame({"sentence_id": ids, "record_id": ids, "idx": 0,
                              "text": [f"{PHRASES[theme]} again {i}" for i in range(n)],
                              "start_char": 0, "end_char": 10, "lemmas": "", "noun_chunks": "[]"})
    with store.transaction():
        store._insert_frame("sentences", sentences)
        store._insert_frame("embeddings", pd.DataFrame({"sentence_id": ids, "vector": [v.tolist() for v in vecs]}))


@pytest.fixture()
def store(tmp_path):
    with Store(tmp_path / "t.duckdb") as s:
        yield s


def _topics(store):
    return dict(store.con.execute("SELECT topic_id, label FROM topics ORDER BY topic_id").fetchall())


def test_ids_stay_put_and_new_themes_are_added(store):
    params = TopicParams(min_topic_size=20, fast=True)
    for theme in ("battery", "login", "refund"):
        _add(store, theme, 30, 0)
    first = update_topics(store, "run1", params)
    assert first["topics"] == 3
    before = _topics(store)
    assert before == {0: "battery drains", 1: "code arrives", 2: "refund received"}  # fast path: c-TF-IDF labels

    _add(store, "battery", 10, 100)  # more of a known theme
    second = update_topics(store, "run2", params)
    assert second == {"assigned": 10, "topics": 3, "new_topics": 0, "no_theme": 0, "merged": 0}
    assert _topics(store) == before
    battery = store.scalar("SELECT topic_id FROM sentence_topics WHERE sentence_id = 'battery-0'")
    assert set(store.query("SELECT topic_id FROM sentence_topics WHERE sentence_id LIKE 'battery-1__'")["topic_id"]) == {battery}
    changes = store.query("SELECT topic_id, change, detail FROM topic_changes WHERE run_id = 'run2'")
    assert list(changes["change"]) == ["grown"] and json.loads(changes["detail"][0]) == {"from": 30, "to": 40}

    _add(store, "delivery", 20, 0)  # two genuinely new themes
    _add(store, "billing", 20, 0)
    third = update_topics(store, "run3", params)
    assert third["new_topics"] == 2 and third["topics"] == 5
    after = _topics(store)
    assert {k: after[k] for k in before} == before  # old ids and labels unchanged
    assert sorted(after) == [0, 1, 2, 3, 4]
    new_rows = store.query("SELECT change FROM topic_changes WHERE run_id = 'run3' AND change = 'new'")
    assert len(new_rows) == 2
    assert store.scalar("SELECT count(*) FROM sentence_topics WHERE topic_id = -1") == 0


def test_new_themes_among_many_outliers_are_fitted_on_a_sample(store, monkeypatch):
    """The outlier pool grows with every run; new themes are found on a seeded sample of at most
    max_fit of its sentences (as the first fit is), and the rest of the pool joins what the sample finds."""
    from insight.stages import topics as topics_stage

    params = TopicParams(min_topic_size=20, fast=True, max_fit=60)
    for theme in ("battery", "login"):
        _add(store, theme, 30, 0)
    update_topics(store, "run1", params)
    fitted: list[int] = []
    fit = topics_stage.TopicDiscovery.fit
    monkeypatch.setattr(topics_stage.TopicDiscovery, "fit",
                        lambda self, texts, vectors: (fitted.append(len(texts)), fit(self, texts, vectors))[1])
    _add(store, "delivery", 50, 0)
    _add(store, "billing", 50, 0)
    counts = update_topics(store, "run2", params)
    assert fitted == [60]  # the pool held 100 outliers
    assert counts["new_topics"] == 2
    sizes = store.query("SELECT topic_id, count(*) AS n FROM sentence_topics GROUP BY topic_id ORDER BY topic_id")
    assert list(sizes["n"]) == [30, 30, 50, 50]  # every delivery and billing sentence moved, none left outlier


def test_new_sentences_are_read_and_assigned_a_chunk_at_a_time(store, monkeypatch):
    from insight import pipeline

    params = TopicParams(min_topic_size=20, fast=True)
    for theme in ("battery", "login"):
        _add(store, theme, 30, 0)
    update_topics(store, "run1", params)
    _add(store, "battery", 12, 100)
    _add(store, "login", 11, 100)
    monkeypatch.setattr(pipeline, "ASSIGN_CHUNK", 5)
    reads: list[int] = []
    read = store.sentences_without_topic
    monkeypatch.setattr(store, "sentences_without_topic", lambda **kw: (reads.append(len(frame := read(**kw))), frame)[1])
    counts = update_topics(store, "run2", params)
    assert counts["assigned"] == 23 and reads == [5, 5, 5, 5, 3, 0]
    by_theme = store.query("SELECT split_part(sentence_id, '-', 1) AS theme, count(DISTINCT topic_id) AS topics, "
                           "count(*) AS n FROM sentence_topics GROUP BY 1 ORDER BY 1")
    assert list(by_theme["topics"]) == [1, 1] and list(by_theme["n"]) == [42, 41]
