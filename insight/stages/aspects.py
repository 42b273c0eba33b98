"""Aspect stage: aspect terms in each sentence and the polarity toward each term."""

from __future__ import annotations

import re

from insight.schema import stable_id

ASPECT_COLUMNS = [
    "aspect_id", "sentence_id", "record_id", "term", "norm", "start_char", "end_char", "label", "score", "model",
]
_LEADING = re.compile(r"^(the|a|an|my|our|your|their|his|her|its|this|that|these|those|some)\s+", re.I)


def normalise_term(term: str, lemmatize=None) -> str:
    """'The Batteries' -> 'battery' (lower-case, leading determiner dropped, lemmatised when given)."""
    term = _LEADING.sub("", term.strip().lower())
    term = re.sub(r"\s+", " ", term)
    if lemmatize is not None:
        term = lemmatize(term)
    return term


def _extractor_languages(extractor) -> frozenset[str]:
    meta = getattr(extractor, "meta", None) or {}
    return frozenset(meta.get("languages") or ["en"])


def needs_foreign_polarity(sentences, extractor) -> bool:
    """Whether ``extract_aspects`` will read terms in sentences known to be in a language other than English
    (so the caller loads the multilingual polarity model only then)."""
    if "language" not in sentences.columns:
        return False
    other = set(_extractor_languages(extractor)) - {"en"}
    return bool(other & set(sentences["language"].dropna()))


def extract_aspects(sentences, *, extractor, model, lemmatize=None, batch_size: int = 64, foreign_model=None):
    """Sentences frame -> one row per (sentence, aspect term) with polarity toward the term.

    The term tagger only reads the languages it was trained on (its ``languages``; English for a model that
    declares none); a sentence whose record is known to be in another language gets no aspects rather than
    English-shaped guesses. Sentences of unknown language (too short to tell) are read.

    ``model`` reads the polarity toward each term of an English (or unknown-language) sentence;
    ``foreign_model`` (a multilingual SentimentModel) that of a sentence known to be in another language
    (default: ``model``)."""
    import pandas as pd

    if len(sentences) == 0:
        return pd.DataFrame(columns=ASPECT_COLUMNS)
    if "language" in sentences.columns:
        langs = _extractor_languages(extractor)
        keep = [bool(missing) or lang in langs
                for lang, missing in zip(sentences["language"], sentences["language"].isna(), strict=True)]
        sentences = sentences[keep]
        if len(sentences) == 0:
            return pd.DataFrame(columns=ASPECT_COLUMNS)
    texts = list(sentences["text"])
    langs = list(sentences["language"]) if "language" in sentences.columns else [None] * len(texts)
    spans = extractor.extract(texts, batch_size=batch_size)
    pairs = []
    for sid, rid, text, lang, found in zip(sentences["sentence_id"], sentences["record_id"], texts, langs, spans,
                                           strict=True):
        for span in found:
            pairs.append((sid, rid, text, span, lang if isinstance(lang, str) else None))
    if not pairs:
        return pd.DataFrame(columns=ASPECT_COLUMNS)
    polarity = _polarity(pairs, model, foreign_model or model, batch_size)
    rows = []
    for (sid, rid, _text, span, _lang), pol in zip(pairs, polarity, strict=True):
        rows.append(
            {
                "aspect_id": stable_id("aspect", sid, str(span["start"]), str(span["end"])),
                "sentence_id": sid,
                "record_id": rid,
                "term": span["term"],
                "norm": normalise_term(span["term"], lemmatize),
                "start_char": int(span["start"]),
                "end_char": int(span["end"]),
                "label": pol["label"],
                "score": float(pol["score"]),
                "model": extractor.name,
            }
        )
    return pd.DataFrame(rows, columns=ASPECT_COLUMNS).drop_duplicates("aspect_id")


def _polarity(pairs: list, model, foreign_model, batch_size: int) -> list[dict]:
    """The polarity toward each pair's term: English and unknown-language sentences read by ``model``, the
    others by ``foreign_model``, results back in the pairs' order."""
    foreign = [i for i, p in enumerate(pairs) if p[4] not in (None, "en")]
    if foreign_model is model or not foreign:
        return model.predict([p[2] for p in pairs], targets=[p[3]["term"] for p in pairs], batch_size=batch_size)
    out: list = [None] * len(pairs)
    english = [i for i, p in enumerate(pairs) if p[4] in (None, "en")]
    for m, idx in ((model, english), (foreign_model, foreign)):
        if idx:
            got = m.predict([pairs[i][2] for i in idx], targets=[pairs[i][3]["term"] for i in idx],
                            batch_size=batch_size)
            for i, r in zip(idx, got, strict=True):
                out[i] = r
    return out


def spacy_lemmatizer(nlp):
    """A term lemmatiser built on the spaCy pipeline (last token lemmatised: 'batteries' -> 'battery').
    Terms repeat across a corpus, so each distinct term runs through spaCy once."""
    import functools

    @functools.lru_cache(maxsize=100_000)
    def lemmatize(term: str) -> str:
        doc = nlp(term)
        if len(doc) == 0:
            return term
        return " ".join([t.text.lower() for t in doc[:-1]] + [doc[-1].lemma_.lower()])

    return lemmatize
