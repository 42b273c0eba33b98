"""Sentence and aspect sentiment, and emotions: ``SentimentModel`` and ``aggregate_document``.

One fine-tuned multilingual-e5-small encoder ("sentiment.e5.v4", English, Turkish, Finnish, German,
Spanish, French) with two heads serves

* sentence sentiment (3 classes: negative / neutral / positive): single-text input;
* aspect (target) sentiment: sentence-pair input ``(sentence, aspect term)``, giving the polarity
  toward that term ("Love the screen but the battery dies" -> screen positive, battery negative);
* emotions: 8 independent probabilities (anger, anticipation, disgust, fear, joy, sadness, surprise,
  trust), from the same pass.

A text whose language is known and not one the model was trained for gets ``supported: False`` and
no label, instead of a confident guess.

On CPU it runs the int8 ONNX graph with onnxruntime (no torch import); on CUDA it runs torch in bf16
from the same weights. Nothing is ever downloaded.

    >>> m = SentimentModel.load()
    >>> m.predict(["not good at all"])[0]["label"]
    'negative'
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Sequence

import numpy as np

from insight.errors import InputError
from insight.modelling._loading import (Encoder, cache_for, make_runner, pick_device, read_meta,
                                        resolve_model_dir, softmax)
from insight.modelling._text import normalise

LABELS = ("negative", "neutral", "positive")
DEFAULT_DIR = "sentiment-e5"
TRAIN_SCRIPT = "scripts/train_sentiment.py"


class SentimentModel:
    """3-class sentiment for sentences, optionally toward a target term. Build with :meth:`load`."""

    name = "sentiment.e5.v4"  # the shipped model; a loaded one reports its own

    def __init__(self, model_dir: Path, meta: dict, encoder: Encoder, runner, device: str):
        self.model_dir = model_dir
        self.meta = meta
        self.version: str = meta.get("version", "unknown")
        self.name: str = meta.get("name", type(self).name)
        self.device = device
        self._enc = encoder
        self._run = runner
        #: (normalised text, target) -> (probabilities, emotions), on the per-text ONNX path only
        self._cache = cache_for(runner)
        labels = list(meta["labels"])
        self._order = [labels.index(l) for l in LABELS]
        self.emotions: list[str] = list(meta.get("emotions") or [])
        self.languages: frozenset[str] = frozenset(meta.get("languages") or [])
        #: per-emotion decision thresholds, chosen at training time on held-back XED *train* lines
        self.emotion_thresholds: list[float] = list(meta.get("emotion_thresholds") or [0.5] * len(self.emotions))

    def supports(self, language: str | None) -> bool:
        """True unless ``language`` is known and the model was not trained for it (None = unknown: scored)."""
        return language is None or not self.languages or language in self.languages

    @classmethod
    def load(cls, path: str | os.PathLike | None = None, device: str | None = None,
             backend: str | None = None) -> "SentimentModel":
        """Load from ``path`` (default ``<repo>/models/sentiment-e5`` or ``$INSIGHT_MODELS_DIR``).

        device: None -> "cuda" if available else "cpu". backend: None -> ONNX int8 on CPU, torch on
        CUDA; pass "torch" to force the fp32 torch path on CPU (used to measure the int8 cost).
        Raises ModelUnavailableError when the directory or its files are missing.
        """
        model_dir = resolve_model_dir(path, DEFAULT_DIR, TRAIN_SCRIPT)
        meta = read_meta(model_dir)
        device = pick_device(device)
        return cls(model_dir, meta, Encoder(model_dir, int(meta["max_length"])),
                   make_runner(model_dir, meta, device, backend), device)

    def __repr__(self) -> str:
        return f"SentimentModel(name={self.name!r}, version={self.version!r}, device={self.device!r})"

    def predict_proba(self, texts: Sequence[str], targets: Sequence[str | None] | None = None,
                      batch_size: int = 64) -> np.ndarray:
        """(n, 3) probabilities in LABELS order (negative, neutral, positive).

        Texts are normalised first (insight.modelling._text.normalise: @handles, URLs, emoji).
        """
        return self._forward(texts, targets, batch_size)[0]

    def predict_emotions(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        """(n, len(emotions)) independent probabilities (sigmoid), in ``self.emotions`` order."""
        return self._forward(texts, None, batch_size)[1]

    def _forward(self, texts, targets, batch_size) -> tuple[np.ndarray, np.ndarray]:
        texts = list(texts)
        targets = _checked_targets(targets, texts)
        n_emo = len(self.emotions)
        if not texts:
            return np.zeros((0, 3), dtype=np.float32), np.zeros((0, n_emo), dtype=np.float32)
        for i, t in enumerate(texts):
            if not isinstance(t, str):
                raise InputError(f"SentimentModel.predict: texts[{i}] must be a str (got {t!r}).")
        texts = [normalise(t) for t in texts]
        if self._cache is None:
            return self._run_texts(texts, targets, batch_size)
        # each distinct (text, target) runs once, and only if no earlier call ran it
        keys = list(zip(texts, targets)) if targets else [(t, None) for t in texts]

        def run(missing):
            P, E = self._run_texts([k[0] for k in missing], [k[1] for k in missing] if targets else None, batch_size)
            return [(p.copy(), e.copy()) for p, e in zip(P, E, strict=True)]

        found = self._cache.results(keys, run)
        out = np.stack([f[0] for f in found]).astype(np.float32, copy=False)
        emo = np.stack([f[1] for f in found]).reshape(len(keys), n_emo).astype(np.float32, copy=False)
        return out, emo

    def _run_texts(self, texts, targets, batch_size) -> tuple[np.ndarray, np.ndarray]:
        """Run the encoder over normalised ``texts`` (and ``targets``): probabilities and emotions."""
        n_emo = len(self.emotions)
        out = np.zeros((len(texts), 3), dtype=np.float32)
        emo = np.zeros((len(texts), n_emo), dtype=np.float32)
        # sort by length so each batch pads little; results go back by index, never by position
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]) + (len(targets[i] or "") if targets else 0))
        for s in range(0, len(order), max(1, batch_size)):
            idx = order[s:s + batch_size]
            _, ids, mask, tt = self._enc.encode([texts[i] for i in idx],
                                                [targets[i] for i in idx] if targets else None)
            res = self._run.run_all(ids, mask, tt)
            out[idx] = softmax(res["logits"].astype(np.float32))[:, self._order]
            if n_emo and "emotions" in res:
                emo[idx] = 1.0 / (1.0 + np.exp(-res["emotions"].astype(np.float32)))
        return out, emo

    def predict(self, texts: Sequence[str], targets: Sequence[str | None] | None = None,
                batch_size: int = 64, languages: Sequence[str | None] | None = None) -> list[dict]:
        """One dict per text: ``{"label", "score" (= p_pos - p_neg, in [-1, 1]), "probabilities",
        "emotions" ({name: p}, when the model has the head), "emotions_detected" (the names at or above
        their decision thresholds), "language", "supported"}``.

        targets: optional aspect term per text (None entries allowed): the result is then the
        polarity toward that term, read from the (text, term) sentence pair.
        languages: optional ISO 639-1 code per text (None = unknown). A text in a language the model
        was not trained for is not scored: ``label``, ``score``, ``probabilities`` are None and
        ``supported`` is False.
        """
        texts = list(texts)
        targets = _checked_targets(targets, texts)
        langs = list(languages) if languages is not None else [None] * len(texts)
        if len(langs) != len(texts):
            raise InputError(f"SentimentModel.predict: languages must match texts one to one "
                             f"(got {len(langs)} languages for {len(texts)} texts). Pass None for unknown.")
        ok = [i for i, l in enumerate(langs) if self.supports(l)]
        P, E = self._forward([texts[i] for i in ok], [targets[i] for i in ok] if targets is not None else None,
                             batch_size)
        results: list[dict] = [_unsupported(l) for l in langs]
        for k, i in enumerate(ok):
            r = _result(P[k])
            if self.emotions:
                r["emotions"] = {name: float(p) for name, p in zip(self.emotions, E[k])}
                r["emotions_detected"] = [name for name, p, t in zip(self.emotions, E[k], self.emotion_thresholds)
                                          if p >= t]
            r["language"] = langs[i]
            r["supported"] = True
            results[i] = r
        return results


def _checked_targets(targets, texts: list) -> list | None:
    if targets is None:
        return None
    targets = list(targets)
    if len(targets) != len(texts):
        raise InputError(f"SentimentModel.predict: targets must match texts one to one "
                         f"(got {len(targets)} targets for {len(texts)} texts). Pass None for no target.")
    return targets


def _unsupported(language: str | None) -> dict:
    return {"label": None, "score": None, "probabilities": None, "emotions": None, "emotions_detected": None,
            "language": language, "supported": False}


def _result(p: np.ndarray) -> dict:
    p = [float(x) for x in p]
    return {"label": LABELS[int(np.argmax(p))], "score": p[2] - p[0],
            "probabilities": dict(zip(LABELS, p))}


def aggregate_document(sentence_results: list[dict], mixed_threshold: float = 0.5) -> dict:
    """Aggregate sentence results (from :meth:`SentimentModel.predict`) into a document result.

    Rule (chosen so one bitter sentence in a 5-star review is neither averaged away nor allowed to
    flip the document):

    * document ``probabilities`` = weighted mean of the sentence probabilities, each sentence weighted
      by ``0.25 + max(p_negative, p_positive)``: sentences that carry sentiment count up to 5x more
      than neutral filler ("We went on a Tuesday."), so filler does not drown the opinion;
    * ``label`` = argmax of those probabilities and ``score`` = p_pos - p_neg, so a mostly positive
      document stays positive;
    * the negative part is exposed, not averaged away: ``most_negative_sentence`` (index of the
      sentence with the lowest score), ``min_score`` (its score), ``max_score``, and
      ``label_counts`` (sentences per label);
    * ``mixed`` is True when at least one sentence has score >= +mixed_threshold and another has
      score <= -mixed_threshold (clearly positive and clearly negative content in one document).

    An empty list gives a neutral result with ``most_negative_sentence`` None.
    """
    if not sentence_results:
        return {"label": "neutral", "score": 0.0,
                "probabilities": {"negative": 0.0, "neutral": 1.0, "positive": 0.0},
                "most_negative_sentence": None, "min_score": 0.0, "max_score": 0.0,
                "mixed": False, "n_sentences": 0, "label_counts": {l: 0 for l in LABELS}}
    P = np.array([[r["probabilities"][l] for l in LABELS] for r in sentence_results], dtype=np.float64)
    scores = P[:, 2] - P[:, 0]
    w = 0.25 + np.maximum(P[:, 0], P[:, 2])
    doc = (P * w[:, None]).sum(0) / w.sum()
    i_min = int(np.argmin(scores))
    counts = {l: 0 for l in LABELS}
    for p in P:
        counts[LABELS[int(np.argmax(p))]] += 1
    return {
        "label": LABELS[int(np.argmax(doc))],
        "score": float(doc[2] - doc[0]),
        "probabilities": {l: float(x) for l, x in zip(LABELS, doc)},
        "most_negative_sentence": i_min,
        "min_score": float(scores[i_min]),
        "max_score": float(scores.max()),
        "mixed": bool(scores.max() >= mixed_threshold and scores.min() <= -mixed_threshold),
        "n_sentences": len(sentence_results),
        "label_counts": counts,
    }
