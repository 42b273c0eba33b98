"""One reading of the voice, several rankings: what ``refresh_insights`` does (rank, merge groups by shared
customers, rank, build profiles, rank with churn-risk customers) gives the pain points a fresh
``find_pain_points`` call gives at each step, and the per-sentence checks run once, not once per ranking."""

import pandas as pd
import pandas.testing as pdt
from frames import no_aspects, voice, voice_row

from insight.stages import painpoints
from insight.stages.painpoints import VoiceReading, find_pain_points, rank_pain_points


def _corpus():
    rows = []
    # two topics raised by the same customers (a shared-customer merge joins them), one of other customers
    for i in range(6):
        rows.append(voice_row(f"a{i}", f"ra{i}", f"C{i}", "support", f"2026-03-0{i + 1}",
                              "The login code never reaches my phone.", -0.9, conversation=f"T{i}", topic=0,
                              topic_label="login code never arrives"))
        rows.append(voice_row(f"b{i}", f"rb{i}", f"C{i}", "social", f"2026-03-0{i + 1}",
                              "I cannot sign in to the app.", -0.8, topic=1, topic_label="cannot sign in"))
        rows.append(voice_row(f"c{i}", f"rc{i}", f"D{i}", "review", "2026-02-10", "Delivery took three weeks.",
                              -0.7, rating=1, topic=2, topic_label="delivery took weeks"))
    rows.append(voice_row("p0", "rp0", "D0", "review", "2026-03-02", "Love the design.", 0.9, rating=5, topic=3,
                          topic_label="design"))
    return voice(rows)


def _aspects(frame):
    rows = frame[frame["sentence_id"].str.startswith("c")]
    return pd.DataFrame({"aspect_id": [f"x{i}" for i in range(len(rows))], "sentence_id": rows["sentence_id"].tolist(),
                         "record_id": rows["record_id"].tolist(), "term": "delivery", "norm": "delivery",
                         "start_char": 0, "end_char": 8, "label": "negative", "score": -0.9, "model": "test",
                         "customer_id": rows["customer_id"].tolist(), "channel": rows["channel"].tolist(),
                         "created_at": rows["created_at"].tolist()}, columns=no_aspects().columns)


def _same(a, b):
    pdt.assert_frame_equal(a[0], b[0])
    pdt.assert_frame_equal(a[1], b[1])


def test_a_reading_ranked_again_with_new_groups_and_churn_customers_equals_a_fresh_read():
    frame, aspects = _corpus(), _aspects(_corpus())
    reading = VoiceReading(frame, aspects)
    _same(rank_pain_points(reading, run_id="r"), find_pain_points(frame, aspects, run_id="r"))
    merged = frame["topic_id"].where(frame["topic_id"] != 1, 0).to_numpy()  # topic 1 joins topic 0's group
    regrouped = reading.with_groups(merged)
    fresh = find_pain_points(frame.assign(group_id=merged), aspects, run_id="r")
    _same(rank_pain_points(regrouped, run_id="r"), fresh)
    assert len(fresh[0]) == 2 and len(rank_pain_points(reading, run_id="r")[0]) == 3  # the merge mattered
    churn = {"C0", "C1"}
    _same(rank_pain_points(regrouped, churn_customers=churn, run_id="r"),
          find_pain_points(frame.assign(group_id=merged), aspects, churn_customers=churn, run_id="r"))


def test_rankings_do_not_run_the_sentence_checks_again(monkeypatch):
    calls = []
    check = painpoints.sentence_names_a_problem
    monkeypatch.setattr(painpoints, "sentence_names_a_problem", lambda *a, **k: calls.append(1) or check(*a, **k))
    reading = VoiceReading(_corpus(), no_aspects())
    read = len(calls)
    assert read == 18  # one per negative sentence
    for churn in (None, {"C0"}, {"C0", "D1"}):
        assert len(rank_pain_points(reading, churn_customers=churn)[0]) == 3
    assert len(calls) == read
