"""Parse and validate single field values. Each parser returns a clean value or raises RowProblem.

Reject reasons (exact strings, stored in the rejects table):
"""

from __future__ import annotations

import json
import math
import re
from datetime import date, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from typing import Any

from insight.pii import mask_pii
from insight.schema import MAX_FIELD_CHARS, MAX_TEXT_CHARS

MISSING_TEXT = "missing text"
UNPARSEABLE_DATE = "unparseable date"
RATING_OUT_OF_RANGE = "rating out of range"
UNPARSEABLE_RATING = "unparseable rating"
INVALID_UTF8 = "invalid utf-8"
WRONG_TYPE = "wrong type"
FIELD_TOO_LONG = "field too long"
UNKNOWN_SPEAKER = "unknown speaker"
DUPLICATE_CUSTOMER_ID = "duplicate customer_id"
MISSING_CUSTOMER_ID = "missing customer_id"
INVALID_JSON = "invalid json"
MISSING_CONVERSATION_ID = "missing conversation_id"
MISSING_IDENTIFIER = "missing identifier"
DUPLICATE_IDENTIFIER = "duplicate identifier"
TOO_MANY_FIELDS = "too many fields"
BAD_QUOTING = "bad quoting"
LINE_TOO_LONG = "line too long"
DUPLICATE_ID = "duplicate id, different content"
DATE_OUT_OF_RANGE = "date out of range"
DUPLICATE_KEY = "duplicate key"

REJECT_REASONS = (
    MISSING_TEXT, UNPARSEABLE_DATE, RATING_OUT_OF_RANGE, UNPARSEABLE_RATING, INVALID_UTF8,
    WRONG_TYPE, FIELD_TOO_LONG, UNKNOWN_SPEAKER, DUPLICATE_CUSTOMER_ID, MISSING_CUSTOMER_ID,
    INVALID_JSON, MISSING_CONVERSATION_ID, MISSING_IDENTIFIER, DUPLICATE_IDENTIFIER,
    TOO_MANY_FIELDS, BAD_QUOTING, LINE_TOO_LONG, DUPLICATE_ID, DATE_OUT_OF_RANGE, DUPLICATE_KEY,
)  # fmt: skip
__doc__ = (__doc__ or "") + "\n".join(f"    {r!r}" for r in REJECT_REASONS) + "\n"

REJECT_VALUE_CHARS = 200
# C0/C1 control characters (terminal escapes, NUL, BEL, DEL) carry no meaning in customer text and
# are live in a terminal (`insight topics show`, tables): removed from stored text and ids, escaped
# in reject values. Tab, CR and LF stay; VT, FF and NEL become a space.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f]")
_BREAK_RE = re.compile(r"[\x0b\x0c\x85]")


def without_controls(text: str) -> str:
    """``text`` without control characters (tab and line breaks kept)."""
    if text.isprintable():
        return text
    return _CONTROL_RE.sub("", _BREAK_RE.sub(" ", text))


class RowProblem(Exception):
    """One field of one row cannot be used; the normaliser turns it into a Reject."""

    def __init__(self, field: str, value: Any, reason: str, *, last_line: int | None = None) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.value = value
        self.reason = reason
        self.last_line = last_line  # set when the row spans lines (a quoted CSV field)


def value_str(value: Any) -> str:
    """The offending value as safe text (valid UTF-8), PII-masked, cut to 200 characters."""
    if value is None:
        text = ""
    elif isinstance(value, bytes):
        text = value[: REJECT_VALUE_CHARS * 4].decode("utf-8", "backslashreplace")
    elif isinstance(value, str):
        text = value[: REJECT_VALUE_CHARS * 4]
    elif isinstance(value, (dict, list)):
        try:
            text = json.dumps(value, ensure_ascii=False, default=str)[: REJECT_VALUE_CHARS * 4]
        except (RecursionError, ValueError):
            text = f"<{type(value).__name__} nested too deeply>"
    elif isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 2000:
        text = f"<a {len(hex(value))}-hex-digit integer>"
    else:
        text = str(value)[: REJECT_VALUE_CHARS * 4]
    text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    text = _CONTROL_RE.sub(lambda m: f"\\x{ord(m.group()):02x}", text)
    # Mask before cutting, so that a cut never splits an email or a card number into a part the
    # masker no longer recognises.
    return mask_pii(text)[:REJECT_VALUE_CHARS]


def is_missing(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def _as_str(value: Any, field: str, *, numbers_ok: bool) -> str:
    if isinstance(value, bytes):
        try:
            return value.decode("utf-8")
        except UnicodeDecodeError:
            raise RowProblem(field, value, INVALID_UTF8) from None
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:  # lone surrogates, e.g. from a JSON "\udc80" escape
            raise RowProblem(field, value, INVALID_UTF8) from None
        return value
    if numbers_ok and isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if numbers_ok and isinstance(value, float) and value.is_integer():
        return str(int(value))
    raise RowProblem(field, value, WRONG_TYPE)


def text_value(
    value: Any, field: str = "text", *, required: bool = True, max_chars: int = MAX_TEXT_CHARS
) -> str | None:
    """Free text (text, title): must be a string; stripped; at most ``max_chars``."""
    if is_missing(value):
        if required:
            raise RowProblem(field, "" if value is None else value, MISSING_TEXT)
        return None
    text = without_controls(_as_str(value, field, numbers_ok=False)).strip()
    if not text:  # nothing but control characters
        if required:
            raise RowProblem(field, value, MISSING_TEXT)
        return None
    if len(text) > max_chars:
        raise RowProblem(field, text, FIELD_TOO_LONG)
    return text


def field_value(value: Any, field: str) -> str | None:
    """A short string field (ids, product, handle): numbers become strings; empty → None."""
    if is_missing(value):
        return None
    text = without_controls(_as_str(value, field, numbers_ok=True)).strip()
    if len(text) > MAX_FIELD_CHARS:
        raise RowProblem(field, text, FIELD_TOO_LONG)
    return text or None


# -- numbers -----------------------------------------------------------------------------------

_RATING_RE = re.compile(r"^\s*([+-]?\d+(?:[.,]\d+)?)\s*(?:stars?|/\s*(\d+(?:\.\d+)?))?\s*$", re.IGNORECASE)


def rating_value(value: Any, scale: tuple[float, float], field: str = "rating") -> float | None:
    """A rating on ``scale`` (e.g. 0–10), returned normalised to 1–5; empty → None."""
    if is_missing(value):
        return None
    if isinstance(value, bool):
        raise RowProblem(field, value, UNPARSEABLE_RATING)
    if isinstance(value, (int, float)):
        number = float(value)
    elif isinstance(value, (str, bytes)):
        text = _as_str(value, field, numbers_ok=False)
        match = _RATING_RE.match(text)
        if not match:
            raise RowProblem(field, value, UNPARSEABLE_RATING)
        number = float(match.group(1).replace(",", "."))
        if match.group(2):  # '8/10' carries its own scale: out of 10, whatever the file's scale
            out_of = float(match.group(2))
            low = scale[0] if out_of == scale[1] else 0.0
            if out_of <= low or not low <= number <= out_of:
                raise RowProblem(field, value, RATING_OUT_OF_RANGE)
            return round(1.0 + (number - low) * 4.0 / (out_of - low), 6)
    else:
        raise RowProblem(field, value, UNPARSEABLE_RATING)
    if not math.isfinite(number):
        raise RowProblem(field, value, UNPARSEABLE_RATING)
    low, high = scale
    if not low <= number <= high:
        raise RowProblem(field, value, RATING_OUT_OF_RANGE)
    return round(1.0 + (number - low) * 4.0 / (high - low), 6)


_COUNT_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kKmM]?)\s*$")


def count_value(value: Any, field: str) -> int | None:
    """A non-negative count (likes, shares): ints, '1,234', '1.2k'; empty → None."""
    if is_missing(value):
        return None
    if isinstance(value, bool):
        raise RowProblem(field, value, WRONG_TYPE)
    if isinstance(value, int) and value >= 0:
        return value
    if isinstance(value, float) and value.is_integer() and value >= 0:
        return int(value)
    if isinstance(value, (str, bytes)):
        text = _as_str(value, field, numbers_ok=False).replace(",", "").replace("_", "")
        match = _COUNT_RE.match(text)
        if match:
            scale = {"": 1, "k": 1_000, "m": 1_000_000}[match.group(2).lower()]
            number = float(match.group(1)) * scale
            if number.is_integer() or match.group(2):
                return int(round(number))
    raise RowProblem(field, value, WRONG_TYPE)


# -- dates -------------------------------------------------------------------------------------

_DATE_FORMATS = (
    "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y/%m/%d",
    "%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M", "%m/%d/%Y %I:%M %p", "%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y",
    "%m/%d/%y", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y",
    "%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M", "%d.%m.%Y",
    "%d %b %Y", "%d %B %Y", "%b %d, %Y", "%B %d, %Y", "%b %d %Y", "%B %d %Y",
    "%d %b %Y %H:%M", "%b %d, %Y %H:%M", "%b %d, %Y %I:%M %p", "%B %d, %Y %I:%M %p",
    "%a %b %d %H:%M:%S %z %Y",  # Twitter's created_at
    "%Y%m%d",
)  # fmt: skip
_EPOCH_RE = re.compile(r"^\d{9,13}(?:\.\d+)?$")
# One plausible range for every date, however it was written: customer feedback is not older
# than 1990 and not from after next year.
MIN_YEAR = 1990
MAX_YEAR = datetime.now(timezone.utc).year + 1
_MIN_YEAR, _MAX_YEAR = MIN_YEAR, MAX_YEAR
_NUMERIC_DATE_RE = re.compile(r"^(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})(?:[ T,]+(.+))?$")
_TIME_FORMATS = ("%H:%M:%S", "%H:%M", "%I:%M %p", "%I:%M:%S %p")
DAY_FIRST, MONTH_FIRST = "day-first", "month-first"


def infer_date_order(values) -> str | None:
    """``day-first`` or ``month-first`` for a column of dates like 05/03/2026, from the values
    that settle it (13/03 is day-first, 03/13 month-first); by the separator when none does
    ('.' day-first, '/' and '-' month-first); None when the column has no such dates.
    ValueError names two values that contradict each other."""
    day_first = month_first = first_sep = None
    for value in values:
        if not isinstance(value, str):
            continue
        match = _NUMERIC_DATE_RE.match(value.strip())
        if not match:
            continue
        a, b = int(match.group(1)), int(match.group(3))
        first_sep = first_sep or match.group(2)
        if a > 12 >= b and day_first is None:
            day_first = value.strip()
        elif b > 12 >= a and month_first is None:
            month_first = value.strip()
    if day_first and month_first:
        raise ValueError(f"{day_first!r} is day-first but {month_first!r} is month-first")
    if day_first:
        return DAY_FIRST
    if month_first:
        return MONTH_FIRST
    if first_sep is None:
        return None
    return DAY_FIRST if first_sep == "." else MONTH_FIRST


def _numeric_date(text: str, order: str) -> datetime | None:
    match = _NUMERIC_DATE_RE.match(text)
    if not match:
        return None
    a, b, year = int(match.group(1)), int(match.group(3)), int(match.group(4))
    if len(match.group(4)) == 2:
        year += 2000 if year < 70 else 1900
    day, month = (a, b) if order == DAY_FIRST else (b, a)
    try:
        moment = datetime(year, month, day)
    except ValueError:
        return None
    if match.group(5):
        for fmt in _TIME_FORMATS:
            try:
                t = datetime.strptime(match.group(5).strip(), fmt)
            except ValueError:
                continue
            return moment.replace(hour=t.hour, minute=t.minute, second=t.second)
        return None
    return moment


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def _from_epoch(number: float) -> datetime | None:
    if number > 1e11:  # milliseconds
        number /= 1000.0
    try:
        moment = datetime.fromtimestamp(number, tz=timezone.utc)
    except (OverflowError, OSError, ValueError):
        return None
    return moment if _MIN_YEAR <= moment.year <= _MAX_YEAR else None


def _from_text(text: str) -> datetime | None:
    if _EPOCH_RE.match(text):
        return _from_epoch(float(text))
    iso = text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text
    try:
        return datetime.fromisoformat(iso)
    except ValueError:
        pass
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    try:
        return parsedate_to_datetime(text)  # RFC 2822, e.g. 'Tue, 03 Mar 2026 10:15:00 +0000'
    except (TypeError, ValueError, IndexError):
        return None


def date_value(
    value: Any, field: str = "created_at", *, order: str | None = None, fmt: str | None = None
) -> datetime:
    """A timezone-aware UTC datetime from ISO 8601, common formats or epoch seconds/ms.

    ``fmt`` (``--date-format``, a strptime format) is tried first; ``order`` (day-first or
    month-first, inferred per column) settles dates such as 05/03/2026. A date outside
    MIN_YEAR..MAX_YEAR is rejected as "date out of range".
    """
    moment: datetime | None = None
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime(value.year, value.month, value.day)
    elif isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
        moment = _from_epoch(float(value))
    elif isinstance(value, (str, bytes)) and not is_missing(value):
        text = _as_str(value, field, numbers_ok=False).strip()
        if len(text) <= 64:
            if fmt:
                try:
                    moment = datetime.strptime(text, fmt)
                except ValueError:
                    moment = None
            if moment is None and order and _NUMERIC_DATE_RE.match(text):
                moment = _numeric_date(text, order)
            elif moment is None:
                moment = _from_text(text)
    if moment is None:
        raise RowProblem(field, "" if value is None else value, UNPARSEABLE_DATE)
    try:
        moment = _utc(moment)
    except (OverflowError, ValueError):
        raise RowProblem(field, value, UNPARSEABLE_DATE) from None
    if not MIN_YEAR <= moment.year <= MAX_YEAR:
        raise RowProblem(field, value, DATE_OUT_OF_RANGE)
    return moment


def plus_seconds(moment: datetime, seconds: int) -> datetime:
    return moment + timedelta(seconds=seconds)


# -- small categorical fields ------------------------------------------------------------------

_LANG_RE = re.compile(r"^([a-zA-Z]{2,3})(?:[-_][A-Za-z0-9]{2,8})*$")


def language_value(value: Any, field: str = "language") -> str | None:
    """'en-US' → 'en'; anything that is not a language tag → None (language is advisory)."""
    text = field_value(value, field)
    if text is None:
        return None
    match = _LANG_RE.match(text)
    return match.group(1).lower() if match else None


def int_value(value: Any, field: str) -> int | None:
    """A turn number: an int, an integral float, or a string of digits; empty → None."""
    if is_missing(value):
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, (str, bytes)):
        text = _as_str(value, field, numbers_ok=False).strip()
        try:
            number = float(text)
        except ValueError:
            number = math.nan
        if number.is_integer():
            return int(number)
    raise RowProblem(field, value, WRONG_TYPE)
