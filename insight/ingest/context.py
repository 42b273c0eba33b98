"""What every normaliser needs about the file it reads: resolved columns, source names, options."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, TypeVar

from insight.ingest.formats import Row
from insight.ingest.identifiers import customer_for_handle, normalise_identifier
from insight.ingest.language import detect_language
from insight.ingest.values import RowProblem, date_value, language_value, value_str
from insight.pii import mask_pii
from insight.schema import Reject

T = TypeVar("T")


@dataclass(frozen=True)
class Context:
    """One file being read: ``columns`` maps field -> column of the file."""

    kind: str
    channel: str
    path: str
    source: str
    columns: dict[str, str]
    rating_scale: tuple[float, float] = (1.0, 5.0)
    identities: Mapping[tuple[str, str], str] = field(default_factory=dict)  # (identifier, platform)
    date_orders: Mapping[str, str] = field(default_factory=dict)  # field -> day-first / month-first
    date_format: str | None = None  # --date-format, tried first

    def date(self, value: Any, field_name: str) -> datetime:
        """A date field, read with the column's day/month order (or --date-format)."""
        base = field_name.rsplit(".", 1)[-1]
        return date_value(value, field_name, order=self.date_orders.get(base), fmt=self.date_format)

    def get(self, row: Mapping[str, Any], field_name: str) -> Any:
        column = self.columns.get(field_name)
        return None if column is None else row.get(column)

    def customer_for(self, handle: str, platform: str | None) -> str | None:
        """The customer a handle belongs to *on this platform*: an identity given for the same
        platform, else one given without a platform. @zed on reddit is not @zed on twitter."""
        return customer_for_handle(self.identities, normalise_identifier(handle), platform)

    def reject(self, line: int, problem: RowProblem) -> Reject:
        return Reject(
            self.path, line, problem.field, value_str(problem.value), problem.reason, self.channel, problem.last_line
        )

    def language(self, row: Mapping[str, Any], text: str) -> str | None:
        if "language" in self.columns:
            given = language_value(self.get(row, "language"))
            if given is not None:
                return given
        return detect_language(text)

    def meta(self, row: Mapping[str, Any]) -> dict[str, Any]:
        """Columns no field uses, as JSON-able values (free text PII-masked)."""
        used = set(self.columns.values())
        return {k: v for k, v in ((str(k), jsonable(v)) for k, v in row.items() if k not in used) if v is not None}


def jsonable(value: Any) -> Any:
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            return None
        return mask_pii(text)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | dict):
        return None  # nested structures are not carried into meta
    return None


def each_row(
    ctx: Context, rows: Iterable[tuple[int, Row]], build: Callable[[int, dict[str, Any]], T]
) -> Iterator[T | Reject]:
    """``build`` every row; a RowProblem (from the reader or from ``build``) becomes a Reject."""
    for line, row in rows:
        if isinstance(row, RowProblem):
            yield ctx.reject(line, row)
            continue
        try:
            yield build(line, row)
        except RowProblem as problem:
            yield ctx.reject(line, problem)
