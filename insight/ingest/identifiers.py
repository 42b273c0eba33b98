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


def customer_for_handle(idmap, identifier: str, platform: str | None) -> str | None:
    """The customer ``identifier`` (normalised) belongs to on ``platform``, from
    ``{(identifier, platform): customer_id}`` where platform "" means any platform.

    An identity given for the same platform wins, then one given without a platform; a handle
    known only on another platform does not match (@zed on reddit is not @zed on twitter). A post
    whose platform is unknown matches a platform-specific identity only when it is the only one.
    """
    plat = (platform or "").strip().lower()
    if plat:
        hit = idmap.get((identifier, plat))
        return hit if hit is not None else idmap.get((identifier, ""))
    hit = idmap.get((identifier, ""))
    if hit is not None:
        return hit
    owners = {cid for (ident, _), cid in idmap.items() if ident == identifier}
    return owners.pop() if len(owners) == 1 else None
