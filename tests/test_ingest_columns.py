"""Column auto-detection, --map overrides and the errors when a column cannot be found."""

from __future__ import annotations

from pathlib import Path

import pytest

from insight.errors import InputError
from insight.ingest import read_source

DATA = Path(__file__).parent / "data" / "ingest"


def test_synonyms_ignore_case_spaces_and_underscores() -> None:
    batch = read_source("reviews", DATA / "reviews.csv")
    assert batch.columns == {
        "text": "Review Text",
        "created_at": "date",
        "rating": "Stars",
        "title": "title",
        "customer_id": "customer_id",
        "product": "product",
        "review_id": "review_id",
    }


def test_social_synonyms_retweets_and_comments() -> None:
    batch = read_source("social", DATA / "social.jsonl")
    assert batch.columns["shares"] == "retweets"
    assert batch.columns["replies"] == "comments"
    assert batch.columns["handle"] == "username"
    assert batch.columns["post_id"] == "tweet_id"


def test_map_overrides_detection(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text("id,text,Review Body,when\na,ignored,the real text,2026-01-01\n", encoding="utf-8")
    batch = read_source("reviews", path, mapping={"text": "Review Body", "created_at": "when"})
    assert batch.columns["text"] == "Review Body"
    assert batch.records[0].text == "the real text"


def test_map_matches_column_loosely(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text("id,Comment Body,date\na,hello there,2026-01-01\n", encoding="utf-8")
    batch = read_source("reviews", path, mapping={"text": "comment_body"})
    assert batch.columns["text"] == "Comment Body"


def test_missing_required_column_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("reviews.csv").write_text("id,stars,comment_body\na,5,nice\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_source("reviews", "reviews.csv")
    assert str(info.value) == (
        "reviews.csv: no column for required field 'text' (found columns: 'id', 'stars', "
        "'comment_body'). Map one with --map text=COLUMN."
    )


def test_map_to_absent_column_lists_columns(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("reviews.csv").write_text("id,stars,comment_body\na,5,nice\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_source("reviews", "reviews.csv", mapping={"text": "body_text"})
    assert str(info.value) == (
        "reviews.csv: --map text=body_text names no column of the file (got 'body_text'). "
        "Columns: 'id', 'stars', 'comment_body'."
    )


def test_map_unknown_field(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text("id,text,date\na,x,2026-01-01\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"--map names an unknown field for reviews \(got 'body'\)"):
        read_source("reviews", path, mapping={"body": "text"})


def test_reviews_require_a_date_column(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text("id,text\na,x\n", encoding="utf-8")
    with pytest.raises(InputError, match="no column for required field 'created_at'"):
        read_source("reviews", path)


def test_unused_columns_go_to_meta(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text("text,date,verified,country\nx,2026-01-01,yes,\n", encoding="utf-8")
    assert read_source("reviews", path).records[0].meta == {"verified": "yes"}
