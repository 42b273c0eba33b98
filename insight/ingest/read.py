"""``read_source``: one file of one kind → an IngestBatch of records, rejects and reference rows."""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from insight.errors import InputError
from insight.ingest.columns import FIELDS, REQUIRED, TURN_FIELDS, resolve_columns
from insight.ingest.context import Context
from insight.ingest.customers import read_customers, read_identities
from insight.ingest.formats import FORMATS, Row, RowSource, open_rows
from insight.ingest.identifiers import normalise_identifier
from insight.ingest.reviews import normalise_reviews
from insight.ingest.values import infer_date_order
from insight.ingest.social import normalise_social
from insight.ingest.transcripts import normalise_transcripts
from insight.schema import Record, Reject

KINDS = ("reviews", "transcripts", "social", "customers", "identities")
CHANNELS = {"reviews": "review", "transcripts": "support", "social": "social",
            "customers": "customers", "identities": "identities"}  # fmt: skip


@dataclass
class IngestBatch:
    """Everything read from one file. ``columns`` maps each field to the column it came from."""

    records: list[Record] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)
    customers: list[dict[str, Any]] = field(default_factory=list)
    identities: list[dict[str, Any]] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)
    file_columns: list[str] = field(default_factory=list)  # every column (top-level key) the file has
    rows_read: int = 0  # rows (a nested conversation: turns); = len(records) + len(rejects)
    lines_read: int = 0  # rows as the file holds them (a nested conversation counts once)
    conversations: int = 0  # transcripts: distinct conversations stored
    kind: str = ""
    source: str = ""


def default_source(path: str) -> str:
    """'data/reviews.csv.gz' → 'reviews'; 'x/2026.q1.json' → '2026.q1'."""
    name = Path(path).name
    lowered = name.lower()
    if lowered.endswith(".gz"):
        name, lowered = name[:-3], lowered[:-3]
    for fmt in FORMATS:
        if lowered.endswith("." + fmt):
            return name[: -len(fmt) - 1]
    return Path(name).stem


class _Counter:
    """Counts the rows pulled through it (rows_read)."""

    def __init__(self, rows: Iterator[tuple[int, Row]]) -> None:
        self.rows = rows
        self.count = 0

    def __iter__(self) -> Iterator[tuple[int, Row]]:
        for item in self.rows:
            self.count += 1
            yield item


def _check_scale(rating_scale: tuple[float, float]) -> tuple[float, float]:
    try:
        low, high = (float(v) for v in rating_scale)
    except (TypeError, ValueError):
        low = high = math.nan
    if not (math.isfinite(low) and math.isfinite(high) and low < high):
        raise InputError(
            f"read_source: rating_scale must be two numbers, low < high (got {rating_scale!r}). "
            f"Use e.g. --rating-scale 1-5 or 0-10."
        )
    return low, high


def _transcript_columns(path: str, src: RowSource, mapping: dict[str, str]) -> tuple[dict[str, str], bool]:
    """Columns for nested conversations (a list of turns per row) or for flat turn rows."""
    kind = "transcripts"
    conv_fields = {f: s for f, s in FIELDS[kind].items() if f not in TURN_FIELDS}
    conv_fields["conversation_id"] = conv_fields["conversation_id"] + ("id",)
    conv_mapping = {f: c for f, c in mapping.items() if f not in TURN_FIELDS}
    found = resolve_columns(kind, path, src.columns, conv_mapping, fields=conv_fields)
    turns = found.get("turns")
    has_turns = turns is not None and any(isinstance(r, dict) and isinstance(r.get(turns), list) for r in src.sample)
    if "turns" in mapping or has_turns:
        return resolve_columns(kind, path, src.columns, conv_mapping, required=("turns",), fields=conv_fields), True
    flat_fields = {f: s for f, s in FIELDS[kind].items() if f != "turns"}
    return resolve_columns(kind, path, src.columns, mapping, required=REQUIRED[kind], fields=flat_fields), False


def open_source(
    kind: str,
    path: str | Path,
    *,
    mapping: dict[str, str] | None = None,
    encoding: str | None = None,
    rating_scale: tuple[float, float] = (1, 5),
    source: str | None = None,
    identities: Mapping[Any, str] | None = None,
    date_format: str | None = None,
) -> tuple[IngestBatch, Iterator[Record | Reject]]:
    """Open one file of a record kind (reviews, transcripts, social) for streaming.

    Returns the batch header (columns, kind, source; ``rows_read`` and ``conversations`` are
    filled in as the stream is consumed) and the stream of Records and Rejects. Every row read
    becomes exactly one Record or one Reject (a nested conversation: one per turn), so
    ``rows_read`` always equals records + rejects.
    """
    batch, ctx, src, nested, mapping = _open(kind, path, mapping, encoding, rating_scale, source, identities,
                                             date_format)
    if kind in ("customers", "identities"):
        raise InputError(f"open_source: {kind} are reference tables (got {kind!r}). Use read_source for them.")
    return batch, _stream(batch, ctx, src, nested, mapping)


def _check_date_format(path: str, date_format: str | None) -> None:
    if date_format is None:
        return
    sample = datetime(2026, 3, 13, 14, 5, 6)
    try:
        ok = datetime.strptime(sample.strftime(date_format), date_format).date() == sample.date()
    except ValueError:
        ok = False
    if not ok:
        raise InputError(
            f"{path}: --date-format must name day, month and year as a strptime format (got {date_format!r}). "
            f"Use e.g. %d/%m/%Y, %m/%d/%Y or %d.%m.%Y %H:%M."
        )


def _date_orders(path: str, src: RowSource, columns: dict[str, str]) -> dict[str, str]:
    """Day-first or month-first per date column, from the sample (05/03/2026 means one thing in
    the whole column); InputError when the sample holds both."""
    orders = {}
    for field_name in ("created_at", "ts", "started_at"):
        column = columns.get(field_name)
        if column is None:
            continue
        values = [row.get(column) for row in src.sample if isinstance(row, dict)]
        try:
            order = infer_date_order(values)
        except ValueError as exc:
            raise InputError(
                f"{path}: column {column!r} mixes day-first and month-first dates (got {exc}). "
                f"Pass --date-format, e.g. --date-format %d/%m/%Y or --date-format %m/%d/%Y."
            ) from None
        if order:
            orders[field_name] = order
    return orders


def _open(kind, path, mapping, encoding, rating_scale, source, identities, date_format=None):
    if kind not in KINDS:
        raise InputError(f"read_source: unknown kind (got {kind!r}). Use one of: {', '.join(KINDS)}.")
    path = str(path)
    scale = _check_scale(rating_scale)
    _check_date_format(path, date_format)
    mapping = dict(mapping or {})
    src = open_rows(path, encoding=encoding)
    if not src.sample:
        what = "a header but no data rows" if src.format in ("csv", "tsv") else "no objects"
        raise InputError(f"{path}: no rows (got {what}). Give at least one row to ingest.")
    nested = False
    if kind == "transcripts":
        columns, nested = _transcript_columns(path, src, mapping)
    else:
        columns = resolve_columns(kind, path, src.columns, mapping, required=REQUIRED[kind])
    ids = normalise_identities(identities)
    orders = _date_orders(path, src, columns)
    ctx = Context(kind, CHANNELS[kind], path, source or default_source(path), columns, scale, ids, orders, date_format)
    batch = IngestBatch(columns=columns, kind=kind, source=ctx.source, file_columns=list(src.columns))
    return batch, ctx, src, nested, mapping


def _stream(batch: IngestBatch, ctx: Context, src: RowSource, nested: bool, mapping: dict[str, str]):
    rows = _Counter(src.rows)
    if ctx.kind == "reviews":
        items = normalise_reviews(ctx, rows)
    elif ctx.kind == "social":
        items = normalise_social(ctx, rows)
    else:
        items = normalise_transcripts(ctx, rows, nested=nested, mapping=mapping)
    conversations: set[str] = set()
    for item in items:
        batch.rows_read += 1
        if ctx.kind == "transcripts" and isinstance(item, Record) and item.conversation_id:
            conversations.add(item.conversation_id)
        yield item
    batch.lines_read = rows.count
    batch.conversations = len(conversations)


def normalise_identities(identities: Mapping[Any, str] | None) -> dict[tuple[str, str], str]:
    """``{(identifier, platform): customer_id}``; a plain ``identifier`` key (or an empty
    platform) matches on every platform."""
    out: dict[tuple[str, str], str] = {}
    for key, customer_id in (identities or {}).items():
        ident, platform = key if isinstance(key, tuple) else (key, "")
        out[(normalise_identifier(ident), (platform or "").strip().lower())] = customer_id
    return out


def read_source(
    kind: str,
    path: str | Path,
    *,
    mapping: dict[str, str] | None = None,
    encoding: str | None = None,
    rating_scale: tuple[float, float] = (1, 5),
    source: str | None = None,
    identities: Mapping[Any, str] | None = None,
    date_format: str | None = None,
) -> IngestBatch:
    """Read one file of ``kind`` (see KINDS) whole. File problems raise InputError; row problems
    become rejects in the batch."""
    batch, ctx, src, nested, mapping = _open(kind, path, mapping, encoding, rating_scale, source, identities,
                                             date_format)
    if kind in ("customers", "identities"):
        rows = _Counter(src.rows)
        reader = read_customers if kind == "customers" else read_identities
        table, batch.rejects = reader(ctx, rows)
        if kind == "customers":
            batch.customers = table
        else:
            batch.identities = table
        batch.rows_read = batch.lines_read = rows.count
        return batch
    for item in _stream(batch, ctx, src, nested, mapping):
        (batch.records if isinstance(item, Record) else batch.rejects).append(item)
    return batch
