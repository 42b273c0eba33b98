"""Offline language identification with py3langid, and the fallbacks for short texts.

py3langid ships its own model (no download) and is loaded lazily on first use. Without it
installed, detection gives None.

Two steps, because short texts (tweets, one-line chat turns) are where language ID fails
(``scripts/eval_language.py`` measures it):

- at ingest, ``detect_language`` keeps a language only when py3langid is confident and the text
  has at least ``MIN_LETTERS`` letters; anything else stays open (None);
- before analysis, ``resolve_language`` settles an open record from what else is known about it
  (a text not in Latin letters keeps py3langid's answer: none of the supported languages uses another
  script, so Japanese stays Japanese and is skipped),
  in this order: the other turns of its conversation, the customer's other records, the CRM
  ``language`` field, and finally py3langid's best guess among the supported languages, in which
  the CRM ``country`` (or ``region``) is a weak prior that only breaks near-ties. ``fallback_languages`` applies it to a whole frame of records.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any

#: languages the analysis has per-language NLP for (insight.stages.nlp)
SUPPORTED = ("en", "tr", "fi", "de", "es", "fr")
MIN_LETTERS = 12
MIN_PROB = 0.3
#: the country's language wins a short text's guess when py3langid gives it this share of the top
#: supported language's probability (tuned on UMSAB dev, confirmed on XED dev: scripts/eval_language.py)
PRIOR_RATIO = 0.3
#: a supported-language guess on a text with fewer letters than this is noise ("ok", "??")
GUESS_MIN_LETTERS = 3
_LETTER_RE = re.compile(r"[^\W\d_]")

#: ISO 3166 country -> the language most of its customers write in (only supported languages)
COUNTRY_LANGUAGES = {
    "TR": "tr", "CY": "tr", "FI": "fi", "DE": "de", "AT": "de", "LI": "de", "ES": "es", "MX": "es",
    "AR": "es", "CO": "es", "CL": "es", "PE": "es", "VE": "es", "EC": "es", "UY": "es", "FR": "fr",
    "MC": "fr", "LU": "fr", "US": "en", "GB": "en", "UK": "en", "IE": "en", "AU": "en", "NZ": "en",
}
_COUNTRY_NAMES = {
    "turkey": "TR", "türkiye": "TR", "turkiye": "TR", "finland": "FI", "suomi": "FI", "germany": "DE",
    "deutschland": "DE", "austria": "AT", "österreich": "AT", "spain": "ES", "españa": "ES", "mexico": "MX",
    "méxico": "MX", "france": "FR", "united states": "US", "usa": "US", "united kingdom": "GB",
    "ireland": "IE", "australia": "AU", "new zealand": "NZ",
}


@lru_cache(maxsize=1)
def _identifier() -> Any:
    try:
        from py3langid.langid import MODEL_FILE, LanguageIdentifier
    except ImportError:
        return None
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def letters(text: str) -> int:
    return len(_LETTER_RE.findall(text, 0, 400))


def detect(text: str) -> tuple[str | None, float]:
    """py3langid's top language and its probability, with no threshold (None when unavailable)."""
    identifier = _identifier()
    if identifier is None or not text.strip():
        return None, 0.0
    lang, prob = identifier.classify(text[:1000])
    return str(lang), float(prob)


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of ``text`` ('en', 'fr', ...) or None when too short or unsure."""
    if letters(text) < MIN_LETTERS:
        return None
    lang, prob = detect(text)
    return lang if lang is not None and prob >= MIN_PROB else None


def best_supported_guess(text: str, prior: str | None = None, *, prior_ratio: float | None = None) -> str | None:
    """The most likely of the SUPPORTED languages for ``text`` (None without a few letters).

    ``prior`` (the language of the customer's country) wins when py3langid gives it at least
    ``prior_ratio`` (default PRIOR_RATIO) of the top supported language's probability: a weak prior
    that breaks near-ties on short texts without overruling clear evidence (a German customer
    writing English stays English).
    """
    identifier = _identifier()
    if identifier is None or letters(text) < GUESS_MIN_LETTERS:
        return prior if prior in SUPPORTED else None
    ranked = [(str(lang), float(p)) for lang, p in identifier.rank(text[:1000]) if lang in SUPPORTED]
    if not ranked:  # pragma: no cover - rank lists every language of the model
        return None
    top, p_top = ranked[0]
    ratio = PRIOR_RATIO if prior_ratio is None else prior_ratio
    if prior in SUPPORTED and prior != top and dict(ranked).get(prior, 0.0) >= ratio * p_top:
        return prior
    return top


def latin_script(text: str) -> bool:
    """True when at least half of the text's letters are Latin (or it has none)."""
    found = _LETTER_RE.findall(text, 0, 400)
    if not found:
        return True
    return sum(ch.isascii() or "\u00c0" <= ch <= "\u024f" for ch in found) * 2 >= len(found)


def country_language(country: Any) -> str | None:
    """'TR' / 'tr' / 'Turkey' / 'de-AT' -> the language its customers most likely write in."""
    if not isinstance(country, str) or not country.strip():
        return None
    text = country.strip()
    code = _COUNTRY_NAMES.get(text.lower(), text.upper())
    if len(code) == 5 and code[2] in "-_":  # a locale such as de-AT
        code = code[3:]
    return COUNTRY_LANGUAGES.get(code)


def crm_language(attributes: Mapping[str, Any] | None) -> str | None:
    """A supported language named by the CRM's ``language`` / ``lang`` / ``locale`` field."""
    for key in ("language", "lang", "locale"):
        value = (attributes or {}).get(key)
        if isinstance(value, str) and (m := re.match(r"\s*([A-Za-z]{2})(?:[-_][A-Za-z]{2})?\s*$", value)):
            if (lang := m.group(1).lower()) in SUPPORTED:
                return lang
    return None


def majority(languages: Iterable[str | None]) -> str | None:
    """The most common supported language (ties: the first seen), or None."""
    counts = Counter(lang for lang in languages if lang in SUPPORTED)
    if not counts:
        return None
    top = max(counts.values())
    return next(lang for lang in counts if counts[lang] == top)


def resolve_language(
    text: str,
    detected: str | None,
    *,
    conversation: Iterable[str | None] = (),
    history: Iterable[str | None] = (),
    attributes: Mapping[str, Any] | None = None,
    guess: bool = True,
) -> str | None:
    """The language to analyse a record in.

    ``detected``: what ingest stored (a given or confidently detected language, or None).
    ``conversation`` / ``history``: the languages of the other turns of its conversation and of the
    customer's other records. ``attributes``: the customer's CRM attributes (``language``, ``country``).
    """
    if detected and (detected in SUPPORTED or not latin_script(text)):
        return detected
    if not latin_script(text):  # every supported language is written in Latin letters: trust py3langid
        return detect(text)[0]
    # a confident but unsupported detection of a Latin-script text ("gl" for Spanish, "az" for Turkish)
    # gives way to what the customer is known to write; with nothing known it stands (and is skipped)
    for source in (majority(conversation), majority(history), crm_language(attributes)):
        if source:
            return source
    if detected:
        return detected
    if not guess:
        return None
    attrs = attributes or {}
    return best_supported_guess(text, country_language(attrs.get("country")) or country_language(attrs.get("region")))


def fallback_languages(records, attributes: Mapping[str, Mapping[str, Any]] | None = None) -> dict[str, str]:
    """record_id -> language for the records of ``records`` whose language is open (None) or
    unsupported, where ``resolve_language`` settles it differently.

    ``records``: a frame with record_id, customer_id, conversation_id, text and language, holding the
    open records *and* the records whose languages inform them (the customer's others, the
    conversation's other turns). ``attributes``: customer_id -> CRM attributes. Records that stay
    open (no history, no CRM field, no letters) are left out of the result.
    """
    attributes = attributes or {}
    by_customer: dict[Any, list[str]] = {}
    by_conversation: dict[Any, list[str]] = {}
    known = records[records["language"].isin(SUPPORTED)]
    for cid, conv, lang in zip(known["customer_id"], known["conversation_id"], known["language"], strict=True):
        if _present(cid):
            by_customer.setdefault(cid, []).append(lang)
        if _present(conv):
            by_conversation.setdefault(conv, []).append(lang)
    out: dict[str, str] = {}
    open_ = records[~records["language"].isin(SUPPORTED)]
    for rid, cid, conv, text, current in zip(open_["record_id"], open_["customer_id"], open_["conversation_id"],
                                             open_["text"], open_["language"], strict=True):
        current = current if isinstance(current, str) and current else None
        lang = resolve_language(
            text, current,
            conversation=by_conversation.get(conv, []) if _present(conv) else [],
            history=by_customer.get(cid, []) if _present(cid) else [],
            attributes=attributes.get(cid) if _present(cid) else None,
        )
        if lang and lang != current:
            out[rid] = lang
    return out


def _present(value: Any) -> bool:
    return isinstance(value, str) and bool(value)


#: share of texts in another supported language from which topics need the multilingual embedder
#: (short English texts misrouted by the language guess stay well below it: 3.3 % of XED English lines)
MULTILINGUAL_SHARE = 0.05
ENGLISH_EMBEDDER = "embed.all-minilm-l6-v2.v1"
MULTILINGUAL_EMBEDDER = "embed.multilingual-e5-small-q4.v2"


def embedder_for_languages(counts: Mapping[str | None, int]) -> str:
    """The topic embedder for a collection with these language counts: multilingual-e5-small when at
    least MULTILINGUAL_SHARE of the supported-language texts are not English, else all-MiniLM (English
    discovery is better with it: README, Languages). Set $INSIGHT_EMBEDDER to override."""
    import os

    if os.environ.get("INSIGHT_EMBEDDER"):
        return os.environ["INSIGHT_EMBEDDER"]
    total = sum(n for lang, n in counts.items() if lang in SUPPORTED)
    other = total - counts.get("en", 0)
    return MULTILINGUAL_EMBEDDER if total and other / total >= MULTILINGUAL_SHARE else ENGLISH_EMBEDDER


def embedder_for_texts(texts: Iterable[str]) -> str:
    """``embedder_for_languages`` over each text's language (confident detection, else the best
    supported guess)."""
    return embedder_for_languages(Counter(detect_language(t) or best_supported_guess(t) for t in texts))
