"""Benchmark the pipeline: docs/s per stage and end to end, and peak memory, for a stated size.

    python scripts/bench.py --records 2000            # demo corpus, resampled to 2,000 records
    python scripts/bench.py --records 2000 --json out/bench.json
    python scripts/bench.py --records 2000 --profiles 100000   # plus 100k profiles from the demo store
    python scripts/bench.py --records 10000 --baseline   # plus VADER + BERTopic defaults on the same records

The corpus is the bundled demo corpus (corpora/demo), its English customers' records only (the demo's
Turkish, Finnish and German customers would switch the store to the multilingual embedder: that case is
scripts/bench_languages.py), drawn with replacement (seeded) and given fresh ids so nothing deduplicates.
Every stage runs with the real models, in one process, through the same code as `insight analyze`.
"end to end" is the pipeline from reading the corpus to the profiles, model loads included, per record
and per customer-voice record. Also measured, after it and not part of it: sentence sentiment on
~20-word sentences (tokenisation included) and profile building from the store.
Absolute times on a shared machine are noisy: compare ratios within one run. The "cpu ms/item"
column is this process's CPU time (all its threads) per item: other people's jobs on the same cores
stretch the seconds but hardly move it, so it is the column to compare between runs and sizes.
"peak MB" is the process's max RSS at the end of each stage (so the stage where it rises is the one
that needed the memory).
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def peak_mb() -> float:
    """This process's peak RSS in MB. Linux keeps ru_maxrss across exec, so a script started by a large
    process (bench.py --baseline) would report its parent's peak; VmHWM belongs to this process's own
    memory map."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024  # kB
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def load_corpus(n: int, seed: int):
    import random

    from insight.ingest import read_source
    from insight.schema import stable_id

    demo = ROOT / "corpora" / "demo"
    if not (demo / "reviews.csv").exists():
        demo = ROOT / "tests" / "data" / "mini"
    records = []
    for kind, name in (("reviews", "reviews.csv"), ("transcripts", "transcripts.jsonl"), ("social", "social.jsonl")):
        records += read_source(kind, str(demo / name)).records
    other = _other_language_writers(demo)
    records = [r for r in records if r.customer_id not in other and r.handle not in other]
    rng = random.Random(seed)
    picked = [rng.choice(records) for _ in range(n)]
    return [replace(r, record_id=stable_id("bench", str(i), r.record_id), source_id=f"b{i}") for i, r in enumerate(picked)], demo


def _other_language_writers(demo: Path) -> set[str]:
    """Customer ids and social handles of the demo customers who write in another language than English
    (truth.json ``languages``; none for a corpus without a truth file)."""
    import csv

    truth = demo / "truth.json"
    if not truth.exists():
        return set()
    ids = {c for c, lang in json.loads(truth.read_text(encoding="utf-8")).get("languages", {}).items() if lang != "en"}
    with open(demo / "identities.csv", encoding="utf-8", newline="") as f:
        handles = {row["identifier"] for row in csv.DictReader(f) if row["kind"] == "handle" and row["customer_id"] in ids}
    return ids | handles


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--records", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--sentences", type=int, default=2000, help="~20-word sentences for the sentiment speed row")
    ap.add_argument("--json", help="also write the results here")
    ap.add_argument("--profiles", type=int, default=0, metavar="N",
                    help="also time building N customer profiles from the store (scripts/bench_profiles.py)")
    ap.add_argument("--baseline", action="store_true",
                    help="also run the naive baseline (VADER + BERTopic defaults, scripts/bench_baseline.py) on the "
                         "same records in its own process, and print the ratio")
    args = ap.parse_args()

    from insight import pipeline
    from insight.store import Store

    rows: list[tuple[str, int, float, float]] = []
    t_all = time.perf_counter()
    records, source = load_corpus(args.records, args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "bench.duckdb")
        t, c = time.perf_counter(), time.process_time()
        store.add_records(records, "bench")
        rows.append(("store records", len(records), time.perf_counter() - t, time.process_time() - c))

        models = pipeline.Models()
        t = time.perf_counter()
        for name in ("nlp", "sentiment", "aspects", "embedder"):
            models.get(name)
        load_s = time.perf_counter() - t

        timings: dict[str, float] = {}
        cpu: dict[str, float] = {}  # CPU seconds of this process (all its threads): steady when others share the cores
        peak: dict[str, float] = {}  # max RSS so far, at the end of each stage

        def timed(fn, name=None):
            def wrapper(*a, **kw):
                t0, c0 = time.perf_counter(), time.process_time()
                out = fn(*a, **kw)
                timings[name or a[1]] = time.perf_counter() - t0  # _per_batch(store, stage, ...)
                cpu[name or a[1]] = time.process_time() - c0
                peak[name or a[1]] = peak_mb()
                return out
            return wrapper

        pipeline._per_batch = timed(pipeline._per_batch)
        pipeline.update_topics = timed(pipeline.update_topics, "topics")
        pipeline.refresh_insights = timed(pipeline.refresh_insights, "pain points + profiles")
        t, c = time.perf_counter(), time.process_time()
        counts = pipeline.analyze(store, models=models, progress=False, stop_after="nlp")
        timings["nlp"], cpu["nlp"], peak["nlp"] = time.perf_counter() - t, time.process_time() - c, peak_mb()
        t, c = time.perf_counter(), time.process_time()
        counts.update(pipeline.analyze(store, models=models, progress=False))
        analyze_s = time.perf_counter() - t + timings["nlp"]
        analyze_cpu = time.process_time() - c + cpu["nlp"]
        peak["analyze, all stages"] = peak_mb()
        n_sent = int(store.scalar("SELECT count(*) FROM sentences"))
        n_distinct = int(store.scalar("SELECT count(DISTINCT text) FROM sentences"))
        n_voice = int(store.scalar("SELECT count(*) FROM records WHERE speaker = 'customer'"))
        for stage in ("nlp", "sentiment", "aspects", "embed", "acts", "topics", "pain points + profiles"):
            rows.append((stage, n_voice, timings.get(stage, float("nan")), cpu.get(stage, float("nan"))))
        rows.append(("analyze, all stages", n_voice, analyze_s, analyze_cpu))
        store.close()
    total_s, total_cpu = time.perf_counter() - t_all, time.process_time()  # the pipeline: before the extra row

    # sentence sentiment on ~20-word sentences, end to end from text to label
    import random

    rng = random.Random(args.seed)
    words = ("the battery drains overnight and support never answered my emails about the refund but "
             "the camera picture is sharp and setup was easy though the app crashes after every update").split()
    warm = [" ".join(rng.choice(words) for _ in range(20)) for _ in range(64)]
    sentences = [" ".join(rng.choice(words) for _ in range(20)) for _ in range(args.sentences)]
    model = models.get("sentiment")
    model.predict(warm)  # other sentences than the timed ones, so none of those is a cached result
    t, c = time.perf_counter(), time.process_time()
    model.predict(sentences, batch_size=64)
    sent_s, sent_cpu = time.perf_counter() - t, time.process_time() - c

    print(f"insight bench: {len(records)} records from {source.relative_to(ROOT)} ({n_voice} customer-voice records, "
          f"{n_sent} sentences, {n_distinct} distinct); {platform.processor() or platform.machine()}, "
          f"{__import__('os').cpu_count()} cores; models loaded in {load_s:.1f}s", file=sys.stdout)
    print(f"{'stage':<26} {'items':>7} {'seconds':>8} {'items/s':>9} {'cpu ms/item':>12} {'peak MB':>8}")
    for name, n, s, c in rows:
        print(f"{name:<26} {n:>7} {s:>8.2f} {n / s if s == s and s > 0 else float('nan'):>9.1f} {1e3 * c / n:>12.2f} "
              f"{peak.get(name, float('nan')):>8.0f}")
    print(f"{'sentence sentiment (20 w)':<26} {len(sentences):>7} {sent_s:>8.2f} {len(sentences) / sent_s:>9.1f} "
          f"{1e3 * sent_cpu / len(sentences):>12.2f}")
    print(f"{'end to end (incl. loads)':<26} {len(records):>7} {total_s:>8.2f} {len(records) / total_s:>9.1f} "
          f"{1e3 * total_cpu / len(records):>12.2f}")
    print(f"{'end to end, customer voice':<26} {n_voice:>7} {total_s:>8.2f} {n_voice / total_s:>9.1f} "
          f"{1e3 * total_cpu / n_voice:>12.2f}")
    print(f"peak memory (max RSS): {peak_mb():.0f} MB; topics: {counts.get('topics')}; pain points: {counts.get('pain_points')}")
    if args.profiles:  # in its own process, so its peak memory is its own
        import subprocess

        subprocess.run([sys.executable, str(ROOT / "scripts" / "bench_profiles.py"), "-n", str(args.profiles)],
                       check=True)
    baseline = _baseline(args, total_s, total_cpu, n_voice) if args.baseline else None
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps({"rows": rows, "sentence_sentiment_per_s": len(sentences) / sent_s,
                                               "end_to_end_s": total_s, "end_to_end_cpu_s": total_cpu,
                                               "customer_voice": n_voice, "peak_mb": peak_mb(),
                                               "baseline": baseline}, indent=2))


def _baseline(args, total_s: float, total_cpu: float, n_voice: int) -> dict:
    """Run scripts/bench_baseline.py on the same draw in its own process; print both and their ratio."""
    import subprocess

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "baseline.json"
        subprocess.run([sys.executable, str(ROOT / "scripts" / "bench_baseline.py"), "--records", str(args.records),
                        "--seed", str(args.seed), "--json", str(out)], check=True)
        base = json.loads(out.read_text())
    n = base["customer_voice"]
    print(f"insight vs naive baseline, end to end per customer-voice record: {1e3 * total_s / n_voice:.1f} vs "
          f"{1e3 * base['end_to_end_s'] / n:.1f} ms ({total_s / n_voice / (base['end_to_end_s'] / n):.2f}x the "
          f"baseline's time), CPU {1e3 * total_cpu / n_voice:.1f} vs {1e3 * base['end_to_end_cpu_s'] / n:.1f} ms "
          f"({total_cpu / n_voice / (base['end_to_end_cpu_s'] / n):.2f}x)")
    return base


if __name__ == "__main__":
    main()
