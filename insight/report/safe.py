"""Make untrusted text inert in the files insight writes for people.

- CSV opened in a spreadsheet: a text cell starting with ``=``, ``+``, ``-``, ``@``, tab or CR is
  a formula there (``=HYPERLINK(...)``, ``+cmd|' /C calc'!A0``, ``@SUM(...)``); it gets a leading
  ``'`` (OWASP's advice), so the spreadsheet shows it as text. Numbers are left alone.
- Markdown: ``&``, ``<`` and ``>`` become entities (no raw ``<script>`` or ``<img onerror>``
  reaches a renderer) and line breaks become spaces (a quote cannot start a heading or a list).
"""

from __future__ import annotations

import re
from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NEWLINES = re.compile(r"[\r\n\u2028\u2029\x0b\x0c\x85]+")
_CR = re.compile(r"\r\n?")


def csv_cell(value: Any) -> Any:
    """``value`` with a leading ``'`` when it is text a spreadsheet would run as a formula.

    A carriage return becomes a line feed: writers quote a cell holding a line feed, but not one
    holding a bare CR, which a spreadsheet reads as a new row (whose first cell could be a formula)."""
    if not isinstance(value, str):
        return value
    if value.startswith(FORMULA_START):
        value = "'" + value
    return _CR.sub("\n", value) if "\r" in value else value


def csv_frame(frame):
    """A copy of a DataFrame with every text cell made safe (numeric columns untouched)."""
    from pandas.api.types import is_numeric_dtype

    out = frame.copy()
    for column in out.columns:
        if not is_numeric_dtype(out[column].dtype):
            out[column] = out[column].astype(object).map(csv_cell)
    return out


def md_text(value: Any) -> str:
    """Text for a Markdown page: HTML-escaped, on one line."""
    text = str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _NEWLINES.sub(" ", text)


def md_cell(value: Any) -> str:
    """Text for a Markdown table cell: as :func:`md_text`, with ``|`` escaped."""
    return md_text(value).replace("|", "\\|")


def md_tree(value: Any) -> Any:
    """Every string (keys too) in a JSON-like structure passed through :func:`md_text`."""
    if isinstance(value, str):
        return md_text(value)
    if isinstance(value, dict):
        return {md_tree(k) if isinstance(k, str) else k: md_tree(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [md_tree(v) for v in value]
    return value
