"""Mask personal data in free text before it is stored: emails, IBANs, payment cards, phone numbers.

``mask_pii("mail me at ann@x.com or +1 (555) 123-4567")`` → ``"mail me at [EMAIL] or [PHONE]"``.

Careful regexes rather than a heavy dependency (measured against Presidio's pattern recognisers
by ``scripts/eval_pii.py``, on the planted set in ``tests/data/pii_planted.json``):

- an email may have a Unicode or apostrophe local part (``müller@``, ``john.o'brien@``);
- an IBAN is a country code, two check digits and 11–30 letters or digits that pass the ISO 13616
  mod-97 check;
- a card number is 13–19 digits (spaces or dashes allowed) that pass the Luhn check;
- a phone number has 7–15 digits, grouped as phone numbers are written in the US, UK, Germany,
  Turkey, Finland and France (``0532 123 45 67``, ``0176/12345678``, ``+358401234567``), not as
  quantities (``1 200 000``), dates, times, year ranges, prices, versions or IP addresses.

A number right after an identifier word ("order", "ticket", "tracking", "#", a currency ...) is
left alone; weak words ("case", "item", "account", "model", "id") count only with a marker
("case no.", "case #", "id:"), so "in any case, 020 7946 0958" is still masked. Words match whole
(the "id" in "said", "paid" or "android" is not an identifier word).

Masking is idempotent: the tokens hold no digits and no ``@``.
"""

from __future__ import annotations

import re
from collections.abc import Callable

EMAIL_TOKEN = "[EMAIL]"
PHONE_TOKEN = "[PHONE]"
CARD_TOKEN = "[CARD]"
IBAN_TOKEN = "[IBAN]"
TOKENS = (EMAIL_TOKEN, PHONE_TOKEN, CARD_TOKEN, IBAN_TOKEN)

_EMAIL_RE = re.compile(
    r"(?<![\w.+%'-])\w[\w.%+'-]*@\w(?:[\w-]*\w)?(?:\.\w(?:[\w-]*\w)?)*\.[^\W\d_]{2,24}(?![\w-])"
)
_IBAN_RE = re.compile(r"(?<![\w-])[A-Za-z]{2}\d{2}(?: ?[A-Za-z0-9]{4}){2,7}(?: ?[A-Za-z0-9]{1,4})?(?![\w-])")
# A token left by masking stands for the digits it replaced, so what follows or precedes a number
# reads the same on a second pass (masking stays idempotent).
_NUMBER_TOKEN = r"\[(?:PHONE|CARD|IBAN)\]"
_CARD_RE = re.compile(rf"(?<![\w.,/-])\d(?:[ -]?\d){{12,18}}(?![\w/-]|[.,]\d|[ -]\d|[ -]{_NUMBER_TOKEN})")
_PHONE_RE = re.compile(
    r"(?<![\w.,/:#+-])"
    r"(?:\+\s?\d{1,3}[ .-]?)?"  # country code
    r"(?:\(\d{1,5}\)[ .-]?)?"  # (area code) or (0)
    r"\d{1,12}(?:(?:[ .-]|/)\d{1,12}){0,6}"
    r"(?![\w/:-]|[.,]\d)"
)
_STRONG_ID = (r"order|invoice|ticket|ref|reference|tracking|confirmation|serial|sku|receipt|booking|"
              r"transaction|isbn|zip|postcode|postal code|version|ver|build|imei|iccid|gtin|ean|upc")
_WEAK_ID = r"case|item|part|model|account|acct|policy|id|v"
_ID_CONTEXT_RE = re.compile(
    rf"\b(?:{_STRONG_ID})(?:\s*(?:number|num|no\.?|nr\.?|id|code))?\s*[:#]?\s*$"
    rf"|\b(?:{_WEAK_ID})\s*(?:(?:number|num|no\.?|nr\.?|id|code)\s*[:#]?|[:#])\s*$"
    r"|#\s*$|[$€£¥]\s*$|\b(?:usd|eur|gbp|rs|inr|try|tl)\s*$",
    re.IGNORECASE,
)
_DATE_LIKE_RE = re.compile(
    r"^(?:\d{4}[ ./-]\d{1,2}[ ./-]\d{1,2}|\d{1,2}[ ./-]\d{1,2}[ ./-]\d{2,4}|(?:19|20)\d\d\s?-\s?(?:19|20)?\d\d)$"
)
_DIGIT_RE = re.compile(r"\d")
_IP_LIKE_RE = re.compile(r"^\d{1,3}(?:\.\d{1,3}){3}$")
_SEP_RE = re.compile(r"[ ./-]")
_NUMBER_TAIL_RE = re.compile(rf"(?:(?:\d+|{_NUMBER_TOKEN}) )+$")


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def iban_ok(candidate: str) -> bool:
    """ISO 13616: 15–34 characters whose rearranged digits leave 1 modulo 97."""
    text = re.sub(r"\s", "", candidate).upper()
    if not 15 <= len(text) <= 34 or not text[4:].isalnum():
        return False
    rearranged = text[4:] + text[:4]
    digits = "".join(str(int(ch, 36)) for ch in rearranged)
    return int(digits) % 97 == 1


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
    if "/" in candidate:  # German style 0176/12345678; otherwise a date or a fraction
        return re.fullmatch(r"0\d{2,5}/\d{3,10}", candidate) is not None
    groups = _SEP_RE.split(candidate)
    sizes = [len(g) for g in groups]
    leading_zero = candidate.startswith("0")
    if len(groups) == 1:  # a bare run of digits: a phone only in national form (07700900123)
        return leading_zero and len(digits) in (10, 11) and digits[1] != "0"
    if _DATE_LIKE_RE.match(candidate) or _IP_LIKE_RE.match(candidate):
        return False
    if "." in candidate and len(groups) == 2:
        return False  # a decimal number: 1234.5678
    if not leading_zero and sizes[0] <= 3 and all(s == 3 for s in sizes[1:]):
        return False  # thousands: 1 200 000, 120 345 678, 1.234.567
    if sizes[-1] < 3:
        # two-digit tails: TR 0532 123 45 67, FI 050 123 45 67, FR 01 23 45 67 89
        return leading_zero and len(groups) >= 4 and all(s >= 2 for s in sizes[1:]) and len(digits) >= 9
    if sizes[0] == 1 and len(groups) == 2:
        return False  # '1 2345678' reads like a count and a number
    return all(s >= 2 for s in sizes[1:]) or (sizes[0] == 1 and len(digits) in (10, 11))


def _mask(text: str, pattern: re.Pattern[str], accept: Callable[[str], bool], token: str, *, context: bool = True) -> str:
    """Replace each match of ``pattern`` that ``accept`` approves and no id word precedes."""
    out: list[str] = []
    last = 0
    for match in pattern.finditer(text):
        if not accept(match.group()):
            continue
        # digits right before the match continue the same number ('ticket #4111 1111 1111 1111'):
        # the words before them decide
        before = _NUMBER_TAIL_RE.sub("", text[max(0, match.start() - 60) : match.start()])[-30:]
        if context and _ID_CONTEXT_RE.search(before):
            continue
        out.append(text[last : match.start()])
        out.append(token)
        last = match.end()
    out.append(text[last:])
    return "".join(out)


def mask_pii(text: str) -> str:
    """``text`` with emails, IBANs, payment card numbers and phone numbers replaced by tokens."""
    if not text:
        return text
    if "@" in text:
        text = _EMAIL_RE.sub(EMAIL_TOKEN, text)
    if len(_DIGIT_RE.findall(text)) < 7:
        return text
    text = _mask(text, _IBAN_RE, iban_ok, IBAN_TOKEN, context=False)
    text = _mask(text, _CARD_RE, _looks_like_card, CARD_TOKEN)
    return _mask(text, _PHONE_RE, _looks_like_phone, PHONE_TOKEN)
