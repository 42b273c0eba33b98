"""The one normalised record shape, and the names shared by every stage.

A record is one piece of customer-facing text: a review, one turn of a support conversation,
or one social post. Ingest validates rows into records; downstream code trusts them.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any

CHANNELS = ("review", "support", "social")
SPEAKERS = ("customer", "agent", "bot", "system")
SENTIMENT_LABELS = ("negative", "neutral", "positive")
#: the sentiment model's emotion head (XED / Plutchik), stored as sentence_sentiment.emo_<name>
EMOTIONS = ("anger", "anticipation", "disgust", "fear", "joy", "sadness", "surprise", "trust")
EMOTION_COLUMNS = tuple(f"emo_{e}" for e in EMOTIONS)

# Size limits applied at ingest (bad rows above them go to rejects).
MAX_TEXT_CHARS = 20_000
MAX_FIELD_CHARS = 512


@dataclass(frozen=True, slots=True)
class Record:
    """One normalised piece of text with everything needed to link it to a customer."""

    record_id: str
    channel: str
    created_at: datetime
    text: str
    source: str
    source_id: str
    source_file: str
    source_line: int
    customer_id: str | None = None
    title: str | None = None
    rating: float | None = None
    product: str | None = None
    language: str | None = "en"
    conversation_id: str | None = None
    turn: int | None = None
    speaker: str = "customer"
    handle: str | None = None
    platform: str | None = None
    likes: int | None = None
    shares: int | None = None
    replies: int | None = None
    meta: dict[str, Any] = field(default_factory=dict)

    def as_row(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


RECORD_COLUMNS: tuple[str, ...] = tuple(f.name for f in fields(Record))


@dataclass(frozen=True, slots=True)
class Reject:
    """A row that could not become a record, kept with the reason (never dropped silently)."""

    source_file: str
    line: int
    field: str
    value: str
    reason: str
    channel: str
    last_line: int | None = None  # the row's last line, when it spans several

    @property
    def reject_id(self) -> str:
        return stable_id("reject", self.source_file, str(self.line), self.field, self.reason)

    def as_row(self) -> dict[str, Any]:
        return {
            "reject_id": self.reject_id,
            "source_file": self.source_file,
            "line": self.line,
            "field": self.field,
            "value": self.value,
            "reason": self.reason,
            "channel": self.channel,
            "last_line": self.last_line,
        }

    @property
    def where(self) -> str:
        """``file:3`` or ``file:3-9`` for a row spanning lines."""
        span = f"{self.line}-{self.last_line}" if self.last_line and self.last_line > self.line else str(self.line)
        return f"{self.source_file}:{span}"


def stable_id(*parts: str, length: int = 20) -> str:
    """A short, stable hex id from its parts (the same parts always give the same id)."""
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()
    return digest[:length]


def record_id_for(channel: str, source: str, source_id: str | None, text: str, extra: str = "") -> str:
    """Record id: a hash of channel, source and source id, or of the content when there is none."""
    if source_id:
        return stable_id(channel, source, source_id, extra)
    return stable_id(channel, source, "content", text, extra)
