"""The topic fit's mechanics: exact nearest neighbours for UMAP, and a fit on a seeded sample with the rest assigned."""

from __future__ import annotations

import numpy as np
import pytest

from insight.stages import topics
from insight.stages.topics import TopicDiscovery, assign, exact_cosine_knn, fit_sample, fit_sampled


def _unit(rng, n, d=16):
    x = rng.normal(size=(n, d)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def test_exact_knn_is_the_brute_force_answer_in_any_block_size(monkeypatch):
    rng = np.random.default_rng(0)
    x = _unit(rng, 300)
    sims = x @ x.T
    np.fill_diagonal(sims, -np.inf)
    want = np.argsort(-sims, axis=1)[:, :6]
    monkeypatch.setattr(topics, "KNN_BLOCK_CELLS", 7 * 300)  # 7 rows a block, the last block short
    idx, dist = exact_cosine_knn(x, 7)
    assert idx.shape == dist.shape == (300, 7)
    np.testing.assert_array_equal(idx[:, 0], np.arange(300))  # itself first, at distance 0
    assert (dist[:, 0] == 0).all()
    np.testing.assert_array_equal(idx[:, 1:], want)
    np.testing.assert_allclose(dist[:, 1:], 1 - np.take_along_axis(x @ x.T, want, axis=1), atol=1e-6)
    assert (np.diff(dist, axis=1) >= 0).all()


def test_exact_knn_puts_a_text_before_its_exact_duplicate():
    x = _unit(np.random.default_rng(1), 20)
    x[5] = x[6]
    idx, dist = exact_cosine_knn(x, 3)
    assert list(idx[5][:2]) == [5, 6] and list(idx[6][:2]) == [6, 5]
    assert dist[5][1] == pytest.approx(0, abs=1e-6)


def test_fit_on_a_sample_keeps_the_fit_s_labels_and_assigns_the_rest():
    rng = np.random.default_rng(2)
    centres = _unit(rng, 4, 32)
    vectors = np.concatenate([c + 0.05 * rng.normal(size=(50, 32)) for c in centres]).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    texts = [f"{w} problem number {i}" for i, w in enumerate(["battery", "refund", "login", "delivery"] * 50)]
    td = TopicDiscovery(fast=True, n_clusters=4, min_topic_size=5)
    labels, sims = fit_sampled(td, texts, vectors, max_fit=60, seed=3, threshold=0.3)
    sample = fit_sample(200, 60, 3)
    assert len(sample) == 60 and len(td.labels_) == 60  # the fit saw the sample only
    np.testing.assert_array_equal(labels[sample], td.labels_)
    rest = np.setdiff1d(np.arange(200), sample)
    ids = [t.topic_id for t in td.topics_]
    want, want_sims = assign(vectors[rest], ids, np.stack([t.centroid for t in td.topics_]), threshold=0.3)
    np.testing.assert_array_equal(labels[rest], want)
    np.testing.assert_array_equal(sims[rest], want_sims)
    np.testing.assert_array_equal(fit_sample(50, 60, 3), np.arange(50))  # at most max_fit: all of them
