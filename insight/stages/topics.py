"""Topic stage: BERTopic discovers themes; stored centroids keep topic ids stable across runs.

Discovery (``TopicDiscovery.fit``) runs BERTopic over all-MiniLM-L6-v2 sentence embeddings:
UMAP -> HDBSCAN -> c-TF-IDF over 1–3-grams. Outliers are then reduced by embedding similarity
(only when the nearest topic is similar enough, so nothing is forced into a nonsense topic),
near-duplicate topics are merged, and each topic gets a readable key-phrase label.

Identity (``assign``): each stored topic keeps the centroid it was born with; new sentences go to
the most similar centroid above a threshold, so ids and labels never shuffle between runs. What
no topic claims stays an outlier (-1) until enough of it gathers to be discovered as a new theme.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from insight.stages.labels import choose_labels, class_keywords, readable_label

OUTLIER = -1
NO_THEME = -2  # content-free sentences ("Really frustrating.", "#tech #home"): never clustered
MIN_CONTENT_WORDS = 1
MIN_DISCOVER_TEXTS = 10  # fewer theme-bearing texts than this form no topics
_URL = re.compile(r"https?://\S+|www\.\S+")
_HANDLE = re.compile(r"(?<![\w@])@\w+")
_TRAILING_TAGS = re.compile(r"(?:\s*#\w+)+\s*$")
_TAG = re.compile(r"#(\w+)")
_SYMBOLS = re.compile(r"[^\w\s'.,!?;:()/&+-]")
_WORD = re.compile(r"[A-Za-z]{3,}")


def theme_text(text: str) -> str | None:
    """The part of a sentence that can carry a theme: URLs, @handles, trailing hashtag blocks and
    emoji removed, inline hashtags kept as words. None when no content word remains
    (pure feeling or filler: those sentences get NO_THEME instead of a forced topic)."""
    from insight.stages.words import THEMELESS

    t = _URL.sub(" ", text)
    t = _HANDLE.sub(" ", t)
    t = _TRAILING_TAGS.sub(" ", t)
    t = _TAG.sub(r"\1", t)
    t = " ".join(_SYMBOLS.sub(" ", t).split())
    content = [w for w in _WORD.findall(t) if w.lower() not in THEMELESS]
    return t if len(content) >= MIN_CONTENT_WORDS else None
def default_min_topic_size(n: int) -> int:
    """Scale the smallest topic with corpus size (BERTopic over-splits small corpora otherwise).

    0.4 * sqrt(n), clamped to 5..200: 12 at 900 texts, 22 at 3k, 40 at 10k, 57 at 20k (the fit cap).
    Measured by scripts/eval_issues.py: 0.6 * sqrt(n) merged neighbouring banking77 intents (59 topics
    for 77 intents, ARI 0.52); 0.3 * sqrt(n) and below over-split (ARI falls, ACC falls faster).
    """
    return int(max(5, min(200, round(math.sqrt(max(n, 1)) * 0.4))))


def default_min_samples(min_topic_size: int) -> int:
    """HDBSCAN density smoothing: small (min_topic_size / 8, at least 2). Larger values (the old
    min_topic_size / 3) label dense-but-distinct intents as noise that the outlier pass then
    lumps into a neighbour."""
    return max(2, min_topic_size // 8)


def embed(texts: list[str], *, embedder, batch_size: int = 64, languages=None) -> np.ndarray:
    """Unit-normalised sentence embeddings (float32, one row per text); ``languages``: each text's
    language, for an embedder that centres each language (``insight.embedders``)."""
    from insight.embedders import encode

    return encode(embedder, texts, batch_size=batch_size, languages=languages)


@dataclass
class Topic:
    topic_id: int
    label: str
    keywords: list[str]
    size: int
    centroid: np.ndarray = field(repr=False)

    def as_row(self) -> dict[str, Any]:
        return {
            "topic_id": self.topic_id,
            "label": self.label,
            "keywords": list(self.keywords),
            "size": self.size,
            "centroid": self.centroid.astype(np.float32).tolist(),
        }


class TopicDiscovery:
    """Estimator: ``fit(texts, embeddings)`` sets ``labels_`` (topic per text, -1 outlier),
    ``probabilities_`` (cosine to the assigned topic's centroid) and ``topics_``.

    ``fast=True`` swaps UMAP+HDBSCAN for PCA+KMeans (unit tests); the product uses the real path.
    ``neighbors``: how UMAP finds each text's nearest neighbours: "exact" (default; ``exact_cosine_knn``,
    blocked matrix products, handed to UMAP as ``precomputed_knn``) or "umap" (UMAP's own: exact below
    4,096 texts, NN-descent above, whose numba kernels compile in every new process).
    ``min_samples`` (HDBSCAN; default ``default_min_samples``) and ``cluster_selection`` ("eom" or
    "leaf") are exposed for tuning; defaults measured with scripts/eval_issues.py.
    """

    def __init__(
        self,
        *,
        min_topic_size: int | None = None,
        outlier_threshold: float = 0.45,
        merge_threshold: float = 0.88,
        n_neighbors: int = 15,
        n_components: int = 5,
        min_samples: int | None = None,
        cluster_selection: str = "eom",
        seed: int = 42,
        fast: bool = False,
        n_clusters: int | None = None,
        label_embedder=None,
        nlp=None,
        languages=None,
        neighbors: str = "exact",
    ) -> None:
        if neighbors not in ("exact", "umap"):
            raise ValueError(f"TopicDiscovery: neighbors must be 'exact' or 'umap' (got {neighbors!r}).")
        self.neighbors = neighbors
        self.languages = languages
        self.label_embedder = label_embedder
        self.nlp = nlp
        self.min_topic_size = min_topic_size
        self.outlier_threshold = outlier_threshold
        self.merge_threshold = merge_threshold
        self.n_neighbors = n_neighbors
        self.n_components = n_components
        self.min_samples = min_samples
        self.cluster_selection = cluster_selection
        self.seed = seed
        self.fast = fast
        self.n_clusters = n_clusters

    # -- sub-models (injectable by overriding) ----------------------------------------------
    def _submodels(self, n: int):
        mts = self.min_topic_size or default_min_topic_size(n)
        if self.fast:
            from sklearn.cluster import KMeans
            from sklearn.decomposition import PCA

            k = self.n_clusters or max(2, min(20, n // max(mts, 1)))
            return PCA(n_components=min(self.n_components, n - 1), random_state=self.seed), KMeans(
                n_clusters=k, random_state=self.seed, n_init=4
            )
        from hdbscan import HDBSCAN
        from umap import UMAP

        reducer = UMAP(
            n_neighbors=min(self.n_neighbors, n - 1),
            n_components=self.n_components,
            min_dist=0.0,
            metric="cosine",
            random_state=self.seed,
            low_memory=True,
            init="pca",  # the default spectral init (ARPACK, unseeded start) differs run to run
        )
        clusterer = HDBSCAN(
            min_cluster_size=mts,
            min_samples=self.min_samples or default_min_samples(mts),
            metric="euclidean",
            cluster_selection_method=self.cluster_selection,
            prediction_data=False,
        )
        return reducer, clusterer

    def fit(self, texts: list[str], embeddings: np.ndarray) -> TopicDiscovery:
        n = len(texts)
        self.labels_ = np.full(n, OUTLIER, dtype=int)
        self.probabilities_ = np.zeros(n, dtype=np.float32)
        self.topics_: list[Topic] = []
        if n < MIN_DISCOVER_TEXTS:
            return self
        from bertopic import BERTopic
        from sklearn.feature_extraction.text import CountVectorizer

        labels = None
        for min_df in (min(2, n), 1):  # on a few short texts min_df=2 can prune every term
            reducer, clusterer = self._submodels(n)
            if not self.fast and self.neighbors == "exact":
                reducer.precomputed_knn = exact_cosine_knn(embeddings, reducer.n_neighbors)
            vectorizer = CountVectorizer(ngram_range=(1, 3), stop_words="english", min_df=min_df)
            model = BERTopic(
                umap_model=reducer,
                hdbscan_model=clusterer,
                vectorizer_model=vectorizer,
                top_n_words=12,
                calculate_probabilities=False,
                verbose=False,
            )
            try:
                labels = np.asarray(model.fit_transform(texts, embeddings)[0], dtype=int)
                break
            except ValueError as exc:  # "After pruning, no terms remain" / "empty vocabulary"
                if min_df == 1:
                    if "terms remain" in str(exc) or "empty vocabulary" in str(exc):
                        return self
                    raise
        labels = self._reduce_outliers(labels, embeddings)
        labels = self._merge_near_duplicates(labels, embeddings)
        labels = _renumber(labels)
        self.labels_ = labels
        self.topics_ = self._describe(texts, labels, embeddings)
        centroids = np.stack([t.centroid for t in self.topics_]) if self.topics_ else None
        if centroids is not None:
            sims = embeddings @ centroids.T
            mask = labels >= 0
            self.probabilities_[mask] = sims[mask, labels[mask]]
        return self

    def _reduce_outliers(self, labels: np.ndarray, embeddings: np.ndarray) -> np.ndarray:
        ids = sorted(set(labels.tolist()) - {OUTLIER})
        if not ids or not (labels == OUTLIER).any():
            return labels
        cents = _centroids(labels, embeddings, ids)
        out = labels.copy()
        idx = np.where(labels == OUTLIER)[0]
        sims = embeddings[idx] @ cents.T
        best = sims.argmax(axis=1)
        ok = sims[np.arange(len(idx)), best] >= self.outlier_threshold
        out[idx[ok]] = np.asarray(ids)[best[ok]]
        return out

    def _merge_near_duplicates(self, labels: np.ndarray, embeddings: np.ndarray) -> np.ndarray:
        ids = sorted(set(labels.tolist()) - {OUTLIER})
        if len(ids) < 2:
            return labels
        cents = _centroids(labels, embeddings, ids)
        sims = cents @ cents.T
        parent = list(range(len(ids)))

        def find(i: int) -> int:
            while parent[i] != i:
                parent[i] = parent[parent[i]]
                i = parent[i]
            return i

        for i in range(len(ids)):
            for j in range(i + 1, len(ids)):
                if sims[i, j] >= self.merge_threshold:
                    parent[find(j)] = find(i)
        mapping = {ids[i]: ids[find(i)] for i in range(len(ids))}
        return np.asarray([mapping.get(int(x), OUTLIER) for x in labels], dtype=int)

    def _describe(self, texts: list[str], labels: np.ndarray, embeddings: np.ndarray) -> list[Topic]:
        return describe_topics(texts, labels, embeddings, embedder=self.label_embedder, nlp=self.nlp,
                               languages=self.languages)


def describe_topics(texts: list[str], labels: np.ndarray, embeddings: np.ndarray, *, embedder=None, nlp=None,
                    used: set[str] | None = None, languages=None) -> list[Topic]:
    """Topics (label, keywords, size, centroid) for the given assignment; labels unique against ``used``
    (insight.stages.labels: verbatim key phrases closest to the centroid; c-TF-IDF alone without an embedder)."""
    ids = sorted(set(labels.tolist()) - {OUTLIER})
    if not ids:
        return []
    ids.sort(key=lambda t: (-(labels == t).sum(), t))  # biggest topics choose their label first
    keywords = class_keywords(texts, labels, ids, top_n=30, languages=languages)
    cents = _centroids(labels, embeddings, ids)
    if embedder is not None:
        members = {tid: [t for t, lab in zip(texts, labels, strict=True) if lab == tid] for tid in ids}
        names = choose_labels(keywords, dict(zip(ids, cents, strict=True)), embedder=embedder, used=used,
                              texts=members, nlp=nlp, languages=languages)
    else:
        names, taken = {}, set(used or ())
        for tid in ids:
            names[tid] = readable_label(keywords[tid], taken)
            taken.add(names[tid])
    topics = [Topic(tid, names[tid], keywords[tid][:10], int((labels == tid).sum()), cents[k])
              for k, tid in enumerate(ids)]
    return sorted(topics, key=lambda t: t.topic_id)


def consolidate(topic_ids: list[int], centroids: np.ndarray, *, distance: float,
                weights: np.ndarray | None = None) -> dict[int, int]:
    """One real problem per group: average-linkage agglomerative clustering of the topic centroids,
    cut once at ``distance``. Returns topic id -> group parent, the group's lowest id (the largest
    topic at fit time); a topic alone is its own parent.

    The distance is the cosine distance of *mean-centred* centroids (the size-weighted mean of all
    centroids subtracted first). Every airline tweet is about flights and every demo sentence about
    a smart-home product: raw centroids share that direction (median raw similarity 0.38 among the
    airline topics, 0.21 among the demo ones) and a raw cut merges "flight delayed" with "flight
    cancelled" on one corpus before it merges the Wi-Fi topics on the other. Centred, the median
    similarity is about 0 on both, and one cut means the same on both."""
    ids = [int(t) for t in topic_ids]
    if len(ids) < 2:
        return {t: t for t in ids}
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import squareform

    c = np.asarray(centroids, dtype=np.float64)
    w = np.ones(len(ids)) if weights is None else np.asarray(weights, dtype=np.float64)
    c = c - (c * w[:, None]).sum(axis=0) / max(w.sum(), 1e-12)
    c = c / np.maximum(np.linalg.norm(c, axis=1, keepdims=True), 1e-12)
    d = np.clip(1.0 - c @ c.T, 0.0, 2.0)
    np.fill_diagonal(d, 0.0)
    d = (d + d.T) / 2
    flat = fcluster(linkage(squareform(d, checks=False), method="average"), t=distance, criterion="distance")
    parent: dict[int, int] = {}
    for cluster in set(flat.tolist()):
        members = [ids[i] for i in np.where(flat == cluster)[0]]
        root = min(members)
        parent.update({m: root for m in members})
    return parent


#: similarity-matrix cells computed at once by ``exact_cosine_knn`` (float32: 64 MB)
KNN_BLOCK_CELLS = 16_000_000


def exact_cosine_knn(vectors: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Each unit vector's ``k`` nearest neighbours by cosine, itself first: (indices, cosine distances),
    both (n, k), nearest first, as UMAP's ``precomputed_knn`` takes them. Exact: ``vectors @ vectors.T``
    in row blocks of bounded memory, so the cost is n² dot products (BLAS, about 20 CPU s for 20,000
    texts here) and no compiled index. UMAP's own search is exact only below 4,096 texts and compiles
    NN-descent's numba kernels in every new process above that (45 CPU s to embed 10,003 banking77
    texts against 18 with this, kNN included, on the shared 2 cores)."""
    x = np.ascontiguousarray(vectors, dtype=np.float32)
    n = len(x)
    k = max(1, min(k, n))
    indices = np.empty((n, k), dtype=np.int64)
    distances = np.empty((n, k), dtype=np.float32)
    step = max(1, KNN_BLOCK_CELLS // max(n, 1))
    for start in range(0, n, step):
        sims = x[start:start + step] @ x.T
        rows = np.arange(len(sims))
        sims[rows, start + rows] = np.inf  # itself first, even beside an exact duplicate
        part = np.argpartition(-sims, k - 1, axis=1)[:, :k]
        top = np.take_along_axis(sims, part, axis=1)
        order = np.argsort(-top, axis=1, kind="stable")
        indices[start:start + step] = np.take_along_axis(part, order, axis=1)
        dist = 1.0 - np.take_along_axis(top, order, axis=1)
        dist[:, 0] = 0.0
        distances[start:start + step] = np.maximum(dist, 0.0)
    return indices, distances


def _centroids(labels: np.ndarray, embeddings: np.ndarray, ids: list[int]) -> np.ndarray:
    cents = np.stack([embeddings[labels == tid].mean(axis=0) for tid in ids])
    norms = np.linalg.norm(cents, axis=1, keepdims=True)
    return (cents / np.maximum(norms, 1e-9)).astype(np.float32)


def _renumber(labels: np.ndarray) -> np.ndarray:
    """Topic ids 0..k-1 by descending size (largest topic is 0); outliers stay -1."""
    ids = [t for t in set(labels.tolist()) if t != OUTLIER]
    ids.sort(key=lambda t: (-(labels == t).sum(), t))
    mapping = {old: new for new, old in enumerate(ids)}
    return np.asarray([mapping.get(int(x), OUTLIER) for x in labels], dtype=int)


def fit_sample(n: int, max_fit: int | None, seed: int) -> np.ndarray:
    """Indices (sorted) of the texts a topic fit runs on: all ``n`` up to ``max_fit``, else a seeded
    sample of ``max_fit`` of them (the rest is assigned to the fitted centroids: ``fit_sampled``)."""
    if max_fit is None or n <= max_fit:
        return np.arange(n)
    return np.sort(np.random.default_rng(seed).choice(n, max_fit, replace=False))


def fit_sampled(discovery: TopicDiscovery, texts: list[str], embeddings: np.ndarray, *, max_fit: int | None,
                seed: int, threshold: float) -> tuple[np.ndarray, np.ndarray]:
    """``discovery.fit`` on ``fit_sample(len(texts), max_fit, seed)``, then every text not fitted on goes to
    the nearest fitted centroid (``assign`` at ``threshold``). Returns (labels, similarities), one per
    text (the similarity is to the nearest centroid); a fitted text keeps the label the fit gave it. The fit materialises its sample, not the corpus:
    UMAP and HDBSCAN cost grows faster than linearly, ``assign`` linearly."""
    idx = fit_sample(len(texts), max_fit, seed)
    discovery.fit([texts[i] for i in idx], embeddings[idx])
    topics = discovery.topics_
    ids = [t.topic_id for t in topics]
    cents = np.stack([t.centroid for t in topics]) if topics else np.zeros((0, embeddings.shape[1]), np.float32)
    labels, sims = assign(embeddings, ids, cents, threshold=threshold)
    labels[idx] = discovery.labels_
    return labels, sims


def assign(embeddings: np.ndarray, topic_ids: list[int], centroids: np.ndarray, *, threshold: float):
    """Nearest stored topic per embedding, or -1 below ``threshold``. Returns (ids, similarities)."""
    n = len(embeddings)
    if n == 0 or len(topic_ids) == 0:
        return np.full(n, OUTLIER, dtype=int), np.zeros(n, dtype=np.float32)
    sims = embeddings @ centroids.T
    best = sims.argmax(axis=1)
    best_sim = sims[np.arange(n), best]
    ids = np.where(best_sim >= threshold, np.asarray(topic_ids)[best], OUTLIER)
    return ids.astype(int), best_sim.astype(np.float32)


def discover_texts(texts: list[str], *, embedder=None, min_topic_size: int | None = None, seed: int = 42,
                   fast: bool = False, max_fit: int | None = None) -> list[dict[str, Any]]:
    """The whole topic stage on plain texts, nothing stored: one {topic_id, label, probability} per text.
    ``max_fit``: fit on a seeded sample of at most this many texts and assign the rest (``fit_sampled``);
    None fits on all of them."""
    themed = [(i, tt) for i, t in enumerate(texts) if (tt := theme_text(t)) is not None]
    if len(themed) < MIN_DISCOVER_TEXTS:
        from insight.errors import InputError

        raise InputError(
            f"topics discover: too few texts to form topics (got {len(texts)} line(s), {len(themed)} with a theme). "
            f"Give at least {MIN_DISCOVER_TEXTS} lines that say something, or use `insight topics assign` "
            "to match texts to saved topics.")
    if embedder is None:
        from insight.resources import load_embedder

        embedder = load_embedder()
    vectors = embed([tt for _, tt in themed], embedder=embedder)
    td = TopicDiscovery(min_topic_size=min_topic_size, seed=seed, fast=fast, label_embedder=embedder)
    themed_texts = [tt for _, tt in themed]
    if max_fit is None or len(themed) <= max_fit:
        td.fit(themed_texts, vectors)
        found, probabilities = td.labels_, td.probabilities_
    else:
        found, probabilities = fit_sampled(td, themed_texts, vectors, max_fit=max_fit, seed=seed,
                                           threshold=td.outlier_threshold)
        probabilities[fit_sample(len(themed), max_fit, seed)] = td.probabilities_  # as a full fit gives them
    labels = {t.topic_id: t.label for t in td.topics_}
    out = [{"topic_id": NO_THEME, "label": None, "probability": 0.0} for _ in texts]
    for (i, _), t, p in zip(themed, found, probabilities, strict=True):
        out[i] = {"topic_id": int(t), "label": labels.get(int(t)), "probability": round(float(p), 4)}
    return out
