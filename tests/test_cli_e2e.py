"""CLI commands over the end-to-end mini store (real models)."""

import json

import pytest
import yaml
from click.testing import CliRunner

from insight.cli import main

pytestmark = pytest.mark.e2e


def _run(*args, input=None):
    result = CliRunner().invoke(main, list(args), input=input)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_sentiment_round_trip():
    out = _run("sentiment", "-", input="I absolutely love this camera!\n\nThe battery is terrible and died again.\n")
    rows = [json.loads(line) for line in out.splitlines()]
    assert [r["label"] for r in rows] == ["positive", "negative"]
    for r in rows:
        assert -1 <= r["score"] <= 1
        assert set(r["probabilities"]) == {"negative", "neutral", "positive"}
        assert abs(sum(r["probabilities"].values()) - 1) < 1e-4


def test_issues_formats(mini_run, tmp_path):
    result, _, _ = mini_run
    db = result["db"]
    table = _run("issues", "--db", db)
    assert table.splitlines()[0].split()[:3] == ["#", "pain", "point"]
    data = json.loads(_run("issues", "--format", "json", "--db", db))
    assert data["pain_points"] and data["totals"]["rejects"] == 3
    md = _run("issues", "--format", "md", "--db", db)
    assert md.startswith("# Recurring issues")
    out = tmp_path / "i.html"
    _run("issues", "--format", "html", "--out", str(out), "--db", db)
    assert "<svg" in out.read_text()


def test_issues_filters(mini_run):
    result, _, _ = mini_run
    data = json.loads(_run("issues", "--format", "json", "--channel", "support", "--db", result["db"]))
    assert all(set(p["channels"]) == {"support"} for p in data["pain_points"])
    late = json.loads(_run("issues", "--format", "json", "--since", "2026-03-01", "--db", result["db"]))
    assert all(p["first_seen"] >= "2026-03-01" for p in late["pain_points"])


def test_issues_bad_date_is_an_error(mini_run):
    result, _, _ = mini_run
    r = CliRunner().invoke(main, ["issues", "--since", "yesterday-ish", "--db", result["db"]])
    assert r.exit_code == 1
    assert r.output == "Error: --since: not a date (got 'yesterday-ish'). Use YYYY-MM-DD.\n"


def test_profile_and_profiles(mini_run, tmp_path):
    result, _, _ = mini_run
    db = result["db"]
    p = json.loads(_run("profile", "C003", "--db", db))
    assert p["customer_id"] == "C003"
    assert _run("profile", "C003", "--format", "md", "--db", db).startswith("# Customer C003")
    page = _run("profile", "C003", "--format", "html", "--db", db)
    assert page.startswith("<!doctype html>") and 'id="quote"' in page
    lines = _run("profiles", "--db", db).splitlines()
    assert len(lines) == 23 and json.loads(lines[0])["customer_id"] == "C001"
    csv = _run("profiles", "--format", "csv", "--db", db).splitlines()
    assert csv[0].startswith("customer_id,total_contacts") and len(csv) == 24
    out = tmp_path / "p.parquet"
    _run("profiles", "--format", "parquet", "--out", str(out), "--db", db)
    import pandas as pd

    assert len(pd.read_parquet(out)) == 23


def test_requests_report(mini_run):
    result, _, _ = mini_run
    db = result["db"]
    found = json.loads(_run("requests", "--format", "json", "--db", db))
    assert any("dark mode" in r["feature"] for r in found)
    table = _run("requests", "--db", db)
    assert table.splitlines()[0].split() == ["#", "feature", "request", "cust", "ment", "channels"]
    assert _run("requests", "--format", "md", "--db", db).startswith("# Feature requests")


def test_unknown_profile_names_the_fix(mini_run):
    result, _, _ = mini_run
    r = CliRunner().invoke(main, ["profile", "NOPE", "--db", result["db"]])
    assert r.exit_code == 1
    assert r.output.startswith("Error: profile: no customer 'NOPE' in ")
    assert r.output.endswith("Check the id with `insight profiles --format csv`, or run `insight analyze` after ingesting.\n")


def test_topics_list_show_assign_discover(mini_run):
    result, _, _ = mini_run
    db = result["db"]
    listing = _run("topics", "--db", db).splitlines()
    assert listing and listing[0].split()[0] == "0"
    shown = _run("topics", "--db", db, "show", "0")
    assert shown.startswith("topic 0: ")
    assigned = [json.loads(x) for x in _run("topics", "--db", db, "assign", "-",
                                             input="my battery drains overnight\n").splitlines()]
    assert set(assigned[0]) == {"text", "topic_id", "label", "probability"}
    texts = "\n".join([f"the battery drains overnight, day {i}" for i in range(12)]
                      + [f"my refund never arrived after {i} weeks" for i in range(12)])
    found = [json.loads(x) for x in _run("topics", "discover", "-", "--min-topic-size", "5", input=texts).splitlines()]
    assert len(found) == 24
    assert len({f["topic_id"] for f in found[:12]}) == 1 and found[0]["topic_id"] != found[-1]["topic_id"]


def test_rejects_listing(mini_run):
    result, _, _ = mini_run
    out = _run("rejects", "--db", result["db"])
    assert out.splitlines()[0].endswith("reviews.csv:27: rating: rating out of range (got '9')")


def test_persona_enrich_and_derive(mini_run, tmp_path):
    result, _, _ = mini_run
    db = result["db"]
    personas = tmp_path / "p.yaml"
    personas.write_text(yaml.safe_dump({"personas": [
        {"name": "Premium", "rules": ['plan == "premium"'], "goals": ["reliable security"]},
        {"name": "Support-heavy", "rules": ["support_contacts >= 2"]},
    ]}))
    enriched = json.loads(_run("persona", "enrich", str(personas), "--db", db))
    assert enriched[0]["goals"] == ["reliable security"] and enriched[0]["generated"]["size"] == 10
    assert enriched[1]["generated"]["size"] == 2  # C003 and C008 each had two conversations
    pages = tmp_path / "pages"
    _run("persona", "enrich", str(personas), "--format", "md", "--out", str(pages), "--db", db)
    assert sorted(p.name for p in pages.iterdir()) == ["premium.md", "support-heavy.md"]
    html_pages = tmp_path / "html"
    _run("persona", "enrich", str(personas), "--format", "html", "--out", str(html_pages), "--db", db)
    assert sorted(p.name for p in html_pages.iterdir()) == ["premium.html", "support-heavy.html"]
    derived = yaml.safe_load(_run("persona", "derive", "--k", "3", "--db", db))
    assert len(derived["personas"]) == 3


def test_persona_rule_error(mini_run, tmp_path):
    result, _, _ = mini_run
    personas = tmp_path / "p.yaml"
    personas.write_text(yaml.safe_dump([{"name": "Gold", "rules": ['tier == "gold"']}]))
    r = CliRunner().invoke(main, ["persona", "enrich", str(personas), "--db", result["db"]])
    assert r.exit_code == 1
    assert r.output.startswith("Error: persona 'Gold', rule 'tier == \"gold\"': unknown field (got 'tier'). Available fields: ")
