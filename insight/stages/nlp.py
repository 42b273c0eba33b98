"""spaCy stage: split customer-voice records into sentences with lemmas and noun chunks."""

from __future__ import annotations

import json
from typing import Any

from insight.schema import stable_id

SENTENCE_COLUMNS = ["sentence_id", "record_id", "idx", "text", "start_char", "end_char", "lemmas", "noun_chunks"]
_MIN_SENTENCE_CHARS = 2


def sentence_id_for(record_id: str, idx: int) -> str:
    return stable_id("sentence", record_id, str(idx))


def split_sentences(records, *, nlp, batch_size: int = 256):
    """Records frame (record_id, text) -> sentences frame, one row per sentence.

    Ids travel with the text through ``nlp.pipe(as_tuples=True)``; nothing is zipped back by position.
    """
    import pandas as pd

    rows: list[dict[str, Any]] = []
    pairs = ((text, rid) for rid, text in zip(records["record_id"], records["text"], strict=True))
    for doc, record_id in nlp.pipe(pairs, as_tuples=True, batch_size=batch_size):
        for idx, (start, end, sents) in enumerate(_merged_spans(doc)):
            text = doc.text[start:end].strip()
            rows.append(
                {
                    "sentence_id": sentence_id_for(record_id, idx),
                    "record_id": record_id,
                    "idx": idx,
                    "text": text,
                    "start_char": start,
                    "end_char": end,
                    "lemmas": " ".join(
                        t.lemma_.lower() for s in sents for t in s if not t.is_punct and not t.is_space
                    ),
                    "noun_chunks": json.dumps([c.text for s in sents for c in s.noun_chunks]),
                }
            )
    return pd.DataFrame(rows, columns=SENTENCE_COLUMNS)


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
    return spans
