"""Hard-example mining for a sentiment training round (used by scripts/train_sentiment.py --hard-share).

A model scores a pool of training examples; the ones it gets wrong or right by a small margin are "hard".
A round's draw is then part hard examples (spread evenly over the pool's sources and languages, so that
no one noisy source fills it) and part replay (a uniform draw of the rest of the pool, emotion lines
included), so that what the model already reads well is not forgotten.

Plain functions, no model here: the scorer is passed in (``scorer(positions) -> probabilities``).
"""

from __future__ import annotations

import random
from typing import Callable, Sequence

Scorer = Callable[[list[int]], Sequence[Sequence[float]]]


def margins(probs: Sequence[Sequence[float]], labels: Sequence[int]) -> list[float]:
    """p(true class) minus the largest other class probability, per example: < 0 means wrong."""
    out = []
    for p, y in zip(probs, labels, strict=True):
        other = max(v for k, v in enumerate(p) if k != y)
        out.append(float(p[y]) - float(other))
    return out


def mine_hard(examples: list[dict], scorer: Scorer, *, margin: float) -> tuple[list[int], dict[int, float]]:
    """Positions of the sentiment examples (``task == 'sent'``) whose margin under ``scorer`` is below
    ``margin`` (wrong, or right by less than ``margin``), and every scored position's margin."""
    pos = [i for i, e in enumerate(examples) if e["task"] == "sent"]
    if not pos:
        return [], {}
    probs = scorer(pos)
    if len(probs) != len(pos):
        raise ValueError(f"mine_hard: the scorer returned {len(probs)} rows for {len(pos)} examples")
    m = dict(zip(pos, margins(probs, [examples[i]["y"] for i in pos])))
    return [i for i in pos if m[i] < margin], m


def spread(positions: list[int], examples: list[dict], n: int, rng: random.Random) -> list[int]:
    """Up to n of ``positions``, taken round-robin over (source, language) groups in a seeded order, so
    every group gives as many as it can up to an even share."""
    groups: dict[tuple, list[int]] = {}
    for i in positions:
        groups.setdefault((examples[i]["src"], examples[i]["lang"]), []).append(i)
    keys = sorted(groups)
    rng.shuffle(keys)
    for k in keys:
        rng.shuffle(groups[k])
    out: list[int] = []
    depth = 0
    while len(out) < n and any(depth < len(groups[k]) for k in keys):
        for k in keys:
            if depth < len(groups[k]) and len(out) < n:
                out.append(groups[k][depth])
        depth += 1
    return out


def hard_draw(examples: list[dict], scorer: Scorer, *, total: int, share: float, margin: float,
              seed: int) -> tuple[list[int], dict]:
    """A seeded draw of ``total`` positions: ``share`` of it hard examples (``mine_hard``, spread over
    sources and languages), the rest a uniform replay of the other examples. If there are fewer hard
    examples than the share asks for, the replay fills the draw. Returns (positions, a summary)."""
    if not 0.0 <= share <= 1.0:
        raise ValueError(f"hard_draw: share must be in [0, 1] (got {share!r})")
    rng = random.Random(seed)
    hard, m = mine_hard(examples, scorer, margin=margin)
    picked = spread(hard, examples, min(len(examples), int(round(total * share))), rng)
    chosen = set(picked)
    rest = [i for i in range(len(examples)) if i not in chosen]
    rng.shuffle(rest)
    replay = rest[:max(0, min(total, len(examples)) - len(picked))]
    draw = picked + replay
    rng.shuffle(draw)
    scored = len(m)
    by_src: dict[str, list[int]] = {}
    for i in m:
        by_src.setdefault(examples[i]["src"], [0, 0])[0] += 1
    for i in hard:
        by_src[examples[i]["src"]][1] += 1
    summary = {"pool": len(examples), "scored": scored, "hard": len(hard),
               "wrong": sum(1 for v in m.values() if v < 0), "hard_drawn": len(picked), "replay": len(replay),
               "margin": margin, "share": share,
               "pool_accuracy": round(sum(1 for v in m.values() if v >= 0) / scored, 4) if scored else None,
               "hard_share_by_source": {k: round(h / n, 3) for k, (n, h) in sorted(by_src.items())}}
    return draw, summary
