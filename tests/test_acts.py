"""Speech acts from the dependency parse: requests with their object, purchase motives, support closes."""

import json

import numpy as np
import pandas as pd
import pytest

from insight.stages.acts import (
    HEAD_SUPPORT,
    ActHead,
    narrates,
    churn_frame,
    close_kind,
    close_reading,
    detect_acts,
    gap_object,
    main_object,
    motive_frame,
    request_object,
    stays,
)


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
    # a modifier the parser hangs on the verb still belongs to the object; a time adjunct does not
    ("Please add motion zones per time of day.", "motion zones per time of day"),
    ("Please add a dark mode with a schedule.", "a dark mode with a schedule"),
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
    # someone gave it to the customer; a purpose hung on the thing bought or read as a ccomp by the parser
    ("My son surprised me with it for my birthday.", "gift"),
    ("My wife gave it to me for Christmas.", "gift"),
    ("We got it to keep an eye on the till at our kiosk.", "purpose"),
    ("Got one to watch the driveway.", "purpose"),
    ("Needed something to watch the shop overnight.", "purpose"),
    ("My brother-in-law has three of these and talked me into it.", "recommendation"),
    ("A friend convinced me to get one.", "recommendation"),
])
def test_motive_frames(nlp, text, frame):
    assert motive_frame(nlp(text)) == frame


@pytest.mark.parametrize("text", ["Bought two for the front door.", "I got home late and the app had crashed.",
                                  "Battery went from 90% to 10% after one night with Lumio.",
                                  # "get it to V" that says what the customer made it do; service, not the product
                                  "I finally got it to work after a reset.", "Got it to connect on the second try.",
                                  "They gave me a refund.", "I need someone to call me back.",
                                  "The app surprised me with a new layout.", "Support talked me into a reset."])
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
    # a promise to try under "will", "going to", "let me", or joined to one; "give it a go", "have a go"
    ("I'll give that a go tonight.", "tentative"),
    ("Ok, going to try that and report back.", "tentative"),
    ("Let me try that and see.", "tentative"),
    ("Going to reboot it tonight and see.", "tentative"),
    ("Thanks, I'll have a go at that when I'm home.", "tentative"),
    ("I won't try that again.", "open"),
    # "back" is a fix only as a state come back, not "sent it back"; a verb that only describes a thing
    # ("a working camera") confirms no fix
    ("Everything's back to normal.", "resolved"),
    ("I sent the camera back last week.", None),
    ("Great, another week without a working camera.", None),
])
def test_close_kinds(nlp, text, kind):
    assert close_kind(nlp(text)) == kind


def test_close_reading_marks_an_open_read_only_from_still_or_again(nlp):
    assert close_reading(nlp("The camera is streaming again.")) == ("open", "again")
    assert close_reading(nlp("It still doesn't work.")) == ("open", None)


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


@pytest.mark.parametrize("text, narrated", [
    ("I mainly use it to see who's at the door.", True), ("We set it up in the hall.", True),
    ("I really miss a dark mode.", False), ("I keep hoping for a dark mode.", False),
    ("I think a dark mode would be great.", False), ("We'd love a dark mode.", False),
    ("Do you plan to offer a dark mode?", False),
])
def test_a_narration_is_no_ask_for_the_head_alone(nlp, tmp_path, text, narrated):
    """The request head read "I mainly use it to see who's at the door" as an ask; a first-person
    statement of what the customer does is not one, however the head scores it."""
    head_file = tmp_path / "head.json"
    head_file.write_text('{"name": "test", "threshold": 0.5, "intercept": 10.0, "coef": [0.0, 0.0]}')
    assert narrates(_sent(nlp, text)) is narrated
    sents = pd.DataFrame({"sentence_id": ["s1"], "record_id": ["r1"], "text": [text], "vector": [[0.0, 0.0]]})
    acts = detect_acts(sents, nlp=nlp, head=ActHead("request", head_file))
    assert (acts["act"] == "request").any() is not narrated


def _test_head(tmp_path, kind: str, *, intercept: float, coef: list[float]) -> ActHead:
    """A logistic head over 2-d test vectors (threshold 0.5)."""
    path = tmp_path / f"{kind}.json"
    path.write_text(json.dumps({"name": "test", "threshold": 0.5, "intercept": intercept, "coef": coef}))
    return ActHead(kind, path)


def _two_sentences(texts: list[str], vectors: list[list[float]]):
    return pd.DataFrame({"sentence_id": ["s1", "s2"], "record_id": ["r1", "r2"], "text": texts, "vector": vectors})


def test_a_motive_frame_outranks_the_head_alone(nlp, tmp_path):
    """The head read "needed something to watch the shop overnight" as an ask (it wants something); the parse
    says why it was bought. A frame the parse reads as an ask still wins over a motive."""
    head = _test_head(tmp_path, "request", intercept=10.0, coef=[0.0, 0.0])  # fires on everything
    sents = _two_sentences(["Needed something to watch the kiosk overnight.", "Please add a dark mode."],
                           [[0.0, 0.0], [0.0, 0.0]])
    acts = detect_acts(sents, nlp=nlp, head=head)
    found = {(r.sentence_id, r.act, r.detail) for r in acts.itertuples() if r.act in ("request", "motive")}
    assert found == {("s1", "motive", "purpose"), ("s2", "request", "imperative")}


def test_shipped_head_loads():
    head = ActHead("churn")
    assert head.coef_.shape == (384,) and 0 < head.threshold < 1


@pytest.mark.parametrize("kind", ["request", "churn"])
def test_each_embedder_reads_its_own_heads(kind):
    """A store embedded by e5 used to give the heads no vectors at all (English churn recall 1.0 -> 0.57 on
    the demo with e5 forced); it now has heads fitted on e5's vectors, and a store embedded by a model
    no head was fitted on still gets none."""
    import json

    from insight import resources
    from insight.errors import ConfigError
    from insight.stages.acts import head_file

    minilm = ActHead(kind, embedder="embed.all-minilm-l6-v2.v1")
    e5 = ActHead(kind, embedder="embed.multilingual-e5-small-q4.v1")
    assert e5.coef_.shape == (384,) and 0 < e5.threshold < 1
    assert not np.allclose(minilm.coef_, e5.coef_)
    assert json.loads(head_file(kind, "embed.multilingual-e5-small-q4.v1").read_text())["embedder"] == (
        "embed.multilingual-e5-small-q4.v1")
    e5_v2 = ActHead(kind, embedder="embed.multilingual-e5-small-q4.v2")  # fitted on the language-centred vectors
    assert not np.allclose(e5_v2.coef_, e5.coef_)
    assert head_file(kind, None) == head_file(kind, "embed.all-minilm-l6-v2.v1")
    assert head_file(kind, "embed.some-other.v1") is None
    with pytest.raises(ConfigError, match="no .* head was fitted"):
        ActHead(kind, embedder="embed.some-other.v1")
    models = resources.Models(embedder="embed.multilingual-e5-small-q4.v1")
    assert np.allclose(models.get(f"{kind}_head").coef_, e5.coef_)


def test_churn_talk_is_never_a_request(nlp, tmp_path):
    churn = _test_head(tmp_path, "churn", intercept=-5.0, coef=[10.0, 0.0])  # fires on the first component only
    sents = _two_sentences(["Give me one reason to stay.", "Give us a dark mode, please."], [[1.0, 0.0], [0.0, 1.0]])
    acts = detect_acts(sents, nlp=nlp, churn_head=churn)
    assert "churn" in set(acts[acts["sentence_id"] == "s1"]["act"])
    assert list(acts[acts["act"] == "request"]["sentence_id"]) == ["s2"]


# -- the wider ask frames (gap_object) --------------------------------------------------------------
@pytest.mark.parametrize(("text", "obj"), [
    ("It lacks a proper web interface.", "a proper web interface"),
    ("What it's missing is a timeline view.", "a timeline view"),
    ("The one thing missing is a widget.", "a widget"),
    ("A web dashboard would be a huge improvement.", "A web dashboard"),
    ("Package detection would be fantastic.", "Package detection"),
    ("It would be nice to be able to pause alerts.", "pause alerts"),
    ("Would it be possible to add geofencing?", "geofencing"),
    ("I'd happily pay for cloud backup.", "cloud backup"),
    ("I'm hoping for an Android widget.", "an Android widget"),
    ("My only wish is a longer battery.", "a longer battery"),
    ("Hopefully they add a dark mode soon.", "a dark mode"),
    ("If only it had HomeKit support.", "HomeKit support"),
    ("A dark mode would be much appreciated.", "A dark mode"),
    ("Would pay extra for email instead of SMS for the door alerts.", "email instead of SMS"),
])
def test_gap_and_counterfactual_frames_keep_their_object(nlp, text, obj):
    assert gap_object(_sent(nlp, text)) == (obj, gap_object(_sent(nlp, text))[1], True)


@pytest.mark.parametrize(("text", "obj"), [
    ("The app really needs a dark mode.", "a dark mode"),
    ("Is a web dashboard on the roadmap?", "a web dashboard"),
    ("Are there plans to add a web dashboard?", "a web dashboard"),
    ("Why is there no dark mode?", "dark mode"),
    ("A dark mode please.", "A dark mode"),
    ("Is a dark mode coming?", "a dark mode"),
    ("There should be a way to export clips.", "a way to export clips"),
    ("Quiet hours should be standard.", "Quiet hours"),
    ("A web view is badly needed.", "A web view"),
    ("Let me choose the alert sound.", "choose the alert sound"),
])
def test_frames_support_talk_shares_need_the_head(nlp, text, obj):
    found = gap_object(_sent(nlp, text))
    assert found is not None and found[0] == obj and found[2] is False


@pytest.mark.parametrize("text", [
    "My parcel is missing.",
    "One of the screws was missing from the box.",
    "It would have been nicer with a lining.",
    "This top would be great if it were longer.",
    "which mexican meal would be good",
    "I have no idea why?",
    "That would be great, thanks.",
    "Let me know if you need anything.",
    "let me thank you",
    "No petite needed.",
    "What is the top-up limit on my cards?",
])
def test_owned_past_and_conditional_things_are_not_gaps(nlp, text):
    assert gap_object(_sent(nlp, text)) is None


def test_a_quality_lacking_is_a_complaint_unless_the_head_agrees(nlp):
    assert gap_object(_sent(nlp, "The material lacks quality."))[2] is False
    assert gap_object(_sent(nlp, "It lacks a proper web interface."))[2] is True


def _head(tmp_path, p):
    """A head that scores every vector ``p`` (threshold 0.85, as the shipped request head)."""
    import math

    f = tmp_path / f"head{p}.json"
    f.write_text('{"name": "test", "threshold": 0.85, "intercept": %r, "coef": [0.0, 0.0]}' % math.log(p / (1 - p)))
    return ActHead("request", f)


def test_head_support_decides_the_shared_frames(nlp, tmp_path):
    sents = pd.DataFrame({
        "sentence_id": ["s1", "s2", "s3"], "record_id": ["r1", "r2", "r3"],
        "text": ["The hub needs a restart after every update.", "The app really needs a dark mode.",
                 "A web dashboard would be a huge improvement."],
        "vector": [[0.0, 0.0]] * 3,
    })
    low = detect_acts(sents, nlp=nlp, head=_head(tmp_path, 0.1))
    assert list(low[low["act"] == "request"]["sentence_id"]) == ["s3"]  # the sure frame alone
    mid = detect_acts(sents, nlp=nlp, head=_head(tmp_path, 0.6))  # below the threshold, above HEAD_SUPPORT
    assert sorted(mid[mid["act"] == "request"]["sentence_id"]) == ["s1", "s2", "s3"]
    assert 0 < HEAD_SUPPORT < 0.85


# -- churn talk from the parse ----------------------------------------------------------------------
@pytest.mark.parametrize(("text", "frame"), [
    ("I'm leaving Lumio for good.", "leave"),
    ("We will be cancelling our account tomorrow.", "leave"),
    ("Thinking of switching to another brand.", "leave"),
    ("Planning to move over to Wyzon.", "leave"),
    ("Ready to walk away from this brand.", "leave"),
    ("I'm going to look elsewhere.", "leave"),
    ("I'm sending everything back.", "leave"),
    ("Going back to my old Ring.", "leave"),
    ("Time to find a new provider.", "leave"),
    ("I won't be renewing.", "stop"),
    ("Not going to renew next year.", "stop"),
    ("I can't keep paying for this.", "stop"),
    ("I will never buy from Lumio again.", "stop"),
    ("You've lost a customer.", "lost"), ("Lumio has lost me as a customer.", "lost"),
    ("Honestly done with Lumio.", "leave"), ("I'm so done with this company.", "leave"),
    ("I've called you five times about this.", "effort"),
    ("Fourth email about the same fault.", "effort"),
    ("How many times do I need to explain this?", "effort"),
])
def test_churn_frames(nlp, text, frame):
    assert churn_frame(_sent(nlp, text)) == frame


@pytest.mark.parametrize("text", [
    "I switched the camera to night mode.", "I returned the damaged one and got a replacement.",
    "I cancelled the alert for the back door.", "I'm leaving for holiday tomorrow, can I arm it remotely?",
    "Can I cancel an alert schedule?", "Please cancel my duplicate order.", "I called yesterday about the same thing.",
    "Should I return it for a replacement?", "I'll be moving the camera to the porch.", "I want to upgrade to Premium.",
    "i'm going to canada soon, do i need a visa", "i want to change your name to adam", "quit talking",
    "I'll be returning it.", "I was returning some things when i saw these jeans.", "I can't trust it anymore.",
    "Will not stay down.", "I lost my keys.", "We lost the customer's parcel.", "I'm done with the setup.",
    "Once I was done with John, it worked.", "how many times have i used my annual leave",
    "i'm looking for a back and forth flight from lax to portland for w to sunday",
])
def test_narrated_or_other_leaving_is_not_churn(nlp, text):
    assert churn_frame(nlp(text)[:]) is None and all(churn_frame(s) is None for s in nlp(text).sents)


@pytest.mark.parametrize(("text", "staying"), [
    ("Love it, would never switch.", True), ("I'd never go back to Ring.", True),
    ("We switched from Ring last year and love it.", True), ("How do I switch to the annual plan?", True),
    ("I'm switching to Wyzon.", False), ("Battery went from 93% to 9% by lunchtime.", False),
])
def test_staying_overrules_words_of_leaving(nlp, text, staying):
    assert stays(_sent(nlp, text)) is staying


def test_churn_from_the_parse_and_the_head_vetoed_by_staying(nlp, tmp_path):
    churn_file = tmp_path / "churn.json"
    churn_file.write_text('{"name": "test", "threshold": 0.5, "intercept": -5.0, "coef": [10.0, 0.0]}')
    sents = pd.DataFrame({
        "sentence_id": ["s1", "s2", "s3"], "record_id": ["r1", "r2", "r3"],
        "text": ["Thinking of switching to another brand.", "I'd never go back to Ring.", "How do I switch to Wyzon plans?"],
        "vector": [[0.0, 1.0], [1.0, 0.0], [0.0, 1.0]],  # the head reads s2 as churn talk, not s1
    })
    acts = detect_acts(sents, nlp=nlp, churn_head=ActHead("churn", churn_file))
    by_act = {a: sorted(acts[acts["act"] == a]["sentence_id"]) for a in ("churn", "stay")}
    assert by_act == {"churn": ["s1"], "stay": ["s2", "s3"]}
    assert acts.set_index("act").loc["churn", "detail"] == "leave"


def test_a_service_ask_is_no_feature_request(nlp):
    from insight.stages.acts import names_a_feature

    for obj in ("help", "a human", "a DM", "my money", "someone", "a refund", "Donate RT http://t.co/x", "@united"):
        assert not names_a_feature(obj), obj
    for obj in ("HomeKit support", "a dark mode", "24/7 recording on the Basic plan", "an export button",
                "email instead of SMS for the login code", "free baggage"):
        assert names_a_feature(obj), obj
    sents = pd.DataFrame({
        "sentence_id": ["s1", "s2", "s3"], "record_id": ["r1", "r2", "r3"],
        "text": ["Can you send me a DM please?", "Please give me my money back.", "Please add a dark mode."],
    })
    requests = detect_acts(sents, nlp=nlp).query("act == 'request'")
    assert list(requests["sentence_id"]) == ["s3"]
