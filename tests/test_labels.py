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


def test_label_phrases_are_verbatim_clauses_without_personal_data():
    from insight.stages.labels import phrase_candidates

    texts = ["Photo attached, the lens is cracked.", "The lens is cracked on arrival.",
             "Order LM-766808: the lens is cracked!", "Thanks Fleur, the lens is cracked again."]
    found = dict(phrase_candidates(texts, ["lens cracked", "lens", "cracked", "fleur", "order"]))
    assert found["lens is cracked"] == 4
    assert not [p for p in found if "attached" in p and "lens" in p]  # never across the comma
    assert not [p for p in found if any(ch.isdigit() for ch in p)]


def test_labels_module_does_not_import_topics():
    import ast
    from pathlib import Path

    import insight.stages.labels as labels

    tree = ast.parse(Path(labels.__file__).read_text())
    imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    assert "insight.stages.topics" not in imported
