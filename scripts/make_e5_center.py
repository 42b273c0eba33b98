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
    return [t for lang in LANGUAGES for t in rng.sample(by_lang[lang], per_language)]


LANGUAGES = ("en", "fi", "tr", "de", "es", "fr")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--per-language", type=int, default=200, help="XED train lines per language (default 200)")
    ap.add_argument("--seed", type=int, default=0, help="sampling seed (default 0)")
    ap.add_argument("--out", default=str(HERE.parent / "insight" / "data" / "e5_small_center.npy"),
                    help="where to write the centre (.npy, float32, 384 values)")
    ap.add_argument("--language-centers", default=str(HERE.parent / "insight" / "data" / "e5_small_language_centers.npz"),
                    help="where to write each language's centre (.npz, one float32 array of 384 values per language "
                         "code): the mean of that language's lines after the common centre is subtracted and the "
                         "vectors renormalised, i.e. in the space embed.multilingual-e5-small-q4.v1 stores")
    args = ap.parse_args(argv)
    from insight.embedders import E5Embedder

    texts = sample(args.per_language, args.seed)
    t = time.perf_counter()
    vecs = E5Embedder(center=None).encode(texts, batch_size=64)
    print(f"embedded {len(texts)} texts in {time.perf_counter() - t:.1f} s", file=sys.stderr)
    center = vecs.mean(axis=0).astype(np.float32)
    np.save(args.out, center)
    print(f"wrote {args.out}: norm {np.linalg.norm(center):.3f}")
    stored = vecs - center
    stored /= np.linalg.norm(stored, axis=1, keepdims=True)
    by_lang = {lang: stored[i * args.per_language:(i + 1) * args.per_language].mean(axis=0).astype(np.float32)
               for i, lang in enumerate(LANGUAGES)}
    np.savez(args.language_centers, **by_lang)
    print(f"wrote {args.language_centers}: norms " + ", ".join(f"{k} {np.linalg.norm(v):.3f}" for k, v in by_lang.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
