"""Untrusted text in CSV and Markdown outputs: no active formula, no raw tag, no injected line."""

from __future__ import annotations

import copy
import json

import pytest
from click.testing import CliRunner
from test_profiles import _build, _corpus

from insight.cli import main
from insight.personas import enrich, render_md
from insight.report import issues as issue_report
from insight.report.profiles import render_profile_md, write_profiles
from insight.report.safe import csv_cell, md_cell, md_text
from insight.schema import Reject
from insight.store import Store

ATTACKS = ['=HYPERLINK("http://x.example/?leak","click")', "+cmd|' /C calc'!A0", "@SUM(A1:A9)", "-2+3", "\t=1", "\r=1"]


@pytest.mark.parametrize("cell", ATTACKS)
def test_formula_cells_get_a_quote(cell: str) -> None:
    assert csv_cell(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["plain text", "", "a=b", 3, -0.5, None])
def test_other_cells_are_left_alone(cell) -> None:
    assert csv_cell(cell) == cell


def test_markdown_text_is_escaped_and_on_one_line() -> None:
    assert md_text("<img src=x onerror=alert(1)> & co\n# Injected") == "&lt;img src=x onerror=alert(1)&gt; &amp; co # Injected"
    assert md_cell("a|b") == "a\\|b"


@pytest.fixture()
def profile():
    p = copy.deepcopy(next(iter(_build(_corpus(), attributes={"C1": {"plan": "<b>premium</b>"}}).values())))
    p["quote"] = {"text": "=HYPERLINK(\"http://x\")\n# Injected heading <script>alert(1)</script>",
                  "record_id": "r", "channel": "review", "date": "2026-01-01"}
    return p


def test_profiles_csv_has_no_active_formula(tmp_path, profile) -> None:
    db = tmp_path / "t.duckdb"
    with Store(db) as store:
        store.con.execute("INSERT INTO profiles VALUES (?, ?, 0.1, 'r')", [profile["customer_id"], json.dumps(profile)])
        out = tmp_path / "p.csv"
        write_profiles(store, out, fmt="csv")
    text = out.read_text(encoding="utf-8")
    assert '\'=HYPERLINK(""http://x"")' in text
    assert ',=HYPERLINK' not in text and ',"=HYPERLINK' not in text


def test_rejects_csv_has_no_active_formula(tmp_path) -> None:
    db = str(tmp_path / "t.duckdb")
    with Store(db) as store:
        store.add_rejects([Reject("r.csv", 2, "text", "@SUM(A1:A9)", "missing text", "review")], "r1")
    out = CliRunner().invoke(main, ["rejects", "--db", db, "--format", "csv"]).output
    assert ",'@SUM(A1:A9)," in out


def test_profile_markdown_escapes_tags_and_keeps_quotes_on_one_line(profile) -> None:
    page = render_profile_md(profile)
    assert "<script>" not in page and "<b>" not in page
    assert "&lt;script&gt;" in page and "&lt;b&gt;premium&lt;/b&gt;" in page
    assert not any(line.startswith("# Injected") for line in page.splitlines())


def test_persona_markdown_escapes_crm_values() -> None:
    profiles = list(_build(_corpus(), attributes={"C1": {"region": "<img src=x onerror=alert(1)>"}}).values())
    page = render_md(enrich([{"name": "All", "rules": []}], profiles, run_id="r")[0])
    assert "<img" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page


def test_issues_markdown_escapes_labels_and_quotes() -> None:
    report = {
        "title": "Recurring issues", "filters": {},
        "totals": {"records": 1, "customers": 1, "sentences": 1, "first": "2026-01-01", "last": "2026-01-01",
                   "pain_points": 1, "rejects": 0},
        "pain_points": [{
            "rank": 1, "label": "<img src=x onerror=alert(1)>", "score": 1.0, "customers": 2, "mentions": 3,
            "growth": 0.0, "severity": 0.5, "repeat_contacts": 0, "hidden_share": 0.0, "value_at_stake": None,
            "trend": "steady: 1 vs 2", "rating_impact": "–", "churn_share": None, "sub_themes": [],
            "emotion_mix": "anger 0.61 · <b>sadness</b> 0.30",
            "channels": {"review": 3}, "first_seen": "2026-01-01", "last_seen": "2026-01-02", "parts": {},
            "timeline": [], "quotes": [{"quote": "bad\n## Injected <script>x</script>", "customer_id": "C1",
                                        "channel": "review", "date": "2026-01-01"}],
        }],
    }
    page = issue_report.render_md(report)
    assert "<img" not in page and "<script>" not in page and "<b>" not in page
    assert not any(line.startswith("## Injected") for line in page.splitlines())
