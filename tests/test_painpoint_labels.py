"""A pain point is named in its complaints' words, never by the praise its topic also holds."""

import pandas as pd
from frames import no_aspects, voice, voice_row

from insight.stages.painpoints import find_pain_points, said_by_complaints

STYLE = dict(topic=4, topic_label="setup was painless")


def _style_topic():
    """A topic named from its praise ("Setup was painless." x4, positive) whose negative sentences are
    complaints about other things ("... is a mess")."""
    rows = [voice_row(f"p{i}", f"rp{i}", f"P{i}", "social", "2026-03-01", "Setup was painless.", 0.8, **STYLE)
            for i in range(4)]
    rows += [voice_row("n0", "rn0", "C0", "support", "2026-03-02", "The verification system is a mess.", -0.9,
                       conversation="T0", **STYLE),
             voice_row("n1", "rn1", "C1", "support", "2026-03-03", "The verification system is a mess.", -0.9,
                       conversation="T1", **STYLE),
             voice_row("n2", "rn2", "C2", "social", "2026-03-04", "Billing is a mess.", -0.8, **STYLE),
             voice_row("n3", "rn3", "C3", "social", "2026-03-05", "Setup was painless, but the app is a mess.", -0.6,
                       **STYLE),
             voice_row("n4", "rn4", "C4", "support", "2026-03-06", "The app is a buggy mess.", -0.9,
                       conversation="T4", **STYLE)]
    return voice(rows)


def test_a_label_mostly_said_by_praise_is_not_the_complaints_phrase():
    frame = _style_topic()
    mentions = frame[frame["label"] == "negative"]
    # 5 sentences say "setup was painless", 1 of them a complaint
    assert not said_by_complaints("setup was painless", frame, mentions, 0.5)
    assert said_by_complaints("verification system", frame, mentions, 0.5)  # said only by complaints
    assert said_by_complaints("login code never arrives", frame, mentions, 0.5)  # said by none: kept
    assert not said_by_complaints("Setup", frame, mentions, 0.5)  # case and word edges ...
    assert said_by_complaints("set", frame, mentions, 0.5)  # ... not a part of a word


def test_the_pain_point_is_renamed_from_its_mentions_only_when_its_label_fails():
    seen = []

    def from_mentions(mentions, used):
        seen.append(sorted(mentions["sentence_id"]))
        return "verification system is a mess"

    pains, _ = find_pain_points(_style_topic(), no_aspects(), complaint_labeller=from_mentions)
    assert list(pains["label"]) == ["verification system is a mess"]
    assert seen == [["n0", "n1", "n2", "n3", "n4"]]  # the complaints, not the praise

    # the same topic under a label its complaints use keeps it, and the labeller is not asked
    frame = _style_topic().assign(topic_label="is a mess")
    pains, _ = find_pain_points(frame, no_aspects(), complaint_labeller=from_mentions)
    assert list(pains["label"]) == ["is a mess"] and len(seen) == 1
    # an analyst's label always wins
    frame = _style_topic().assign(group_id=4)
    pains, _ = find_pain_points(frame, no_aspects(), group_labels={4: "mixed complaints"},
                                complaint_labeller=from_mentions)
    assert list(pains["label"]) == ["mixed complaints"] and len(seen) == 1


def test_the_pipeline_labeller_picks_a_phrase_of_the_mentions(tmp_path, monkeypatch):
    from insight import resources
    from insight.pipeline import complaint_labeller
    from insight.stages.topics import embed
    from insight.store import Store

    embedder = resources.load_embedder()
    frame = _style_topic()
    mentions = frame[frame["label"] == "negative"].assign(language="en")
    with Store(tmp_path / "l.duckdb") as store:
        label = complaint_labeller(store, lambda: embedder)
        assert label(mentions, set()) is None  # no stored vectors: nothing to choose by
        store._insert_frame("embeddings", pd.DataFrame({
            "sentence_id": mentions["sentence_id"],
            "vector": [v.tolist() for v in embed(list(mentions["text"]), embedder=embedder)]}))
        label = complaint_labeller(store, lambda: embedder)
        chosen = label(mentions, set())
        assert chosen and "painless" not in chosen
        assert any(chosen in t.lower() for t in mentions["text"])  # verbatim, from a complaint
        assert label(mentions, set()) == chosen  # kept for the next ranking
        # a large pain point is named from a seeded sample of its mentions: still a complaint's phrase
        monkeypatch.setattr("insight.pipeline.LABEL_SAMPLE", 3)
        sampled = complaint_labeller(store, lambda: embedder)(mentions, set())
        assert sampled and any(sampled in t.lower() for t in mentions["text"])
        assert complaint_labeller(store, lambda: embedder)(mentions, set()) == sampled  # seeded
