"""Ingest memory and speed as files grow: peak RSS should stay flat (records stream through the
store in chunks; nothing holds a whole file).

    python scripts/bench_ingest.py --rows 100000 400000 1000000

Each size runs in a fresh process: a generated reviews .csv.gz (short texts, some with PII, 1 % bad
rows) is ingested into a new store; the line printed gives rows, seconds, rows/s and peak RSS.
"""

from __future__ import annotations

import argparse
import gzip
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORDS = ("battery app camera login code crashes setup doorbell wifi alert slow great terrible refund "
         "support charged twice night vision motion subscription cancel works fine love hate").split()


def make_file(path: Path, rows: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    with gzip.open(path, "wt", encoding="utf-8", newline="") as fh:
        fh.write("review_id,created_at,rating,customer_id,text\n")
        for i in range(rows):
            text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(5, 25)))
            if i % 50 == 0:
                text += f" call me on 0176 {rng.randint(1000000, 9999999)}"
            date = "not a date" if i % 100 == 99 else f"2026-{1 + i % 12:02d}-{1 + i % 28:02d}"
            fh.write(f"R{i},{date},{1 + i % 5},C{i % 5000},{text}\n")


def run_one(rows: int) -> None:
    sys.path.insert(0, str(ROOT))
    from insight.jobs import ingest_files
    from insight.store import Store

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "reviews.csv.gz"
        make_file(path, rows)
        size = path.stat().st_size
        start = time.perf_counter()
        with Store(Path(tmp) / "t.duckdb") as store:
            (summary,) = ingest_files(store, "reviews", [str(path)])
        seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{rows:>9,} rows ({size / 2**20:.1f} MB gz): {seconds:7.1f} s, {rows / seconds:7.0f} rows/s, "
          f"peak RSS {peak_mb:6.0f} MB; {summary.added:,} new, {summary.rejected:,} rejected", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000, 400_000])
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        run_one(args.one)
        return
    for rows in args.rows:
        subprocess.run([sys.executable, __file__, "--one", str(rows)], check=True)


if __name__ == "__main__":
    main()
