#!/usr/bin/env python
"""How well the topic stage rediscovers gold intents: the same code as `insight topics discover`.

Runs ``insight.stages.topics.discover_texts`` (all-MiniLM-L6-v2 from ``insight.resources.load_embedder()``,
then ``TopicDiscovery.fit`` with the shipped defaults) on

  dstc11     DSTC11 Track 2 development (insurance support chats): the 913 customer turns that carry a gold
             intent (``development/test-utterances.jsonl``, 22 intents). Only intent-bearing customer turns are
             labelled; the full dialogues are not in the shared copy.
  banking77  ``banking77/train.csv``: 10,003 customer messages, 77 gold categories.

Metrics are over ALL texts, outliers (-1) kept as one cluster label of their own: NMI (arithmetic),
ARI, and cluster accuracy ACC (1:1 Hungarian matching of topics to gold labels with
scipy.optimize.linear_sum_assignment; outliers are never matched, so they count as wrong). The extra
columns NMI*/ARI* are over the non-outlier texts only. Fit time is the wall time of ``discover_texts``
with the embeddings already cached (the embedding pass runs once per corpus and is cached as .npy).

    python scripts/eval_issues.py [--corpus dstc11|banking77|all] [--limit N] [--cache-dir /tmp/insight-emb]
                                  [--seed 42] [--json out.json]

Reference (DSTC11 Task 1, test-banking; all-mpnet-base-v2 + k-means baseline / best team T05):
NMI 0.603 / 0.785, ARI 0.461 / 0.707, ACC 0.597 / 0.752.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

CORPORA = Path("/work/shared/corpora")
_local = HERE.parent.parent / "shared" / "corpora"
if _local.exists():
    CORPORA = _local

REFERENCE = {"floor (DSTC11 baseline)": (0.603, 0.461, 0.597), "aim (best team T05)": (0.785, 0.707, 0.752)}


def log(*a):
    print(*a, file=sys.stderr, flush=True)


# ------------------------------------------------------------------ corpora

def load_dstc11() -> tuple[list[str], list[str]]:
    path = CORPORA / "dstc11-intent-induction" / "development" / "test-utterances.jsonl"
    texts, gold = [], []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                row = json.loads(line)
                texts.append(row["utterance"].strip())
                gold.append(row["intent"])
    return texts, gold


def load_banking77() -> tuple[list[str], list[str]]:
    texts, gold = [], []
    with open(CORPORA / "banking77" / "train.csv", encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            texts.append(row["text"].strip())
            gold.append(row["category"])
    return texts, gold


LOADERS = {"dstc11": load_dstc11, "banking77": load_banking77}


# ------------------------------------------------------------------ cached embedder

class CachedEmbedder:
    """Wraps the product embedder: ``encode`` answers from an .npy cache keyed by the texts' hash,
    so each corpus is embedded once across runs. Same vectors, same call, as ``topics.embed`` makes."""

    def __init__(self, cache_dir: Path):
        self.cache_dir = cache_dir
        self._model = None

    def _key(self, texts: list[str], normalize: bool) -> Path:
        h = hashlib.sha1(("\x1f".join(texts) + f"|norm={normalize}").encode("utf-8")).hexdigest()[:16]
        return self.cache_dir / f"minilm-{len(texts)}-{h}.npy"

    def encode(self, texts, *, normalize_embeddings=True, **kw):
        texts = list(texts)
        path = self._key(texts, normalize_embeddings)
        if path.exists():
            return np.load(path)
        if self._model is None:
            from insight.resources import load_embedder

            self._model = load_embedder()
        log(f"embedding {len(texts):,} texts (cached to {path}) ...")
        t0 = time.perf_counter()
        vecs = np.asarray(self._model.encode(texts, normalize_embeddings=normalize_embeddings, **kw), dtype=np.float32)
        log(f"  {len(texts) / (time.perf_counter() - t0):.0f} texts/s")
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        np.save(path, vecs)
        return vecs


# ------------------------------------------------------------------ metrics

def cluster_accuracy(gold: np.ndarray, pred: np.ndarray) -> float:
    """1:1 Hungarian matching of predicted topics (not -1) to gold labels; unmatched and outliers are wrong."""
    from scipy.optimize import linear_sum_assignment

    g_ids, g = np.unique(gold, return_inverse=True)
    p_ids = np.unique(pred[pred != -1])
    if len(p_ids) == 0:
        return 0.0
    p_index = {p: i for i, p in enumerate(p_ids)}
    cont = np.zeros((len(p_ids), len(g_ids)), dtype=np.int64)
    for gi, p in zip(g, pred, strict=True):
        if p != -1:
            cont[p_index[p], gi] += 1
    rows, cols = linear_sum_assignment(-cont)
    return float(cont[rows, cols].sum() / len(gold))


def scores(gold: list[str], pred: np.ndarray) -> dict[str, float]:
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    g = np.asarray(gold)
    keep = pred != -1
    return {
        "nmi": normalized_mutual_info_score(g, pred),
        "ari": adjusted_rand_score(g, pred),
        "acc": cluster_accuracy(g, pred),
        "nmi_in": normalized_mutual_info_score(g[keep], pred[keep]) if keep.sum() > 1 else float("nan"),
        "ari_in": adjusted_rand_score(g[keep], pred[keep]) if keep.sum() > 1 else float("nan"),
    }


# ------------------------------------------------------------------ run

def evaluate(name: str, *, limit: int | None, seed: int, embedder: CachedEmbedder) -> dict:
    from insight.stages.topics import discover_texts

    texts, gold = LOADERS[name]()
    if limit and limit < len(texts):
        idx = np.sort(np.random.default_rng(seed).choice(len(texts), limit, replace=False))
        texts, gold = [texts[i] for i in idx], [gold[i] for i in idx]
    embedder.encode(texts, batch_size=64, show_progress_bar=False, convert_to_numpy=True)  # warm the cache
    log(f"{name}: fitting topics on {len(texts):,} texts ...")
    t0 = time.perf_counter()
    results = discover_texts(texts, embedder=embedder, seed=seed)
    fit_s = time.perf_counter() - t0
    pred = np.asarray([r["topic_id"] for r in results], dtype=int)
    labels = {r["topic_id"]: r["label"] for r in results if r["topic_id"] != -1}
    sizes = Counter(pred[pred != -1].tolist())
    return {
        "corpus": name, "n_texts": len(texts), "n_gold": len(set(gold)), "n_topics": len(labels),
        "outlier_share": float((pred == -1).mean()), **scores(gold, pred), "fit_s": fit_s,
        "example_labels": [(labels[t], n) for t, n in sizes.most_common(10)],
    }


def table(rows: list[dict]) -> str:
    head = ("corpus", "texts", "gold", "topics", "outliers", "NMI", "ARI", "ACC", "NMI*", "ARI*", "fit s")
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    for r in rows:
        lines.append(
            f"| {r['corpus']} | {r['n_texts']:,} | {r['n_gold']} | {r['n_topics']} | {r['outlier_share']:.1%} | "
            f"{r['nmi']:.3f} | {r['ari']:.3f} | {r['acc']:.3f} | {r['nmi_in']:.3f} | {r['ari_in']:.3f} | {r['fit_s']:.1f} |"
        )
    for name, (nmi, ari, acc) in REFERENCE.items():
        lines.append(f"| {name}, test-banking | | | | | {nmi:.3f} | {ari:.3f} | {acc:.3f} | | | |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", choices=["dstc11", "banking77", "all"], default="all")
    ap.add_argument("--limit", type=int, default=None, help="seeded sample of N texts per corpus")
    ap.add_argument("--cache-dir", default="/tmp/insight-emb", help="where embeddings are cached (.npy)")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--json", default=None, help="also write the rows here")
    args = ap.parse_args(argv)

    embedder = CachedEmbedder(Path(args.cache_dir))
    names = list(LOADERS) if args.corpus == "all" else [args.corpus]
    rows = [evaluate(n, limit=args.limit, seed=args.seed, embedder=embedder) for n in names]

    print("Topic discovery vs gold intents (insight.stages.topics.discover_texts, shipped defaults, seed "
          f"{args.seed}{', limit ' + str(args.limit) if args.limit else ''})")
    print("NMI / ARI / ACC over all texts, outliers (-1) as one cluster of their own and never matched in ACC;")
    print("NMI* / ARI* over non-outlier texts only. fit s = discover_texts wall time, embeddings cached.\n")
    print(table(rows))
    for r in rows:
        print(f"\n{r['corpus']}: 10 largest topics (label, size)")
        for label, n in r["example_labels"]:
            print(f"  {n:5d}  {label}")
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
