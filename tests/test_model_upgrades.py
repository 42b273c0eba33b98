"""Safe model upgrades: done-markers record the model, analyze spots older ones, --rescore redoes them in place."""

import json
from datetime import datetime, timezone

import pandas as pd
import pytest
from click.testing import CliRunner

from insight import pipeline, resources
from insight.errors import InputError
from insight.schema import Record, record_id_for
from insight.store import Store


def _record(n: int) -> Record:
    text = f"text number {n}"
    return Record(record_id=record_id_for("review", "reviews", f"R{n}", text), channel="review",
                  created_at=datetime(2026, 1, n, tzinfo=timezone.utc), text=text, source="reviews",
                  source_id=f"R{n}", source_file="reviews.csv", source_line=n + 1, customer_id=f"C{n}")


def _scores(sents, score):
    return {"doc_sentiment": pd.DataFrame({"record_id": sorted(set(sents["record_id"])), "label": "positive",
                                           "score": score, "model": "m"})}


@pytest.fixture()
def store(tmp_path):
    with Store(tmp_path / "t.duckdb") as s:
        records = [_record(1), _record(2), _record(3)]
        s.add_records(records, "r0")
        ids = [r.record_id for r in records]
        sentences = pd.DataFrame({"sentence_id": [f"{i}:0" for i in ids], "record_id": ids, "idx": 0,
                                  "text": [r.text for r in records]})
        s.commit_stage("nlp", ids, "r0", {"sentences": sentences})
        s.commit_stage("sentiment", ids, "r0", _scores(sentences, 0.1), model="sent.v1@aaa")
        yield s


def _doc_scores(store):
    return store.query("SELECT record_id, score FROM doc_sentiment ORDER BY record_id")


def test_markers_record_the_model(store):
    assert store.stage_models(["sentiment"]) == {"sentiment": {"sent.v1@aaa": 3}}


def test_an_older_model_is_reported(store):
    assert pipeline.stale_models(store, {"sentiment": "sent.v2@bbb"}) == {"sentiment": {"sent.v1@aaa": 3}}
    assert pipeline.stale_models(store, {"sentiment": "sent.v1@aaa"}) == {}
    assert pipeline.stale_models(store, {"sentiment": "sent.v2@bbb"}, skip={"sentiment"}) == {}


def test_markers_from_before_models_were_recorded_count_as_unrecorded(store):
    store.con.execute("UPDATE stage_done SET model = NULL WHERE stage = 'sentiment'")
    assert pipeline.stale_models(store, {"sentiment": "sent.v2@bbb"}) == {"sentiment": {"unrecorded": 3}}


def test_without_rescore_nothing_is_redone(store):
    n = pipeline._per_batch(store, "sentiment", "r1", 2, False, lambda s: _scores(s, 0.9), model="sent.v2@bbb")
    assert n == 0
    assert list(_doc_scores(store)["score"]) == [0.1, 0.1, 0.1]


def test_rescore_replaces_rows_in_place(store):
    n = pipeline._per_batch(store, "sentiment", "r1", 2, False, lambda s: _scores(s, 0.9), model="sent.v2@bbb",
                            rescore=True)
    assert n == 3
    assert list(_doc_scores(store)["score"]) == [0.9, 0.9, 0.9]  # one row per record: replaced, not added
    assert store.stage_models(["sentiment"]) == {"sentiment": {"sent.v2@bbb": 3}}


def test_rescore_is_resumable(store):
    calls = []

    def crash_on_second_batch(sents):
        calls.append(len(sents))
        if len(calls) == 2:
            raise KeyboardInterrupt
        return _scores(sents, 0.9)

    with pytest.raises(KeyboardInterrupt):
        pipeline._per_batch(store, "sentiment", "r1", 1, False, crash_on_second_batch, model="sent.v2@bbb", rescore=True)
    assert store.stage_models(["sentiment"]) == {"sentiment": {"sent.v1@aaa": 2, "sent.v2@bbb": 1}}
    n = pipeline._per_batch(store, "sentiment", "r2", 1, False, lambda s: _scores(s, 0.9), model="sent.v2@bbb",
                            rescore=True)
    assert n == 2
    assert store.stage_models(["sentiment"]) == {"sentiment": {"sent.v2@bbb": 3}}


def test_stage_models_reads_name_and_version_from_the_metadata(monkeypatch, tmp_path):
    for folder, name, version in (("sentiment-e5", "sentiment.e5.v9", "abc"), ("aspects-minilm", "aspects.v2", "def")):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "insight_model.json").write_text(json.dumps({"name": name, "version": version}))
    monkeypatch.setenv("INSIGHT_MODELS_DIR", str(tmp_path))
    assert resources.stage_models() == {"sentiment": "sentiment.e5.v9@abc",
                                        "aspects": "aspects.v2@def+sentiment-minilm@missing"}


def test_analyze_on_an_empty_store_says_so_before_loading_models(tmp_path):
    models = pipeline.Models()
    with Store(tmp_path / "e.duckdb") as s, pytest.raises(InputError, match="nothing to analyse: ingest files first"):
        pipeline.analyze(s, models=models, progress=False)
    assert models._cache == {}


def test_rescore_of_an_unknown_stage_is_refused(store):
    with pytest.raises(InputError, match="cannot rescore this stage"):
        pipeline.analyze(store, rescore="topics", progress=False)


def test_cli_rescore_choices_match_the_pipeline():
    from insight.cli import RESCORE_CHOICES

    assert RESCORE_CHOICES == (*pipeline.RESCORABLE, "all")


def test_cli_empty_store_is_an_error(tmp_path):
    from insight.cli import main

    result = CliRunner().invoke(main, ["analyze", "--quiet", "--db", str(tmp_path / "e.duckdb")])
    assert result.exit_code == 1
    assert "nothing to analyse: ingest files first" in result.output


def test_cli_warns_about_older_models(capsys):
    from insight import cli

    cli._warn_stale({"sentiment": {"sent.v1@aaa": 3}}, "x.duckdb")
    assert capsys.readouterr().err == ("sentiment: 3 records were scored by an older model (3 by sent.v1@aaa); "
                    "`insight analyze --rescore sentiment --db x.duckdb` recomputes them.\n")
