#!/usr/bin/env python
"""Speed of the shipped models: load time, sentences/s end to end (tokenisation included), peak memory.

Corpus: N sentences of 15-25 words drawn (seeded) from the UCI sentences + SST-2 dev (repeated to N).
Variants run in one process so they can be compared as ratios (this shared machine is noisy):
  sentiment int8 ONNX (CPU runtime path) · sentiment fp32 torch · sentiment pair input (aspect) ·
  aspects int8 ONNX · aspects fp32 torch · and on CUDA torch bf16.

    python scripts/bench_models.py [--n 1000] [--rounds 3] [--batch-size 64] [--skip-torch]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import _corpora as C  # noqa: E402


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def corpus(n: int, seed: int = 13) -> list[str]:
    pool = [t for t, _, _ in C.uci_sentences()] + [t for t, _ in C.sst2("dev")]
    pool = [t for t in pool if 15 <= len(t.split()) <= 25]
    rng = random.Random(seed)
    rng.shuffle(pool)
    return (pool * (n // len(pool) + 1))[:n]


def cold_load_seconds(kind: str) -> float:
    """Load time in a fresh interpreter, imports included."""
    code = ("import time; t=time.time(); "
            + ("from insight.modelling.sentiment import SentimentModel as M" if kind == "sentiment"
               else "from insight.modelling.aspects import AspectExtractor as M")
            + "; M.load(device='cpu'); print(time.time()-t)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=str(HERE.parent),
                         env={**os.environ, "HF_HUB_OFFLINE": "1"})
    if out.returncode:
        log(out.stderr[-2000:])
        return float("nan")
    return float(out.stdout.strip().splitlines()[-1])


def uncached(model, fn):
    """``fn`` with ``model``'s result cache emptied before each call: the ONNX path keeps every text's result,
    so without this a second round (and the warm-up's texts) would time cache hits, not the encoder."""
    def call(x):
        if getattr(model, "_cache", None) is not None:
            model._cache = type(model._cache)()
        return fn(x)

    return call


def rate(fn, texts, repeat: int = 1) -> float:
    fn(texts[:64])  # warm up
    best = 0.0
    for _ in range(repeat):
        t = time.perf_counter()
        fn(texts)
        best = max(best, len(texts) / (time.perf_counter() - t))
    return best


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--n", type=int, default=1000)
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--skip-torch", action="store_true")
    p.add_argument("--rounds", type=int, default=3, help="interleaved rounds; the best rate per variant is kept")
    p.add_argument("--json", default=None)
    args = p.parse_args(argv)
    t0 = time.time()
    from insight.modelling.aspects import AspectExtractor
    from insight.modelling.sentiment import SentimentModel

    texts = corpus(args.n)
    words = sum(len(t.split()) for t in texts) / len(texts)
    bs = args.batch_size
    res: dict = {"n": len(texts), "mean_words": round(words, 1), "batch_size": bs, "cpu_count": os.cpu_count()}
    res["load_s_sentiment_onnx_cold"] = cold_load_seconds("sentiment")
    res["load_s_aspects_onnx_cold"] = cold_load_seconds("aspects")
    log(f"[bench] {len(texts)} sentences, {words:.1f} words on average; cold load {res['load_s_sentiment_onnx_cold']:.2f}s")

    m = SentimentModel.load(device="cpu")
    a = AspectExtractor.load(device="cpu")
    targets = [t.split()[len(t.split()) // 2] for t in texts]
    variants = {
        "sentiment_onnx_int8": uncached(m, lambda x: m.predict(x, batch_size=bs)),
        "sentiment_pair_onnx_int8": uncached(m, lambda x: m.predict(x, targets[:len(x)], batch_size=bs)),
        "aspects_onnx_int8": uncached(a, lambda x: a.extract(x, batch_size=bs)),
    }
    if not args.skip_torch:
        mt = SentimentModel.load(device="cpu", backend="torch")
        at = AspectExtractor.load(device="cpu", backend="torch")
        variants["sentiment_torch_fp32"] = lambda x: mt.predict(x, batch_size=bs)
        variants["aspects_torch_fp32"] = lambda x: at.extract(x, batch_size=bs)
    # interleaved rounds, best of each: the cores are shared, so a single pass mostly measures the neighbours
    best = {k: 0.0 for k in variants}
    for rnd in range(args.rounds):
        for k, fn in variants.items():
            best[k] = max(best[k], rate(fn, texts))
        log(f"[bench] round {rnd + 1}/{args.rounds}: " + ", ".join(f"{k} {v:.0f}/s" for k, v in best.items()))
    for k, v in best.items():
        res[f"{k}_sent_per_s"] = v
    if not args.skip_torch:
        res["sentiment_int8_over_fp32"] = best["sentiment_onnx_int8"] / best["sentiment_torch_fp32"]
        res["aspects_int8_over_fp32"] = best["aspects_onnx_int8"] / best["aspects_torch_fp32"]
        try:
            import torch

            if torch.cuda.is_available():
                big = texts * 10
                mg = SentimentModel.load(device="cuda")
                res["sentiment_cuda_bf16_sent_per_s"] = rate(lambda x: mg.predict(x, batch_size=512), big, 2)
                ag = AspectExtractor.load(device="cuda")
                res["aspects_cuda_bf16_sent_per_s"] = rate(lambda x: ag.extract(x, batch_size=512), big, 2)
                res["gpu"] = torch.cuda.get_device_name(0)
        except ImportError:
            pass
    res["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    res["wall_s"] = round(time.time() - t0, 1)
    print("| measure | value |")
    print("|---|---|")
    for k, v in res.items():
        print(f"| {k} | {v:.2f} |" if isinstance(v, float) else f"| {k} | {v} |")
    if args.json:
        Path(args.json).write_text(json.dumps(res, indent=2))
    log(f"[bench] wall time {time.time() - t0:.1f}s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
