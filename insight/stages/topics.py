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

OUTLIER = -1
NO_THEME = -2  # content-free sentences ("Really frustrating.", "#tech #home"): never clustered
MIN_CONTENT_WORDS = 1
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
# Label words that carry no theme on their own (beyond sklearn's English stop words).
_WEAK = {
    "just", "really", "like", "get", "got", "would", "im", "ive", "dont", "did", "does", "thing", "things",
    "thanks", "thank", "hi", "hello", "pls", "lol", "ok", "okay", "yes", "yeah", "know", "want", "need",
    "does", "doing", "going", "possible", "able", "help", "please", "hey", "tell", "let", "way", "try", "trying",
}


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


def embed(texts: list[str], *, embedder, batch_size: int = 64) -> np.ndarray:
    """Unit-normalised sentence embeddings (float32, one row per text)."""
    if not texts:
        return np.zeros((0, 384), dtype=np.float32)
    vecs = embedder.encode(
        texts, batch_size=batch_size, normalize_embeddings=True, show_progress_bar=False, convert_to_numpy=True
    )
    return np.asarray(vecs, dtype=np.float32)


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
    ) -> None:
        self.label_embedder = label_embedder
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
        if n < 10:
            return self
        from bertopic import BERTopic
        from sklearn.feature_extraction.text import CountVectorizer

        reducer, clusterer = self._submodels(n)
        vectorizer = CountVectorizer(ngram_range=(1, 3), stop_words="english", min_df=min(2, n))
        model = BERTopic(
            umap_model=reducer,
            hdbscan_model=clusterer,
            vectorizer_model=vectorizer,
            top_n_words=12,
            calculate_probabilities=False,
            verbose=False,
        )
        labels = np.asarray(model.fit_transform(texts, embeddings)[0], dtype=int)
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
        ids = sorted(set(labels.tolist()) - {OUTLIER})
        if not ids:
            return []
        keywords = class_keywords(texts, labels, ids, top_n=30)
        cents = _centroids(labels, embeddings, ids)
        if self.label_embedder is not None:  # key phrase closest to the topic (insight.stages.labels)
            from insight.stages.labels import choose_labels

            names = choose_labels(keywords, dict(zip(ids, cents, strict=True)), embedder=self.label_embedder)
        else:
            names, used = {}, set()
            for tid in ids:
                names[tid] = readable_label(keywords[tid], used)
                used.add(names[tid])
        return [Topic(tid, names[tid], keywords[tid][:10], int((labels == tid).sum()), cents[k])
                for k, tid in enumerate(ids)]


def class_keywords(texts: list[str], labels: np.ndarray, ids: list[int], top_n: int = 12) -> dict[int, list[str]]:
    """c-TF-IDF key phrases (1–3-grams) per topic, computed over all topics together."""
    from sklearn.feature_extraction.text import CountVectorizer

    docs = [" ".join(t for t, lab in zip(texts, labels, strict=True) if lab == tid) for tid in ids]
    try:
        vec = CountVectorizer(ngram_range=(1, 3), stop_words="english", min_df=1, token_pattern=r"(?u)\b[a-zA-Z][a-zA-Z0-9'-]+\b")
        counts = vec.fit_transform(docs)
    except ValueError:
        return {tid: [] for tid in ids}
    vocab = np.asarray(vec.get_feature_names_out())
    tf = counts.toarray().astype(np.float64)
    avg_words = tf.sum() / max(len(ids), 1)
    idf = np.log(1 + avg_words / (tf.sum(axis=0) + 1e-9))
    ctfidf = (tf / (tf.sum(axis=1, keepdims=True) + 1e-9)) * idf
    out = {}
    for row, tid in enumerate(ids):
        order = np.argsort(-ctfidf[row])
        words = [vocab[i] for i in order[: top_n * 3] if tf[row, i] > 0]
        words = [w for w in words if not set(w.replace("'", "").split()) <= _WEAK]
        out[tid] = words[:top_n]
    return out


def readable_label(keywords: list[str], used: set[str]) -> str:
    """A key phrase, not '0_the_and_to': the best multi-word phrase among the top keywords,
    otherwise the two best words; made unique against labels already used."""
    if not keywords:
        base = "misc"
    else:
        phrases = [p for p in (_trim_weak(k) for k in keywords[:6]) if " " in p]
        if phrases:
            base = phrases[0]
        else:
            words = list(dict.fromkeys(w for w in (_trim_weak(k) for k in keywords) if w))
            base = " / ".join(words[:2]) or keywords[0]
    label = base
    for extra in keywords:
        if label not in used:
            break
        if extra not in label:
            label = f"{base} ({extra})"
    n = 2
    while label in used:
        label = f"{base} #{n}"
        n += 1
    return re.sub(r"\s+", " ", label).strip()


def _trim_weak(phrase: str) -> str:
    """'long does' -> 'long', 'card payment declined' unchanged: drop filler words at a phrase's edges."""
    words = phrase.split()
    while words and words[0].replace("'", "") in _WEAK:
        words.pop(0)
    while words and words[-1].replace("'", "") in _WEAK:
        words.pop()
    return " ".join(words)


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
                   fast: bool = False) -> list[dict[str, Any]]:
    """The whole topic stage on plain texts, nothing stored: one {topic_id, label, probability} per text."""
    if embedder is None:
        from insight.resources import load_embedder

        embedder = load_embedder()
    themed = [(i, tt) for i, t in enumerate(texts) if (tt := theme_text(t)) is not None]
    vectors = embed([tt for _, tt in themed], embedder=embedder)
    td = TopicDiscovery(min_topic_size=min_topic_size, seed=seed, fast=fast, label_embedder=embedder)
    td.fit([tt for _, tt in themed], vectors)
    labels = {t.topic_id: t.label for t in td.topics_}
    out = [{"topic_id": NO_THEME, "label": None, "probability": 0.0} for _ in texts]
    for (i, _), t, p in zip(themed, td.labels_, td.probabilities_, strict=True):
        out[i] = {"topic_id": int(t), "label": labels.get(int(t)), "probability": round(float(p), 4)}
    return out
