"""Social posts → Records (channel "social"), linked to a customer through the identity map."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from insight.ingest.context import Context, each_row
from insight.ingest.formats import Row
from insight.ingest.identifiers import normalise_identifier
from insight.ingest.values import count_value, field_value, text_value
from insight.pii import mask_pii
from insight.schema import Record, Reject, record_id_for

LINKED_BY = "_linked_by"  # meta key set when the customer came from the identity map


def normalise_social(ctx: Context, rows: Iterable[tuple[int, Row]]) -> Iterator[Record | Reject]:
    return each_row(ctx, rows, lambda line, row: _post(ctx, line, row))


def _post(ctx: Context, line: int, row: dict[str, Any]) -> Record:
    text = text_value(ctx.get(row, "text"))
    assert text is not None
    created_at = ctx.date(ctx.get(row, "created_at"), "created_at")
    handle = field_value(ctx.get(row, "handle"), "handle")
    platform = field_value(ctx.get(row, "platform"), "platform")
    post_id = field_value(ctx.get(row, "post_id"), "post_id")
    counts = {name: count_value(ctx.get(row, name), name) for name in ("likes", "shares", "replies")}
    customer_id = field_value(ctx.get(row, "customer_id"), "customer_id")
    meta = ctx.meta(row)
    if customer_id is None and handle:
        customer_id = ctx.customer_for(handle, platform)
        if customer_id is not None:
            meta[LINKED_BY] = "identity"  # linked through the map, so a remap may relink it
    masked = mask_pii(text)
    extra = "" if post_id else f"{normalise_identifier(handle or '')}|{created_at.isoformat()}"
    return Record(
        record_id=record_id_for("social", ctx.source, post_id, masked, extra),
        channel="social",
        created_at=created_at,
        text=masked,
        source=ctx.source,
        source_id=post_id or "",
        source_file=ctx.path,
        source_line=line,
        customer_id=customer_id,
        language=ctx.language(row, text),
        speaker="customer",
        handle=handle,
        platform=platform.lower() if platform else None,
        likes=counts["likes"],
        shares=counts["shares"],
        replies=counts["replies"],
        meta=meta,
    )
