"""scripts/bench_models.py times the encoder, not the result cache: the ONNX path keeps each text's result,
so a second timed round over the same texts used to measure cache hits (MiniLM aspects: 1.4M sentences/s)."""

from __future__ import annotations

import sys
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))

from insight.modelling._loading import ResultCache  # noqa: E402


def test_each_timed_call_starts_from_an_empty_cache():
    import bench_models

    model = SimpleNamespace(_cache=ResultCache())
    seen = []

    def run(texts):
        seen.append(len(model._cache))
        model._cache.results(texts, lambda missing: [len(t) for t in missing])

    timed = bench_models.uncached(model, run)
    timed(["a", "bb"])
    timed(["a", "bb"])
    assert seen == [0, 0] and model._cache.misses == 2


def test_a_model_without_cache_runs_as_is():
    import bench_models

    model = SimpleNamespace(_cache=None)
    assert bench_models.uncached(model, lambda x: x * 2)(["t"]) == ["t", "t"]
