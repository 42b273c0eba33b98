"""A model upgrade end to end: analyze reports rows by an older model, --rescore recomputes them in place."""

import json
import shutil

import pytest
from click.testing import CliRunner

from insight import resources
from insight.cli import main
from insight.store import Store

pytestmark = pytest.mark.e2e


def test_older_sentiment_is_reported_then_rescored(mini_run, tmp_path):
    result, _, _ = mini_run
    db = tmp_path / "copy.duckdb"
    shutil.copy(result["db"], db)
    current = resources.stage_models()["sentiment"]
    with Store(db) as store:
        assert store.stage_models(["sentiment"]) == {"sentiment": {current: 43}}
        truth = store.query("SELECT record_id, score FROM doc_sentiment ORDER BY record_id")
        # what a store analysed by an earlier model looks like
        store.con.execute("UPDATE stage_done SET model = 'sentiment.e5.v2@old' WHERE stage = 'sentiment'")
        store.con.execute("UPDATE doc_sentiment SET score = 9.0")
    runner = CliRunner()
    warned = runner.invoke(main, ["analyze", "--db", str(db)])
    assert warned.exit_code == 0, warned.output
    # every long step shows a line (stderr is not a terminal here: one line as each starts), then the timings
    for step in ("topics ...", "pain points ...", "profiles ..."):
        assert step in warned.output
    assert "analyze: " in warned.output and " · total " in warned.output
    assert ("sentiment: 43 records were scored by an older model (43 by sentiment.e5.v2@old); "
            f"`insight analyze --rescore sentiment --db {db}` recomputes them.") in warned.output
    rescored = runner.invoke(main, ["analyze", "--quiet", "--rescore", "sentiment", "--db", str(db)])
    assert rescored.exit_code == 0, rescored.output
    assert json.loads(rescored.output.strip().splitlines()[-1])["sentiment"] == 43
    assert "older model" not in rescored.output
    with Store(db, read_only=True) as store:
        assert store.stage_models(["sentiment"]) == {"sentiment": {current: 43}}
        after = store.query("SELECT record_id, score FROM doc_sentiment ORDER BY record_id")
        versions = json.loads(store.scalar("SELECT versions FROM runs WHERE command = 'analyze' "
                                           "ORDER BY started_at DESC LIMIT 1"))
    assert list(after["record_id"]) == list(truth["record_id"])  # replaced, not added
    assert after["score"].round(6).tolist() == truth["score"].round(6).tolist()
    assert versions["models"]["sentiment"] == current
