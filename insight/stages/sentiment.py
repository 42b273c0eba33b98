"""Sentiment stage: sentence-level scores and emotions from the trained model, document scores
aggregated from sentences (so one bitter sentence in a five-star review stays visible).

A sentence carries its record's language. In a language the model does not support it gets
``supported = false`` and no label or scores (NULL), so it never counts as a complaint or as praise.
"""

from __future__ import annotations

import math

from insight.schema import EMOTION_COLUMNS, EMOTIONS
SENTENCE_SENTIMENT_COLUMNS = [
    "sentence_id", "record_id", "label", "score", "p_negative", "p_neutral", "p_positive", "model",
    "language", "supported", *EMOTION_COLUMNS,
]
DOC_SENTIMENT_COLUMNS = [
    "record_id", "label", "score", "p_negative", "p_neutral", "p_positive", "mixed", "min_score",
    "most_negative_sentence", "model",
]


def _flat(result: dict) -> dict:
    probs = result["probabilities"]
    if probs is None:  # unsupported language: no scores
        return {"label": None, "score": None, "p_negative": None, "p_neutral": None, "p_positive": None}
    return {
        "label": result["label"],
        "score": float(result["score"]),
        "p_negative": float(probs["negative"]),
        "p_neutral": float(probs["neutral"]),
        "p_positive": float(probs["positive"]),
    }


def _emotions(result: dict) -> dict:
    emo = result.get("emotions") or {}
    return {f"emo_{e}": (float(emo[e]) if e in emo else None) for e in EMOTIONS}


def _language(value):
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return str(value)


def score_sentences(sentences, *, model, batch_size: int = 64):
    """Sentences frame (sentence_id, record_id, text[, language]) -> one sentiment row per sentence."""
    import pandas as pd

    langs = ([_language(v) for v in sentences["language"]] if "language" in sentences.columns
             else [None] * len(sentences))
    results = model.predict(list(sentences["text"]), batch_size=batch_size, languages=langs) if len(sentences) else []
    rows = [
        {"sentence_id": sid, "record_id": rid, **_flat(res), "model": model.name,
         "language": res.get("language"), "supported": bool(res.get("supported", True)), **_emotions(res)}
        for sid, rid, res in zip(sentences["sentence_id"], sentences["record_id"], results, strict=True)
    ]
    return pd.DataFrame(rows, columns=SENTENCE_SENTIMENT_COLUMNS)


def score_documents(sentence_scores, sentences, *, model_name: str):
    """Aggregate sentence scores per record (ordered by sentence index) into document sentiment."""
    import pandas as pd

    from insight.modelling.sentiment import aggregate_document

    if "supported" in sentence_scores.columns:  # unsupported-language sentences have no scores
        sentence_scores = sentence_scores[sentence_scores["supported"].astype(bool)]
    if len(sentence_scores) == 0:
        return pd.DataFrame(columns=DOC_SENTIMENT_COLUMNS)
    merged = sentence_scores.merge(sentences[["sentence_id", "idx"]], on="sentence_id").sort_values(
        ["record_id", "idx"]
    )
    rows = []
    for record_id, group in merged.groupby("record_id", sort=True):
        per_sentence = [
            {
                "label": r.label,
                "score": r.score,
                "probabilities": {"negative": r.p_negative, "neutral": r.p_neutral, "positive": r.p_positive},
            }
            for r in group.itertuples()
        ]
        doc = aggregate_document(per_sentence)
        idx_list = list(group["idx"])
        worst = doc.get("most_negative_sentence")
        rows.append(
            {
                "record_id": record_id,
                **_flat(doc),
                "mixed": bool(doc.get("mixed", False)),
                "min_score": float(doc.get("min_score", min(group["score"]))),
                "most_negative_sentence": int(idx_list[worst]) if worst is not None else None,
                "model": model_name,
            }
        )
    return pd.DataFrame(rows, columns=DOC_SENTIMENT_COLUMNS)


def score_texts(texts: list[str], *, model, batch_size: int = 64, languages=None) -> list[dict]:
    """Plain texts -> JSON-able results, for `insight sentiment` (one text = one document).

    languages: one ISO code (or None) per text; by default each text's language is detected."""
    if not texts:
        return []
    if languages is None:
        from insight.ingest.language import detect_language

        languages = [detect_language(t) for t in texts]
    return model.predict(texts, batch_size=batch_size, languages=languages)
