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
    everything = json.loads(_run("issues", "--format", "json", "--db", result["db"]))
    data = json.loads(_run("issues", "--format", "json", "--channel", "support", "--db", result["db"]))
    assert data["pain_points"], "the mini corpus has support pain points: an empty list would pass the check below"
    assert all(set(p["channels"]) == {"support"} for p in data["pain_points"])
    assert any(set(p["channels"]) != {"support"} for p in everything["pain_points"])  # the filter removed some
    late = json.loads(_run("issues", "--format", "json", "--since", "2026-03-01", "--db", result["db"]))
    assert late["pain_points"], "the mini corpus has mentions after 2026-03-01"
    assert all(p["first_seen"] >= "2026-03-01" for p in late["pain_points"])
    assert late["totals"]["sentences"] < everything["totals"]["sentences"]


def test_issues_label_language(mini_run):
    """--label-language: labels chosen from the mentions written in that language; an English store's
    labels already are English phrases of their mentions, and no pain point has German text."""
    db = mini_run[0]["db"]
    plain = json.loads(_run("issues", "--format", "json", "--db", db))
    for lang in ("en", "de"):
        data = json.loads(_run("issues", "--format", "json", "--label-language", lang, "--db", db))
        assert data["totals"]["label_language"] == lang
        assert [p["label_original"] for p in data["pain_points"]] == [p["label"] for p in plain["pain_points"]]
        changed = [p for p in data["pain_points"] if p["label_language"] == lang]
        assert data["totals"]["labels_in_language"] == len(changed)
        assert all(p["label"] == p["label_original"] for p in data["pain_points"] if p not in changed)
    assert data["totals"]["labels_in_language"] == 0  # German: nothing to choose from
    r = CliRunner().invoke(main, ["issues", "--label-language", "ja", "--db", db])
    assert r.exit_code == 2 and "'ja' is not one of" in r.output


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


def test_topics_discover_on_few_lines_says_so():
    for n in (1, 5, 9):
        r = CliRunner().invoke(main, ["topics", "discover", "-"], input="\n".join(f"battery dies fast {i}" for i in range(n)))
        assert r.exit_code == 1
        assert r.output.startswith("Error: topics discover: too few texts to form topics (got ")
        assert "Traceback" not in r.output


def test_topics_discover_on_fifteen_short_lines_never_tracebacks():
    lines = ["Battery dies.", "App crashes.", "Refund late.", "Wifi drops.", "Login fails."] * 3
    r = CliRunner().invoke(main, ["topics", "discover", "-"], input="\n".join(lines))
    assert r.exit_code == 0, r.output
    assert len(r.stdout.splitlines()) == 15


def test_topics_show_takes_db_and_prints_the_real_size(mini_run):
    import duckdb

    db = mini_run[0]["db"]
    con = duckdb.connect(db, read_only=True)
    tid, size = con.execute("SELECT topic_id, count(*) FROM sentence_topics WHERE topic_id >= 0 GROUP BY topic_id "
                            "ORDER BY topic_id LIMIT 1").fetchone()
    con.close()
    shown = _run("topics", "show", str(tid), "--db", db)
    assert shown.splitlines()[0].endswith(f"({size} sentences)")


def test_topic_edits_from_the_cli(mini_run, tmp_path):
    import shutil

    db = str(tmp_path / "edit.duckdb")
    shutil.copy(mini_run[0]["db"], db)
    ids = [int(line.split()[0]) for line in _run("topics", "--db", db).splitlines()]
    assert len(ids) >= 2
    out = _run("topics", "rename", str(ids[0]), "battery dies\nby noon", "--db", db)
    assert out == f"topic {ids[0]} is now 'battery dies by noon'\n"
    assert _run("topics", "--db", db).splitlines()[0].endswith("battery dies by noon")
    out = _run("topics", "merge", str(ids[0]), str(ids[1]), "--db", db)
    assert out == f"merged {ids[1]} into topic {ids[0]}\n"
    _run("topics", "ignore", str(ids[0]), "--db", db)
    data = json.loads(_run("issues", "--format", "json", "--db", db))
    assert all(p["topic_id"] not in (ids[0], ids[1]) for p in data["pain_points"])
    r = CliRunner().invoke(main, ["topics", "merge", "999", str(ids[0]), "--db", db])
    assert r.exit_code == 1 and r.output == "Error: topics merge: no topic 999 (got 999). List them with `insight topics`.\n"


@pytest.mark.parametrize(("args", "message"), [
    (["--since", "01/02/2026"], "Error: --since: not a date (got '01/02/2026'). Use YYYY-MM-DD.\n"),
    (["--since", "2026-03-01", "--until", "2026-02-01"],
     "Error: --since: after --until (got '2026-03-01' > '2026-02-01'). Give --since on or before --until.\n"),
])
def test_issues_filter_errors(mini_run, args, message):
    r = CliRunner().invoke(main, ["issues", *args, "--db", mini_run[0]["db"]])
    assert r.exit_code == 1 and r.output == message


def test_unknown_product_lists_the_valid_ones(mini_run):
    r = CliRunner().invoke(main, ["issues", "--product", "Toaster", "--db", mini_run[0]["db"]])
    assert r.exit_code == 1
    assert r.output.startswith("Error: --product: no product matches (got 'Toaster'). Valid values: '")


def test_report_shows_how_many_of_how_many(mini_run):
    table = _run("issues", "--top", "1", "--db", mini_run[0]["db"])
    data = json.loads(_run("issues", "--format", "json", "--db", mini_run[0]["db"]))
    assert f"showing 1 of {data['totals']['pain_points']} pain points" in table


def test_analysis_records_its_thresholds(mini_run):
    import duckdb

    con = duckdb.connect(mini_run[0]["db"], read_only=True)
    params = con.execute("SELECT params FROM runs WHERE command = 'analyze' ORDER BY started_at LIMIT 1").fetchone()[0]
    con.close()
    recorded = json.loads(params)["params"]
    assert recorded["pain_merge_distance"] == 0.45 and recorded["min_problem_share"] == 0.5


def test_quiet_run_prints_no_progress_bars_not_even_the_model_libraries(tmp_path):
    import shutil
    import subprocess
    import sys
    from pathlib import Path

    mini = Path(__file__).parent / "data" / "mini"
    for f in mini.iterdir():
        shutil.copy(f, tmp_path / f.name)
    done = subprocess.run([sys.executable, "-m", "insight.cli", "run", str(tmp_path / "insight.toml"), "--quiet"],
                          capture_output=True, text=True, cwd=tmp_path, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Loading weights" not in done.stderr and "%|" not in done.stderr, done.stderr[-2000:]
