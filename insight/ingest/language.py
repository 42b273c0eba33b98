"""Cheap offline language detection with py3langid, loaded lazily on first use.

py3langid ships its own model (no download). Texts shorter than MIN_LETTERS letters give None:
a guess on "ok thx" is noise. Without py3langid installed, detection gives None.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

MIN_LETTERS = 12
MIN_PROB = 0.3
_LETTER_RE = re.compile(r"[^\W\d_]")


@lru_cache(maxsize=1)
def _identifier() -> Any:
    try:
        from py3langid.langid import MODEL_FILE, LanguageIdentifier
    except ImportError:
        return None
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of ``text`` ('en', 'fr', ...) or None when too short or unsure."""
    if len(_LETTER_RE.findall(text, 0, 400)) < MIN_LETTERS:
        return None
    identifier = _identifier()
    if identifier is None:
        return None
    lang, prob = identifier.classify(text[:1000])
    return str(lang) if prob >= MIN_PROB else None
