#!/usr/bin/env python
"""The CUDA path of the sentiment model: speed (torch bf16, large batches) and what bf16 costs in accuracy.

On a machine with CUDA, ``SentimentModel.load()`` picks the GPU and runs the fp16-shipped weights in
bf16 (the same code path the pipeline uses). This script measures, on that path:
  - import time of transformers (paid once per process), load time (weights to GPU) and sentences/s end to end (normalisation + tokenisation + model +
    post-processing) on N seeded ~20-word sentences from UCI + SST-2 dev, at several batch sizes;
  - SST-2 dev accuracy, TweetEval clean macro-recall, UCI accuracy and SemEval-14 held-out aspect
    polarity on CUDA bf16 and CUDA fp32, so the bf16 cost sits next to the CPU figures of
    ``eval_sentiment.py``.
Exits with a message (code 2) when no GPU is usable; nothing here runs in CI.

    python scripts/bench_gpu.py [--n 20000] [--batch-sizes 64 256 1024] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from bench_models import corpus, rate  # noqa: E402
from eval_sentiment import acc, binary_acc, load_sets, log, macro_recall  # noqa: E402


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--n", type=int, default=20000)
    p.add_argument("--batch-sizes", type=int, nargs="+", default=[64, 256, 1024])
    p.add_argument("--model", default=None, help="model directory (default: the shipped sentiment-e5)")
    p.add_argument("--skip-speed", action="store_true", help="only the accuracy rows (e.g. to compare trained models)")
    p.add_argument("--json", default=None)
    args = p.parse_args(argv)

    import torch

    if not torch.cuda.is_available():
        log("[gpu] no CUDA device is usable here; this benchmark needs one (nothing measured)")
        return 2
    from insight.modelling._loading import TorchRunner
    from insight.modelling.sentiment import SentimentModel

    res: dict = {"gpu": torch.cuda.get_device_name(0), "torch": torch.__version__}
    t0 = time.perf_counter()
    from transformers import BertModel  # noqa: F401  the torch path's heavy import (the CPU path never pays it)

    res["transformers_import_s"] = round(time.perf_counter() - t0, 3)
    t0 = time.perf_counter()
    torch.zeros(1, device="cuda")  # CUDA context start-up, paid once per process whatever is loaded
    torch.cuda.synchronize()
    res["cuda_init_s"] = round(time.perf_counter() - t0, 3)
    t0 = time.perf_counter()
    m = SentimentModel.load(args.model, device="cuda")
    torch.cuda.synchronize()
    res["load_s"] = round(time.perf_counter() - t0, 3)
    res["dtype"] = str(next(m._run.model.parameters()).dtype) if isinstance(m._run, TorchRunner) else "?"

    texts = corpus(args.n)
    res["n"] = len(texts)
    res["mean_words"] = round(sum(len(t.split()) for t in texts) / len(texts), 1)
    m.predict(texts[:2048], batch_size=256)  # warm up kernels and the allocator
    for bs in [] if args.skip_speed else args.batch_sizes:
        # predict returns numpy arrays, so each timed call ends with the GPU's work done
        best = rate(lambda x: m.predict(x, batch_size=bs), texts, repeat=2)
        res[f"sent_per_s_batch_{bs}"] = round(best, 1)
        log(f"[gpu] batch {bs}: {best:.0f} sentences/s")
    res["peak_gpu_mem_mb"] = round(torch.cuda.max_memory_allocated() / 2**20, 1)

    all_sets = load_sets()
    sets = {k: all_sets[k] for k in ("sst2", "tweeteval_clean", "uci")}
    pairs = all_sets["held_pairs"]
    scores: dict[str, dict[str, float]] = {}
    fp32 = SentimentModel.load(args.model, device="cuda")
    fp32._run.model.float()  # the same weights in fp32 on the GPU: the reference for the bf16 cost
    for label, model in (("cuda_bf16", m), ("cuda_fp32", fp32)):
        r = {}
        for name, data in sets.items():
            P = model.predict_proba([t for t, _ in data], batch_size=256)
            gold = [y for _, y in data]
            r[name] = macro_recall(gold, list(P.argmax(1))) if name == "tweeteval_clean" else binary_acc(gold, P)
        P = model.predict_proba([t for t, _, _ in pairs], [a for _, a, _ in pairs], batch_size=256)
        r["aspect_polarity_heldout"] = acc([y for _, _, y in pairs], list(P.argmax(1)))
        scores[label] = {k: round(v, 4) for k, v in r.items()}
        log(f"[gpu] {label}: {scores[label]}")
    res["scores"] = scores

    print("| measure | value |")
    print("|---|---|")
    for k, v in res.items():
        if k != "scores":
            print(f"| {k} | {v} |")
    print()
    print("| row | CUDA bf16 (default) | CUDA fp32 | bf16 − fp32 |")
    print("|---|---|---|---|")
    for row in scores["cuda_bf16"]:
        b, f = scores["cuda_bf16"][row], scores["cuda_fp32"][row]
        print(f"| {row} | {b:.4f} | {f:.4f} | {b - f:+.4f} |")
    if args.json:
        Path(args.json).write_text(json.dumps(res, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
