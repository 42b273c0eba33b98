"""Related topics for profiles (pipeline.related_topics): a quantile of the store's own centroid cosines, so
that an embedder whose cosines crowd high does not relate every topic to every other."""

import numpy as np
import pandas as pd
import pytest

from insight.pipeline import related_threshold, related_topics
from insight.store import Store

RNG = np.random.default_rng(3)
DIM = 384


def _unit(v):
    return v / np.linalg.norm(v, axis=-1, keepdims=True)


def _store(path, centroids):
    s = Store(path)
    n = len(centroids)
    s._insert_frame("topics", pd.DataFrame({
        "topic_id": list(range(n)), "label": [f"topic {i}" for i in range(n)], "keywords": ["[]"] * n,
        "size": [5] * n, "centroid": [c.tolist() for c in centroids], "status": "active", "created_run": "r0",
        "updated_run": "r0", "merged_into": [None] * n}))
    return s


def _themes(common: float):
    """10 unrelated topics, each with a near twin (cosine about 0.8); ``common`` mixes one shared direction
    into every centroid, as an embedder whose cosines crowd high does."""
    base = _unit(RNG.normal(size=(10, DIM)))
    twins = _unit(base + 0.75 * _unit(RNG.normal(size=(10, DIM))))
    shared = _unit(RNG.normal(size=DIM))
    return _unit(np.vstack([base, twins]) + common * shared)


TWINS = {(i, 10 + i) for i in range(10)}


def _pairs(related):
    return {(a, b) for a, ids in related.items() for b in ids if a < b}


@pytest.mark.parametrize("common", [0.0, 1.2])
def test_only_near_pairs_are_related_however_crowded_the_cosines(tmp_path, common):
    cents = _themes(common)
    if common:  # every unrelated pair is above 0.5: a fixed cosine of 0.5 related them all
        assert (cents[:10] @ cents[:10].T)[np.triu_indices(10, 1)].min() > 0.5
    with _store(tmp_path / "t.duckdb", cents) as store:
        pairs = _pairs(related_topics(store))
    # the most similar 2 % of the 190 pairs (the 0.98 quantile): some of the twins, nothing else
    assert pairs and pairs <= TWINS


def test_few_topics_are_not_related_just_for_being_the_most_similar():
    sims = np.array([[1.0, 0.3, 0.1], [0.3, 1.0, 0.0], [0.1, 0.0, 1.0]])
    assert related_threshold(sims, 0.98, 0.5) == 0.5
    assert related_threshold(np.ones((1, 1)), 0.98, 0.5) == 0.5
