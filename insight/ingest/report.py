"""What an ingest did with a file's columns: which column fed each field, which were ignored, and
which ignored ones look like a field the file has no column for (with the ``--map`` that uses it)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from insight.ingest.columns import FIELDS, norm

#: column-name words (English synonyms aside) that name a field; matched against the words of a header
_WORDS: dict[str, tuple[str, ...]] = {
    "rating": ("stars", "star", "rating", "ratings", "score", "sterne", "bewertung", "note", "puan", "arvosana",
               "tähdet", "points"),
    "customer_id": ("customer", "customers", "client", "kunde", "kunden", "kundennummer", "kundenid", "kundennr",
                    "asiakas", "asiakasnumero", "müşteri", "musteri", "cliente", "account"),
    "created_at": ("date", "datum", "tarih", "päivämäärä", "fecha", "timestamp", "created"),
    "text": ("text", "review", "comment", "kommentar", "feedback", "body", "message", "yorum", "palaute"),
    "product": ("product", "produkt", "ürün", "tuote", "producto", "sku"),
    "title": ("title", "titel", "headline", "subject", "betreff"),
    "language": ("language", "sprache", "lang", "dil", "kieli"),
}
_SCALE = re.compile(r"(\d+)\s*(?:-|–|to|bis)\s*(\d+)")


def _words(column: str) -> list[str]:
    return [w for w in re.split(r"[^\w]+|_", column.lower()) if w and not w.isdigit()]


def _field_for(column: str, fields: Sequence[str]) -> str | None:
    """The field an unused column seems to hold: a field word in its name, or a German-style compound
    that starts with one ("Kundennummer")."""
    words = _words(column)
    for field_name in fields:
        vocabulary = _WORDS.get(field_name, ())
        if any(w in vocabulary for w in words) or norm(column) in vocabulary:
            return field_name
    return None


def ignored_columns(file_columns: Sequence[str], used: Mapping[str, str]) -> list[str]:
    taken = set(used.values())
    return [c for c in file_columns if c not in taken]


def suggestions(kind: str, file_columns: Sequence[str], used: Mapping[str, str]) -> list[tuple[str, str, str]]:
    """``(column, field, advice)`` for each ignored column that looks like a field without a column."""
    open_fields = [f for f in FIELDS.get(kind, {}) if f not in used and f in _WORDS]
    out = []
    for column in ignored_columns(file_columns, used):
        field_name = _field_for(column, open_fields)
        if field_name is None:
            continue
        advice = f'--map {field_name}="{column}"'
        scale = _SCALE.search(column)
        if field_name == "rating" and scale and int(scale.group(1)) < int(scale.group(2)):
            advice += f" --rating-scale {scale.group(1)}-{scale.group(2)}"
        out.append((column, field_name, advice))
        open_fields.remove(field_name)
    return out


def column_lines(path: str, kind: str, file_columns: Sequence[str], used: Mapping[str, str]) -> list[str]:
    """The lines ``insight ingest`` prints (stderr) after a file: used, ignored, and the warnings."""
    lines = [f"{path}: columns used: " + ", ".join(f"{f} <- {c!r}" for f, c in used.items())]
    if kind == "customers":  # every other column of a CRM export is kept as an attribute
        rest = ignored_columns(file_columns, used)
        if rest:
            lines[0] += "; attributes: " + ", ".join(repr(c) for c in rest)
        return lines
    ignored = ignored_columns(file_columns, used)
    if ignored:
        lines.append(f"{path}: columns ignored: " + ", ".join(repr(c) for c in ignored))
    for column, field_name, advice in suggestions(kind, file_columns, used):
        lines.append(f"{path}: warning: ignored column {column!r} looks like the {field_name} field. "
                     f"To use it, ingest again with {advice}.")
    return lines
