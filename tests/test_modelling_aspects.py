"""AspectExtractor on hand-written sentences (offsets, several aspects of different polarity), offline, errors."""

from __future__ import annotations

import socket

import pytest

from insight.errors import ModelUnavailableError
from insight.modelling.aspects import AspectExtractor


@pytest.fixture(scope="module")
def extractor():
    return AspectExtractor.load(device="cpu")


@pytest.fixture(scope="module")
def sentiment():
    # the aspect stage reads polarity toward a term with the English pair model (resources.load_aspect_polarity)
    from insight.resources import load_aspect_polarity

    return load_aspect_polarity("cpu")


def terms(extractor, text):
    return [d["term"].lower() for d in extractor.extract([text])[0]]


def test_name_and_shape(extractor):
    assert extractor.name == "aspects.minilm.v1"
    out = extractor.extract(["The battery is great.", ""])
    assert len(out) == 2 and out[1] == []
    for d in out[0]:
        assert set(d) == {"term", "start", "end"}


def test_offsets_point_into_text(extractor):
    texts = ["Love the screen but the battery dies by noon",
             "The pasta was delicious, but our waiter was rude and the wine list is overpriced."]
    for text, found in zip(texts, extractor.extract(texts)):
        assert found
        for d in found:
            assert text[d["start"]:d["end"]] == d["term"]


def test_screen_positive_battery_negative(extractor, sentiment):
    text = "Love the screen but the battery dies by noon"
    found = extractor.extract([text])[0]
    got = [d["term"].lower() for d in found]
    assert "screen" in got and "battery" in got
    pol = sentiment.predict([text] * len(found), [d["term"] for d in found])
    by_term = {d["term"].lower(): r["label"] for d, r in zip(found, pol)}
    assert by_term["screen"] == "positive"
    assert by_term["battery"] == "negative"


def test_restaurant_aspects_of_different_polarity(extractor, sentiment):
    text = "The pasta was delicious but the waiter was rude."
    found = extractor.extract([text])[0]
    got = {d["term"].lower(): d for d in found}
    assert {"pasta", "waiter"} <= set(got)
    pol = sentiment.predict([text, text], ["pasta", "waiter"])
    assert [r["label"] for r in pol] == ["positive", "negative"]


def test_multiword_term(extractor):
    assert "battery life" in terms(extractor, "The battery life of this laptop is excellent.")


def test_long_text_is_read_in_windows(extractor):
    filler = "We arrived on a Sunday and sat near the window for a while. " * 12
    text = filler + "The sushi was fresh."
    found = extractor.extract([text])[0]
    assert any(d["term"].lower() == "sushi" for d in found)
    assert all(text[d["start"]:d["end"]] == d["term"] for d in found)


def test_batching_does_not_change_results(extractor):
    texts = ["The screen is bright.", "Service was slow but the pizza was great.", "Nothing to say."] * 3
    assert extractor.extract(texts, batch_size=64) == extractor.extract(texts, batch_size=2)


def test_loads_with_network_blocked(monkeypatch):
    def refuse(*a, **k):
        raise OSError("network blocked in test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    a = AspectExtractor.load(device="cpu")
    assert isinstance(a.extract(["The keyboard is nice."])[0], list)


def test_missing_model_dir_names_path_and_script(tmp_path):
    missing = tmp_path / "absent"
    with pytest.raises(ModelUnavailableError) as e:
        AspectExtractor.load(missing)
    assert str(missing) in str(e.value)
    assert "scripts/train_aspects.py" in str(e.value)
