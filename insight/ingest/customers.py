"""CRM exports → customer rows ``{"customer_id", "attributes"}``; identity maps → identity rows.

Both are small reference tables, so they are collected whole: customers need every value of a
column to decide its type, identities need every row to settle duplicates.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from insight.ingest.context import Context
from insight.ingest.formats import Row
from insight.ingest.identifiers import is_email, normalise_identifier
from insight.ingest.values import (
    DUPLICATE_CUSTOMER_ID,
    DUPLICATE_IDENTIFIER,
    FIELD_TOO_LONG,
    INVALID_UTF8,
    MISSING_CUSTOMER_ID,
    MISSING_IDENTIFIER,
    RowProblem,
    field_value,
    is_missing,
)
from insight.pii import mask_pii
from insight.schema import MAX_TEXT_CHARS, Reject

_INT_RE = re.compile(r"^[+-]?(?:0|[1-9]\d{0,17})$")  # no leading zeros: '02134' stays a string
_FLOAT_RE = re.compile(r"^[+-]?(?:(?:0|[1-9]\d*)(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$")
_BOOLS = {"true": True, "false": False}


def _required_id(ctx: Context, row: dict[str, Any]) -> str:
    raw = ctx.get(row, "customer_id")
    customer_id = field_value(raw, "customer_id")
    if customer_id is None:
        raise RowProblem("customer_id", raw, MISSING_CUSTOMER_ID)
    return customer_id


def _attribute(value: Any, column: str) -> Any:
    if is_missing(value):
        return None
    if isinstance(value, bytes):
        try:
            value = value.decode("utf-8")
        except UnicodeDecodeError:
            raise RowProblem(column, value, INVALID_UTF8) from None
    if isinstance(value, str):
        value = value.strip()
        if len(value) > MAX_TEXT_CHARS:
            raise RowProblem(column, value, FIELD_TOO_LONG)
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise RowProblem(column, value, INVALID_UTF8) from None
        return mask_pii(value)  # CRM notes and contact columns: stored masked like customer text
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _column_type(values: list[Any]) -> Any:
    """A parser for the column when every non-empty string in it parses, else None."""
    texts = [v for v in values if isinstance(v, str)]
    if not texts:
        return None
    if all(_INT_RE.match(v) for v in texts):
        return int
    if all(_FLOAT_RE.match(v) for v in texts):
        return float
    if all(v.lower() in _BOOLS for v in texts):
        return lambda v: _BOOLS[v.lower()]
    return None


def read_customers(ctx: Context, rows: Iterable[tuple[int, Row]]) -> tuple[list[dict[str, Any]], list[Reject]]:
    id_column = ctx.columns["customer_id"]
    kept: dict[str, tuple[int, dict[str, Any]]] = {}
    rejects: list[Reject] = []
    for line, row in rows:
        if isinstance(row, RowProblem):
            rejects.append(ctx.reject(line, row))
            continue
        try:
            customer_id = _required_id(ctx, row)
            attributes = {str(k): _attribute(v, str(k)) for k, v in row.items() if k != id_column}
        except RowProblem as problem:
            rejects.append(ctx.reject(line, problem))
            continue
        if customer_id in kept:
            earlier = kept.pop(customer_id)[0]
            rejects.append(ctx.reject(earlier, RowProblem("customer_id", customer_id, DUPLICATE_CUSTOMER_ID)))
        kept[customer_id] = (line, attributes)
    columns: dict[str, None] = {}
    for _, attributes in kept.values():
        columns.update(dict.fromkeys(attributes))
    for column in columns:
        parse = _column_type([a.get(column) for _, a in kept.values()])
        if parse is None:
            continue
        for _, attributes in kept.values():
            if isinstance(attributes.get(column), str):
                attributes[column] = parse(attributes[column])
    rejects.sort(key=lambda r: r.line)
    return [{"customer_id": cid, "attributes": attrs} for cid, (_, attrs) in kept.items()], rejects


_KINDS = {
    "email": "email", "e-mail": "email", "mail": "email", "email_address": "email",
    "handle": "handle", "username": "handle", "user": "handle", "screen_name": "handle",
    "user_name": "handle",
}  # fmt: skip


def read_identities(ctx: Context, rows: Iterable[tuple[int, Row]]) -> tuple[list[dict[str, Any]], list[Reject]]:
    kept: dict[tuple[str, str, str], tuple[int, dict[str, Any]]] = {}
    rejects: list[Reject] = []
    for line, row in rows:
        if isinstance(row, RowProblem):
            rejects.append(ctx.reject(line, row))
            continue
        try:
            raw = ctx.get(row, "identifier")
            identifier = field_value(raw, "identifier")
            identifier = normalise_identifier(identifier) if identifier else None
            if not identifier:
                raise RowProblem("identifier", raw, MISSING_IDENTIFIER)
            customer_id = _required_id(ctx, row)
            given_kind = (field_value(ctx.get(row, "kind"), "kind") or "").strip().lower()
            kind = _KINDS.get(given_kind) or ("email" if is_email(identifier) else "handle")
            platform = field_value(ctx.get(row, "platform"), "platform")
        except RowProblem as problem:
            rejects.append(ctx.reject(line, problem))
            continue
        key = (identifier, kind, (platform or "").lower())  # @zed on reddit is not @zed on twitter
        if key in kept:
            earlier_line, earlier = kept.pop(key)
            if earlier["customer_id"] != customer_id:
                rejects.append(ctx.reject(earlier_line, RowProblem("identifier", identifier, DUPLICATE_IDENTIFIER)))
        kept[key] = (
            line,
            {
                "identifier": identifier,
                "kind": kind,
                "platform": platform.lower() if platform else None,
                "customer_id": customer_id,
            },
        )
    rejects.sort(key=lambda r: r.line)
    return [row for _, row in kept.values()], rejects
