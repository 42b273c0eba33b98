"""Aspect term extraction: ``AspectExtractor`` ("aspects.minilm.v1").

A fine-tuned all-MiniLM-L6-v2 BIO tagger (O / B-ASP / I-ASP) that finds the things people talk
about ("battery", "wait staff", "screen") and returns character offsets into the input text.
Pair it with :class:`insight.modelling.sentiment.SentimentModel` (targets=terms) for the polarity
toward each term.

Long texts are read in overlapping windows (the tokenizer's overflow), so aspects past the
model's max length are not lost.

    >>> a = AspectExtractor.load()
    >>> a.extract(["Love the screen but the battery dies by noon"])
    [[{'term': 'screen', 'start': 9, 'end': 15}, {'term': 'battery', 'start': 24, 'end': 31}]]
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Sequence

import numpy as np

from insight.errors import InputError, ModelUnavailableError
from insight.modelling._loading import cache_for, make_runner, pick_device, read_meta, resolve_model_dir

DEFAULT_DIR = "aspects-minilm"
TRAIN_SCRIPT = "scripts/train_aspects.py"
_STRIP = " \t\n\r.,;:!?\"'()[]{}"


class AspectExtractor:
    """Aspect term extractor with character offsets. Build with :meth:`load`."""

    name = "aspects.minilm.v1"  # the shipped model; a loaded one reports its own

    def __init__(self, model_dir: Path, meta: dict, runner, device: str, stride: int = 32):
        from tokenizers import Tokenizer

        self.model_dir = model_dir
        self.meta = meta
        self.version: str = meta.get("version", "unknown")
        self.name: str = meta.get("name", type(self).name)
        self.device = device
        self._run = runner
        self._cache = cache_for(runner)  # text -> its spans, on the per-text ONNX path only
        self._labels = list(meta["labels"])  # ["O", "B-ASP", "I-ASP"]
        # "word": a label on each word's first sub-token (aspects.minilm.v1); "token": on every sub-token, so a
        # term can start inside a written word ("l'ambiance" -> "ambiance"; aspects.e5.v1)
        decode = meta.get("decode", "word")
        if decode not in _DECODERS:
            raise ModelUnavailableError(f"{model_dir}: insight_model.json decode must be one of "
                                        f"{sorted(_DECODERS)} (got {decode!r}). Re-export the model.")
        self._decode = _DECODERS[decode]
        self._tok = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self._tok.no_padding()
        self._tok.enable_truncation(max_length=int(meta["max_length"]), stride=stride)

    @classmethod
    def load(cls, path: str | os.PathLike | None = None, device: str | None = None,
             backend: str | None = None) -> "AspectExtractor":
        """Load from ``path`` (default ``<repo>/models/aspects-minilm`` or ``$INSIGHT_MODELS_DIR``).

        device: None -> "cuda" if available else "cpu". backend: None -> ONNX int8 on CPU, torch on
        CUDA; "torch" forces the torch path. Raises ModelUnavailableError when files are missing.
        """
        model_dir = resolve_model_dir(path, DEFAULT_DIR, TRAIN_SCRIPT)
        meta = read_meta(model_dir)
        device = pick_device(device)
        return cls(model_dir, meta, make_runner(model_dir, meta, device, backend), device)

    def __repr__(self) -> str:
        return f"AspectExtractor(name={self.name!r}, version={self.version!r}, device={self.device!r})"

    def extract(self, texts: Sequence[str], batch_size: int = 64) -> list[list[dict]]:
        """Per text, the aspect terms found: ``[{"term", "start", "end"}]`` with ``text[start:end] == term``."""
        texts = list(texts)
        for i, t in enumerate(texts):
            if not isinstance(t, str):
                raise InputError(f"AspectExtractor.extract: texts[{i}] must be a str (got {t!r}).")
        if not texts:
            return []
        if self._cache is None:
            spans = self._spans(texts, batch_size)
        else:  # each distinct text runs once, and only if no earlier call ran it
            spans = self._cache.results(texts, lambda missing: self._spans(missing, batch_size))
        return [[{"term": text[a:b], "start": a, "end": b} for a, b in sp]
                for text, sp in zip(texts, spans, strict=True)]

    def _spans(self, texts: list[str], batch_size: int) -> list[tuple[tuple[int, int], ...]]:
        """Per text, the (start, end) character spans of its aspect terms, in order."""
        # one row per window: (text index, Encoding); overflow windows carry offsets into the same text
        rows = []
        for ti, enc in enumerate(self._tok.encode_batch(texts)):
            rows.append((ti, enc))
            rows += [(ti, o) for o in enc.overflowing]
        order = sorted(range(len(rows)), key=lambda r: len(rows[r][1].ids))
        found: list[set[tuple[int, int]]] = [set() for _ in texts]
        for s in range(0, len(order), max(1, batch_size)):
            idx = order[s:s + batch_size]
            n = max(len(rows[r][1].ids) for r in idx)
            ids = np.zeros((len(idx), n), dtype=np.int64)
            mask = np.zeros_like(ids)
            for k, r in enumerate(idx):
                e = rows[r][1]
                ids[k, :len(e.ids)] = e.ids
                mask[k, :len(e.ids)] = 1
            pred = self._run(ids, mask, np.zeros_like(ids)).argmax(-1)
            for k, r in enumerate(idx):
                ti, e = rows[r]
                found[ti].update(self._decode(e, pred[k], texts[ti]))
        return [tuple(_dedupe(sp)) for sp in found]


def _decode(enc, pred: np.ndarray, text: str) -> list[tuple[int, int]]:
    """Word-level BIO decoding (label of each word's first sub-token) -> char spans."""
    spans: list[list[int]] = []
    prev_word, open_span = None, False
    for ti, (w, (s, e)) in enumerate(zip(enc.word_ids, enc.offsets)):
        if w is None or enc.special_tokens_mask[ti]:
            prev_word, open_span = None, False
            continue
        if w == prev_word:  # continuation sub-token: extends the current word
            if open_span:
                spans[-1][1] = e
            continue
        prev_word = w
        open_span = _bio_step(spans, int(pred[ti]), s, e, open_span)
    return _stripped(spans, text)


def _bio_step(spans: list[list[int]], lab: int, s: int, e: int, open_span: bool) -> bool:
    """One BIO label read onto ``spans``: B, or an I with nothing open, starts a span; an I extends the open
    one; O closes it. Returns whether a span is open after it."""
    if lab == 1 or (lab == 2 and not open_span):
        spans.append([s, e])
        return True
    if lab == 2:
        spans[-1][1] = e
        return True
    return False


def _decode_tokens(enc, pred: np.ndarray, text: str) -> list[tuple[int, int]]:
    """Sub-token BIO decoding (a label on every sub-token) -> char spans."""
    spans: list[list[int]] = []
    open_span = False
    for ti, (s, e) in enumerate(enc.offsets):
        if enc.special_tokens_mask[ti]:
            open_span = False
            continue
        open_span = _bio_step(spans, int(pred[ti]), s, e, open_span)
    return _stripped([_whole_words(s, e, text) for s, e in spans], text)


def _whole_words(s: int, e: int, text: str) -> list[int]:
    """A span widened to the letters and digits around it: a term never starts or ends inside a run of them
    ("pizza" + "s" -> "pizzas"), while an apostrophe or hyphen still separates ("l'ambiance" -> "ambiance")."""
    while s > 0 and text[s - 1].isalnum() and not text[s].isspace():
        s -= 1
    while e < len(text) and text[e].isalnum() and not text[e - 1].isspace():
        e += 1
    return [s, e]


def _stripped(spans: list[list[int]], text: str) -> list[tuple[int, int]]:
    """Spans without leading / trailing spaces and punctuation; empty ones dropped."""
    out = []
    for s, e in spans:
        while s < e and text[s] in _STRIP:
            s += 1
        while e > s and text[e - 1] in _STRIP:
            e -= 1
        if e > s:
            out.append((s, e))
    return out


_DECODERS = {"word": _decode, "token": _decode_tokens}


def _dedupe(spans: set[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted spans; where windows disagree and spans overlap, keep the longer one."""
    out: list[tuple[int, int]] = []
    for s, e in sorted(spans, key=lambda x: (x[0], -(x[1] - x[0]))):
        if out and s < out[-1][1]:
            if e - s > out[-1][1] - out[-1][0]:
                out[-1] = (s, e)
            continue
        out.append((s, e))
    return out
