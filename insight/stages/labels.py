"""Readable topic labels: the key phrase that best says what a topic is about.

Candidates are a topic's top c-TF-IDF 1–3-grams that neither start nor end with a function word
("battery drains overnight", not "feels like" or "cam keeps"). Each candidate is scored by how
close its own embedding is to the topic's centroid, with a small bonus for phrases over single
words and for a high c-TF-IDF rank; the best unused candidate becomes the label.
"""

from __future__ import annotations

import numpy as np
from insight.stages.words import THEMELESS

_EDGE_STOP = THEMELESS
PHRASE_BONUS = 0.05
RANK_BONUS = 0.12


def candidates(keywords: list[str]) -> list[str]:
    """Keywords that make sense as a label on their own."""
    out = []
    for k in keywords:
        words = k.replace("'", "").split()
        if not words or words[0] in _EDGE_STOP or words[-1] in _EDGE_STOP:
            continue
        if all(w.isdigit() for w in words) or len(k) < 3:
            continue
        out.append(k)
    return out


def choose_labels(keywords: dict[int, list[str]], centroids: dict[int, np.ndarray], *, embedder,
                  used: set[str] | None = None) -> dict[int, str]:
    """One unique label per topic id, picked by embedding similarity to the topic centroid."""
    from insight.stages.topics import embed

    used = set(used or ())
    cands = {tid: candidates(kw) or kw[:3] for tid, kw in keywords.items()}
    flat = sorted({c for cs in cands.values() for c in cs})
    vectors = dict(zip(flat, embed(flat, embedder=embedder), strict=True)) if flat else {}
    labels: dict[int, str] = {}
    # biggest topics choose first (they are listed first in keywords by construction)
    for tid in keywords:
        scored = []
        n = len(cands[tid])
        for rank, c in enumerate(cands[tid]):
            sim = float(vectors[c] @ centroids[tid])
            score = sim + PHRASE_BONUS * (len(c.split()) - 1) + RANK_BONUS * (1 - rank / max(n, 1))
            scored.append((score, c))
        scored.sort(key=lambda x: (-x[0], x[1]))
        label = next((c for _, c in scored if c not in used), None)
        if label is None:
            base = scored[0][1] if scored else "misc"
            label, i = f"{base} #2", 2
            while label in used:
                i += 1
                label = f"{base} #{i}"
        used.add(label)
        labels[tid] = label
    return labels
