"""Support transcripts → one Record per turn (channel "support").

Two shapes are read:

- nested: one object per conversation with a list of turns (``{"conversation_id", "customer_id",
  "channel", "started_at", "turns": [{"speaker", "text", "ts"}, ...]}``), in JSON or JSONL;
- flat: one row per turn (conversation_id, turn and/or ts, speaker, text, customer_id) in any
  format. Rows are grouped by conversation and ordered by turn, then ts, then file order; this
  holds one file's turns in memory (the grouping needs them all).

Every turn carries its conversation's customer_id; ``speaker`` says whose voice it is.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from insight.ingest.columns import TURN_FIELDS, norm
from insight.ingest.context import Context, jsonable
from insight.ingest.formats import Row
from insight.ingest.speakers import normalise_speaker
from insight.ingest.values import (
    MISSING_CONVERSATION_ID,
    UNKNOWN_SPEAKER,
    UNPARSEABLE_DATE,
    WRONG_TYPE,
    RowProblem,
    field_value,
    int_value,
    is_missing,
    plus_seconds,
    text_value,
)
from insight.pii import mask_pii
from insight.schema import Record, Reject, record_id_for, stable_id


@dataclass
class Conversation:
    """What every turn of one conversation shares."""

    conversation_id: str
    customer_id: str | None = None
    started_at: datetime | None = None
    platform: str | None = None
    product: str | None = None
    language: str | None = None


@dataclass
class Turn:
    line: int
    index: int
    speaker: Any
    text: Any
    ts: Any
    prefix: str  # field-name prefix in rejects: "" (flat) or "turns[3]." (nested)
    meta: dict[str, Any]
    problem: RowProblem | None = None  # set when the turn itself is unusable (not an object)


def normalise_transcripts(
    ctx: Context, rows: Iterable[tuple[int, Row]], *, nested: bool, mapping: Mapping[str, str] | None = None
) -> Iterator[Record | Reject]:
    if nested:
        return _nested(ctx, rows, dict(mapping or {}))
    return _flat(ctx, rows)


def _turn_record(ctx: Context, conv: Conversation, turn: Turn) -> Record:
    if turn.problem is not None:
        raise turn.problem
    p = turn.prefix
    raw_speaker = field_value(turn.speaker, p + "speaker")
    speaker = normalise_speaker(raw_speaker) if raw_speaker else None
    if speaker is None:
        raise RowProblem(p + "speaker", raw_speaker or "", UNKNOWN_SPEAKER)
    text = text_value(turn.text, p + "text")
    assert text is not None
    if not is_missing(turn.ts):
        created_at = ctx.date(turn.ts, p + "ts")
    elif conv.started_at is not None:
        created_at = plus_seconds(conv.started_at, turn.index)
    else:
        raise RowProblem(p + "ts", "", UNPARSEABLE_DATE)
    masked = mask_pii(text)
    source_id = f"{conv.conversation_id}:{turn.index}"
    return Record(
        record_id=record_id_for("support", ctx.source, source_id, masked),
        channel="support",
        created_at=created_at,
        text=masked,
        source=ctx.source,
        source_id=source_id,
        source_file=ctx.path,
        source_line=turn.line,
        customer_id=conv.customer_id,
        product=conv.product,
        language=conv.language or ctx.language({}, text),
        conversation_id=conv.conversation_id,
        turn=turn.index,
        speaker=speaker,
        platform=conv.platform,
        meta=turn.meta,
    )


def _emit(ctx: Context, conv: Conversation, turns: Iterable[Turn]) -> Iterator[Record | Reject]:
    for turn in turns:
        try:
            yield _turn_record(ctx, conv, turn)
        except RowProblem as problem:
            yield ctx.reject(turn.line, problem)


def _conversation(ctx: Context, rows: list[dict[str, Any]], conversation_id: str) -> Conversation:
    """Conversation-level fields: the first non-empty value among ``rows`` wins."""

    def first(field_name: str) -> str | None:
        for row in rows:
            value = field_value(ctx.get(row, field_name), field_name)
            if value is not None:
                return value
        return None

    started = None
    for row in rows:
        raw = ctx.get(row, "started_at")
        if not is_missing(raw):
            try:
                started = ctx.date(raw, "started_at")
            except RowProblem:
                continue  # only needed for turns without ts; those turns are rejected then
            break
    language = None
    if "language" in ctx.columns:
        language = next((lang for row in rows if (lang := ctx.language(row, "")) is not None), None)
    platform = first("platform")
    return Conversation(
        conversation_id=conversation_id,
        customer_id=first("customer_id"),
        started_at=started,
        platform=platform.lower() if platform else None,
        product=first("product"),
        language=language,
    )


# -- nested: one object per conversation --------------------------------------------------------


def _turn_keys(turn: Mapping[str, Any], mapping: Mapping[str, str]) -> dict[str, str]:
    by_norm: dict[str, str] = {}
    for key in turn:
        by_norm.setdefault(norm(str(key)), str(key))
    found: dict[str, str] = {}
    for field_name, synonyms in TURN_FIELDS.items():
        names = ([mapping[field_name]] if field_name in mapping else []) + list(synonyms)
        for name in names:
            key = by_norm.get(norm(name))
            if key is not None and key not in found.values():
                found[field_name] = key
                break
    return found


def _digest(turns: list[Any]) -> str:
    try:
        return stable_id(*(str(t) for t in turns))
    except (RecursionError, ValueError):  # nested too deeply to print: content cannot name it
        return stable_id("unprintable", str(len(turns)))


def _nested(ctx: Context, rows: Iterable[tuple[int, Row]], mapping: dict[str, str]) -> Iterator[Record | Reject]:
    # A conversation split over several lines (an export per day, a continued chat) continues
    # its turn numbers; a line repeating an earlier one exactly gets the same numbers (and so
    # the same record ids: it counts as a duplicate, not as new turns).
    next_turn: dict[str, int] = {}
    seen: dict[tuple[str, str], int] = {}
    for line, row in rows:
        if isinstance(row, RowProblem):
            yield ctx.reject(line, row)
            continue
        turns = ctx.get(row, "turns")
        if not isinstance(turns, list):
            yield ctx.reject(line, RowProblem("turns", turns, WRONG_TYPE))
            continue
        try:
            conversation_id = field_value(ctx.get(row, "conversation_id"), "conversation_id")
            if conversation_id is None:  # no id: the conversation's own content names it
                conversation_id = "h" + _digest(turns)[:16]
            conv = _conversation(ctx, [row], conversation_id)
        except RowProblem as problem:
            yield ctx.reject(line, problem)
            continue
        key = (conversation_id, _digest(turns))
        if key in seen:
            first = seen[key]
        else:
            first = seen[key] = next_turn.get(conversation_id, 0)
            next_turn[conversation_id] = first + len(turns)
        yield from _emit(ctx, conv, _nested_turns(line, turns, mapping, first))


def _nested_turns(line: int, turns: list[Any], mapping: Mapping[str, str], first: int = 0) -> Iterator[Turn]:
    for position, item in enumerate(turns):
        index = first + position
        prefix = f"turns[{position}]."
        if not isinstance(item, dict):
            problem = RowProblem(f"turns[{position}]", item, WRONG_TYPE)
            yield Turn(line, index, None, None, None, prefix, {}, problem)
            continue
        keys = _turn_keys(item, mapping)
        used = set(keys.values())
        meta = {str(k): v for k, v in ((k, jsonable(v)) for k, v in item.items() if k not in used) if v is not None}
        yield Turn(
            line=line,
            index=index,
            speaker=item.get(keys["speaker"]) if "speaker" in keys else None,
            text=item.get(keys["text"]) if "text" in keys else None,
            ts=item.get(keys["ts"]) if "ts" in keys else None,
            prefix=prefix,
            meta=meta,
        )


# -- flat: one row per turn ---------------------------------------------------------------------


@dataclass
class _FlatRow:
    line: int
    row: dict[str, Any]
    turn: int | None
    ts: datetime | None


def _sort_key(item: _FlatRow) -> tuple[Any, ...]:
    return (item.turn is None, item.turn or 0, item.ts is None, item.ts or datetime.min, item.line)


def _flat(ctx: Context, rows: Iterable[tuple[int, Row]]) -> Iterator[Record | Reject]:
    groups: dict[str, list[_FlatRow]] = {}
    for line, row in rows:
        if isinstance(row, RowProblem):
            yield ctx.reject(line, row)
            continue
        try:
            conversation_id = field_value(ctx.get(row, "conversation_id"), "conversation_id")
            if conversation_id is None:
                raise RowProblem("conversation_id", "", MISSING_CONVERSATION_ID)
            turn = int_value(ctx.get(row, "turn"), "turn")
            raw_ts = ctx.get(row, "ts")
            ts = None if is_missing(raw_ts) else ctx.date(raw_ts, "ts")
        except RowProblem as problem:
            yield ctx.reject(line, problem)
            continue
        groups.setdefault(conversation_id, []).append(_FlatRow(line, row, turn, ts))
    for conversation_id, items in groups.items():
        items.sort(key=_sort_key)
        try:
            conv = _conversation(ctx, [item.row for item in items], conversation_id)
        except RowProblem as problem:
            for item in items:
                yield ctx.reject(item.line, problem)
            continue
        turns = (
            Turn(
                line=item.line,
                index=index,
                speaker=ctx.get(item.row, "speaker"),
                text=ctx.get(item.row, "text"),
                ts=item.ts,
                prefix="",
                meta=ctx.meta(item.row),
            )
            for index, item in enumerate(items)
        )
        yield from _emit(ctx, conv, turns)
