"""Reviews: ratings, dates, ids, PII masking, language."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest

from insight.ingest import read_source
from insight.ingest.values import date_value
from insight.schema import record_id_for

DATA = Path(__file__).parent / "data" / "ingest"
UTC = timezone.utc


def test_reviews_file_reads_every_row() -> None:
    batch = read_source("reviews", DATA / "reviews.csv")
    assert batch.rejects == []
    first, second, third = batch.records
    assert (first.customer_id, first.rating, first.title, first.product) == ("C1", 5.0, "Great", "Phone X")
    assert first.created_at == datetime(2026, 3, 4, tzinfo=UTC)
    assert second.created_at == datetime(2026, 3, 4, 10, 15, tzinfo=UTC)
    assert second.source_line == 3
    assert "[EMAIL]" in second.text and "ann@example.com" not in second.text
    assert third.customer_id is None and third.title is None and third.product is None
    assert third.created_at == datetime(2026, 3, 4, 8, 0, tzinfo=UTC)
    assert {r.channel for r in batch.records} == {"review"}
    assert {r.speaker for r in batch.records} == {"customer"}


def test_record_ids_are_stable_across_reads() -> None:
    first = [r.record_id for r in read_source("reviews", DATA / "reviews.csv").records]
    second = [r.record_id for r in read_source("reviews", DATA / "reviews.csv").records]
    assert first == second
    assert len(set(first)) == 3
    assert first[0] == record_id_for("review", "reviews", "r1", "Love it, battery lasts for days.")


def test_without_review_id_the_content_identifies_the_record(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text("text,date,customer_id\nGreat!,2026-01-01,C1\nGreat!,2026-01-01,C2\n", encoding="utf-8")
    ids = [r.record_id for r in read_source("reviews", path).records]
    again = [r.record_id for r in read_source("reviews", path).records]
    assert ids == again and ids[0] != ids[1]
    assert read_source("reviews", path).records[0].source_id == ""


@pytest.mark.parametrize(
    ("scale", "raw", "expected"),
    [((1, 5), "4", 4.0), ((1, 5), "4.5 stars", 4.5), ((0, 10), "10", 5.0), ((0, 10), "0", 1.0), ((0, 10), "5", 3.0)],
)
def test_rating_normalised_to_one_to_five(tmp_path: Path, scale, raw, expected) -> None:
    path = tmp_path / "r.csv"
    path.write_text(f"text,date,rating\nok,2026-01-01,{raw}\n", encoding="utf-8")
    assert read_source("reviews", path, rating_scale=scale).records[0].rating == expected


def test_empty_rating_is_allowed(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text("text,date,rating\nok,2026-01-01,\n", encoding="utf-8")
    batch = read_source("reviews", path)
    assert batch.rejects == [] and batch.records[0].rating is None


def test_text_and_title_are_stripped_and_masked(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text("text,date,title\n  call 555-123-4567 please  ,2026-01-01,mail me: a@b.io\n", encoding="utf-8")
    record = read_source("reviews", path).records[0]
    assert record.text == "call [PHONE] please"
    assert record.title == "mail me: [EMAIL]"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2026-03-04", datetime(2026, 3, 4, tzinfo=UTC)),
        ("2026-03-04T10:15:00Z", datetime(2026, 3, 4, 10, 15, tzinfo=UTC)),
        ("2026-03-04T12:15:00+02:00", datetime(2026, 3, 4, 10, 15, tzinfo=UTC)),
        ("03/04/2026 10:15", datetime(2026, 3, 4, 10, 15, tzinfo=UTC)),
        ("25/12/2025", datetime(2025, 12, 25, tzinfo=UTC)),
        ("March 4, 2026", datetime(2026, 3, 4, tzinfo=UTC)),
        ("Tue, 03 Mar 2026 10:15:00 +0000", datetime(2026, 3, 3, 10, 15, tzinfo=UTC)),
        ("1772611200", datetime(2026, 3, 4, 8, 0, tzinfo=UTC)),
        (1772611200000, datetime(2026, 3, 4, 8, 0, tzinfo=UTC)),
        (datetime(2026, 3, 4, 8, 0), datetime(2026, 3, 4, 8, 0, tzinfo=UTC)),
    ],
)
def test_date_formats_become_aware_utc(raw, expected) -> None:
    parsed = date_value(raw)
    assert parsed == expected
    assert parsed.tzinfo == UTC


def test_language_column_wins(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text("text,date,lang\nThe battery died after two days,2026-01-01,fr-FR\n", encoding="utf-8")
    assert read_source("reviews", path).records[0].language == "fr"


def test_language_detected_when_no_column(tmp_path: Path) -> None:
    pytest.importorskip("py3langid")
    path = tmp_path / "r.csv"
    path.write_text(
        "text,date\nThe battery died after two days and support never answered,2026-01-01\n"
        "Le produit est arrivé cassé et personne ne répond,2026-01-01\nok,2026-01-01\n",
        encoding="utf-8",
    )
    assert [r.language for r in read_source("reviews", path).records] == ["en", "fr", None]
