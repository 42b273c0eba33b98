"""A customer's dominant negative emotions: means over their negative sentences, as pandas gives them."""

import math

import pandas as pd

from insight.schema import EMOTIONS
from insight.stages.emotions import customer_emotions


def _row(customer, label, **emotions):
    row = {"customer_id": customer, "label": label}
    row.update({f"emo_{e}": emotions.get(e, 0.0) for e in EMOTIONS})
    return row


def _voice(rows):
    return pd.DataFrame(rows)


def test_the_two_strongest_negative_emotions_of_negative_sentences_only():
    voice = _voice([
        _row("A", "negative", anger=0.9, sadness=0.3, fear=0.1),
        _row("B", "negative", fear=0.6, disgust=0.2),
        _row("A", "negative", anger=0.7, sadness=0.5, fear=0.2),
        _row("A", "positive", anger=1.0, disgust=1.0),  # not a negative sentence
        _row(None, "negative", anger=1.0),  # no customer
        _row("B", "negative", fear=float("nan"), disgust=0.4),  # a missing score is skipped, not read as 0
        _row("B", "negative", anger=float("nan"), fear=0.0, disgust=1.0),  # no emotions: not counted
    ])
    out = customer_emotions(voice)
    assert set(out) == {"A", "B"}
    assert out["A"] == {"dominant_negative": [{"emotion": "anger", "score": 0.8}, {"emotion": "sadness", "score": 0.4}],
                        "negative_sentences": 2}
    assert out["B"] == {"dominant_negative": [{"emotion": "fear", "score": 0.6}, {"emotion": "disgust", "score": 0.3}],
                        "negative_sentences": 2}


def test_means_equal_pandas_group_means_bit_for_bit():
    values = [0.1, 0.2, 0.7, 0.30000000000000004, 0.15, 0.05, 0.9, 0.33, 0.27, 0.61]
    voice = _voice([_row("C", "negative", anger=v, fear=1 - v) for v in values])
    out = customer_emotions(voice)["C"]["dominant_negative"]
    expected = {"anger": float(pd.Series(values).mean()), "fear": float(pd.Series([1 - v for v in values]).mean())}
    assert [d["emotion"] for d in out] == sorted(expected, key=lambda e: -expected[e])
    assert all(math.isclose(d["score"], round(expected[d["emotion"]], 3), abs_tol=0) for d in out)
