#!/usr/bin/env python
"""Speed and peak memory of the topic stage (embeddings given), one fresh subprocess per corpus size.

For each size N:
  fit     ``TopicDiscovery().fit`` (shipped defaults: UMAP -> HDBSCAN -> c-TF-IDF, outlier pass, merges, labels)
          on min(N, max_fit) sentences. Above ``max_fit`` (20,000, as ``insight.pipeline.TopicParams``) the
          pipeline fits on a seeded sample of max_fit sentences and assigns the rest by centroid, so
          N = 100,000 is measured as a 20,000 fit + 80,000 ``assign``.
  assign  ``insight.stages.topics.assign`` (nearest stored centroid above the 0.45 threshold) over the
          sentences not fitted on (for N <= max_fit: over the N fitted embeddings again, as a new batch),
          in batches of 10,000: sentences/s.
  memory  peak RSS of the child process (``resource.getrusage(RUSAGE_SELF).ru_maxrss``: counts numba /
          numpy native memory that tracemalloc misses), and the RSS before the fit (Python + libraries
          + the embeddings) so the fit's own share is visible.
  jit     numba compiles UMAP/HDBSCAN on first use in each new process: a 500-sentence warm-up fit is
          timed separately and the fit time excludes it (a one-shot CLI run pays both).

Data: banking77 train (10,003 texts) embedded with all-MiniLM-L6-v2 (cached as .npy; embedding costs
~150-250 sentences/s on 2 cores and is not part of this benchmark). Sizes above 10,003 are SYNTHETIC:
real embeddings repeated with small Gaussian noise (sigma 0.01 per dimension, renormalised; cosine to the
original ~0.98) and the texts repeated.

    python scripts/bench_topics.py [--sizes 10000,100000] [--max-fit 20000] [--cache-dir /tmp/insight-emb]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

NOISE_SIGMA = 0.01
ASSIGN_THRESHOLD = 0.45  # insight.pipeline.TopicParams.assign_threshold
ASSIGN_BATCH = 10_000


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def current_rss_mb() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def corpus(n: int, cache_dir: str, seed: int) -> tuple[list[str], np.ndarray, bool]:
    import eval_issues as E

    texts, _ = E.load_banking77()
    vecs = E.CachedEmbedder(Path(cache_dir)).encode(texts, batch_size=64, show_progress_bar=False,
                                                   convert_to_numpy=True)
    if n <= len(texts):
        idx = np.sort(np.random.default_rng(seed).choice(len(texts), n, replace=False))
        return [texts[i] for i in idx], vecs[idx], False
    rng = np.random.default_rng(seed)
    reps = -(-n // len(texts))
    big = np.tile(vecs, (reps, 1))[:n]
    big = big + rng.normal(0, NOISE_SIGMA, big.shape).astype(np.float32)
    big /= np.linalg.norm(big, axis=1, keepdims=True)
    return (texts * reps)[:n], big.astype(np.float32), True


def child(n: int, max_fit: int, cache_dir: str, seed: int) -> dict:
    from insight.stages.topics import TopicDiscovery, assign, default_min_topic_size

    texts, vecs, synthetic = corpus(n, cache_dir, seed)
    # numba JIT warm-up on a small slice, timed on its own
    t0 = time.perf_counter()
    TopicDiscovery(seed=seed).fit(texts[:500], vecs[:500])
    jit_s = time.perf_counter() - t0
    before_mb = current_rss_mb()

    fit_idx = np.arange(n)
    if n > max_fit:  # the pipeline's switch: fit on a seeded sample, assign the rest
        fit_idx = np.sort(np.random.default_rng(seed).choice(n, max_fit, replace=False))
    t0 = time.perf_counter()
    td = TopicDiscovery(seed=seed).fit([texts[i] for i in fit_idx], vecs[fit_idx])
    fit_s = time.perf_counter() - t0

    ids = [t.topic_id for t in td.topics_]
    cents = np.stack([t.centroid for t in td.topics_])
    rest = np.setdiff1d(np.arange(n), fit_idx) if n > max_fit else np.arange(n)
    t0 = time.perf_counter()
    n_out = 0
    for start in range(0, len(rest), ASSIGN_BATCH):
        lab, _ = assign(vecs[rest[start:start + ASSIGN_BATCH]], ids, cents, threshold=ASSIGN_THRESHOLD)
        n_out += int((lab == -1).sum())
    assign_s = time.perf_counter() - t0
    return {
        "n": n, "synthetic": synthetic, "n_fit": len(fit_idx), "n_assign": len(rest),
        "min_topic_size": default_min_topic_size(len(fit_idx)), "topics": len(td.topics_),
        "fit_outliers": float((td.labels_ == -1).mean()), "assign_outliers": n_out / max(len(rest), 1),
        "jit_s": jit_s, "fit_s": fit_s, "fit_per_s": len(fit_idx) / fit_s,
        "assign_s": assign_s, "assign_per_s": len(rest) / max(assign_s, 1e-9),
        "rss_before_fit_mb": before_mb, "peak_rss_mb": rss_mb(), "cpus": os.cpu_count(),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="10000,100000")
    ap.add_argument("--max-fit", type=int, default=20_000)
    ap.add_argument("--cache-dir", default="/tmp/insight-emb")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--child", type=int, default=None, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)

    if args.child is not None:
        print(json.dumps(child(args.child, args.max_fit, args.cache_dir, args.seed)))
        return 0

    rows = []
    for n in [int(s) for s in args.sizes.split(",")]:
        log(f"size {n:,}: fresh subprocess ...")
        t0 = time.perf_counter()
        proc = subprocess.run([sys.executable, __file__, "--child", str(n), "--max-fit", str(args.max_fit),
                               "--cache-dir", args.cache_dir, "--seed", str(args.seed)],
                              capture_output=True, text=True)
        if proc.returncode != 0:
            log(proc.stderr[-3000:])
            return 1
        row = json.loads(proc.stdout.strip().splitlines()[-1])
        row["wall_s"] = time.perf_counter() - t0
        rows.append(row)

    print(f"Topic stage on {rows[0]['cpus']} CPU cores (embeddings given; banking77 all-MiniLM-L6-v2 vectors).")
    print(f"Fit on min(N, max_fit={args.max_fit:,}) sentences (seeded sample above that, as the pipeline does); "
          f"the rest assigned to the nearest centroid (threshold {ASSIGN_THRESHOLD}).")
    print(f"N > 10,003 is synthetic: real embeddings repeated + Gaussian noise sigma {NOISE_SIGMA}, renormalised; "
          "texts repeated.\n")
    head = ("N", "fit on", "assign", "mts", "topics", "fit s", "fit sent/s", "numba JIT s", "assign sent/s",
            "RSS before fit MB", "peak RSS MB", "process wall s")
    print("| " + " | ".join(head) + " |")
    print("|" + "|".join("---" for _ in head) + "|")
    for r in rows:
        print(f"| {r['n']:,}{' (synthetic)' if r['synthetic'] else ''} | {r['n_fit']:,} | {r['n_assign']:,} | "
              f"{r['min_topic_size']} | {r['topics']} | {r['fit_s']:.1f} | {r['fit_per_s']:.0f} | {r['jit_s']:.1f} | "
              f"{r['assign_per_s']:,.0f} | {r['rss_before_fit_mb']:.0f} | {r['peak_rss_mb']:.0f} | {r['wall_s']:.0f} |")
    for r in rows:
        print(f"N={r['n']:,}: fit outliers {r['fit_outliers']:.1%}, assigned-batch outliers {r['assign_outliers']:.1%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
