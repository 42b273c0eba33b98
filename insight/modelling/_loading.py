"""Finding, loading and running the shipped encoder models (shared by sentiment and aspects).

Layout of a model directory (written by ``scripts/train_*.py``)::

    insight_model.json   name, task, labels, pooling, max_length, version, file sizes
    config.json          BERT config (multilingual-e5-small or all-MiniLM-L6-v2 architecture)
    model.safetensors    fp16 weights (torch path, CUDA)
    model.int8.onnx      dynamic int8 ONNX graph (CPU path, onnxruntime; each text runs alone)
    tokenizer.json       fast tokenizer (``tokenizers``), also vocab.txt / tokenizer_config.json
    MODEL_CARD.md

CPU inference never imports torch or transformers: ``tokenizers`` + ``onnxruntime`` + numpy only,
which keeps model load well under a second. CUDA inference uses torch with the same weights in bf16.
Nothing here downloads anything: a missing directory raises :class:`ModelUnavailableError`.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Sequence

import numpy as np

from insight.errors import ModelUnavailableError
from insight.paths import models_root  # $INSIGHT_MODELS_DIR, else the installed package data, else <checkout>/models

META_FILE = "insight_model.json"
ONNX_FILE = "model.int8.onnx"
WEIGHTS_FILE = "model.safetensors"


def resolve_model_dir(path: str | os.PathLike | None, default_name: str, train_script: str) -> Path:
    """Return a usable model directory or raise ModelUnavailableError naming the path and the fix."""
    model_dir = Path(path) if path is not None else models_root() / default_name
    missing = [f for f in (META_FILE, "tokenizer.json") if not (model_dir / f).is_file()]
    if missing:
        raise ModelUnavailableError(
            f"{model_dir}: model files missing (got no {', '.join(missing)}). insight never downloads models: "
            f"train it with `python {train_script}` or point INSIGHT_MODELS_DIR / path= at a directory "
            f"that holds {default_name}/."
        )
    return model_dir


def read_meta(model_dir: Path) -> dict:
    return json.loads((model_dir / META_FILE).read_text(encoding="utf-8"))


def pick_device(device: str | None) -> str:
    """None -> "cuda" when a GPU is usable, else "cpu".

    torch is only imported when it is already loaded or an NVIDIA driver is present, so loading a
    model on a CPU-only machine stays fast (no 1-2 s torch import).
    """
    if device is not None:
        return device
    import sys

    if "torch" not in sys.modules and not (os.path.exists("/proc/driver/nvidia/version")
                                           or os.path.exists("/dev/nvidiactl")):
        return "cpu"
    try:
        import torch

        return "cuda" if torch.cuda.is_available() else "cpu"
    except Exception:  # no or broken torch install
        return "cpu"


class Encoder:
    """Fast tokenizer with per-batch dynamic padding; pair input = (text, second segment)."""

    def __init__(self, model_dir: Path, max_length: int):
        from tokenizers import Tokenizer

        self.tok = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self.tok.no_padding()
        self.tok.enable_truncation(max_length=max_length, strategy="longest_first")
        self.max_length = max_length

    def encode(self, texts: Sequence[str], pairs: Sequence[str | None] | None = None):
        """Return (encodings, input_ids, attention_mask, token_type_ids) as int64 arrays."""
        if pairs is None or all(p is None for p in pairs):
            encs = self.tok.encode_batch(list(texts))
        else:
            items = [(t, p) if p is not None else t for t, p in zip(texts, pairs)]
            encs = self.tok.encode_batch(items)
        n = max((len(e.ids) for e in encs), default=1)
        ids = np.zeros((len(encs), n), dtype=np.int64)
        mask = np.zeros((len(encs), n), dtype=np.int64)
        tt = np.zeros((len(encs), n), dtype=np.int64)
        for i, e in enumerate(encs):
            k = len(e.ids)
            ids[i, :k] = e.ids
            mask[i, :k] = 1
            tt[i, :k] = e.type_ids
        return encs, ids, mask, tt


class ResultCache:
    """Results by input (a text, or a text and its target), for a runner whose result for a text depends on
    that text alone (``runner.per_text``): a text seen before is not run again. Exports repeat texts
    ("Thanks!", "Still not fixed."), so at scale a share of the encoder passes is saved, and each result is
    the one the text gets run alone. Bounded: past ``maxsize`` entries the least recently used go first."""

    def __init__(self, maxsize: int = 100_000) -> None:
        from collections import OrderedDict

        self.maxsize = maxsize
        self._items: OrderedDict = OrderedDict()
        self.hits = 0
        self.misses = 0

    def get(self, key):
        value = self._items.get(key)
        if value is None:
            self.misses += 1
        else:
            self.hits += 1
            self._items.move_to_end(key)
        return value

    def put(self, key, value) -> None:
        self._items[key] = value
        self._items.move_to_end(key)
        while len(self._items) > self.maxsize:
            self._items.popitem(last=False)

    def __len__(self) -> int:
        return len(self._items)

    def results(self, keys: list, compute) -> list:
        """The result of each key, in order: each distinct key not cached yet is computed once, all of them
        in one ``compute(missing_keys)`` call (a list of results in the same order), and kept."""
        found = {}
        for key in dict.fromkeys(keys):
            if (hit := self.get(key)) is not None:
                found[key] = hit
        missing = [key for key in dict.fromkeys(keys) if key not in found]
        if missing:
            for key, value in zip(missing, compute(missing), strict=True):
                found[key] = value
                self.put(key, value)
        return [found[key] for key in keys]


def cache_for(runner) -> ResultCache | None:
    """A result cache for ``runner`` when its results depend on each text alone (the ONNX per-text
    runner), else None (padded torch batches: a text's result moves slightly with its batch)."""
    return ResultCache() if getattr(runner, "per_text", False) else None


class OnnxRunner:
    """onnxruntime session over the int8 graph, run one text at a time.

    The shipped graphs quantise activations dynamically: one int8 scale per *call*, taken over every
    value in the input tensor. Run as a padded batch, a sentence's probabilities would move with
    whatever was batched beside it (by up to 0.34 on SST-2 dev, 9 of 400 labels flipped). So each row
    runs alone, without padding, and its result depends on its own text only; ``threads`` rows run at
    once on a session with one intra-op thread each (on 2 cores, 600 SST-2 dev sentences: sentiment 215/s
    alone against 194/s in padded batches of 64, aspect terms 585/s against 637/s). Callers still pass padded batches (right-padded: ``mask`` is a prefix
    of ones) and get padded outputs back.
    """

    #: each row's result depends on its own text only (``ResultCache`` may reuse it)
    per_text = True

    def __init__(self, model_dir: Path, threads: int | None = None):
        import onnxruntime as ort

        f = model_dir / ONNX_FILE
        if not f.is_file():
            raise ModelUnavailableError(f"{f}: ONNX graph missing. Re-export the model with its scripts/train_*.py --export-only.")
        so = ort.SessionOptions()
        so.intra_op_num_threads = 1
        so.inter_op_num_threads = 1
        so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self.sess = ort.InferenceSession(str(f), so, providers=["CPUExecutionProvider"])
        self.outputs = [o.name for o in self.sess.get_outputs()]
        self.threads = max(1, threads or (os.cpu_count() or 1))
        self._pool = None

    def __call__(self, ids: np.ndarray, mask: np.ndarray, tt: np.ndarray) -> np.ndarray:
        return self.run_all(ids, mask, tt)["logits"]

    def _row(self, ids: np.ndarray, tt: np.ndarray) -> list[np.ndarray]:
        feed = {"input_ids": ids[None, :], "attention_mask": np.ones((1, len(ids)), dtype=np.int64),
                "token_type_ids": tt[None, :]}
        return self.sess.run(self.outputs, feed)

    def run_all(self, ids: np.ndarray, mask: np.ndarray, tt: np.ndarray) -> dict[str, np.ndarray]:
        """Every output of the graph by name (``logits``, and ``emotions`` for a model with that head),
        for a right-padded batch; token-level outputs come back padded with zeros."""
        lengths = np.asarray(mask).sum(axis=1).astype(int)
        rows = [(ids[i, :max(k, 1)], tt[i, :max(k, 1)]) for i, k in enumerate(lengths)]
        if self.threads > 1 and len(rows) > 1:
            if self._pool is None:
                from concurrent.futures import ThreadPoolExecutor

                self._pool = ThreadPoolExecutor(self.threads, thread_name_prefix="insight-onnx")
            results = list(self._pool.map(lambda r: self._row(*r), rows))
        else:
            results = [self._row(*r) for r in rows]
        out: dict[str, np.ndarray] = {}
        width = ids.shape[1]
        for j, name in enumerate(self.outputs):
            parts = [res[j] for res in results]
            if parts[0].ndim >= 3:  # (1, tokens, ...) per row: pad back to the batch width
                padded = np.zeros((len(parts), width, *parts[0].shape[2:]), dtype=parts[0].dtype)
                for i, p in enumerate(parts):
                    padded[i, :p.shape[1]] = p[0]
                out[name] = padded
            else:
                out[name] = np.concatenate(parts, axis=0)
        return out


class TorchRunner:
    """torch path from the fp16 safetensors: bf16 on CUDA, float32 on CPU."""

    per_text = False  # padded batches: a row's result moves slightly with what it is batched with

    def __init__(self, model_dir: Path, meta: dict, device: str):
        import torch
        from safetensors.torch import load_file
        from transformers import BertConfig

        from insight.modelling._torch_model import EncoderWithHead

        self.torch = torch
        config = BertConfig.from_json_file(str(model_dir / "config.json"))
        model = EncoderWithHead(config, len(meta["labels"]), meta["pooling"],
                                num_emotions=len(meta.get("emotions") or []))
        state = load_file(str(model_dir / WEIGHTS_FILE))
        model.load_state_dict({k: v.float() for k, v in state.items()})
        self.dtype = torch.bfloat16 if device.startswith("cuda") else torch.float32
        self.model = model.to(device=device, dtype=self.dtype).eval()
        self.device = device

    def __call__(self, ids: np.ndarray, mask: np.ndarray, tt: np.ndarray) -> np.ndarray:
        return self.run_all(ids, mask, tt)["logits"]

    def run_all(self, ids: np.ndarray, mask: np.ndarray, tt: np.ndarray) -> dict[str, np.ndarray]:
        t = self.torch
        with t.inference_mode():
            out = self.model(t.from_numpy(ids).to(self.device), t.from_numpy(mask).to(self.device),
                             t.from_numpy(tt).to(self.device))
        outs = out if isinstance(out, tuple) else (out,)
        return dict(zip(("logits", "emotions"), (o.float().cpu().numpy() for o in outs)))


def make_runner(model_dir: Path, meta: dict, device: str, backend: str | None = None):
    """backend: None -> onnx on CPU, torch on CUDA; or force "onnx" / "torch"."""
    if backend is None:
        backend = "onnx" if device == "cpu" else "torch"
    if backend == "onnx":
        return OnnxRunner(model_dir)
    return TorchRunner(model_dir, meta, device)


def softmax(x: np.ndarray, axis: int = -1) -> np.ndarray:
    x = x - x.max(axis=axis, keepdims=True)
    e = np.exp(x)
    return e / e.sum(axis=axis, keepdims=True)
