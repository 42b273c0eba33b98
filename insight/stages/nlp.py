"""spaCy stage: split customer-voice records into sentences with lemmas and noun chunks, per language.

Each record is analysed with the pipeline of its language (``records.language``, settled before
analysis by ``insight.ingest.language``): English with the trained ``en_core_web_sm``; Turkish,
Finnish, German, Spanish and French with spaCy's language classes (their tokenizer exceptions
know "Dr.", "z. B.", "vs."), a sentencizer and ``SENTENCE_GUARD``. A record with no language goes
to the default (English); a record in a language with no pipeline (Japanese, say) gets no sentences,
so no later stage sees it, and ``unsupported_languages`` counts it.

``stop_words(lang)`` and ``tokenize(text, lang)`` give other stages (topic labels) the same
per-language view of words.
"""

from __future__ import annotations

import functools
import json
import re
from collections import Counter
from collections.abc import Callable
from typing import Any

from insight.schema import stable_id

SENTENCE_COLUMNS = ["sentence_id", "record_id", "idx", "text", "start_char", "end_char", "lemmas", "noun_chunks"]
SUPPORTED_LANGUAGES = ("en", "tr", "fi", "de", "es", "fr")
DEFAULT_LANGUAGE = "en"
SENTENCE_GUARD = "insight_sentence_guard"
_MIN_SENTENCE_CHARS = 2
#: a dot after a word this short ("Örn.", "Ks.", "ca.", "env.") before a lowercase word or a number
#: is taken as an abbreviation, not a sentence end
_ABBREVIATION_MAX_LETTERS = 4


#: HTML in customer text (``<img onerror=...>``, ``<script>...</script>``, ``<a href="javascript:...">``) is
#: markup, not words: it is blanked before analysis so no sentence, aspect or label holds "onerror",
#: "javascript" or "data-". Lengths are bounded so a text full of "<a" stays linear; blanking twice
#: changes nothing (the first '>' after a '<' is never moved closer).
_MARKUP = re.compile(
    r"<(script|style)\b[^<>]{0,2000}>[^<]{0,20000}</\1\s*>"
    r"|<[A-Za-z/!][^>\n]{0,500}>",  # to the first '>' on the line: '<A<A>>' leaves no tag behind
    re.IGNORECASE,
)

_SPACE_RUN = re.compile(r" {2,}")


def blank_markup(text: str) -> str:
    """``text`` with each HTML tag (and script/style body) replaced by as many spaces, so sentence
    offsets still point into the stored text. ``I <3 it`` and ``2 < 3`` are not tags."""
    if "<" not in text:
        return text
    return _MARKUP.sub(lambda m: " " * len(m.group()), text)


def sentence_id_for(record_id: str, idx: int) -> str:
    return stable_id("sentence", record_id, str(idx))


def route_language(language: Any, default: str = DEFAULT_LANGUAGE) -> str:
    """The language whose pipeline analyses a record: its own, or ``default`` when it has none."""
    if isinstance(language, str) and language:
        return language.lower()
    return default


class LanguageRouter:
    """Language code -> spaCy pipeline, each loaded on first use by ``load(lang)``.

    ``for_language`` gives None for a language outside ``supported``: such records are skipped.
    """

    def __init__(self, load: Callable[[str], Any], *, supported: tuple[str, ...] = SUPPORTED_LANGUAGES,
                 default: str = DEFAULT_LANGUAGE) -> None:
        self.load = load
        self.supported = supported
        self.default = default
        self._pipelines: dict[str, Any] = {}

    def for_language(self, lang: str):
        if lang not in self.supported:
            return None
        if lang not in self._pipelines:
            self._pipelines[lang] = self.load(lang)
        return self._pipelines[lang]


def unsupported_languages(records, *, supported: tuple[str, ...] = SUPPORTED_LANGUAGES) -> Counter:
    """Language -> number of records in ``records`` that no pipeline here analyses."""
    langs = records["language"] if "language" in records else []
    return Counter(lang for lang in (route_language(x) for x in langs) if lang not in supported)


def split_sentences(records, *, nlp, batch_size: int = 256):
    """Records frame (record_id, text[, language]) -> sentences frame, one row per sentence.

    ``nlp`` is one spaCy pipeline (used for every record) or a ``LanguageRouter`` (each record
    goes to its language's pipeline; unsupported languages give no rows). Ids travel with the text
    through ``nlp.pipe(as_tuples=True)``; nothing is zipped back by position. Rows come out in the
    order of ``records``.
    """
    import pandas as pd

    groups: dict[str, list[tuple[str, str]]] = {}
    langs = records["language"] if isinstance(nlp, LanguageRouter) and "language" in records else None
    for i, (rid, text) in enumerate(zip(records["record_id"], records["text"], strict=True)):
        lang = route_language(langs.iloc[i], nlp.default) if langs is not None else DEFAULT_LANGUAGE
        groups.setdefault(lang, []).append((blank_markup(text), rid))

    by_record: dict[str, list[dict[str, Any]]] = {}
    for lang, pairs in groups.items():
        pipeline = nlp.for_language(lang) if isinstance(nlp, LanguageRouter) else nlp
        if pipeline is None:
            continue
        for doc, record_id in pipe_once(pipeline, pairs, batch_size=batch_size):
            by_record[record_id] = _rows(doc, record_id)
    rows = [row for rid in records["record_id"] for row in by_record.get(rid, [])]
    return pd.DataFrame(rows, columns=SENTENCE_COLUMNS)


def pipe_once(pipeline, pairs, *, batch_size: int = 256):
    """``pipeline.pipe(pairs, as_tuples=True)`` with each distinct text parsed once: yields ``(doc, context)``
    for every ``(text, context)`` pair, in order; pairs with the same text share one Doc (read it, never
    change it). spaCy parses each doc on its own, so a text's Doc is the same whatever else is in the
    batch; exports repeat texts ("Thanks!", retweets, template replies) and the parse is the nlp and
    acts stages' main cost."""
    pairs = list(pairs)
    distinct = list(dict.fromkeys(text for text, _ in pairs))
    docs = dict(zip(distinct, pipeline.pipe(distinct, batch_size=batch_size), strict=True))
    for text, context in pairs:
        yield docs[text], context


def _rows(doc, record_id: str) -> list[dict[str, Any]]:
    chunks = doc.has_annotation("DEP")
    rows = []
    for idx, (start, end, sents) in enumerate(_merged_spans(doc)):
        rows.append(
            {
                "sentence_id": sentence_id_for(record_id, idx),
                "record_id": record_id,
                "idx": idx,
                "text": _SPACE_RUN.sub(" ", doc.text[start:end].strip()),  # blanked markup leaves space runs
                "start_char": start,
                "end_char": end,
                "lemmas": " ".join(
                    (t.lemma_ or t.text).lower() for s in sents for t in s if not t.is_punct and not t.is_space
                ),
                "noun_chunks": json.dumps([c.text for s in sents for c in s.noun_chunks] if chunks else []),
            }
        )
    return rows


def _merged_spans(doc):
    """Sentence spans, with fragments that hold no letter or digit (emoji, '!!') merged into
    the sentence before them, so "Useless!! 😡" stays one sentence and keeps its emoji."""
    spans: list[tuple[int, int, list]] = []
    for sent in doc.sents:
        has_word = any(ch.isalnum() for ch in sent.text)
        if not sent.text.strip():
            continue
        if spans and not has_word:
            start, _, sents = spans[-1]
            spans[-1] = (start, sent.end_char, [*sents, sent])
        elif has_word or len(sent.text.strip()) >= _MIN_SENTENCE_CHARS:
            spans.append((sent.start_char, sent.end_char, [sent]))
    if not spans:  # a record that is only an emoji ("😡") is still one sentence: its sentiment counts
        sents = [s for s in doc.sents if s.text.strip()]
        if sents:
            spans.append((sents[0].start_char, sents[-1].end_char, sents))
    return spans


# -- the sentence guard -------------------------------------------------------------------------------
def guard_sentences(doc):
    """Undo sentencizer splits after an ordinal dot or a short abbreviation.

    A split after "." stays unless the dot follows a number ("3. päivä", "15. toukokuuta") or a word
    of at most four letters written against it ("Örn.", "Ks.", "ca.", "env.") *and* the next token
    starts with a lowercase letter or a digit. Abbreviations the tokenizer already knows ("z. B.",
    "Dr.", "vs.") never reach the sentencizer as a separate dot.
    """
    for i in range(2, len(doc)):
        tok = doc[i]
        if not tok.is_sent_start:
            continue
        dot, before = doc[i - 1], doc[i - 2]
        if dot.text != "." or before.whitespace_:
            continue
        first = tok.text[:1]
        if not (first.islower() or first.isdigit()):
            continue
        if before.like_num or before.text.isdigit() or (before.is_alpha and len(before.text) <= _ABBREVIATION_MAX_LETTERS):
            tok.is_sent_start = False
    return doc


@functools.cache
def register_components() -> None:
    """Register ``SENTENCE_GUARD`` with spaCy (done by ``resources.load_spacy``; imports spaCy)."""
    from spacy.language import Language

    if not Language.has_factory(SENTENCE_GUARD):
        Language.component(SENTENCE_GUARD)(guard_sentences)


# -- words for other stages -------------------------------------------------------------------------
@functools.cache
def stop_words(lang: str) -> frozenset[str]:
    """spaCy's stop words for ``lang`` (lowercase), or an empty set for a language spaCy lacks.

    Cheap: imports only the language's word list, no pipeline.
    """
    import importlib

    code = route_language(lang)
    try:
        module = importlib.import_module(f"spacy.lang.{code}.stop_words")
    except ImportError:
        return frozenset()
    return frozenset(w.lower() for w in module.STOP_WORDS)


@functools.cache
def _tokenizer(lang: str):
    import spacy

    try:
        return spacy.blank(lang).tokenizer
    except (ImportError, ValueError, KeyError):
        return spacy.blank("xx").tokenizer


def tokenize(text: str, lang: str) -> list[str]:
    """Lowercased word tokens of ``text`` by ``lang``'s tokenizer (punctuation and spaces dropped)."""
    return [t.lower_ for t in _tokenizer(route_language(lang))(text) if not (t.is_punct or t.is_space)]


def content_words(text: str, lang: str) -> list[str]:
    """The words of ``text`` that are not ``lang``'s stop words, numbers or single letters."""
    stops = stop_words(lang)
    return [w for w in tokenize(text, lang) if w not in stops and len(w) > 1 and any(c.isalpha() for c in w)]
