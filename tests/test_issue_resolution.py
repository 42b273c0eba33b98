"""The issue report shows each pain point's resolution rate in support (Markdown and HTML)."""

from insight.report import issues as issue_report


def test_issue_report_shows_resolution_rates_per_pain_point() -> None:
    from insight.report.resolution import resolution_text

    rate = {"cases": 4, "resolved": 1, "open": 2, "unknown": 1, "resolved_share": 0.25}
    pain = {
        "rank": 1, "pain_id": "p1", "label": "login code", "score": 1.0, "customers": 2, "mentions": 3, "growth": 0.0,
        "severity": 0.5, "repeat_contacts": 0, "hidden_share": 0.0, "value_at_stake": None, "trend": "steady: 1 vs 2",
        "rating_impact": "–", "churn_share": None, "sub_themes": [], "emotion_mix": "", "channels": {"support": 3},
        "first_seen": "2026-01-01", "last_seen": "2026-01-02", "parts": {}, "timeline": [], "quotes": [],
        "customer_ids": [], "records": [], "records_total": 0, "resolution": rate, "resolution_text": resolution_text(rate),
    }
    report = {"title": "Recurring issues", "filters": {}, "currency": None, "months": [], "volume": [], "window_days": 30,
              "totals": {"records": 1, "customers": 1, "sentences": 1, "first": "2026-01-01", "last": "2026-01-01",
                         "pain_points": 1, "shown": 1, "rejects": 0},
              "pain_points": [pain]}
    line = "Resolution in support: 4 support cases: 1 resolved (25%), 2 open, 1 unknown"
    assert line in issue_report.render_md(report)
    assert line in issue_report.render_html(report)
