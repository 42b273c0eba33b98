"""Find which column holds each field: synonyms per field, matched ignoring case, spaces,
underscores, dashes and dots; ``--map field=column`` overrides."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from insight.errors import InputError

_TEXT = ("text", "body", "review", "review_text", "review_body", "content", "comment", "message",
         "full_text", "tweet", "post", "utterance")  # fmt: skip
_CREATED = ("created_at", "date", "timestamp", "time", "created", "posted_at", "review_date",
            "datetime", "published_at", "date_time")  # fmt: skip
_CUSTOMER = ("customer_id", "customer", "user_id", "client_id", "account_id", "customer_number",
             "cust_id")  # fmt: skip
_PRODUCT = ("product", "product_name", "sku", "item", "product_id", "asin")
_LANGUAGE = ("language", "lang", "locale")

# kind -> field -> synonyms, in the order fields are resolved (earlier fields claim columns first).
FIELDS: dict[str, dict[str, tuple[str, ...]]] = {
    "reviews": {
        "text": _TEXT,
        "created_at": _CREATED,
        "rating": ("rating", "stars", "star_rating", "score", "overall", "review_rating"),
        "title": ("title", "summary", "headline", "review_title", "subject"),
        "customer_id": _CUSTOMER,
        "product": _PRODUCT,
        "review_id": ("review_id", "id", "reviewid"),
        "platform": ("platform", "site", "marketplace", "store", "source"),
        "language": _LANGUAGE,
    },
    "transcripts": {
        "turns": ("turns", "messages", "utterances", "dialogue", "dialog"),
        "conversation_id": ("conversation_id", "conversation", "ticket_id", "thread_id",
                            "session_id", "chat_id", "case_id", "call_id", "dialogue_id", "id"),
        "turn": ("turn", "turn_index", "seq", "order", "turn_id", "position", "index", "sequence"),
        "speaker": ("speaker", "role", "author", "sender", "from", "speaker_role", "party"),
        "text": _TEXT,
        "ts": ("ts", "timestamp", "time", "sent_at", "created_at", "date"),
        "started_at": ("started_at", "start_time", "start", "conversation_start", "opened_at",
                       "created"),
        "customer_id": _CUSTOMER,
        "platform": ("channel", "platform", "medium", "contact_channel"),
        "product": _PRODUCT,
        "language": _LANGUAGE,
    },
    "social": {
        "text": _TEXT,
        "created_at": _CREATED,
        "handle": ("handle", "username", "user", "screen_name", "author", "user_name", "account"),
        "platform": ("platform", "network", "site", "source"),
        "post_id": ("post_id", "tweet_id", "id", "status_id"),
        "likes": ("likes", "like_count", "favorites", "favourites", "favorite_count", "reactions"),
        "shares": ("shares", "share_count", "retweets", "retweet_count", "reposts"),
        "replies": ("replies", "reply_count", "comments", "comment_count"),
        "customer_id": _CUSTOMER,
        "language": _LANGUAGE,
    },
    "customers": {
        "customer_id": _CUSTOMER + ("id",),
    },
    "identities": {
        "identifier": ("identifier", "handle", "email", "username", "value", "screen_name",
                       "email_address"),
        "kind": ("kind", "type", "identifier_type", "id_type"),
        "platform": ("platform", "network", "site"),
        "customer_id": _CUSTOMER,
    },
}

REQUIRED: dict[str, tuple[str, ...]] = {
    "reviews": ("text", "created_at"),
    "transcripts": ("speaker", "text", "conversation_id"),  # flat rows; nested needs "turns"
    "social": ("text", "created_at"),
    "customers": ("customer_id",),
    "identities": ("identifier", "customer_id"),
}

# Inside a nested transcript, each turn object is resolved with these.
TURN_FIELDS: dict[str, tuple[str, ...]] = {
    "speaker": FIELDS["transcripts"]["speaker"],
    "text": _TEXT,
    "ts": FIELDS["transcripts"]["ts"],
    "turn": FIELDS["transcripts"]["turn"],
}

_NORM_RE = re.compile(r"[\s_\-.]+")


def norm(name: str) -> str:
    return _NORM_RE.sub("", name.strip().lower())


def _quoted(names: Sequence[str]) -> str:
    return ", ".join(repr(n) for n in names)


def check_mapping(kind: str, path: str, mapping: Mapping[str, str], allowed: Sequence[str]) -> None:
    unknown = [f for f in mapping if f not in allowed]
    if unknown:
        raise InputError(
            f"{path}: --map names an unknown field for {kind} (got {unknown[0]!r}). "
            f"Fields: {', '.join(allowed)}."
        )


def find_column(columns: Sequence[str], wanted: str) -> str | None:
    """The column named ``wanted`` exactly, else ignoring case/spaces/underscores."""
    if wanted in columns:
        return wanted
    target = norm(wanted)
    for col in columns:
        if norm(col) == target:
            return col
    return None


def resolve_columns(
    kind: str,
    path: str,
    columns: Sequence[str],
    mapping: Mapping[str, str] | None,
    *,
    required: Sequence[str] = (),
    fields: Mapping[str, tuple[str, ...]] | None = None,
) -> dict[str, str]:
    """field -> column for every field found; InputError when a required field is not."""
    fields = FIELDS[kind] if fields is None else fields
    mapping = dict(mapping or {})
    check_mapping(kind, path, mapping, list(fields))
    found: dict[str, str] = {}
    for field_name, column in mapping.items():
        hit = find_column(columns, column)
        if hit is None:
            raise InputError(
                f"{path}: --map {field_name}={column} names no column of the file (got {column!r}). "
                f"Columns: {_quoted(columns)}."
            )
        found[field_name] = hit
    claimed = set(found.values())
    by_norm: dict[str, str] = {}
    for col in columns:
        by_norm.setdefault(norm(col), col)
    for field_name, synonyms in fields.items():
        if field_name in found:
            continue
        for synonym in synonyms:
            col = by_norm.get(norm(synonym))
            if col is not None and col not in claimed:
                found[field_name] = col
                claimed.add(col)
                break
    for field_name in required:
        if field_name not in found:
            raise InputError(
                f"{path}: no column for required field {field_name!r} (found columns: "
                f"{_quoted(columns)}). Map one with --map {field_name}=COLUMN."
            )
    return {f: found[f] for f in fields if f in found}
