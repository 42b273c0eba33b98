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
