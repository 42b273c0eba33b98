"""Dates: one day/month order per column, one plausible year range; ratings: '8/10' is out of 10."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest

from insight.errors import InputError
from insight.ingest import read_source
from insight.ingest.values import MAX_YEAR, RowProblem, rating_value


def _csv(tmp_path: Path, rows: str) -> str:
    path = tmp_path / "r.csv"
    path.write_text("text,date,rating\n" + rows, encoding="utf-8")
    return str(path)


def _dates(batch) -> list[tuple[int, int]]:
    return [(r.created_at.month, r.created_at.day) for r in batch.records]


def test_one_column_one_order_day_first(tmp_path: Path) -> None:
    batch = read_source("reviews", _csv(tmp_path, "a,05/03/2026,\nb,13/03/2026,\n"))
    assert _dates(batch) == [(3, 5), (3, 13)]


def test_one_column_one_order_month_first(tmp_path: Path) -> None:
    batch = read_source("reviews", _csv(tmp_path, "a,05/03/2026,\nb,03/13/2026,\n"))
    assert _dates(batch) == [(5, 3), (3, 13)]


def test_contradicting_column_asks_for_a_date_format(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"column 'date' mixes day-first and month-first dates .*--date-format"):
        read_source("reviews", _csv(tmp_path, "a,13/03/2026,\nb,03/13/2026,\n"))


def test_date_format_decides(tmp_path: Path) -> None:
    batch = read_source("reviews", _csv(tmp_path, "a,05/03/2026,\n"), date_format="%d/%m/%Y")
    assert _dates(batch) == [(3, 5)]


def test_after_the_sample_a_contradicting_date_is_rejected_not_flipped(tmp_path: Path) -> None:
    rows = "".join(f"t{i},05/03/2026,\n" for i in range(1001)) + "late,13/03/2026,\n"
    batch = read_source("reviews", _csv(tmp_path, rows))
    assert {(m, d) for m, d in _dates(batch)} == {(5, 3)}
    assert [(r.line, r.reason) for r in batch.rejects] == [(1003, "unparseable date")]


@pytest.mark.parametrize("value", ["1969-07-20", "2999-01-01", "20/07/1969", f"{MAX_YEAR + 1}-01-01"])
def test_years_outside_the_plausible_range_are_rejected(tmp_path: Path, value: str) -> None:
    batch = read_source("reviews", _csv(tmp_path, f"a,{value},\n"))
    assert [(r.field, r.reason) for r in batch.rejects] == [("created_at", "date out of range")]


def test_plausible_dates_pass(tmp_path: Path) -> None:
    batch = read_source("reviews", _csv(tmp_path, "a,1995-06-01,\n"))
    assert batch.records[0].created_at == datetime(1995, 6, 1, tzinfo=timezone.utc)


@pytest.mark.parametrize(("value", "expected"), [("3/10", 2.2), ("8/10", 4.2), ("10/10", 5.0), ("4/5", 4.0),
                                                 ("4 stars", 4.0), (4, 4.0)])
def test_slash_n_is_the_scale(value, expected) -> None:
    assert rating_value(value, (1, 5)) == pytest.approx(expected)


def test_slash_n_out_of_its_own_range_is_rejected() -> None:
    with pytest.raises(RowProblem, match="rating out of range"):
        rating_value("11/10", (1, 5))
