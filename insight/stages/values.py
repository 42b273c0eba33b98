"""What customers value: aspect terms across the corpus grouped into a small readable taxonomy.

Aspect terms ("night vision", "qr code", "wi - fi") are clustered by their all-MiniLM-L6-v2 vectors
(agglomerative, cosine, average linkage); each cluster takes the name of the catalogue category its terms
are nearest to on the whole (``VALUE_CATEGORIES``: generic for consumer devices and services). A cluster
nearest to the product itself ("camera", "doorbell", "hub") names no value and is dropped, and so are
terms that carry no theme ("two", "wait": stop words, filler, numbers). A customer's praised and
criticised values are their aspect mentions counted per category, positive and negative apart.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from typing import Any

VALUE_CATEGORIES = {
    "ease of setup": "easy setup and installation, pairing with a QR code, getting started",
    "video quality": "picture and image quality, video resolution, night vision, zoom, colour image",
    "battery life": "battery life, charging, running out of power",
    "connectivity": "Wi-Fi connection, router, network signal, going offline",
    "app": "the mobile app, its interface, clips, live view, loading, crashes",
    "design and build": "design, finish, build quality, mount, looks and size",
    "sound": "audio and sound quality, microphone, speaker, two-way talk",
    "detection and alerts": "motion and person detection, alerts, notifications, spotlight",
    "customer support": "customer service, support team, helpful agent",
    "delivery": "delivery, courier, package, box, tracking, shipping",
    "price and billing": "price, value for money, billing, charges, refunds, subscription plan",
    "login and account": "login, verification code, password, account access",
    "privacy and security": "privacy, data protection, security of recordings",
}
PRODUCT = "the product itself: camera, doorbell, hub, device, system"
MIN_SIMILARITY = 0.3
CLUSTER_DISTANCE = 0.45  # cosine distance under which terms join a cluster (average linkage)
_NUMBER_WORDS = {"one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "first", "second", "third"}


def is_junk(term: str) -> bool:
    """A term that names no theme: only stop words, filler, numbers or number words, or too short."""
    from insight.stages.words import THEMELESS

    words = re.findall(r"[a-z0-9]+", str(term).lower())
    content = [w for w in words if w not in THEMELESS and w not in _NUMBER_WORDS and not w.isdigit()]
    return not content or len("".join(content)) < 3


class ValueTaxonomy:
    """Estimator shape: ``fit(terms, embed)`` learns ``term_values_`` (term -> value category)."""

    def __init__(self, categories: dict[str, str] | None = None, *, min_similarity: float = MIN_SIMILARITY,
                 distance: float = CLUSTER_DISTANCE) -> None:
        self.categories = dict(categories or VALUE_CATEGORIES)
        self.min_similarity = min_similarity
        self.distance = distance

    def fit(self, terms: dict[str, int], embed) -> ValueTaxonomy:
        """``terms``: aspect term -> mentions in the corpus; ``embed``: texts -> unit vectors."""
        import numpy as np

        kept = sorted(t for t in terms if not is_junk(t))
        self.term_values_: dict[str, str] = {}
        self.dropped_ = sorted(set(terms) - set(kept))
        if not kept:
            return self
        names = list(self.categories) + ["(product)"]
        cats = np.asarray(embed([self.categories[n] for n in names[:-1]] + [PRODUCT]), dtype="float32")
        vecs = np.asarray(embed(kept), dtype="float32")
        sims = vecs @ cats.T
        labels = self._clusters(vecs)
        for cluster in sorted(set(labels)):
            idx = [i for i, c in enumerate(labels) if c == cluster]
            weights = np.array([terms[kept[i]] for i in idx], dtype="float32")
            votes = (sims[idx] * weights[:, None]).sum(axis=0) / weights.sum()
            best = int(votes.argmax())
            for i in idx:
                # a term far from its cluster's category keeps its own nearest one (or none)
                own = int(sims[i].argmax())
                pick = best if sims[i, best] >= self.min_similarity else own
                if sims[i, pick] >= self.min_similarity and names[pick] != "(product)":
                    self.term_values_[kept[i]] = names[pick]
        return self

    def _clusters(self, vecs) -> list[int]:
        if len(vecs) < 2:
            return [0] * len(vecs)
        from sklearn.cluster import AgglomerativeClustering

        model = AgglomerativeClustering(n_clusters=None, metric="cosine", linkage="average",
                                        distance_threshold=self.distance)
        return [int(x) for x in model.fit_predict(vecs)]

    def taxonomy(self, terms: dict[str, int]) -> list[dict[str, Any]]:
        """[{value, mentions, terms}] largest first: the readable taxonomy of this corpus."""
        groups: dict[str, list[str]] = defaultdict(list)
        for term, value in self.term_values_.items():
            groups[value].append(term)
        out = [{"value": v, "mentions": int(sum(terms.get(t, 0) for t in ts)),
                "terms": sorted(ts, key=lambda t: (-terms.get(t, 0), t))[:8]} for v, ts in groups.items()]
        return sorted(out, key=lambda x: (-x["mentions"], x["value"]))


def customer_values(aspects, term_values: dict[str, str]) -> dict[str, list[dict[str, Any]]]:
    """One customer's aspect rows (``label``, ``norm``) -> praised and criticised values with counts."""
    out = {}
    for label, key in (("positive", "praised"), ("negative", "criticised")):
        counts: Counter = Counter()
        terms: dict[str, set] = defaultdict(set)
        for a in aspects:
            value = term_values.get(a.norm) if a.label == label and a.norm is not None else None
            if value:
                counts[value] += 1
                terms[value].add(a.norm)
        out[key] = [{"value": v, "mentions": n, "terms": sorted(terms[v])[:4]}
                    for v, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]
    return out
