"""Pain points: recurring negative themes with their ranking parts."""

from frames import no_aspects, voice, voice_row

from insight.stages.painpoints import customer_value, find_pain_points

BATTERY = dict(topic=0, topic_label="battery drains overnight")
DESIGN = dict(topic=1, topic_label="beautiful design")


def _corpus():
    rows = [
        voice_row("s1", "r1", "C1", "review", "2026-01-05", "But the battery drains overnight.", -0.9, rating=5, **BATTERY),
        voice_row("s2", "r2", "C2", "support", "2026-02-20", "The battery dies by noon.", -0.8, conversation="T1", **BATTERY),
        voice_row("s3", "r3", "C2", "support", "2026-03-01", "Battery still drains.", -0.7, conversation="T2", **BATTERY),
        voice_row("s4", "r4", "C3", "social", "2026-03-02", "battery drain again", -0.6, **BATTERY),
        voice_row("s5", "r5", None, "social", "2026-03-03", "battery is awful", -0.9, **BATTERY),
        voice_row("s6", "r6", "C1", "review", "2026-03-04", "Love the design.", 0.9, rating=5, **DESIGN),
        voice_row("s7", "r7", "C3", "review", "2026-03-04", "Design is beautiful.", 0.8, rating=4, **DESIGN),
        voice_row("s8", "r8", "C4", "review", "2026-03-05", "Gorgeous design.", 0.9, rating=5, **DESIGN),
    ]
    return voice(rows)


def test_only_negative_recurring_themes_become_pain_points():
    pains, mentions = find_pain_points(_corpus(), no_aspects(), ltv={"C1": 100.0, "C2": 50.0})
    assert list(pains["label"]) == ["battery drains overnight"]
    assert set(mentions["sentence_id"]) == {"s1", "s2", "s3", "s4", "s5"}


def test_parts_are_measured():
    p = find_pain_points(_corpus(), no_aspects(), ltv={"C1": 100.0, "C2": 50.0})[0].iloc[0]
    assert p.mentions == 5
    assert p.customers == 3  # the unlinked post counts as a mention, not a customer
    assert p.channels == {"review": 1, "social": 2, "support": 2}
    assert p.repeat_contacts == 1  # C2 raised it in two conversations
    assert p.value_at_stake == 150.0
    assert p.hidden_share == 0.4  # C1 (5 stars) and C3 (4 stars) review happily: 2 of 5 mentions
    assert round(p.severity, 2) == 0.78
    # windows end at the newest sentence (2026-03-05): 4 mentions in the last 30 days, 1 in the 30 before
    assert p.parts["recent_mentions"] == 4 and p.parts["previous_mentions"] == 1 and p.growth == 3.0
    assert [e["sentence_id"] for e in p.evidence][:3] == ["s1", "s5", "s2"]


def test_single_customer_complaint_is_not_recurring():
    rows = [voice_row(f"s{i}", f"r{i}", "C1", "support", "2026-01-0%d" % (i + 1), "Refund missing.", -0.9,
                      conversation=f"T{i}", topic=2, topic_label="refund") for i in range(4)]
    pains, _ = find_pain_points(voice(rows), no_aspects())
    assert len(pains) == 0


def test_lifetime_value_found_under_common_names():
    assert customer_value({"ltv": 10}) == 10.0
    assert customer_value({"lifetime_value": "n/a"}) is None
    assert customer_value({"plan": "basic"}) is None


def test_uncued_negative_sentence_in_a_happy_review_is_not_a_mention():
    rows = list(_corpus().itertuples(index=False))
    frame = voice([r._asdict() for r in rows])
    frame.loc[frame["sentence_id"] == "s1", "text"] = "Setup was painless."  # praise the model misread
    _, mentions = find_pain_points(frame, no_aspects())
    assert "s1" not in set(mentions["sentence_id"])


def test_a_cued_complaint_in_a_happy_review_counts_in_every_language():
    """"aber" / "ama" / "mutta" / "pero" / "mais" announce a complaint in a 4-5 star review like "but" does."""

    cued = {
        "de": "Tolle Kamera, aber der Akku ist nach einem Tag leer.",
        "tr": "Kamera harika ama pil bir günde bitiyor.",
        "fi": "Hyvä kamera, mutta akku loppuu päivässä.",
        "es": "La cámara es genial, pero la batería dura un día.",
        "fr": "Seul bémol : la batterie tient une journée.",
    }
    for language, text in cued.items():
        rows = list(_corpus().itertuples(index=False))
        frame = voice([r._asdict() for r in rows])
        frame.loc[frame["sentence_id"] == "s1", "text"] = text
        _, mentions = find_pain_points(frame, no_aspects())
        assert "s1" in set(mentions["sentence_id"]), language
    frame = voice([r._asdict() for r in _corpus().itertuples(index=False)])
    frame.loc[frame["sentence_id"] == "s1", "text"] = "Die Einrichtung war völlig problemlos."  # no cue
    _, mentions = find_pain_points(frame, no_aspects())
    assert "s1" not in set(mentions["sentence_id"])
