"""Repeated texts run through an encoder once (the per-text ONNX path), with the very result a text gets
alone; the embedder's batches run side by side on CPU with the vectors ``encode`` gives."""

from __future__ import annotations

import numpy as np
import pytest

from insight.modelling._loading import ResultCache
from insight.modelling.aspects import AspectExtractor
from insight.modelling.sentiment import SentimentModel

TEXTS = ["Great stuff.", "Awful, never again.", "Great stuff.", "The battery dies by noon but the screen is lovely.",
         "Awful, never again.", "Support never answered my emails about the refund.", "Great stuff."]
TARGETS = [None, "again", "stuff", "battery", "again", "refund", None]


class CountingRows:
    """Wraps a runner and counts the rows it is asked to run."""

    def __init__(self, runner):
        self.runner, self.rows = runner, 0
        self.per_text = runner.per_text

    def run_all(self, ids, mask, tt):
        self.rows += len(ids)
        return self.runner.run_all(ids, mask, tt)

    def __call__(self, ids, mask, tt):
        self.rows += len(ids)
        return self.runner(ids, mask, tt)


def _fresh_sentiment(cache: bool) -> SentimentModel:
    m = SentimentModel.load(device="cpu")
    m._run = CountingRows(m._run)
    if not cache:
        m._cache = None
    return m


@pytest.mark.parametrize("targets", [None, TARGETS])
def test_sentiment_runs_each_distinct_text_once_with_the_same_result(targets):
    plain, cached = _fresh_sentiment(cache=False), _fresh_sentiment(cache=True)
    want_p, want_e = plain._forward(TEXTS, targets, 64)
    got_p, got_e = cached._forward(TEXTS, targets, 64)
    np.testing.assert_array_equal(got_p, want_p)  # bit for bit: each text runs alone either way
    np.testing.assert_array_equal(got_e, want_e)
    distinct = len(set(zip(TEXTS, targets or [None] * len(TEXTS))))
    assert plain._run.rows == len(TEXTS)
    assert cached._run.rows == distinct
    again_p, _ = cached._forward(TEXTS[::-1], targets[::-1] if targets else None, 64)  # a later call: all cached
    assert cached._run.rows == distinct
    np.testing.assert_array_equal(again_p, want_p[::-1])
    assert cached.predict(TEXTS, targets) == plain.predict(TEXTS, targets)


def test_aspects_run_each_distinct_text_once_with_the_same_spans():
    plain, cached = AspectExtractor.load(device="cpu"), AspectExtractor.load(device="cpu")
    plain._cache = None
    plain._run, cached._run = CountingRows(plain._run), CountingRows(cached._run)
    want = plain.extract(TEXTS)
    assert cached.extract(TEXTS) == want
    assert cached._run.rows == len(set(TEXTS)) < plain._run.rows == len(TEXTS)
    assert cached.extract(TEXTS[:2]) == want[:2] and cached._run.rows == len(set(TEXTS))


def test_the_torch_path_gets_no_cache():
    class Batched:
        per_text = False

    from insight.modelling._loading import cache_for

    assert cache_for(Batched()) is None and cache_for(object()) is None


def test_cache_drops_the_least_recently_used_past_its_size():
    c = ResultCache(maxsize=2)
    c.put("a", 1)
    c.put("b", 2)
    assert c.get("a") == 1  # a is now the most recent
    c.put("c", 3)
    assert c.get("b") is None and c.get("a") == 1 and c.get("c") == 3 and len(c) == 2


def test_embedder_gives_each_text_its_vector_alone_and_runs_each_distinct_text_once():
    """On CPU each text gets the vector it gets encoded alone (one torch thread), bit for bit: its batch holds
    texts of its own token length, so nothing is padded; a repeated text runs once, a later call not at all."""
    import torch

    from insight.embedders import encode, encode_on_cores
    from insight.resources import load_embedder

    model = load_embedder("cpu", "embed.all-minilm-l6-v2.v1")
    words = "the battery drains overnight and support never answered my emails about the refund".split()
    rng = np.random.default_rng(3)
    texts = [" ".join(rng.choice(words, size=int(rng.integers(1, 30)))) for _ in range(40)]
    texts += texts[:10]  # repeats
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        alone = np.stack([model.encode([t], normalize_embeddings=True, convert_to_numpy=True)[0] for t in texts])
    finally:
        torch.set_num_threads(threads)
    calls: list[int] = []
    original = model.encode

    def counting(batch, **kw):
        calls.append(len(batch))
        return original(batch, **kw)

    model.encode = counting
    try:
        np.testing.assert_array_equal(encode_on_cores(model, texts, batch_size=8, threads=2), alone)
        assert sum(calls) == len(set(texts)) == 40
        np.testing.assert_array_equal(encode(model, texts[::-1], batch_size=8, threads=2), alone[::-1])
        assert sum(calls) == 40  # all kept from the first call
    finally:
        del model.encode
    assert torch.get_num_threads() == threads  # restored
