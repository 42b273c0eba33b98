"""`insight analyze --embedder`: a choice of versioned names, and a store keeps its embedder."""

import pandas as pd
from click.testing import CliRunner

from insight.cli import main
from insight.store import Store


def test_unknown_embedder_is_a_usage_error(tmp_path):
    result = CliRunner().invoke(main, ["analyze", "--embedder", "bert", "--db", str(tmp_path / "d.duckdb")])
    assert result.exit_code == 2
    assert "'bert' is not one of 'embed.all-minilm-l6-v2.v1', 'embed.multilingual-e5-small-q4.v1'" in result.output


def test_switching_the_embedder_of_a_store_names_the_fix(tmp_path, monkeypatch):
    monkeypatch.delenv("INSIGHT_EMBEDDER", raising=False)
    db = tmp_path / "d.duckdb"
    with Store(db) as store:  # a store whose vectors came from all-MiniLM
        from datetime import datetime, timezone

        from insight.schema import Record

        store.add_records([Record(record_id="r1", channel="review", created_at=datetime(2026, 1, 1, tzinfo=timezone.utc),
                                  text="The login code never arrives.", source="reviews", source_id="1",
                                  source_file="r.csv", source_line=2)], "r0")
        store._insert_frame("embeddings", pd.DataFrame({"sentence_id": ["s1"], "vector": [[0.0] * 384]}))
    result = CliRunner().invoke(main, ["analyze", "--quiet", "--embedder", "embed.multilingual-e5-small-q4.v1",
                                       "--db", str(db)])
    assert result.exit_code == 1
    assert result.output == (f"Error: {db}: the stored embeddings come from embed.all-minilm-l6-v2.v1 "
                             "(got 'embed.multilingual-e5-small-q4.v1'). Analyse into a fresh store (--db) to switch "
                             "embedders, or drop --embedder / INSIGHT_EMBEDDER.\n")


def test_topics_discover_takes_an_embedder_and_rejects_an_unknown_one():
    result = CliRunner().invoke(main, ["topics", "discover", "--embedder", "bert", "-"], input="a\n")
    assert result.exit_code == 2
    assert "'bert' is not one of" in result.output


def test_mixed_language_lines_choose_the_multilingual_embedder(monkeypatch):
    from insight.ingest.language import embedder_for_texts

    monkeypatch.delenv("INSIGHT_EMBEDDER", raising=False)
    english = ["The login code never arrives by text message."] * 19
    assert embedder_for_texts(english + ["The battery dies by noon."]) == "embed.all-minilm-l6-v2.v1"
    assert embedder_for_texts(english + ["Giriş kodu SMS ile hiç gelmiyor."]) == "embed.multilingual-e5-small-q4.v2"
