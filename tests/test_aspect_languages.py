"""Aspect terms beyond English: sub-token decoding (a term inside a written word, "l'ambiance" -> "ambiance"),
the languages a tagger declares, and the polarity model each sentence's terms are read with. No model loads."""

from __future__ import annotations

import json
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from insight.errors import ModelUnavailableError
from insight.modelling.aspects import AspectExtractor, _decode, _decode_tokens
from insight.stages.aspects import extract_aspects, needs_foreign_polarity

# "J'aime l'ambiance et le service." as a SentencePiece tokenizer splits it (offsets of "▁x" cover the space)
TEXT = "J'aime l'ambiance et le service."
PIECES = [(0, 0), (0, 1), (1, 2), (2, 6), (6, 8), (8, 9), (9, 17), (17, 20), (20, 23), (23, 31), (31, 32), (0, 0)]
WORDS = [None, 0, 0, 0, 1, 1, 1, 2, 3, 4, 4, None]
SPECIAL = [1] + [0] * 10 + [1]


def enc():
    return SimpleNamespace(offsets=PIECES, word_ids=WORDS, special_tokens_mask=SPECIAL)


def test_token_decoding_finds_a_term_inside_a_written_word():
    #        <s>  J  '  aime ▁l  '  ambiance ▁et ▁le ▁service .  </s>
    pred = np.array([0, 0, 0, 0, 0, 0, 1, 0, 0, 1, 0, 0])
    assert _decode_tokens(enc(), pred, TEXT) == [(9, 17), (24, 31)]
    assert [TEXT[a:b] for a, b in _decode_tokens(enc(), pred, TEXT)] == ["ambiance", "service"]


def test_token_decoding_joins_inside_pieces_and_strips_punctuation():
    pred = np.array([0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 2, 0])  # "le service." tagged B I I
    assert _decode_tokens(enc(), pred, TEXT) == [(21, 31)]


def test_word_decoding_keeps_whole_words():
    # the same labels read per word: only the first piece of each word counts, so "ambiance" is not found
    pred = np.array([0, 0, 0, 0, 0, 0, 1, 0, 0, 1, 0, 0])
    assert [TEXT[a:b] for a, b in _decode(enc(), pred, TEXT)] == ["service"]


def model_dir(tmp_path, decode):
    from insight.paths import models_root

    d = tmp_path / "m"
    d.mkdir()
    meta = {"name": "aspects.test", "labels": ["O", "B-ASP", "I-ASP"], "pooling": "none", "max_length": 128}
    if decode is not None:
        meta["decode"] = decode
    (d / "insight_model.json").write_text(json.dumps(meta))
    (d / "tokenizer.json").write_bytes((models_root() / "sentiment-e5" / "tokenizer.json").read_bytes())
    return d, meta


@pytest.mark.parametrize("decode,fn", [(None, _decode), ("word", _decode), ("token", _decode_tokens)])
def test_the_model_metadata_picks_the_decoding(tmp_path, decode, fn):
    d, meta = model_dir(tmp_path, decode)
    assert AspectExtractor(d, meta, runner=None, device="cpu")._decode is fn


def test_an_unknown_decoding_is_refused(tmp_path):
    d, meta = model_dir(tmp_path, "chars")
    with pytest.raises(ModelUnavailableError, match="decode must be one of"):
        AspectExtractor(d, meta, runner=None, device="cpu")


class Tagger:
    """Finds the word 'servis' / 'service' / 'battery' wherever it occurs."""

    name = "aspects.fake"

    def __init__(self, languages):
        self.meta = {"languages": languages} if languages else {}

    def extract(self, texts, batch_size=64):
        out = []
        for t in texts:
            found = []
            for w in ("servis", "service", "battery"):
                if w in t:
                    found.append({"term": w, "start": t.index(w), "end": t.index(w) + len(w)})
            out.append(found)
        return out


class Polarity:
    def __init__(self, label):
        self.label = label
        self.seen = []

    def predict(self, texts, targets=None, batch_size=64):
        self.seen += list(texts)
        return [{"label": self.label, "score": 0.5} for _ in texts]


def sentences():
    return pd.DataFrame({"sentence_id": ["s1", "s2", "s3", "s4"], "record_id": ["r1", "r2", "r3", "r4"],
                         "text": ["The battery is weak.", "Servis cok yavas, servis berbat.", "Le service est lent.",
                                  "battery ok"],
                         "language": ["en", "tr", "fr", None]})


def test_foreign_terms_get_the_multilingual_polarity_model():
    english, foreign = Polarity("negative"), Polarity("positive")
    rows = extract_aspects(sentences(), extractor=Tagger(["en", "fr", "tr"]), model=english, foreign_model=foreign)
    assert dict(zip(rows["sentence_id"], rows["label"])) == {"s1": "negative", "s2": "positive", "s3": "positive",
                                                              "s4": "negative"}
    assert english.seen == ["The battery is weak.", "battery ok"]
    assert sorted(foreign.seen) == ["Le service est lent.", "Servis cok yavas, servis berbat."]


def test_an_english_only_tagger_skips_foreign_sentences_and_needs_no_foreign_model():
    english = Polarity("negative")
    rows = extract_aspects(sentences(), extractor=Tagger(None), model=english)
    assert sorted(rows["sentence_id"]) == ["s1", "s4"]
    assert not needs_foreign_polarity(sentences(), Tagger(None))
    assert needs_foreign_polarity(sentences(), Tagger(["en", "tr"]))
    assert not needs_foreign_polarity(sentences()[sentences()["language"] == "en"], Tagger(["en", "tr"]))


def test_token_decoding_widens_a_piece_to_its_whole_word():
    text = "Great pizzas here"
    e = SimpleNamespace(offsets=[(0, 0), (0, 5), (5, 11), (11, 12), (12, 17), (0, 0)],
                        word_ids=[None, 0, 1, 1, 2, None], special_tokens_mask=[1, 0, 0, 0, 0, 1])
    #                          <s> Great ▁pizza s ▁here </s>: "s" alone tagged, and "pizza" without its "s"
    assert _decode_tokens(e, np.array([0, 0, 0, 1, 0, 0]), text) == [(6, 12)]
    assert _decode_tokens(e, np.array([0, 0, 1, 0, 0, 0]), text) == [(6, 12)]
