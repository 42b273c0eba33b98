"""Aspect-term pain points: the topic gate on the term, folding into the topic its customers raise, and
the rank of a theme that is only ever said beside another one."""

import pandas as pd
from frames import no_aspects, voice, voice_row

from insight.stages.painpoints import find_pain_points, shared_customer_merges


def _aspect_rows(pairs):
    """pairs: (voice row, term, aspect label) -> an aspects frame in the shape the store hands over."""
    rows = []
    for i, (v, term, label) in enumerate(pairs):
        rows.append({"aspect_id": f"a{i}", "sentence_id": v["sentence_id"], "record_id": v["record_id"], "term": term,
                     "norm": term, "start_char": 0, "end_char": len(term), "label": label,
                     "score": -0.9 if label == "negative" else 0.9, "model": "test",
                     "customer_id": v["customer_id"], "channel": v["channel"], "created_at": v["created_at"]})
    return pd.DataFrame(rows, columns=no_aspects().columns)


def test_a_term_named_mostly_in_praise_is_no_pain_point_even_when_the_pair_model_reads_it_negative():
    praise = [voice_row(f"p{i}", f"rp{i}", f"P{i}", "social", "2026-03-01", "Setup was a breeze.", 0.9)
              for i in range(8)]
    misread = [voice_row(f"m{i}", f"rm{i}", f"M{i}", "social", "2026-03-02", "Setup was painless.", -0.5)
               for i in range(4)]
    aspects = _aspect_rows([(v, "setup", "negative") for v in misread] + [(v, "setup", "positive") for v in praise])
    pains, _ = find_pain_points(voice(praise + misread), aspects)
    assert len(pains) == 0  # 4 of the 12 sentences naming "setup" are negative: under min_negative_share
    # the same four complaints, where the term is named in no praise, are a pain point of their own
    pains, mentions = find_pain_points(voice(misread), _aspect_rows([(v, "setup", "negative") for v in misread]))
    assert list(pains["kind"]) == ["aspect"] and list(pains["label"]) == ["setup"]
    assert set(mentions["sentence_id"]) == {f"m{i}" for i in range(4)}


def _crash_and_cache(cache_customers):
    crash = [voice_row(f"c{i}", f"rc{i}", f"C{i}", "support", "2026-03-01", "The app crashes on start.", -0.9,
                       conversation=f"T{i}", topic=0, topic_label="app crashes") for i in range(12)]
    other = [voice_row(f"o{i}", f"ro{i}", f"O{i}", "social", "2026-03-01", "Delivery was late again.", -0.8,
                       topic=1, topic_label="delivery was late") for i in range(40)]
    cache = [voice_row(f"k{i}", f"rk{i}", c, "social", "2026-03-03", "Cleared the cache, it still crashes.", -0.9)
             for i, c in enumerate(cache_customers)]
    aspects = _aspect_rows([(v, "cache", "negative") for v in cache])
    return voice(crash + other + cache), aspects


def test_a_term_raised_by_a_topics_customers_joins_that_topic_as_a_sub_theme():
    frame, aspects = _crash_and_cache(["C0", "C1", "C2", "C3", "X"])  # 4 of 5 also raise the app crash
    pains, mentions = find_pain_points(frame, aspects)
    assert sorted(pains["label"]) == ["app crashes", "delivery was late"]
    crash = pains[pains["label"] == "app crashes"].iloc[0]
    assert crash.mentions == 17 and crash.customers == 13
    assert {"aspect": "cache", "label": "cache", "mentions": 5} in crash.parts["sub_themes"]
    assert {f"k{i}" for i in range(5)} <= set(mentions[mentions["pain_id"] == crash.pain_id]["sentence_id"])


def test_a_term_raised_by_other_customers_stays_its_own_row():
    frame, aspects = _crash_and_cache(["Y0", "Y1", "Y2", "C0"])  # 1 of 4 shared: another problem
    pains, _ = find_pain_points(frame, aspects)
    assert sorted(pains["label"]) == ["app crashes", "cache", "delivery was late"]


def _consequence(alone: bool):
    """16 login complaints by 16 customers; 8 'lost me as a customer' sentences, said in 8 of the login
    complaints' records by the same customers (alone=False), or on their own by 8 others (alone=True)."""
    rows = []
    for i in range(16):
        rows.append(voice_row(f"l{i}", f"r{i}", f"L{i}", "review", "2026-03-01", "The login code never arrives.",
                              -0.9, rating=1, topic=0, topic_label="login code never arrives"))
    for i in range(8):
        rows.append(voice_row(f"q{i}", f"q{i}" if alone else f"r{i}", f"Q{i}" if alone else f"L{i}", "review",
                              "2026-03-01", "You have lost me as a customer.", -0.9, rating=1, idx=1, topic=1,
                              topic_label="lost me as a customer"))
    return voice(rows)


def test_a_theme_only_said_beside_a_bigger_problem_ranks_down_and_the_problem_does_not():
    beside, _ = find_pain_points(_consequence(alone=False), no_aspects())
    alone, _ = find_pain_points(_consequence(alone=True), no_aspects())
    assert list(beside["label"]) == list(alone["label"]) == ["login code never arrives", "lost me as a customer"]
    login, lost = beside.iloc[0], beside.iloc[1]
    assert login.parts["co_mention_share"] == 0.0 and lost.parts["co_mention_share"] == 1.0
    assert alone.iloc[1].parts["co_mention_share"] == 0.0
    assert login.score == alone.iloc[0].score  # the bigger problem keeps its score
    assert lost.score < alone.iloc[1].score  # the echo said only beside it sinks


def test_merges_by_shared_customers_go_to_a_fixed_point():
    # B shares 8 of 10 customers with A and joins it; only A+B then holds enough of C's customers
    a = [f"A{i}" for i in range(20)]
    b = [f"A{i}" for i in range(8)] + ["B1", "B2"]
    c = ["B1", "B2", "A19", "A18", "Z"]  # 2 of 5 with A alone (0.4), 4 of 5 with A+B
    others = [f"O{i}" for i in range(60)]
    groups = {1: a, 2: b, 3: c, 9: others}
    pains = pd.DataFrame([{"pain_id": f"p{g}", "kind": "topic", "topic_id": g} for g in groups])
    mentions, who = [], []
    for g, customers in groups.items():
        for i, cid in enumerate(customers):
            mentions.append({"pain_id": f"p{g}", "sentence_id": f"s{g}-{i}", "record_id": f"r{g}-{i}"})
            who.append({"sentence_id": f"s{g}-{i}", "customer_id": cid})
    merges = shared_customer_merges(pains, pd.DataFrame(mentions), pd.DataFrame(who))
    assert [(m["topic_id"], m["into"]) for m in merges] == [(2, 1), (3, 1)]


def test_a_group_is_named_by_the_sub_theme_closest_to_its_mentions(tmp_path):
    from insight import resources
    from insight.pipeline import central_label_chooser
    from insight.stages.topics import embed
    from insight.store import Store

    embedder = resources.load_embedder()
    said = ["The login code never reaches my phone.", "I never got the two-factor code by SMS.",
            "Still no verification code, so I can't log in.", "Where is my login code?"]
    subs = [{"topic_id": 3, "label": "there's no manage button", "mentions": 9},  # the larger sub-theme
            {"topic_id": 5, "label": "code never reaches my phone", "mentions": 4}]
    mentions = pd.DataFrame({"sentence_id": [f"s{i}" for i in range(4)]})
    loads = []
    with Store(tmp_path / "l.duckdb") as store:
        choose = central_label_chooser(store, lambda: loads.append(1) or embedder)
        assert choose(subs, mentions) == "there's no manage button"  # no stored vectors: the largest
        store._insert_frame("embeddings", pd.DataFrame({"sentence_id": mentions["sentence_id"],
                                                        "vector": [v.tolist() for v in embed(said, embedder=embedder)]}))
        choose = central_label_chooser(store, lambda: loads.append(1) or embedder)
        assert choose(subs, mentions) == "code never reaches my phone"
        assert choose(subs, mentions) == "code never reaches my phone" and loads == [1]  # loaded once
