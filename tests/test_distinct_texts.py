"""The parse runs once per distinct text (nlp and acts stages), with the rows a parse of every record gives."""

from __future__ import annotations

import pandas as pd
import pytest

from insight import resources
from insight.stages.acts import detect_acts
from insight.stages.nlp import split_sentences

TEXTS = ["Thanks!", "Please add a dark mode. The app crashes every night.", "Thanks!",
         "I am cancelling my subscription.", "Please add a dark mode. The app crashes every night.", "Thanks!"]


class CountingPipeline:
    """Wraps a spaCy pipeline and keeps the texts it is asked to parse."""

    def __init__(self, nlp):
        self.nlp, self.parsed = nlp, []

    def pipe(self, texts, **kw):
        texts = list(texts)
        self.parsed += [t[0] if isinstance(t, tuple) else t for t in texts]
        return self.nlp.pipe(texts, **kw)


@pytest.fixture(scope="module")
def nlp():
    return resources.load_spacy("en")


def _one_by_one(nlp, texts, run):
    """``run`` over each text alone: what a parse of every record gives."""
    return pd.concat([run(nlp, [t], i) for i, t in enumerate(texts)], ignore_index=True)


def test_split_sentences_parses_each_distinct_text_once(nlp):
    frame = lambda texts, start=0: pd.DataFrame({"record_id": [f"r{start + i}" for i in range(len(texts))],  # noqa: E731
                                                 "text": texts})
    counting = CountingPipeline(nlp)
    got = split_sentences(frame(TEXTS), nlp=counting)
    assert counting.parsed == list(dict.fromkeys(TEXTS))
    want = _one_by_one(nlp, TEXTS, lambda p, texts, i: split_sentences(frame(texts, i), nlp=p))
    pd.testing.assert_frame_equal(got, want)
    assert list(got["record_id"]) == ["r0", "r1", "r1", "r2", "r3", "r4", "r4", "r5"]


def test_detect_acts_parses_each_distinct_sentence_once(nlp):
    sents = pd.DataFrame({"sentence_id": [f"s{i}" for i in range(len(TEXTS))],
                          "record_id": [f"r{i}" for i in range(len(TEXTS))], "text": TEXTS})
    counting = CountingPipeline(nlp)
    got = detect_acts(sents, nlp=counting)
    assert counting.parsed == list(dict.fromkeys(TEXTS))
    want = _one_by_one(nlp, TEXTS, lambda p, texts, i: detect_acts(sents.iloc[i:i + 1], nlp=p))
    plain = lambda f: f.astype(object).where(f.notna(), None).to_dict("records")  # noqa: E731 - None, not NaN
    assert plain(got) == plain(want)
    assert {"request", "churn"} <= set(got["act"])
    assert list(got.loc[got["act"] == "request", "sentence_id"]) == ["s1", "s4"]
