"""Profiles: the stable JSON shape, each unstated-need signal, requests, motives and resolution status,
from hand-built frames (speech acts from the real spaCy parse)."""

import pandas as pd
import pytest
from frames import no_aspects, records_from, voice, voice_row

from insight.stages.acts import detect_acts
from insight.stages.painpoints import find_pain_points
from insight.stages.profiles import PROFILE_KEYS, build_profiles

LOGIN = dict(topic=3, topic_label="login code never arrives")
_NLP = []


def _acts(v):
    if not _NLP:
        from insight.resources import load_spacy

        _NLP.append(load_spacy())
    return detect_acts(v, nlp=_NLP[0])


def _build(rows, attributes=None, motive_kinds=None):
    v = voice(rows)
    pains, mentions = find_pain_points(v, no_aspects())
    frame = build_profiles(records_from(v), v, no_aspects(), mentions, pains, attributes=attributes or {},
                           acts=_acts(v), motive_kinds=motive_kinds)
    return {r.customer_id: r.profile for r in frame.itertuples()}


def _corpus():
    return [
        # C1: five stars in reviews, login complaints in two support chats, churn talk
        voice_row("a1", "ra", "C1", "review", "2026-01-01", "Great camera, love it.", 0.9, rating=5),
        voice_row("a2", "rb", "C1", "support", "2026-01-10", "The login code never arrives.", -0.8, conversation="T1", **LOGIN),
        voice_row("a3", "rc", "C1", "support", "2026-02-10", "Second time I'm contacting you, the login code still never arrives.", -0.9, conversation="T2", **LOGIN),
        # C2: also complains about login (so the theme recurs), 2 stars
        voice_row("b1", "rd", "C2", "review", "2026-01-05", "Login code never arrives, awful.", -0.9, rating=2, **LOGIN),
        # C3: four stars, one bitter sentence, a wish
        voice_row("c1", "re", "C3", "review", "2026-01-07", "Nice picture.", 0.8, rating=4, idx=0),
        voice_row("c2", "re", "C3", "review", "2026-01-07", "But the app crashes constantly.", -0.85, rating=4, idx=1),
        voice_row("c3", "rf", "C3", "support", "2026-01-08", "I wish the app had a dark mode.", 0.1, conversation="T3"),
        # C4: nothing hidden
        voice_row("d1", "rg", "C4", "review", "2026-01-09", "Excellent camera and easy setup.", 0.95, rating=5),
    ]


def test_profile_has_the_documented_keys():
    profiles = _build(_corpus())
    assert tuple(profiles["C1"].keys()) == PROFILE_KEYS


def test_cross_channel_gap_repeat_contact_and_churn():
    kinds = sorted({n["kind"] for n in _build(_corpus())["C1"]["unstated_needs"]})
    assert kinds == ["churn", "cross_channel_gap", "repeat_contact"]


def test_churn_talk_alone_is_churn_not_a_cross_channel_gap():
    leaving = dict(topic=7, topic_label="never buying again")
    rows = [
        voice_row("e1", "rh", "C5", "review", "2026-01-01", "Love the doorbell.", 0.9, rating=5),
        voice_row("e2", "ri", "C5", "support", "2026-01-03", "Never buying from you again.", -0.9, conversation="T5", **leaving),
        voice_row("f1", "rj", "C6", "support", "2026-01-04", "Never ordering from you again, done with this.", -0.9, conversation="T6", **leaving),
        voice_row("f2", "rk", "C6", "support", "2026-01-05", "Switching to another brand, never buying again.", -0.9, conversation="T7", **leaving),
    ]
    assert _build(rows)["C5"]["pain_points"]  # the churn talk does form a theme (3 mentions, 2 customers)
    kinds = sorted({n["kind"] for n in _build(rows)["C5"]["unstated_needs"]})
    assert kinds == ["churn"]


def test_churn_talk_about_a_problem_still_makes_a_cross_channel_gap():
    rows = _corpus()
    # C1's second support message is churn talk *and* the login complaint; with only that one left it
    # must still count as raising the login theme outside reviews
    rows = [r for r in rows if r["sentence_id"] != "a2"]
    rows.append(voice_row("b2", "rx", "C2", "support", "2026-01-06", "The login code never arrives.", -0.8,
                          conversation="T9", **LOGIN))
    needs = _build(rows)["C1"]["unstated_needs"]
    gap = [n for n in needs if n["kind"] == "cross_channel_gap"]
    assert gap and "Second time I'm contacting you" in gap[0]["evidence"][0]["quote"]


def test_rating_text_mismatch_and_request():
    needs = _build(_corpus())["C3"]["unstated_needs"]
    assert sorted(n["kind"] for n in needs) == ["rating_text_mismatch", "request"]
    mismatch = next(n for n in needs if n["kind"] == "rating_text_mismatch")
    assert mismatch["evidence"][0]["sentence_id"] == "c2"
    assert "app crashes constantly" in mismatch["statement"]


def test_customer_with_nothing_hidden_gets_no_flag():
    p = _build(_corpus())["C4"]
    assert p["unstated_needs"] == [] and p["pain_points"] == []
    assert p["churn_risk"]["level"] == "low"


def test_behaviour_counts_conversations_not_turns():
    b = _build(_corpus())["C1"]["behaviour"]
    assert b["contacts_by_channel"] == {"review": 1, "support": 2}
    assert b["preferred_channel"] == "support" and b["preferred_complaint_channel"] == "support"


def test_crm_only_customer_still_gets_a_profile():
    profiles = _build(_corpus(), attributes={"C9": {"plan": "basic"}})
    assert profiles["C9"]["identity"]["crm"] == {"plan": "basic"}
    assert profiles["C9"]["behaviour"]["total_contacts"] == 0


def test_churn_risk_reasons_add_up():
    churn = _build(_corpus())["C1"]["churn_risk"]
    assert churn["score"] == round(min(1.0, sum(r["weight"] for r in churn["reasons"])), 3)
    assert churn["level"] == "high"


def _support_story(cid, close_text, close_score, *, again=False):
    """A customer who raises the login problem in a chat and closes it with ``close_text``."""
    rows = [
        voice_row(f"{cid}1", f"{cid}r1", cid, "support", "2026-01-10 10:00", "The login code never arrives.", -0.8,
                  conversation=f"{cid}T", **LOGIN),
        voice_row(f"{cid}2", f"{cid}r2", cid, "support", "2026-01-10 10:05", close_text, close_score,
                  conversation=f"{cid}T"),
    ]
    if again:
        rows.append(voice_row(f"{cid}3", f"{cid}r3", cid, "social", "2026-02-01", "Login code never arrives, again.",
                              -0.9, **LOGIN))
    return rows


def _resolution(profile):
    return next(p["resolution"] for p in profile["pain_points"] if p.get("resolution"))


@pytest.fixture(scope="module")
def stories():
    rows = _corpus()
    rows += _support_story("R", "That worked, thanks!", 0.8)                       # resolved
    rows += _support_story("O", "That doesn't really help, but ok.", -0.4)          # open: says so
    rows += _support_story("A", "That worked, thanks!", 0.8, again=True)           # open: raised again later
    rows += _support_story("U", "Ok thanks, I'll try that.", 0.3)                  # unknown: will try
    return _build(rows)


def test_resolved_problem(stories):
    res = _resolution(stories["R"])
    assert res["status"] == "resolved" and res["evidence"]["quote"] == "That worked, thanks!"
    assert [c["status"] for c in res["cases"]] == ["resolved"]


def test_open_problem(stories):
    res = _resolution(stories["O"])
    assert res["status"] == "open" and "not fixed" in res["reason"]


def test_problem_raised_again_later_is_open(stories):
    res = _resolution(stories["A"])
    assert res["status"] == "open" and res["reason"] == "raised again in social on 2026-02-01"


def test_tentative_close_is_unknown(stories):
    assert _resolution(stories["U"])["status"] == "unknown"


def test_open_support_case_raises_churn_risk_and_resolved_lowers_it(stories):
    reasons_open = {r["reason"]: r["weight"] for r in stories["O"]["churn_risk"]["reasons"]}
    reasons_resolved = {r["reason"]: r["weight"] for r in stories["R"]["churn_risk"]["reasons"]}
    assert reasons_open["1 pain point(s) raised in support still open"] == 0.1
    assert reasons_resolved["every pain point raised in support was resolved"] == -0.1
    assert stories["O"]["churn_risk"]["score"] > stories["R"]["churn_risk"]["score"]


def test_pain_points_never_raised_in_support_have_no_resolution(stories):
    assert all("resolution" not in p for p in stories["C2"]["pain_points"])


def test_request_keeps_its_object(stories):
    requests = stories["C3"]["requests"]
    assert [(r["object"], r["statement"]) for r in requests] == [("a dark mode", "I wish the app had a dark mode.")]
    need = next(n for n in stories["C3"]["unstated_needs"] if n["kind"] == "request")
    assert need["statement"].startswith("Needs a dark mode") and need["why"] == "asked for it in support on 2026-01-08"


def test_motives_with_kind_and_evidence():
    rows = _corpus() + [voice_row("g1", "rg1", "C7", "review", "2026-01-03", "Got it as a gift from my sister.", 0.5,
                                  rating=5)]
    p = _build(rows, motive_kinds={"g1": "gift"})["C7"]
    assert p["motives"] == [{"kind": "gift", "statement": "Got it as a gift from my sister.", "evidence": {
        "record_id": "rg1", "sentence_id": "g1", "channel": "review", "date": "2026-01-03",
        "quote": "Got it as a gift from my sister."}}]


def test_every_need_says_what_is_needed_and_why(stories):
    needs = [n for p in stories.values() for n in p["unstated_needs"]]
    assert needs and all(n["statement"].startswith("Needs ") and n["why"] for n in needs)


def _timeline_case(profile, conversation):
    return next(c.get("resolution") for c in profile["behaviour"]["timeline"] if c["conversation_id"] == conversation)


def test_one_off_support_problem_gets_a_status_on_the_timeline():
    """A problem raised in support that belongs to no recurring pain point still has a case status; a
    question with no problem has none."""
    rows = [
        voice_row("x1", "xr1", "X", "support", "2026-01-10 10:00", "The box arrived crushed and the lens is cracked.",
                  -0.85, conversation="XT"),
        voice_row("x2", "xr2", "X", "support", "2026-01-10 10:20", "That worked, thanks!", 0.8, conversation="XT"),
        voice_row("y1", "yr1", "Y", "support", "2026-01-11 10:00", "My parcel came soaked and the camera is dead.",
                  -0.8, conversation="YT"),
        voice_row("y2", "yr2", "Y", "support", "2026-01-11 10:20", "That doesn't really help, but ok.", -0.4,
                  conversation="YT"),
        voice_row("z1", "zr1", "Z", "support", "2026-01-12 10:00", "How do I add a second user?", 0.0, conversation="ZT"),
        voice_row("z2", "zr2", "Z", "support", "2026-01-12 10:20", "Great, thank you.", 0.8, conversation="ZT"),
    ]
    profiles = _build(rows)
    assert all(not p.get("resolution") for c in "XY" for p in profiles[c]["pain_points"])
    x, y = _timeline_case(profiles["X"], "XT"), _timeline_case(profiles["Y"], "YT")
    assert x["status"] == "resolved" and x["pain_points"] == []
    assert y["status"] == "open"
    assert _timeline_case(profiles["Z"], "ZT") is None


def test_pain_point_cases_carry_their_status_on_the_timeline(stories):
    case = _timeline_case(stories["O"], "OT")
    label = next(p["label"] for p in stories["O"]["pain_points"] if p.get("resolution"))
    assert case["status"] == "open" and case["pain_points"] == [label]


def test_resolution_rates_per_pain_point(stories):
    from insight.report.resolution import resolution_rates, resolution_text

    rates = resolution_rates(stories.values())
    login = next(p["pain_id"] for p in stories["R"]["pain_points"] if p.get("resolution"))
    rate = rates[login]
    # R resolved; O and A open; U unknown; C1's two chats: the first raised again (open), the second has no
    # reply (unknown)
    assert rate == {"cases": 6, "resolved": 1, "open": 3, "unknown": 2, "resolved_share": 0.167}
    assert resolution_text(rate) == "6 support cases: 1 resolved (17%), 3 open, 2 unknown"
    assert resolution_text(None) == "–"


def test_problem_raised_again_in_a_closely_related_topic_is_open():
    rows = _corpus() + _support_story("K", "That worked, thanks!", 0.8)
    rows.append(voice_row("K3", "Kr3", "K", "social", "2026-02-01", "Two-factor texts still never show up.", -0.9,
                          topic=4, topic_label="two-factor text missing"))
    v = voice(rows)
    pains, mentions = find_pain_points(v, no_aspects())

    def status(related):
        frame = build_profiles(records_from(v), v, no_aspects(), mentions, pains, acts=_acts(v),
                               related_topics=related)
        return _resolution(next(r.profile for r in frame.itertuples() if r.customer_id == "K"))["status"]

    assert status({}) == "resolved"
    assert status({3: {4}, 4: {3}}) == "open"


def test_close_that_confirms_nothing_is_open_whatever_its_tone():
    """A problem stands until the customer says it is fixed: a close that confirms nothing reads open, not
    unknown, even when the sentiment model reads it neutral or mildly positive."""
    rows = _corpus() + _support_story("N", "Okay. Noted.", -0.2) + _support_story("P", "Okay. Noted.", 0.1)
    profiles = _build(rows)
    for cid in "NP":
        assert _resolution(profiles[cid])["status"] == "open"
        assert _resolution(profiles[cid])["reason"] == "the customer's last turn confirms no fix"


def test_clearly_positive_close_without_thanks_is_resolved_and_talk_of_leaving_is_open():
    rows = _corpus() + _support_story("S", "Yes! It finally shows up in the app.", 0.7) \
        + _support_story("L", "Thinking of switching to another brand.", 0.1)
    profiles = _build(rows)
    assert _resolution(profiles["S"])["status"] == "resolved"
    assert _resolution(profiles["L"])["status"] == "open"
    assert _resolution(profiles["L"])["reason"] == "the customer's last turn talks of leaving"


def test_again_reads_restored_when_the_close_is_clearly_positive():
    rows = _corpus() + _support_story("G", "Perfect, the camera is streaming again.", 0.9) \
        + _support_story("H", "The camera is dropping out again.", -0.2)
    profiles = _build(rows)
    assert _resolution(profiles["G"])["status"] == "resolved"
    assert _resolution(profiles["H"])["status"] == "open"


def _build_with_replies(rows, replies):
    v = voice(rows)
    pains, mentions = find_pain_points(v, no_aspects())
    frame = build_profiles(records_from(v), v, no_aspects(), mentions, pains, acts=_acts(v),
                           replies=pd.DataFrame(replies, columns=["conversation_id", "created_at"]).assign(
                               created_at=lambda f: pd.to_datetime(f["created_at"], utc=True)))
    return {r.customer_id: r.profile for r in frame.itertuples()}


def test_the_close_is_the_customers_last_turn_after_an_agent_reply():
    """With the agent turns known: a customer who adds a second turn before any reply and never answers the
    agent has an unknown case; a customer whose only complaint is in the turn after the agent's reply
    closes on it (open), although that turn is where the problem was first named."""
    rows = _corpus() + [
        voice_row("W1", "Wr1", "W", "support", "2026-01-10 10:00", "The login code never arrives.", -0.8,
                  conversation="WT", **LOGIN),
        voice_row("W2", "Wr2", "W", "support", "2026-01-10 10:02", "Any idea what is wrong?", -0.6, conversation="WT"),
        voice_row("V1", "Vr1", "V", "support", "2026-01-11 10:00", "Hi, it's about my account.", 0.0, conversation="VT"),
        voice_row("V2", "Vr2", "V", "support", "2026-01-11 10:10", "The login code never arrives.", -0.8,
                  conversation="VT", **LOGIN),
    ]
    replies = [("WT", "2026-01-10 10:05"), ("VT", "2026-01-11 10:05")]
    profiles = _build_with_replies(rows, replies)
    w, v = _resolution(profiles["W"]), _resolution(profiles["V"])
    assert (w["status"], w["reason"]) == ("unknown", "the customer did not reply after the agent's answer")
    assert (v["status"], v["reason"]) == ("open", "the customer's last turn says it is not fixed")


BILLING = dict(topic=6, topic_label="charged twice")


def _billing_complaints():
    """Three clearly negative reviews that make "charged twice" a pain point of the corpus."""
    return [
        voice_row("b1", "rb1", "B1", "review", "2026-01-01", "Charged twice this month, awful.", -0.9, rating=1, **BILLING),
        voice_row("b2", "rb2", "B2", "review", "2026-01-02", "Got charged twice again, terrible.", -0.9, rating=1, **BILLING),
        voice_row("b3", "rb3", "B2", "review", "2026-01-03", "Double charge on my card, awful.", -0.9, rating=1, **BILLING),
    ]


def _thanked_case(prefix, customer, conversation, day):
    """A support conversation: a mildly negative double-charge report, then "Brilliant, thanks."."""
    return [
        voice_row(f"{prefix}1", f"r{prefix}1", customer, "support", f"2026-01-{day} 10:00",
                  "I was charged twice for the plan this month.", -0.2, conversation=conversation, **BILLING),
        voice_row(f"{prefix}2", f"r{prefix}2", customer, "support", f"2026-01-{day} 10:10", "Brilliant, thanks.", 0.9,
                  conversation=conversation),
    ]


def test_mild_complaint_on_a_pain_point_theme_is_a_case_and_comes_back_in_the_same_topic():
    """A support conversation whose complaint the sentiment model reads only mildly negative is still a case
    when its theme is a pain point of the corpus; a mildly negative sentence in the same topic later (a
    review) raises it again."""
    rows = _billing_complaints() + _thanked_case("m", "M", "MT", "10") + _thanked_case("n", "N", "NT", "11") + [
        voice_row("n3", "rn3", "N", "review", "2026-02-01", "Two invoices for one plan this month.", -0.2, rating=3,
                  **BILLING),
    ]
    profiles = _build(rows)
    assert _timeline_case(profiles["M"], "MT")["status"] == "resolved"
    n = _timeline_case(profiles["N"], "NT")
    assert (n["status"], n["reason"]) == ("open", "raised again in review on 2026-02-01")


def test_a_case_raised_again_in_a_later_support_conversation_is_a_repeat_contact():
    rows = _billing_complaints() + _thanked_case("n", "N", "NT", "11") + [
        voice_row("n3", "rn3", "N", "support", "2026-02-01 09:00", "Two invoices for one plan again this month.", -0.2,
                  conversation="NT2", **BILLING),
    ]
    needs = [n for n in _build(rows)["N"]["unstated_needs"] if n["kind"] == "repeat_contact"]
    assert len(needs) == 1
    assert needs[0]["why"] == "raised in support on 2026-01-11, then again in support on 2026-02-01"
    assert [e["sentence_id"] for e in needs[0]["evidence"]] == ["n1", "n3"]


def test_rating_text_mismatch_on_a_mixed_sentence_and_on_faint_praise():
    """A 5-star review whose complaint shares a sentence with praise (so it scores only mildly negative),
    and a 2-star review of praise with one misread sentence, are both mismatches; a 5-star review whose
    mildly negative sentence carries no complaint cue is not."""
    rows = [
        voice_row("m1", "mr", "M", "review", "2026-01-03", "Looks great - only problem: it arrived a week late.", -0.2,
                  rating=5),
        voice_row("m2", "mr", "M", "review", "2026-01-03", "Love the design.", 0.9, rating=5, idx=1),
        voice_row("f1", "fr", "F", "review", "2026-01-04", "Setup was simple.", 0.05, rating=2),
        voice_row("f2", "fr", "F", "review", "2026-01-04", "Love the white colour.", 0.93, rating=2, idx=1),
        voice_row("f3", "fr", "F", "review", "2026-01-04", "Good value for what you get.", 0.94, rating=2, idx=2),
        voice_row("f4", "fr", "F", "review", "2026-01-04", "Feels like a much more expensive product.", -0.6,
                  rating=2, idx=3),
        voice_row("q1", "qr", "Q", "review", "2026-01-05", "Installed it above the garage last May.", -0.2, rating=5),
        voice_row("q2", "qr", "Q", "review", "2026-01-05", "Works well.", 0.8, rating=5, idx=1),
    ]
    profiles = _build(rows)
    kinds = {c: [n["kind"] for n in profiles[c]["unstated_needs"]] for c in "MFQ"}
    assert kinds["M"] == ["rating_text_mismatch"] and "only problem" in profiles["M"]["unstated_needs"][0]["statement"]
    assert kinds["F"] == ["rating_text_mismatch"]
    assert kinds["Q"] == []


def test_a_sentence_read_as_staying_is_not_churn_talk():
    rows = [
        voice_row("s1", "rs1", "C7", "support", "2026-01-01", "How do I switch to the annual plan?", 0.0, conversation="T71"),
        voice_row("s2", "rs2", "C7", "review", "2026-01-02", "Love it, I'd never switch to another brand.", 0.9, rating=5),
        voice_row("s3", "rs3", "C8", "support", "2026-01-03", "Thinking of switching to another brand.", -0.6, conversation="T81"),
    ]
    profiles = _build(rows)
    assert not [n for n in profiles["C7"]["unstated_needs"] if n["kind"] == "churn"]
    assert [n["kind"] for n in profiles["C8"]["unstated_needs"] if n["kind"] == "churn"] == ["churn"]


def test_a_wish_is_not_a_pain_point():
    rows = _corpus() + [
        voice_row("w1", "rw1", "C9", "social", "2026-01-12", "I wish the app had email login codes.", -0.6, **LOGIN),
        voice_row("w2", "rw2", "C9", "review", "2026-01-13", "Solid camera.", 0.8, rating=5),
    ]
    c9 = _build(rows)["C9"]
    assert c9["requests"] and not c9["pain_points"]
    assert [p["label"] for p in _build(rows)["C2"]["pain_points"]] == ["login code never arrives"]


def test_churn_talk_is_read_in_every_supported_language():
    from insight.stages.profiles import _CHURN

    leaving = ["Ich kündige mein Abo zum Monatsende.", "Aboneliğimi iptal edeceğim.", "Başka bir markaya geçiyorum.",
               "Irtisanoudun tilauksen.", "Voy a cancelar mi suscripción.", "Me doy de baja.",
               "Je vais résilier mon abonnement.", "Je passe chez Ring."]
    staying = ["Das Abo ist super.", "Abonelik çok iyi.", "Tilaus on hyvä.", "La suscripción está bien.",
               "L'abonnement est top."]
    assert [t for t in leaving if not _CHURN.search(t)] == []
    assert [t for t in staying if _CHURN.search(t)] == []


def test_an_acronym_is_no_complaint_cue():
    from insight.stages.words import COMPLAINT_CUE

    assert not COMPLAINT_CUE.search("AMA with the founders tonight")
    assert COMPLAINT_CUE.search("Kamera harika ama pil bir günde bitiyor.")
