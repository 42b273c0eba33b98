"""Topic labels are key phrases about the theme, not function words or feelings."""

from insight.stages.labels import candidates


def test_candidates_drop_edge_function_and_sentiment_words():
    kws = ["feels like", "battery drains overnight", "cam keeps", "love design", "login code", "2026", "really frustrating"]
    assert candidates(kws) == ["battery drains overnight", "login code"]


def test_theme_text_keeps_content_and_drops_noise():
    from insight.stages.topics import theme_text

    assert theme_text("@Lumio battery drains overnight AGAIN 😡 #fail #tech") == "battery drains overnight AGAIN"
    assert theme_text("My #battery died again") == "My battery died again"
    assert theme_text("Really frustrating.") is None
    assert theme_text("🔥 😍\n\n#security #tech") is None
    assert theme_text("I'll wait, but I'm not happy.") is None
