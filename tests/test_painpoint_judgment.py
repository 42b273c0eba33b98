"""Pain points a lead can act on: a problem named, honest trends, rating impact, one row per group."""

import pandas as pd
from frames import no_aspects, voice, voice_row

from insight.params import AnalysisParams
from insight.stages.painpoints import find_pain_points, names_a_problem, rating_impact, trend


def test_content_free_sentences_name_no_problem():
    for text in ("It isn't.", "That doesn't really help, but ok.", "Thanks, sorted.",
                 "Same problem as before, the fix your colleague suggested did nothing.",
                 "@united thanks, that doesn't help http://t.co/x"):
        assert not names_a_problem(text), text
    for text in ("You charged me again after I cancelled!", "Live view just says connecting.",
                 "The login code never arrives."):
        assert names_a_problem(text), text


def _chatter_and_battery():
    rows = [voice_row(f"c{i}", f"rc{i}", f"C{i}", "support", f"2026-03-0{i + 1}", "It isn't.", -0.8,
                      conversation=f"T{i}", topic=5, topic_label="isn't") for i in range(4)]
    rows += [voice_row(f"b{i}", f"rb{i}", f"C{i}", "support", f"2026-03-0{i + 1}", "Battery drains overnight.", -0.8,
                       conversation=f"T{i}", topic=0, topic_label="battery drains") for i in range(4)]
    return voice(rows)


def test_a_theme_without_a_problem_is_no_pain_point():
    pains, _ = find_pain_points(_chatter_and_battery(), no_aspects())
    assert list(pains["label"]) == ["battery drains"]


def test_an_ignored_topic_is_no_pain_point():
    pains, _ = find_pain_points(_chatter_and_battery(), no_aspects(), ignored={0})
    assert len(pains) == 0


def test_grouped_topics_make_one_pain_point_with_sub_themes():
    rows = []
    for i in range(4):
        rows.append(voice_row(f"a{i}", f"ra{i}", f"C{i}", "social", "2026-03-01", "Camera goes offline at night.", -0.9,
                              topic=1, topic_label="goes offline at night"))
        rows.append(voice_row(f"b{i}", f"rb{i}", f"D{i}", "social", "2026-03-01", "Live view stuck on connecting.", -0.7,
                              topic=2, topic_label="live view stuck"))
    frame = voice(rows)
    frame["group_id"] = 1  # topic 2 was merged into topic 1
    pains, mentions = find_pain_points(frame, no_aspects(), group_labels={1: "cameras lose the Wi-Fi connection"})
    assert len(pains) == 1
    p = pains.iloc[0]
    assert p.label == "cameras lose the Wi-Fi connection" and p.customers == 8 and p.topic_id == 1
    assert [s["topic_id"] for s in p.parts["sub_themes"]] == [1, 2]
    assert len(mentions) == 8


def test_new_is_new_and_small_rises_are_not_significant():
    assert trend(13, 0)["trend"] == "new"
    assert trend(13, 0)["significant_rise"] is True
    small = trend(3, 1)
    assert small["trend"] == "steady" and small["rise"] == 0.0  # below the minimum count and not significant
    assert trend(19, 7)["trend"] == "rising" and trend(19, 7)["rise"] == round(19 / 7 - 1, 4)
    assert trend(5, 6)["trend"] == "steady" and trend(5, 6)["rise"] == 0.0
    assert trend(0, 4)["trend"] == "gone"


def test_a_stricter_alpha_keeps_a_rise_from_counting():
    assert trend(19, 7, AnalysisParams(growth_alpha=0.001))["significant_rise"] is False


def test_rating_impact_compares_raisers_with_the_others():
    ratings = {"A": 1.0, "B": 2.0, "C": 1.0, "D": 5.0, "E": 4.0, "F": 5.0, "G": 4.0}
    out = rating_impact({"A", "B", "C"}, ratings)
    assert out["rating_with"] == round(4 / 3, 3) and out["rating_without"] == 4.5
    assert out["rating_gap"] == round(4.5 - 4 / 3, 3)
    lo, hi = out["rating_gap_ci"]
    assert 0 < lo < out["rating_gap"] < hi
    assert rating_impact({"A"}, {"A": 2.0})["rating_gap"] is None  # nobody to compare with


def test_churn_share_is_measured_and_raises_the_score():
    frame = _chatter_and_battery()
    base = find_pain_points(frame, no_aspects())[0].iloc[0]
    churned = find_pain_points(frame, no_aspects(), churn_customers={"C0", "C1"})[0].iloc[0]
    assert base.parts["churn_share"] is None and churned.parts["churn_share"] == 0.5
    assert churned.score > base.score


def test_parts_hold_the_trend_counts():
    p = find_pain_points(_chatter_and_battery(), no_aspects())[0].iloc[0]
    assert p.parts["recent_mentions"] == 4 and p.parts["previous_mentions"] == 0 and p.parts["trend"] == "new"
    assert isinstance(p.first_seen, pd.Timestamp)


def test_a_parsed_sentence_must_name_an_object():
    from insight.stages.painpoints import names_an_object, sentence_names_a_problem

    assert not names_an_object(["I", "patience"])  # "Not resolved, and I'm running out of patience."
    assert not names_an_object('["I", "the same problem"]')
    assert not names_an_object(["that", "a solution"])
    assert names_an_object(["I", "one order"]) and names_an_object('["The login code"]')

    def row(text, chunks, lemmas, language="en"):
        return {"text": text, "noun_chunks": chunks, "lemmas": lemmas, "language": language}

    assert not sentence_names_a_problem(row("Not resolved, and I'm running out of patience.", '["I", "patience"]',
                                            "not resolve , and I be run out of patience ."))
    # no noun chunk beyond pronouns: the verb carries the problem
    assert sentence_names_a_problem(row("You charged me again after I cancelled!", '["You", "me", "I"]',
                                        "you charge I again after I cancel !"))
    # languages without a parser keep the lemma check
    assert sentence_names_a_problem(row("Uygulama sürekli çöküyor.", "[]", "uygulama sürekli çök", "tr"))


def test_a_theme_of_follow_ups_without_an_object_is_no_pain_point():
    rows = [voice_row(f"f{i}", f"rf{i}", f"C{i}", "support", f"2026-03-0{i + 1}",
                      "Not resolved, and I'm running out of patience.", -0.8, conversation=f"T{i}", topic=4,
                      topic_label="not a solution") for i in range(4)]
    rows += [voice_row(f"b{i}", f"rb{i}", f"C{i}", "support", f"2026-03-0{i + 1}", "Battery drains overnight.", -0.8,
                       conversation=f"T{i}", topic=0, topic_label="battery drains") for i in range(4)]
    frame = voice(rows)
    frame["noun_chunks"] = ['["I", "patience"]'] * 4 + ['["Battery"]'] * 4
    frame["language"] = "en"
    pains, _ = find_pain_points(frame, no_aspects())
    assert list(pains["label"]) == ["battery drains"]


def _billing_rows(score, *, rating=None, record_label=None, channel="review"):
    """Three customers report a double charge in a plain, factual sentence (the model reads it neutral)."""
    rows = [voice_row(f"d{i}", f"rd{i}", f"C{i}", channel, f"2026-03-0{i + 1}",
                      "I was charged twice for my plan this month.", score, rating=rating, topic=3,
                      topic_label="charged twice") for i in range(3)]
    frame = voice(rows)
    if record_label is not None:
        frame["record_label"] = record_label
        frame["record_score"] = -0.9 if record_label == "negative" else 0.0
    return frame


def test_a_neutral_problem_report_in_an_unhappy_record_is_a_mention():
    # one-star reviews: the plain report is the complaint
    pains, mentions = find_pain_points(_billing_rows(-0.2, rating=1), no_aspects())
    assert list(pains["label"]) == ["charged twice"] and len(mentions) == 3
    # a record the model reads as negative overall (a support turn has no stars), with its severity
    pains, _ = find_pain_points(_billing_rows(-0.2, record_label="negative", channel="support"), no_aspects())
    assert list(pains["label"]) == ["charged twice"] and pains.iloc[0]["severity"] == 0.9


def test_a_neutral_sentence_is_no_mention_in_a_content_record_or_when_it_leans_positive():
    assert len(find_pain_points(_billing_rows(-0.2, rating=4), no_aspects())[0]) == 0
    assert len(find_pain_points(_billing_rows(-0.2, record_label="neutral", channel="support"), no_aspects())[0]) == 0
    assert len(find_pain_points(_billing_rows(0.1, rating=1), no_aspects())[0]) == 0  # context, not a complaint


def test_content_free_mentions_are_not_counted_in_a_pain_point():
    rows = [voice_row(f"b{i}", f"rb{i}", f"C{i}", "social", "2026-03-01", "Battery drains overnight.", -0.8,
                      topic=0, topic_label="battery drains") for i in range(4)]
    rows += [voice_row(f"x{i}", f"rx{i}", f"C{i}", "social", "2026-03-01", "Really terrible!!!", -0.9,
                       topic=0, topic_label="battery drains") for i in range(2)]
    pains, mentions = find_pain_points(voice(rows), no_aspects())
    assert pains.iloc[0]["mentions"] == 4 and set(mentions["sentence_id"]) == {f"b{i}" for i in range(4)}


def test_the_problem_report_thresholds_are_parameters():
    from insight.params import AnalysisParams

    three_stars = _billing_rows(-0.2, rating=3)
    assert len(find_pain_points(three_stars, no_aspects())[0]) == 0  # 3 stars is not unhappy by default
    wider = AnalysisParams.from_mapping({"unhappy_max_stars": 3})
    assert len(find_pain_points(three_stars, no_aspects(), params=wider)[0]) == 1
    stricter = AnalysisParams.from_mapping({"report_max_score": -0.3})  # -0.2 no longer leans enough
    assert len(find_pain_points(_billing_rows(-0.2, rating=1), no_aspects(), params=stricter)[0]) == 0


def _merge_inputs(groups: dict[int, list[str]], kind: str = "topic"):
    """pains/mentions/voice frames for shared_customer_merges: group id -> customers (one mention each)."""
    pains = pd.DataFrame([{"pain_id": f"p{g}", "kind": kind, "topic_id": g} for g in groups])
    mentions, voice = [], []
    for g, customers in groups.items():
        for i, c in enumerate(customers):
            sid = f"s{g}-{i}"
            mentions.append({"pain_id": f"p{g}", "sentence_id": sid, "record_id": f"r{g}-{i}"})
            voice.append({"sentence_id": sid, "customer_id": c})
    return pains, pd.DataFrame(mentions), pd.DataFrame(voice)


def test_a_pain_point_raised_by_the_same_customers_joins_the_larger_one():
    from insight.stages.painpoints import shared_customer_merges

    wifi = [f"C{i}" for i in range(20)]
    live_view = [f"C{i}" for i in range(8)] + ["X1", "X2"]      # 8 of 10 also raise the Wi-Fi pain point
    battery = [f"C{i}" for i in range(15, 20)] + [f"B{i}" for i in range(10)]  # 5 of 15: a real second problem
    others = [f"O{i}" for i in range(40)]                         # the customers at large
    merges = shared_customer_merges(*_merge_inputs({1: wifi, 7: live_view, 3: battery, 9: others}))
    assert [(m["topic_id"], m["into"], m["shared"]) for m in merges] == [(7, 1, 8)]
    assert merges[0]["share"] == 0.8


def test_one_off_voices_and_reach_never_merge():
    from insight.stages.painpoints import shared_customer_merges

    # tweets: each customer speaks once, nothing is shared
    assert shared_customer_merges(*_merge_inputs({1: ["A", "B", "C", "D"], 2: ["E", "F", "G"]})) == []
    # a pain point nearly everyone raises: sharing it is no evidence (share 0.75 < 2 x reach 0.9)
    big = [f"C{i}" for i in range(18)]
    small = ["C0", "C1", "C2", "Z"]
    assert shared_customer_merges(*_merge_inputs({1: big, 2: small, 3: ["Y1", "Y2"]})) == []
    # two shared customers are too few, and aspect pain points are not topic groups
    assert shared_customer_merges(*_merge_inputs({1: [f"C{i}" for i in range(10)], 2: ["C0", "C1"],
                                                  3: [f"O{i}" for i in range(30)]})) == []
    assert shared_customer_merges(*_merge_inputs({1: [f"C{i}" for i in range(10)], 2: ["C0", "C1", "C2"],
                                                  3: [f"O{i}" for i in range(30)]}, kind="aspect")) == []


def test_customers_must_raise_the_hosts_main_topic_not_a_sub_theme_beside_it():
    from insight.stages.painpoints import shared_customer_merges

    # group 1 is the login problem: its main topic 1, and topic 5 that consolidation put beside it, where
    # a misplaced "There is no cancel button anywhere in the app." sits. The cancel customers (group 2)
    # say that sentence, so by whole groups 6 of 8 of them "raise" login (share 0.75), but none of them
    # in the login topic itself.
    login = [f"L{i}" for i in range(20)]
    cancel = [f"K{i}" for i in range(8)]
    others = [f"O{i}" for i in range(60)]
    pains = pd.DataFrame([{"pain_id": f"p{g}", "kind": "topic", "topic_id": g} for g in (1, 2, 9)])
    mentions, voice = [], []

    def say(group, topic, customer, i):
        sid = f"s{group}-{topic}-{i}"
        mentions.append({"pain_id": f"p{group}", "sentence_id": sid, "record_id": f"r{sid}"})
        voice.append({"sentence_id": sid, "customer_id": customer, "topic_id": topic})

    for i, c in enumerate(login):
        say(1, 1, c, i)
    for i, c in enumerate(cancel):
        say(2, 2, c, i)
    for i, c in enumerate(cancel[:6]):
        say(1, 5, c, 100 + i)  # the misplaced sentence, in the sub-theme
    for i, c in enumerate(others):
        say(9, 9, c, i)
    assert shared_customer_merges(pains, pd.DataFrame(mentions), pd.DataFrame(voice)) == []
    # the same customers raising login in its main topic do join it
    voice = [dict(v, topic_id=1) if v["topic_id"] == 5 else v for v in voice]
    merges = shared_customer_merges(pains, pd.DataFrame(mentions), pd.DataFrame(voice))
    assert [(m["topic_id"], m["into"], m["shared"]) for m in merges] == [(2, 1, 6)]
