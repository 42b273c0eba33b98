"""Hard-example mining for a sentiment round (scripts/_hard.py): which examples count as hard, how a
draw spreads them over sources and languages, and that the draw is seeded. No model: a scorer is injected."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))

import _hard  # noqa: E402


def ex(src, lang, y, task="sent"):
    return {"text": f"{src}-{lang}-{y}", "pair": None, "task": task, "y": y, "src": src, "lang": lang}


def table_scorer(table):
    """A scorer that returns a fixed probability row per position, and records what it was asked."""
    asked = []

    def scorer(positions):
        asked.append(list(positions))
        return [table[i] for i in positions]

    scorer.asked = asked
    return scorer


def test_margins_true_class_minus_best_other():
    got = _hard.margins([[0.7, 0.2, 0.1], [0.1, 0.3, 0.6], [0.45, 0.1, 0.45]], [0, 0, 2])
    assert got == pytest.approx([0.5, -0.5, 0.0])


def test_mine_hard_keeps_wrong_and_low_margin_sentiment_examples_only():
    examples = [ex("a", "en", 2), ex("a", "en", 0), ex("b", "fi", 1), ex("x", "en", [1] * 8, task="emo"),
                ex("b", "fi", 2)]
    table = {0: [0.05, 0.05, 0.9],   # right, confident
             1: [0.2, 0.1, 0.7],     # wrong
             2: [0.3, 0.45, 0.25],   # right by 0.15 < 0.3
             4: [0.1, 0.2, 0.7]}     # right by 0.5
    scorer = table_scorer(table)
    hard, m = _hard.mine_hard(examples, scorer, margin=0.3)
    assert hard == [1, 2]
    assert scorer.asked == [[0, 1, 2, 4]]  # emotion lines are not scored
    assert m[1] == pytest.approx(-0.5)


def test_mine_hard_refuses_a_scorer_that_drops_rows():
    with pytest.raises(ValueError, match="returned 1 rows for 2"):
        _hard.mine_hard([ex("a", "en", 0), ex("a", "en", 1)], lambda ps: [[1.0, 0.0, 0.0]], margin=0.3)


def test_spread_takes_evenly_from_every_source_and_language():
    import random

    examples = [ex("big", "en", 0)] * 50 + [ex("small", "tr", 0)] * 3 + [ex("mid", "de", 0)] * 10
    got = _hard.spread(list(range(len(examples))), examples, 12, random.Random(0))
    by = {}
    for i in got:
        by[examples[i]["src"]] = by.get(examples[i]["src"], 0) + 1
    assert by == {"big": 5, "small": 3, "mid": 4} or by == {"big": 4, "small": 3, "mid": 5}
    assert len(set(got)) == 12


def test_hard_draw_share_replay_and_seed():
    examples = [ex("s", "en", i % 3) for i in range(100)] + [ex("x", "fi", [0] * 8, task="emo")] * 20
    # positions 0..29 are wrong (the scorer always says 'neutral' with 0.9, y varies), others right
    table = {i: ([0.9, 0.05, 0.05] if i % 3 == 0 else [0.05, 0.9, 0.05] if i % 3 == 1 else [0.05, 0.05, 0.9])
             for i in range(100)}
    for i in range(30):
        table[i] = [0.05, 0.9, 0.05] if i % 3 != 1 else [0.9, 0.05, 0.05]
    draw, summary = _hard.hard_draw(examples, table_scorer(table), total=50, share=0.4, margin=0.3, seed=7)
    assert len(draw) == len(set(draw)) == 50
    assert summary["hard"] == 30 and summary["wrong"] == 30 and summary["hard_drawn"] == 20
    assert summary["replay"] == 30 and summary["pool_accuracy"] == 0.7
    assert sum(1 for i in draw if i < 30) >= 20  # the hard share, plus whatever the replay drew
    again, _ = _hard.hard_draw(examples, table_scorer(table), total=50, share=0.4, margin=0.3, seed=7)
    other, _ = _hard.hard_draw(examples, table_scorer(table), total=50, share=0.4, margin=0.3, seed=8)
    assert again == draw and other != draw


def test_hard_draw_replay_fills_when_few_are_hard():
    examples = [ex("s", "en", 2) for _ in range(10)]
    table = {i: [0.0, 0.0, 1.0] for i in range(10)}
    table[3] = [0.6, 0.0, 0.4]
    draw, summary = _hard.hard_draw(examples, table_scorer(table), total=8, share=0.5, margin=0.3, seed=1)
    assert 3 in draw and len(draw) == 8 and summary["hard_drawn"] == 1 and summary["replay"] == 7


def test_hard_draw_rejects_a_share_outside_0_1():
    with pytest.raises(ValueError, match="share must be in"):
        _hard.hard_draw([ex("s", "en", 0)], table_scorer({0: [1, 0, 0]}), total=1, share=1.5, margin=0.3, seed=0)
