"""Speech acts from the dependency parse: requests with their object, purchase motives, support closes."""

import pandas as pd
import pytest

from insight.stages.acts import ActHead, close_kind, detect_acts, main_object, motive_frame, request_object


@pytest.fixture(scope="module")
def nlp():
    from insight.resources import load_spacy

    return load_spacy()


def _sent(nlp, text):
    return list(nlp(text).sents)[0]


@pytest.mark.parametrize(("text", "obj"), [
    ("Any chance of HomeKit support?", "HomeKit support"),
    ("Please add an export button!", "an export button"),
    ("Could you please add a dark mode?", "a dark mode"),
    ("I wish the app had a night mode.", "a night mode"),
    ("It would be great if there was a web dashboard.", "a web dashboard"),
    ("Would love to see Alexa integration in a future update.", "Alexa integration"),
    ("Do you plan to offer a monthly payment option?", "a monthly payment option"),
    ("Feature request: a privacy shutter.", "a privacy shutter"),
])
def test_request_keeps_its_object(nlp, text, obj):
    found = request_object(_sent(nlp, text))
    assert found is not None and found[0] == obj


@pytest.mark.parametrize("text", [
    "Would buy again.",
    "Does exactly what it should.",
    "I want my money back.",
    "We wanted eyes on the house.",
    "The app now supports HomeKit, great.",
    "I need to reset my password.",
    "You shouldn't have to add the camera twice.",
])
def test_statements_and_complaints_are_not_requests(nlp, text):
    assert request_object(_sent(nlp, text)) is None


@pytest.mark.parametrize(("text", "frame"), [
    ("Got this as a gift from my son.", "gift"),
    ("A friend recommended Lumio to me.", "recommendation"),
    ("Replaced an old camera with this.", "replacement"),
    ("Bought it mainly for peace of mind when travelling.", "reason"),
    ("Our old camera gave up so I needed something quick.", "reason"),
])
def test_motive_frames(nlp, text, frame):
    assert motive_frame(nlp(text)) == frame


@pytest.mark.parametrize("text", ["Bought two for the front door.", "I got home late and the app had crashed.",
                                  "Battery went from 90% to 10% after one night with Lumio."])
def test_purchases_without_a_reason_are_not_motives(nlp, text):
    assert motive_frame(nlp(text)) is None


@pytest.mark.parametrize(("text", "kind"), [
    ("That worked, thanks!", "resolved"),
    ("Thanks, that sorted it.", "resolved"),
    ("Ok thanks, I'll try that.", "tentative"),
    ("That doesn't really help, but ok.", "open"),
    ("Alright, please keep me posted.", "open"),
    ("I've been waiting long enough already.", "open"),
    ("Brilliant, thanks.", "thanks"),
    # a verbless "nothing" is the outcome; "nothing else" only ends the conversation
    ("So basically nothing. Fine.", "open"),
    ("Still nothing.", "open"),
    ("Nothing else, thanks!", "thanks"),
])
def test_close_kinds(nlp, text, kind):
    assert close_kind(nlp(text)) == kind


def test_main_object_is_the_largest_noun_phrase(nlp):
    assert main_object(_sent(nlp, "The only thing missing is a quiet hours schedule for alerts.")) == \
        "a quiet hours schedule for alerts"


def test_detect_acts_carries_ids_and_uses_the_head(nlp, tmp_path):
    head_file = tmp_path / "head.json"
    # a head that scores every vector 1.0: sentences with an object become requests ("head"), others not
    head_file.write_text('{"name": "test", "threshold": 0.5, "intercept": 10.0, "coef": [0.0, 0.0]}')
    sents = pd.DataFrame({
        "sentence_id": ["s1", "s2", "s3"], "record_id": ["r1", "r2", "r3"],
        "text": ["Please add a dark mode.", "A pet mode for the hallway camera is what we are after.", "Ok."],
        "vector": [[0.0, 0.0], [0.0, 0.0], None],
    })
    acts = detect_acts(sents, nlp=nlp, head=ActHead("request", head_file))
    requests = acts[acts["act"] == "request"].set_index("sentence_id")
    assert requests.loc["s1", "detail"] == "imperative" and requests.loc["s1", "object"] == "a dark mode"
    assert requests.loc["s2", "detail"] == "head"
    assert "s3" not in requests.index
    assert list(acts.columns) == ["sentence_id", "record_id", "act", "object", "detail"]


def test_shipped_head_loads():
    head = ActHead("churn")
    assert head.coef_.shape == (384,) and 0 < head.threshold < 1


def test_churn_talk_is_never_a_request(nlp, tmp_path):
    churn_file = tmp_path / "churn.json"
    # a churn head that fires on the first vector component only
    churn_file.write_text('{"name": "test", "threshold": 0.5, "intercept": -5.0, "coef": [10.0, 0.0]}')
    sents = pd.DataFrame({
        "sentence_id": ["s1", "s2"], "record_id": ["r1", "r2"],
        "text": ["Give me one reason to stay.", "Give us a dark mode, please."],
        "vector": [[1.0, 0.0], [0.0, 1.0]],
    })
    acts = detect_acts(sents, nlp=nlp, churn_head=ActHead("churn", churn_file))
    assert "churn" in set(acts[acts["sentence_id"] == "s1"]["act"])
    assert list(acts[acts["act"] == "request"]["sentence_id"]) == ["s2"]
