"""Profiles: the stable JSON shape and each unstated-need signal, from hand-built frames."""

import pandas as pd
from frames import no_aspects, records_from, voice, voice_row

from insight.stages.painpoints import find_pain_points
from insight.stages.profiles import PROFILE_KEYS, build_profiles

LOGIN = dict(topic=3, topic_label="login code never arrives")


def _build(rows, attributes=None):
    v = voice(rows)
    pains, mentions = find_pain_points(v, no_aspects())
    frame = build_profiles(records_from(v), v, no_aspects(), mentions, pains, attributes=attributes or {})
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
