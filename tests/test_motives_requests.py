"""Motive kinds (nearest catalogue description) and the cross-customer feature-request report."""

import numpy as np

from insight.report.requests import group_requests, render_md, render_table
from insight.stages.motives import MotiveKinds, kinds_in_corpus


def _fake_embed(texts):
    """Two axes: 'gift' words on one, 'burglar/safety' words on the other."""
    rows = []
    for t in texts:
        t = t.lower()
        rows.append([1.0 if ("gift" in t or "present" in t) else 0.0, 1.0 if ("burglar" in t or "safe" in t) else 0.0, 0.01])
    return np.array(rows)


def test_nearest_kind_or_other_and_frames_decide():
    kinds = MotiveKinds({"gift": "a gift or present", "security": "safety against burglars"}).fit(_fake_embed)
    vectors = _fake_embed(["bought it as a present", "felt safe after a burglary", "no idea"])
    assert kinds.transform(vectors) == ["gift", "security", "other"]
    assert kinds.transform(vectors[:1], ["recommendation"]) == ["recommendation"]
    assert kinds_in_corpus({"a": "gift", "b": "gift", "c": "security"}) == [
        {"kind": "gift", "sentences": 2}, {"kind": "security", "sentences": 1}]


def _profile(cid, *asks):
    return {"customer_id": cid, "requests": [
        {"object": obj, "statement": text, "evidence": {"channel": ch, "date": date}} for obj, text, ch, date in asks]}


def test_requests_group_across_customers_with_counts():
    profiles = [
        _profile("C1", ("HomeKit support", "Any chance of HomeKit support?", "review", "2026-01-02")),
        _profile("C2", ("Apple HomeKit support", "Please add Apple HomeKit support.", "social", "2026-01-05"),
                 ("a dark mode", "I wish the app had a dark mode.", "support", "2026-01-06")),
        _profile("C3", ("HomeKit support", "Would love HomeKit support.", "support", "2026-02-01")),
    ]
    found = group_requests(profiles)
    assert [(r["feature"], r["customers"], r["mentions"]) for r in found] == [
        ("HomeKit support", 3, 3), ("a dark mode", 1, 1)]
    assert found[0]["channels"] == {"review": 1, "social": 1, "support": 1}
    assert "HomeKit support" in render_table(found)


def test_markdown_report_escapes_customer_text():
    found = group_requests([_profile("C1", ("a [link](http://x)", "Please add <b>a [link](http://x)</b> | now",
                                            "review", "2026-01-02"))])
    md = render_md(found)
    assert "<b>" not in md and "\\[link\\](http" in md and "\\| now" in md
