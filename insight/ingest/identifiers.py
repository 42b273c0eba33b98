"""Normalise handles and emails so a social author can be looked up in the identity map."""

from __future__ import annotations

import re

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def is_email(value: str) -> bool:
    return bool(EMAIL_RE.match(value.strip()))


def normalise_identifier(value: str) -> str:
    """'@Foo_Bar ' → 'foo_bar'; ' Ann@Example.COM' → 'ann@example.com'."""
    text = value.strip().lower()
    if text.startswith("mailto:"):
        text = text[len("mailto:") :]
    if is_email(text):
        return text
    return text.lstrip("@").strip()
