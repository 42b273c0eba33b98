#!/usr/bin/env python
"""What switching the topic embedder costs on the English discovery evals, and what it buys.

Runs ``insight.stages.topics.discover_texts`` (the code of ``insight topics discover``, shipped
defaults) with each embedder on

  dstc11     DSTC11 intent induction development: 913 customer turns, 22 gold intents
  banking77  banking77 train: a seeded ``--limit`` sample (10,003 messages, 77 intents in all)
  clinc150   CLINC150 dev, in-scope only: a seeded ``--limit`` sample (3,000 texts, 150 intents)

and reports NMI / ARI / cluster accuracy exactly as ``scripts/eval_issues.py`` computes them
(imported from it), the topic count, the outlier share, the embedding speed (sentences/s on this
machine, measured on the texts embedded in this run) and the spread of cosines between random
pairs of texts (mean and 5th-95th percentile).

Embedders: ``minilm`` (embed.all-minilm-l6-v2.v1), ``e5`` (embed.multilingual-e5-small-q4.v1 as
shipped: centred and renormalised), ``e5-raw`` (the same vectors without the centre).

    python scripts/eval_embedders.py [--corpus dstc11|banking77|clinc150|all] [--embedders minilm,e5,e5-raw]
                                     [--limit 2000] [--seed 42] [--cache-dir /tmp/insight-ml-emb] [--json out.json]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from eval_issues import CORPORA, LOADERS, scores  # noqa: E402  (the pain-point eval's measures, reused)


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def load_clinc150() -> tuple[list[str], list[str]]:
    texts, gold = [], []
    with open(CORPORA / "clinc150" / "dev.jsonl", encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            if row["intent"] != "oos":
                texts.append(row["text"].strip())
                gold.append(row["intent"])
    return texts, gold


CORPUS_LOADERS = {**LOADERS, "clinc150": load_clinc150}


class Cached:
    """An embedder whose raw vectors are cached per text list on disk; ``center`` is applied after."""

    def __init__(self, kind: str, cache_dir: Path):
        self.kind = kind
        self.cache_dir = cache_dir
        self._model = None
        self.seconds = 0.0
        self.embedded = 0
        self.center = None
        if kind == "e5":
            from insight.embedders import e5_center

            self.center = e5_center()

    def _raw_model(self):
        if self._model is None:
            if self.kind == "minilm":
                from insight.resources import load_embedder

                self._model = load_embedder(name="embed.all-minilm-l6-v2.v1")
            else:
                from insight.embedders import E5Embedder

                self._model = E5Embedder(center=None)
        return self._model

    def encode(self, texts, **kw):
        texts = list(texts)
        base = "minilm" if self.kind == "minilm" else "e5raw"
        key = hashlib.sha1("\x1f".join(texts).encode("utf-8")).hexdigest()[:16]
        path = self.cache_dir / f"{base}-{len(texts)}-{key}.npy"
        if path.exists():
            vecs = np.load(path)
        else:
            t = time.perf_counter()
            vecs = np.asarray(self._raw_model().encode(texts, batch_size=64, normalize_embeddings=True,
                                                       show_progress_bar=False, convert_to_numpy=True), np.float32)
            if len(texts) >= 100:  # speed from real batches only (label phrases are a handful)
                self.seconds += time.perf_counter() - t
                self.embedded += len(texts)
            self.cache_dir.mkdir(parents=True, exist_ok=True)
            np.save(path, vecs)
        if self.center is not None:
            vecs = vecs - self.center
            vecs = vecs / np.maximum(np.linalg.norm(vecs, axis=1, keepdims=True), 1e-12)
        return vecs.astype(np.float32)


def spread(vecs: np.ndarray, seed: int) -> tuple[float, float, float]:
    rng = np.random.default_rng(seed)
    i, j = rng.integers(0, len(vecs), 2000), rng.integers(0, len(vecs), 2000)
    keep = i != j
    sims = (vecs[i[keep]] * vecs[j[keep]]).sum(1)
    return float(sims.mean()), float(np.percentile(sims, 5)), float(np.percentile(sims, 95))


def evaluate(corpus: str, embedder: Cached, *, limit: int | None, seed: int) -> dict:
    from insight.stages.topics import discover_texts

    texts, gold = CORPUS_LOADERS[corpus]()
    if limit and corpus != "dstc11" and limit < len(texts):
        idx = np.sort(np.random.default_rng(seed).choice(len(texts), limit, replace=False))
        texts, gold = [texts[i] for i in idx], [gold[i] for i in idx]
    vecs = embedder.encode(texts)
    log(f"{corpus} / {embedder.kind}: fitting on {len(texts):,} texts ...")
    t = time.perf_counter()
    results = discover_texts(texts, embedder=embedder, seed=seed)
    fit_s = time.perf_counter() - t
    pred = np.asarray([r["topic_id"] for r in results], dtype=int)
    mean, p5, p95 = spread(vecs, seed)
    return {"corpus": corpus, "embedder": embedder.kind, "n_texts": len(texts), "n_gold": len(set(gold)),
            "n_topics": len({p for p in pred if p >= 0}), "outlier_share": float((pred == -1).mean()),
            **scores(gold, pred), "fit_s": fit_s, "cos_mean": mean, "cos_p5": p5, "cos_p95": p95}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", default="all", help="dstc11, banking77, clinc150 or all (default all)")
    ap.add_argument("--embedders", default="minilm,e5,e5-raw", help="comma-separated: minilm, e5, e5-raw")
    ap.add_argument("--limit", type=int, default=2000,
                    help="seeded sample size for banking77 and clinc150 (dstc11 always whole; default 2000)")
    ap.add_argument("--seed", type=int, default=42, help="sampling and topic seed (default 42)")
    ap.add_argument("--cache-dir", default="/tmp/insight-ml-emb", help="where raw embeddings are cached (.npy)")
    ap.add_argument("--json", help="also write the rows as JSON to this file")
    args = ap.parse_args(argv)
    corpora = list(CORPUS_LOADERS) if args.corpus == "all" else [args.corpus]
    embedders = {k: Cached(k, Path(args.cache_dir)) for k in args.embedders.split(",")}
    rows = [evaluate(c, e, limit=args.limit, seed=args.seed) for c in corpora for e in embedders.values()]
    print("| corpus | embedder | texts | gold | topics | outliers | NMI | ARI | ACC | cos mean (p5-p95) | fit s |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['corpus']} | {r['embedder']} | {r['n_texts']:,} | {r['n_gold']} | {r['n_topics']} | "
              f"{r['outlier_share']:.1%} | {r['nmi']:.3f} | {r['ari']:.3f} | {r['acc']:.3f} | "
              f"{r['cos_mean']:.2f} ({r['cos_p5']:.2f}-{r['cos_p95']:.2f}) | {r['fit_s']:.1f} |")
    for name, e in embedders.items():
        if e.embedded:
            print(f"{name}: embedded {e.embedded:,} texts at {e.embedded / e.seconds:.1f} sentences/s")
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
