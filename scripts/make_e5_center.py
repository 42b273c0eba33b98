#!/usr/bin/env python
"""Make insight/data/e5_small_center.npy: the mean multilingual-e5-small embedding of a fixed,
seeded sample of XED *train* lines (CC BY 4.0; ``--per-language`` lines in each of en, fi, tr, de,
es, fr; never a dev or eval text).

e5's cosines are crowded into 0.7-1.0 (any two texts look alike), while the topic stage's thresholds
(outlier assignment 0.45, novelty 0.75, related topics 0.5) read cosines on all-MiniLM-L6-v2's wider
scale. ``E5Embedder`` subtracts this fixed centre and renormalises, which spreads e5's cosines out;
the centre is a property of the model, not of any customer corpus, so topic vectors stay comparable
across runs. ``python scripts/eval_embedders.py`` prints the cosine spread before and after.

    python scripts/make_e5_center.py [--per-language 200] [--seed 0] [--out insight/data/e5_small_center.npy]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

sys.path.insert(0, str(HERE))
from _corpora import CORPORA  # noqa: E402  ../shared/corpora or $INSIGHT_CORPORA, defined once


def sample(per_language: int, seed: int) -> list[str]:
    by_lang: dict[str, list[str]] = {}
    with open(CORPORA / "xed-emotions" / "train.jsonl", encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            if len(row["text"]) >= 12:
                by_lang.setdefault(row["lang"], []).append(row["text"])
    rng = random.Random(seed)
    return [t for lang in ("en", "fi", "tr", "de", "es", "fr") for t in rng.sample(by_lang[lang], per_language)]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--per-language", type=int, default=200, help="XED train lines per language (default 200)")
    ap.add_argument("--seed", type=int, default=0, help="sampling seed (default 0)")
    ap.add_argument("--out", default=str(HERE.parent / "insight" / "data" / "e5_small_center.npy"),
                    help="where to write the centre (.npy, float32, 384 values)")
    args = ap.parse_args(argv)
    from insight.embedders import E5Embedder

    texts = sample(args.per_language, args.seed)
    t = time.perf_counter()
    vecs = E5Embedder(center=None).encode(texts, batch_size=64)
    print(f"embedded {len(texts)} texts in {time.perf_counter() - t:.1f} s", file=sys.stderr)
    center = vecs.mean(axis=0).astype(np.float32)
    np.save(args.out, center)
    print(f"wrote {args.out}: norm {np.linalg.norm(center):.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
