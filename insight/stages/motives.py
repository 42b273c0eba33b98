"""Purchase motives: which kind of reason each motive sentence gives, and the kinds a corpus holds.

A motive sentence (``insight.stages.acts``: a purchase with a reason, a recommendation, a replacement, a
gift) gets the kind whose description it is nearest to in the sentence-embedding space
(all-MiniLM-L6-v2, the vectors the topic stage already stored), or ``other`` when it is near none of them.
The parse already says ``gift``, ``recommendation`` or ``replacement`` when the sentence is built that way
("as a gift", "a friend recommended it", "replaced an old camera"); those frames decide the kind.
The catalogue is generic (written for consumer products and services, not for one corpus); a profile lists
only the kinds its customer's sentences fall into, and ``kinds_in_corpus`` counts what a corpus holds.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

MOTIVE_KINDS = {
    "security": "for security, safety and peace of mind: to protect the home against burglars and break-ins",
    "family": "to look after children, pets or an elderly relative at home",
    "business": "to watch over a shop, office or small business after hours",
    "gift": "it was a gift, a present for a birthday or Christmas",
    "recommendation": "a friend, family member or colleague recommended it",
    "replacement": "to replace an old device that broke or stopped working",
    "price": "it was on sale, cheap, a good deal or a discount, good value for money",
    "research": "chosen after comparing products and reading reviews and tests",
    "convenience": "easy to install and convenient to control from the phone",
}
FRAME_KINDS = {"gift": "gift", "recommendation": "recommendation", "replacement": "replacement"}
MIN_SIMILARITY = 0.2


class MotiveKinds:
    """Nearest-description kind assignment (estimator shape: ``fit`` embeds the catalogue)."""

    def __init__(self, kinds: dict[str, str] | None = None, *, min_similarity: float = MIN_SIMILARITY) -> None:
        self.kinds = dict(kinds or MOTIVE_KINDS)
        self.min_similarity = min_similarity

    def fit(self, embed) -> MotiveKinds:
        """``embed``: texts -> 2-D array of sentence vectors (the same model as the stored vectors)."""
        import numpy as np

        self.names_ = list(self.kinds)
        vectors = np.asarray(embed([self.kinds[k] for k in self.names_]), dtype="float32")
        self.vectors_ = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
        return self

    def transform(self, vectors, frames: list[str | None] | None = None) -> list[str]:
        import numpy as np

        if not len(vectors):
            return []
        v = np.asarray(vectors, dtype="float32")
        v = v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-12)
        sims = v @ self.vectors_.T
        out = []
        for i, row in enumerate(sims):
            frame = frames[i] if frames else None
            if frame in FRAME_KINDS:
                out.append(FRAME_KINDS[frame])
                continue
            best = int(row.argmax())
            out.append(self.names_[best] if row[best] >= self.min_similarity else "other")
        return out


def kinds_in_corpus(kinds: dict[Any, str]) -> list[dict[str, Any]]:
    """The motive kinds a corpus holds, largest first: [{kind, sentences}]."""
    counts = Counter(kinds.values())
    return [{"kind": k, "sentences": n} for k, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]
