"""Product reviews → Records (channel "review")."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from insight.ingest.context import Context, each_row
from insight.ingest.formats import Row
from insight.ingest.values import field_value, rating_value, text_value
from insight.pii import mask_pii
from insight.schema import MAX_FIELD_CHARS, Record, Reject, record_id_for


def normalise_reviews(ctx: Context, rows: Iterable[tuple[int, Row]]) -> Iterator[Record | Reject]:
    return each_row(ctx, rows, lambda line, row: _review(ctx, line, row))


def _review(ctx: Context, line: int, row: dict[str, Any]) -> Record:
    text = text_value(ctx.get(row, "text"))
    assert text is not None
    created_at = ctx.date(ctx.get(row, "created_at"), "created_at")
    rating = rating_value(ctx.get(row, "rating"), ctx.rating_scale)
    title = text_value(ctx.get(row, "title"), "title", required=False, max_chars=MAX_FIELD_CHARS)
    customer_id = field_value(ctx.get(row, "customer_id"), "customer_id")
    product = field_value(ctx.get(row, "product"), "product")
    review_id = field_value(ctx.get(row, "review_id"), "review_id")
    platform = field_value(ctx.get(row, "platform"), "platform")
    masked = mask_pii(text)
    # Without a review id the content identifies the review; customer and date keep two
    # identical short reviews ("Great!") by different people apart.
    extra = "" if review_id else f"{customer_id or ''}|{created_at.isoformat()}"
    return Record(
        record_id=record_id_for("review", ctx.source, review_id, masked, extra),
        channel="review",
        created_at=created_at,
        text=masked,
        source=ctx.source,
        source_id=review_id or "",
        source_file=ctx.path,
        source_line=line,
        customer_id=customer_id,
        title=mask_pii(title) if title else None,
        rating=rating,
        product=product,
        language=ctx.language(row, text),
        speaker="customer",
        platform=platform.lower() if platform else None,
        meta=ctx.meta(row),
    )
