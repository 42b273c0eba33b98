"""SentimentModel / aggregate_document: label direction on hand-written sentences in six languages, the
hand-written check sets per kind, unsupported languages, the emotion head, offline load, errors.

Loads the shipped weights in models/sentiment-e5 (int8 ONNX on CPU); no network, deterministic.
"""

from __future__ import annotations

import socket
from pathlib import Path

import pandas as pd
import pytest

from insight.errors import InputError, ModelUnavailableError
from insight.modelling.sentiment import SentimentModel, aggregate_document

CHECKS = Path(__file__).parent / "data" / "sentiment_checks.tsv"
LANGS = ("en", "tr", "fi", "de", "es", "fr")
EMOTIONS = ("anger", "anticipation", "disgust", "fear", "joy", "sadness", "surprise", "trust")
# Floors for the hand-written check sets (tests/data/sentiment_checks.tsv, 180 sentences): regression
# guards set below the measured accuracy of the shipped model (MODEL_CARD.md gives the figures per kind);
# the aim is 0.90 overall.
# Measured with each sentence scored alone (the runner never lets batch neighbours move a score; the
# figures before that, 0.572 overall, were partly batch noise).
CHECKS_OVERALL_FLOOR = 0.57  # measured 0.594 (sentiment.e5.v4; e5.v3 0.550)
CHECKS_KIND_FLOOR = {"plain": 0.95, "praise_neg_words": 0.35, "complaint_pos_words": 0.39, "contrast": 0.80,
                     "neutral_request": 0.55}  # measured 0.958 / 0.375 / 0.417 / 0.833 / 0.583


@pytest.fixture(scope="module")
def model():
    return SentimentModel.load(device="cpu")


def label(model, text, target=None):
    return model.predict([text], [target] if target else None)[0]["label"]


def score(model, text):
    return model.predict([text])[0]["score"]


def read_checks():
    rows = []
    for line in CHECKS.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            rows.append(tuple(line.split("\t")))
    return rows


@pytest.fixture(scope="module")
def check_results(model):
    rows = read_checks()
    out = model.predict([r[3] for r in rows], languages=[r[0] for r in rows])
    return [(lang, kind, expected, text, res["label"]) for (lang, kind, expected, text), res in zip(rows, out)]


def test_check_file_covers_six_languages_and_150_sentences():
    rows = read_checks()
    assert len(rows) >= 150
    assert {r[0] for r in rows} == set(LANGS)
    assert {r[2] for r in rows} == {"positive", "negative", "neutral"}


@pytest.mark.parametrize("lang", [
    pytest.param(lang, marks=pytest.mark.xfail(
        strict=True, reason="sentiment.e5.v3 and e5.v4 read 'Surkea tuote, se hajosi kahdessa päivässä.' as positive "
                            "(0.74 int8, 0.71 with the fp32 torch weights): a model miss, not quantisation"))
    if lang == "fi" else lang for lang in LANGS])
def test_label_direction_per_language(check_results, lang):
    wrong = [(t, exp, got) for l, kind, exp, t, got in check_results if l == lang and kind == "plain" and exp != got]
    assert wrong == []


def test_check_sets_accuracy_per_kind(check_results):
    by_kind: dict = {}
    for _lang, kind, exp, _t, got in check_results:
        by_kind.setdefault(kind, []).append(exp == got)
    acc = {k: sum(v) / len(v) for k, v in by_kind.items()}
    overall = sum(sum(v) for v in by_kind.values()) / len(check_results)
    print("\ncheck-set accuracy:", {k: round(v, 3) for k, v in acc.items()}, "overall", round(overall, 3))
    assert overall >= CHECKS_OVERALL_FLOOR
    for kind, floor in CHECKS_KIND_FLOOR.items():
        assert acc[kind] >= floor, (kind, acc[kind])


def test_unsupported_language_gets_no_label(model):
    out = model.predict(["この製品は本当に素晴らしいです。", "Great product, love it."], languages=["ja", "en"])
    assert out[0]["supported"] is False and out[0]["language"] == "ja"
    assert out[0]["label"] is None and out[0]["score"] is None and out[0]["probabilities"] is None
    assert out[1]["supported"] is True and out[1]["label"] == "positive"


def test_unknown_language_is_scored(model):
    out = model.predict(["ok thx"], languages=[None])
    assert out[0]["supported"] is True and out[0]["label"] in {"negative", "neutral", "positive"}


def test_languages_length_mismatch_is_an_input_error(model):
    with pytest.raises(InputError, match="languages must match texts"):
        model.predict(["a", "b"], languages=["en"])


def test_score_texts_detects_language(model):
    from insight.stages.sentiment import score_texts

    out = score_texts(["この製品は本当に素晴らしいです。毎日使っていて、とても満足しています。",
                       "Die App stürzt ständig ab und niemand beantwortet meine E-Mails."], model=model)
    assert out[0]["supported"] is False and out[0]["language"] == "ja"
    assert out[1]["supported"] is True and out[1]["language"] == "de" and out[1]["label"] == "negative"


def test_stage_marks_unsupported_sentences_and_documents_skip_them(model):
    from insight.stages.sentiment import score_documents, score_sentences

    sents = pd.DataFrame({"sentence_id": ["s1", "s2", "s3"], "record_id": ["r1", "r1", "r2"], "idx": [0, 1, 0],
                          "text": ["Terrible, it broke.", "Great support though!", "この製品は本当に素晴らしいです。"],
                          "language": ["en", "en", "ja"]})
    scores = score_sentences(sents, model=model)
    assert list(scores["supported"]) == [True, True, False]
    assert pd.isna(scores.loc[2, "label"]) and pd.isna(scores.loc[2, "score"])
    assert scores.loc[0, "label"] == "negative" and scores.loc[0, "language"] == "en"
    docs = score_documents(scores, sents, model_name=model.name)
    assert list(docs["record_id"]) == ["r1"]


def test_emotion_head(model):
    assert tuple(model.emotions) == EMOTIONS
    E = model.predict_emotions(["I am furious, this is outrageous and disgusting!", "I'm so happy, thank you so much!"])
    assert E.shape == (2, 8) and ((E >= 0) & (E <= 1)).all()
    anger, joy = EMOTIONS.index("anger"), EMOTIONS.index("joy")
    assert E[0, anger] > E[0, joy] and E[1, joy] > E[1, anger]
    r = model.predict(["I'm so happy, thank you so much!"])[0]
    assert set(r["emotions"]) == set(EMOTIONS)


def test_result_shape(model):
    out = model.predict(["The food was good.", ""])
    assert len(out) == 2
    for r in out:
        assert set(r) == {"label", "score", "probabilities", "emotions", "emotions_detected", "language", "supported"}
        assert set(r["probabilities"]) == {"negative", "neutral", "positive"}
        assert abs(sum(r["probabilities"].values()) - 1) < 1e-4
        assert -1 <= r["score"] <= 1
        assert r["score"] == pytest.approx(r["probabilities"]["positive"] - r["probabilities"]["negative"])
        assert r["label"] == max(r["probabilities"], key=r["probabilities"].get)


def test_name_and_version(model):
    assert model.name == "sentiment.e5.v4" == model.meta["name"]
    assert isinstance(model.version, str) and len(model.version) >= 8


def test_empty_input(model):
    assert model.predict([]) == []


def test_plain_positive_and_negative(model):
    assert label(model, "The food was good.") == "positive"
    assert label(model, "The staff were rude and the room was dirty.") == "negative"


def test_negation_flips(model):
    assert label(model, "The food was not good.") == "negative"
    assert label(model, "Honestly, the service was not bad at all.") != "negative"


# "X, but Y": the clause after "but" should set the label. sentiment.e5.v4 gets all 21 (e5.v3 missed
# "I wanted to love it, but the sound is tinny.", read as neutral; the MiniLM model before it got 15:
# praise after a defect or delivery complaint followed the complaint).
COMPLAINT_AFTER_BUT = [
    "It looked nice, but it broke after two days.",
    "The screen is gorgeous, but the battery dies by noon.",
    "Great price, but it stopped charging after a week.",
    "The staff were friendly, but the room was filthy.",
    "Looks great, but the app keeps crashing.",
    "Fast delivery, but the item was damaged.",
    "I wanted to love it, but the sound is tinny.",
    "Nice design but the login never works.",
    "Good idea, but terrible execution.",
    "The food was tasty but we waited an hour and the waiter was rude.",
]
PRAISE_AFTER_BUT = [
    "A bit pricey, but absolutely delicious.",
    "Setup took a while, but now it works perfectly.",
    "It's heavy, but the picture quality is stunning.",
    "Not the cheapest option, but worth every penny.",
    "Parking was hard to find but the food was superb.",
    "The room was small but the staff were wonderful.",
    "The box was dented, but the speaker sounds amazing.",
    "The app is clunky but the camera itself is excellent.",
    "The strap feels cheap, but the watch is fantastic.",
    "Delivery was slow, but the quality is excellent and I love it.",
    "Shipping took forever, but the product itself is great.",
]


@pytest.mark.parametrize("text", COMPLAINT_AFTER_BUT)
def test_contrast_complaint_after_but_wins(model, text):
    assert label(model, text) == "negative"


@pytest.mark.parametrize("text", PRAISE_AFTER_BUT)
def test_contrast_praise_after_but_wins(model, text):
    assert label(model, text) == "positive"


def test_intensifier_raises_score(model):
    assert score(model, "This phone is absolutely amazing, best purchase ever!") > score(model, "This phone is okay.")


def test_emoji(model):
    assert label(model, "Arrived today 😍😍") == "positive"
    assert label(model, "Arrived today 😡") == "negative"


def test_typos(model):
    assert label(model, "the servce was terible and the fod was cold") == "negative"
    assert label(model, "absolutly loved it, grat value") == "positive"


def test_neutral_statement(model):
    assert label(model, "The package was delivered on Tuesday.") == "neutral"


@pytest.mark.xfail(strict=True, reason="sentiment.e5.v4's pair input is weaker than MiniLM's (SemEval-14 0.714 vs "
                   "0.784): the aspect stage reads term polarity with resources.load_aspect_polarity (MODEL_CARD.md)")
def test_aspect_targets_differ_in_one_sentence(model):
    text = "Love the screen but the battery dies by noon"
    out = model.predict([text, text], ["screen", "battery"])
    assert [r["label"] for r in out] == ["positive", "negative"]


def test_targets_may_be_none_per_item(model):
    out = model.predict(["Great pizza, awful service.", "I hate this."], ["service", None])
    assert out[0]["label"] == "negative"
    assert out[1]["label"] == "negative"


def test_targets_length_mismatch_is_an_input_error(model):
    with pytest.raises(InputError, match="targets must match texts"):
        model.predict(["a", "b"], ["x"])


def test_same_input_same_output(model):
    texts = ["Great stuff.", "Awful, never again.", "It is a chair.", "Not bad, could be better."] * 3
    assert model.predict(texts) == model.predict(texts)


def _r(neg, neu, pos):
    return {"label": "?", "score": pos - neg, "probabilities": {"negative": neg, "neutral": neu, "positive": pos}}


def test_aggregate_keeps_positive_review_positive_but_exposes_bitter_sentence():
    sents = [_r(0.02, 0.03, 0.95), _r(0.01, 0.04, 0.95), _r(0.90, 0.05, 0.05), _r(0.02, 0.08, 0.90)]
    doc = aggregate_document(sents)
    assert doc["label"] == "positive"
    assert doc["most_negative_sentence"] == 2
    assert doc["min_score"] == pytest.approx(-0.85)
    assert doc["mixed"] is True
    assert doc["label_counts"] == {"negative": 1, "neutral": 0, "positive": 3}


def test_aggregate_neutral_filler_does_not_drown_opinion():
    sents = [_r(0.05, 0.9, 0.05), _r(0.05, 0.9, 0.05), _r(0.02, 0.03, 0.95)]
    doc = aggregate_document(sents)
    assert doc["label"] == "positive"
    assert doc["mixed"] is False


def test_aggregate_empty():
    doc = aggregate_document([])
    assert doc["label"] == "neutral" and doc["most_negative_sentence"] is None


def test_aggregate_with_model_output(model):
    out = model.predict(["Five stars, I love it.", "The strap broke on day one.", "Still, great value."])
    doc = aggregate_document(out)
    assert doc["most_negative_sentence"] == 1
    assert doc["min_score"] < 0


def test_loads_with_network_blocked(monkeypatch):
    def refuse(*a, **k):
        raise OSError("network blocked in test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    m = SentimentModel.load(device="cpu")
    assert m.predict(["fine"])[0]["label"] in {"negative", "neutral", "positive"}


def test_missing_model_dir_names_path_and_script(tmp_path):
    missing = tmp_path / "nope"
    with pytest.raises(ModelUnavailableError) as e:
        SentimentModel.load(missing)
    assert str(missing) in str(e.value)
    assert "scripts/train_sentiment.py" in str(e.value)


def test_models_dir_env(monkeypatch, tmp_path):
    monkeypatch.setenv("INSIGHT_MODELS_DIR", str(tmp_path))
    with pytest.raises(ModelUnavailableError, match="sentiment-e5"):
        SentimentModel.load()
