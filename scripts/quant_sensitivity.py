#!/usr/bin/env python
"""Which MatMuls of the sentiment model lose most to int8, and what keeping them in fp32 buys.

Calibration set: 1,000 seeded *training* sentences (500 SST-2 train, 250 UMSAB english train, 250
Amazon TV/T-shirt review sentences), never a dev split, so choosing what to keep in fp32 does not
tune on the numbers we report. For every weight MatMul of the fused graph it quantises everything
*except* that one node and measures the mean KL(fp32 || int8) of the class probabilities over the
calibration set; the drop against the all-int8 graph is that node's sensitivity. Then it keeps the top
k in fp32 (k = 0, 2, 4, 8) and prints calibration KL, SST-2 dev accuracy and sentences/s, next to the
plain per-tensor int8 graph and the fused fp32 graph. `_export.FP32_MATMULS` is what this chose.

    python scripts/quant_sensitivity.py [--model models/sentiment-minilm]   # ~5 min on 2 cores
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import _corpora as C  # noqa: E402
from bench_models import rate  # noqa: E402
from eval_sentiment import binary_acc, log  # noqa: E402


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", default=str(HERE.parent / "models" / "sentiment-minilm"))
    args = p.parse_args(argv)

    import numpy as np
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    from _export import base_dir, fused_onnx, load_weights, quantize
    from insight.modelling._torch_model import EncoderWithHead
    from insight.modelling.sentiment import SentimentModel

    src = Path(args.model)
    work = Path(tempfile.mkdtemp(prefix="insight-quant-", dir="/tmp"))
    model = EncoderWithHead.from_base(base_dir(), num_labels=3, pooling="mean")
    load_weights(model, str(src / "model.safetensors"))
    model.eval()
    fused = work / "fused.onnx"
    fused_onnx(model, fused, "mean", work)
    graph = onnx.load(str(fused))
    inits = {x.name for x in graph.graph.initializer}
    weight_mm = [n.name for n in graph.graph.node if n.op_type == "MatMul" and any(i in inits for i in n.input)]

    r = random.Random(5)
    calib = ([t for t, _ in r.sample(C.sst2("train"), 500)] + [t for t, _ in r.sample(C.umsab_english("train"), 250)]
             + [t for t, _ in r.sample(C.unanimous_sentences(C.product_reviews()), 250)])
    dev = C.sst2("dev")
    bench = [t for t, _ in dev][:600]
    mdir = work / "model"
    shutil.copytree(src, mdir)

    def load(graph_file: Path):
        shutil.copy(graph_file, mdir / "model.int8.onnx")
        return SentimentModel.load(str(mdir), device="cpu", backend="onnx")

    def int8(keep: list[str]) -> Path:
        out = work / "q.onnx"
        quantize(fused, out, keep_fp32=keep)
        return out

    ref = load(fused).predict_proba(calib)

    def kl(m) -> float:
        q = m.predict_proba(calib)
        return float(np.mean(np.sum(ref * (np.log(ref + 1e-9) - np.log(q + 1e-9)), axis=1)))

    full = kl(load(int8([])))
    sens = []
    for i, name in enumerate(weight_mm, 1):
        sens.append((full - kl(load(int8([name]))), name))
        log(f"[sensitivity] {i}/{len(weight_mm)}")
    sens.sort(reverse=True)
    print(f"all-int8 calibration KL {full:.5f}; sensitivity = KL drop when one MatMul stays fp32")
    for s, name in sens[:8]:
        print(f"  {s:.5f}  {name}")

    def row(label: str, graph_file: Path) -> None:
        m = load(graph_file)
        a = binary_acc([y for _, y in dev], m.predict_proba([t for t, _ in dev]))
        best = rate(m.predict_proba, bench, repeat=3)
        print(f"{label:52s} KL {kl(m):.5f}  SST-2 dev {a:.4f}  {best:5.0f} sentences/s")

    print()
    plain = work / "plain.onnx"
    quantize_dynamic(str(work / "model.fp32.onnx"), str(plain), weight_type=QuantType.QInt8)
    row("plain graph, per-tensor int8 (the v1 export)", plain)
    for k in (0, 2, 4, 8):
        row(f"fused, per-channel int8, top {k} kept fp32", int8([n for _, n in sens[:k]]))
    row("fused, per-channel int8, _export.FP32_MATMULS kept fp32", int8(None))
    row("fused fp32 (no quantisation)", fused)
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
