"""Scale the stages that are not model-bound to 1M records: topic assignment, pain points, profiles.

An analysed store (default: the bundled demo's, ``out/demo/insight.duckdb``; run ``insight demo``
first) is copied and its model outputs are replicated inside DuckDB until it holds ``--records``
records: every row of records, sentences, sentence sentiment, record sentiment, aspects, embeddings,
acts, customers, identities and stage marks is copied once per replica k with its ids suffixed
``#k`` (record, sentence, aspect, customer, conversation, source ids, handles). The replicas' sentences
get no topic, so the next step is what ``insight analyze`` does on a store that already has topics
(``pipeline.update_topics``: nearest-centroid assignment of every new sentence, discovery of new
themes among the outliers, consolidation), and then ``pipeline.refresh_insights`` (pain points,
then profiles). Each size runs in a fresh process; the line printed per step gives seconds, items/s,
CPU ms per record and the peak RSS at the end of the step (the process's max so far).

The model stages (sentences, sentiment, aspects, embedding, acts) are measured by scripts/bench.py;
their 1M cost is its per-record rates times 1M. Ingest at 1M: scripts/bench_ingest.py.
Not part of the test suite.

    python scripts/bench_scale.py --records 10000 100000 1000000
    python scripts/bench_scale.py --records 100000 --store out/demo/insight.duckdb
    INSIGHT_DUCKDB_MEMORY=3GB python scripts/bench_scale.py --records 1000000   # DuckDB's memory capped
"""

from __future__ import annotations

import argparse
import json
import math
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from bench import peak_mb  # noqa: E402

#: table -> the id columns a replica suffixes (sentence_topics, pain points and profiles are recomputed)
REPLICATED = {
    "records": ("record_id", "source_id", "customer_id", "conversation_id", "handle"),
    "sentences": ("sentence_id", "record_id"),
    "sentence_sentiment": ("sentence_id", "record_id"),
    "doc_sentiment": ("record_id",),
    "aspects": ("aspect_id", "sentence_id", "record_id"),
    "embeddings": ("sentence_id",),
    "sentence_acts": ("sentence_id", "record_id"),
    "customers": ("customer_id",),
    "identities": ("identifier", "customer_id"),
    "stage_done": ("record_id",),
}


def replicate(con, copies: int) -> None:
    """Add ``copies - 1`` replicas of every replicated table's rows (the originals are replica 0)."""
    for table, ids in REPLICATED.items():
        suffixed = ", ".join(f"{c} || '#' || CAST(k AS VARCHAR) AS {c}" for c in ids)
        con.execute(f"INSERT INTO {table} SELECT * EXCLUDE (k) REPLACE ({suffixed}) "
                    f"FROM {table}, range(1, ?) AS r(k)", [copies])


def run_size(store_path: Path, records: int) -> dict:
    """One size, in this process: copy, replicate, then time topics and insights."""
    from insight import pipeline, resources
    from insight.store import Store

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "scale.duckdb"
        shutil.copy2(store_path, db)
        steps: list[dict] = []
        with Store(db) as store:
            memory_limit = store.scalar("SELECT current_setting('memory_limit')")  # INSIGHT_DUCKDB_MEMORY
            base = int(store.scalar("SELECT count(*) FROM records"))
            base_sentences = int(store.scalar("SELECT count(*) FROM sentences"))
            copies = max(1, math.ceil(records / base))
            t, c = time.perf_counter(), time.process_time()
            replicate(store.con, copies)
            n = int(store.scalar("SELECT count(*) FROM records"))
            sentences = int(store.scalar("SELECT count(*) FROM sentences"))
            steps.append({"step": "replicate in DuckDB", "items": n, "s": time.perf_counter() - t,
                          "cpu_s": time.process_time() - c, "peak_mb": peak_mb()})
            run_id = store.start_run("bench_scale", {})
            # as `insight analyze` runs the stage: the store's embedder and the parser label new themes
            embedder = resources.load_embedder(name=pipeline.store_embedder(store))
            nlp = pipeline.Models().get("nlp")
            t, c = time.perf_counter(), time.process_time()
            topics = pipeline.update_topics(store, run_id, pipeline.TopicParams(), progress=False,
                                            embedder=embedder, nlp=nlp)
            steps.append({"step": "topics (assign + new themes)", "items": sentences - base_sentences,
                          "s": time.perf_counter() - t, "cpu_s": time.process_time() - c, "peak_mb": peak_mb()})
            t, c = time.perf_counter(), time.process_time()
            counts = pipeline.refresh_insights(store, run_id)
            steps.append({"step": "pain points + profiles", "items": n, "s": time.perf_counter() - t,
                          "cpu_s": time.process_time() - c, "peak_mb": peak_mb()})
            store.end_run(run_id, counts)
        return {"records": n, "sentences": sentences, "copies": copies, "steps": steps,
                "topics": topics, "counts": counts, "peak_mb": peak_mb(), "duckdb_memory_limit": memory_limit}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--records", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    ap.add_argument("--store", default=str(ROOT / "out" / "demo" / "insight.duckdb"),
                    help="an analysed store to replicate (default: the demo's; `insight demo` writes it)")
    ap.add_argument("--one", action="store_true", help=argparse.SUPPRESS)  # a single size, in this process
    ap.add_argument("--json", help="also write the results here")
    args = ap.parse_args()
    store = Path(args.store)
    if not store.exists():
        sys.exit(f"bench_scale: {store} does not exist. Run `insight demo` first, or pass --store.")
    if args.one:
        print(json.dumps(run_size(store, args.records[0])))
        return
    results = []
    for size in args.records:
        out = subprocess.run([sys.executable, __file__, "--one", "--store", str(store), "--records", str(size)],
                             check=True, stdout=subprocess.PIPE, text=True)  # its stderr shows through
        result = json.loads(out.stdout.strip().splitlines()[-1])
        results.append(result)
        print(f"{result['records']:,} records ({result['sentences']:,} sentences, {result['copies']} replicas of "
              f"{store.name}); peak RSS {result['peak_mb']:.0f} MB; DuckDB memory limit "
              f"{result['duckdb_memory_limit']}")
        print(f"  {'step':<30} {'items':>10} {'seconds':>8} {'items/s':>10} {'cpu ms/record':>14} {'peak MB':>8}")
        for step in result["steps"]:
            print(f"  {step['step']:<30} {step['items']:>10,} {step['s']:>8.1f} "
                  f"{step['items'] / step['s'] if step['s'] > 0 else float('nan'):>10.0f} "
                  f"{1e3 * step['cpu_s'] / result['records']:>14.3f} {step['peak_mb']:>8.0f}")
        sys.stdout.flush()
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
