"""Mask personal data in free text before it is stored: emails, phone numbers, payment cards.

``mask_pii("mail me at ann@x.com or +1 (555) 123-4567")`` → ``"mail me at [EMAIL] or [PHONE]"``.

Careful regexes rather than a heavy dependency. A candidate phone number must have 7–15 digits
and separators (or a leading ``+``); dates, year ranges, prices, versions, IP addresses and
numbers right after "order", "invoice", "ticket", "#" ... are left alone. A card number is 13–19
digits (spaces or dashes allowed) that pass the Luhn check.
"""

from __future__ import annotations

import re
from collections.abc import Callable

EMAIL_TOKEN = "[EMAIL]"
PHONE_TOKEN = "[PHONE]"
CARD_TOKEN = "[CARD]"

_EMAIL_RE = re.compile(
    r"(?<![\w.+%-])[A-Za-z0-9][A-Za-z0-9._%+-]*@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,24}\b"
)
_CARD_RE = re.compile(r"(?<![\w.,/-])\d(?:[ -]?\d){12,18}(?![\w/-]|[.,]\d)")
_PHONE_RE = re.compile(
    r"(?<![\w.,/:#-])"
    r"(?:\+\d{1,3}[ .-]?)?"  # country code
    r"(?:\(\d{1,5}\)[ .-]?)?"  # (area code)
    r"\d{1,8}(?:[ .-]\d{1,8}){0,5}"
    r"(?![\w/:-]|[.,]\d)"
)
# Words that make a following number an identifier, not a phone ("order no. 555-1234").
_ID_CONTEXT_RE = re.compile(
    r"(?:order|invoice|ticket|case|ref|reference|tracking|confirmation|serial|model|sku|part|"
    r"receipt|booking|transaction|account|acct|policy|version|ver|v|build|isbn|zip|postcode|"
    r"postal code|item|id)\s*(?:number|num|no\.?|nr\.?|id|code)?\s*[:#]?\s*$"
    r"|#\s*$|[$€£¥]\s*$|\b(?:usd|eur|gbp|rs|inr)\s*$",
    re.IGNORECASE,
)
_DATE_LIKE_RE = re.compile(
    r"^(?:\d{4}[ .-]\d{1,2}[ .-]\d{1,2}|\d{1,2}[ .-]\d{1,2}[ .-]\d{2,4}|(?:19|20)\d\d\s?-\s?(?:19|20)?\d\d)$"
)
_DIGIT_RE = re.compile(r"\d")
_IP_LIKE_RE = re.compile(r"^\d{1,3}(?:\.\d{1,3}){3}$")


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _looks_like_card(candidate: str) -> bool:
    digits = re.sub(r"\D", "", candidate)
    return 13 <= len(digits) <= 19 and len(set(digits)) > 1 and luhn_ok(digits)


def _looks_like_phone(candidate: str) -> bool:
    digits = re.sub(r"\D", "", candidate)
    if not 7 <= len(digits) <= 15:
        return False
    if candidate.startswith("+"):
        return len(digits) >= 8
    if candidate.startswith("("):
        return True
    groups = re.split(r"[ .-]", candidate)
    if len(groups) < 2:
        return False  # a bare run of digits: an order number as often as a phone
    if _DATE_LIKE_RE.match(candidate) or _IP_LIKE_RE.match(candidate):
        return False
    if "." in candidate and len(groups) == 2:
        return False  # a decimal number: 1234.5678
    sizes = [len(g) for g in groups]
    if sizes[-1] < 3 and not (sizes == [2] * 5 and groups[0].startswith("0")):  # FR: 01 23 45 67 89
        return False
    if sizes[0] == 1 and len(groups) == 2:
        return False  # '1 2345678' reads like a count and a number
    return all(s >= 2 for s in sizes[1:]) or (sizes[0] == 1 and len(digits) in (10, 11))


def _mask(text: str, pattern: re.Pattern[str], accept: Callable[[str], bool], token: str) -> str:
    """Replace each match of ``pattern`` that ``accept`` approves and no id word precedes."""
    out: list[str] = []
    last = 0
    for match in pattern.finditer(text):
        if not accept(match.group()):
            continue
        if _ID_CONTEXT_RE.search(text[max(0, match.start() - 30) : match.start()]):
            continue
        out.append(text[last : match.start()])
        out.append(token)
        last = match.end()
    out.append(text[last:])
    return "".join(out)


def mask_pii(text: str) -> str:
    """``text`` with emails, phone numbers and payment card numbers replaced by tokens."""
    if not text:
        return text
    if "@" in text:
        text = _EMAIL_RE.sub(EMAIL_TOKEN, text)
    if len(_DIGIT_RE.findall(text)) < 7:
        return text
    text = _mask(text, _CARD_RE, _looks_like_card, CARD_TOKEN)
    return _mask(text, _PHONE_RE, _looks_like_phone, PHONE_TOKEN)
