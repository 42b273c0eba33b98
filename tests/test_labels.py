"""Topic labels are key phrases about the theme, not function words or feelings."""

from insight.stages.labels import candidates


def test_candidates_drop_edge_function_and_sentiment_words():
    kws = ["feels like", "battery drains overnight", "cam keeps", "love design", "login code", "2026", "really frustrating"]
    assert candidates(kws) == ["battery drains overnight", "login code"]
