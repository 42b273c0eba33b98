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


def extract_aspects(sentences, *, extractor, model, lemmatize=None, batch_size: int = 64):
    """Sentences frame -> one row per (sentence, aspect term) with polarity toward the term.

    The term tagger only reads the languages it was trained on (the shipped one: English); a sentence
    whose record is known to be in another language gets no aspects rather than English-shaped guesses.
    Sentences of unknown language (too short to tell) are read."""
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
    spans = extractor.extract(texts, batch_size=batch_size)
    pairs = []
    for sid, rid, text, found in zip(sentences["sentence_id"], sentences["record_id"], texts, spans, strict=True):
        for span in found:
            pairs.append((sid, rid, text, span))
    if not pairs:
        return pd.DataFrame(columns=ASPECT_COLUMNS)
    polarity = model.predict([p[2] for p in pairs], targets=[p[3]["term"] for p in pairs], batch_size=batch_size)
    rows = []
    for (sid, rid, _text, span), pol in zip(pairs, polarity, strict=True):
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
