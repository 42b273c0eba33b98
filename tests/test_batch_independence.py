"""A text's result depends on that text only: scored alone or in any batch, whatever stands beside it.

The shipped CPU graphs quantise activations with one scale per onnxruntime call, so the runner runs
each text alone (``insight.modelling._loading.OnnxRunner``). Before that, SST-2 dev probabilities moved
by up to 0.34 with their batch neighbours and 9 of 400 labels flipped.
"""

from __future__ import annotations

import numpy as np
import pytest

from insight.modelling.aspects import AspectExtractor
from insight.modelling.sentiment import SentimentModel

PROBE = "The screen is gorgeous but the battery barely lasts half a day."
NEIGHBOURS = [
    "ok",
    "AWFUL!!! never again, the worst support I have ever had in twenty years of buying electronics online " * 3,
    "Die Lieferung kam zwei Wochen zu spät und niemand hat geantwortet.",
    "Kargo çok hızlı geldi, teşekkürler.",
    "😡😡😡",
    "Toimitus oli nopea ja laite toimii moitteettomasti.",
]


@pytest.fixture(scope="module")
def model():
    return SentimentModel.load(device="cpu")


@pytest.fixture(scope="module")
def extractor():
    return AspectExtractor.load(device="cpu")


@pytest.mark.parametrize("batch_size", [1, 2, 7, 64])
def test_sentence_probabilities_and_emotions_do_not_depend_on_the_batch(model, batch_size):
    alone_p = model.predict_proba([PROBE])[0]
    alone_e = model.predict_emotions([PROBE])[0]
    texts = NEIGHBOURS[:3] + [PROBE] + NEIGHBOURS[3:]
    p = model.predict_proba(texts, batch_size=batch_size)[3]
    e = model.predict_emotions(texts, batch_size=batch_size)[3]
    np.testing.assert_allclose(p, alone_p, atol=1e-6)
    np.testing.assert_allclose(e, alone_e, atol=1e-6)


def test_aspect_pair_polarity_does_not_depend_on_the_batch(model):
    alone = model.predict_proba([PROBE], ["battery"])[0]
    texts = NEIGHBOURS + [PROBE]
    targets = ["support", "Lieferung", None, "kargo", None, "toimitus", "battery"]
    np.testing.assert_allclose(model.predict_proba(texts, targets)[-1], alone, atol=1e-6)


def test_aspect_terms_do_not_depend_on_the_batch(extractor):
    alone = extractor.extract([PROBE])[0]
    assert {a["term"] for a in alone} >= {"screen", "battery"}
    for batch_size in (1, 3, 64):
        assert extractor.extract(NEIGHBOURS + [PROBE], batch_size=batch_size)[-1] == alone
