"""Crash loop: kill -9 an ingest at seeded random moments, N times, then finish it: the store
matches a clean run exactly (all-or-nothing per file), and every killed run is marked aborted.

N is small in CI; for a long run: INSIGHT_CRASH_N=50 pytest tests/test_crash_ingest.py
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from insight.store import Store

ROOT = Path(__file__).resolve().parents[1]
N = int(os.environ.get("INSIGHT_CRASH_N", "3"))
INGEST = ("import sys; from insight.jobs import ingest_files; from insight.store import Store\n"
          "with Store(sys.argv[1]) as s:\n    ingest_files(s, 'reviews', sys.argv[2:])\n")


def _ingest(db: Path, files: list[Path]) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.Popen([sys.executable, "-c", INGEST, str(db), *map(str, files)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _tables(db: Path) -> tuple[list, list]:
    with Store(db, read_only=True) as store:
        records = store.con.execute("SELECT record_id, text, created_at, rating FROM records ORDER BY record_id").fetchall()
        rejects = store.con.execute("SELECT reject_id, line, reason FROM rejects ORDER BY reject_id").fetchall()
    return records, rejects


def test_killed_ingests_leave_the_same_store_as_a_clean_run(tmp_path: Path) -> None:
    files = []
    for f in range(3):
        rows = "".join(f"R{f}-{i},2026-01-{1 + i % 28:02d},text {f} {i} call 0176 1234567\n" for i in range(1500))
        path = tmp_path / f"r{f}.csv"
        path.write_text("review_id,created_at,text\n" + rows + f"bad{f},not a date,x\n", encoding="utf-8")
        files.append(path)
    clean = tmp_path / "clean.duckdb"
    assert _ingest(clean, files).wait(timeout=120) == 0

    db = tmp_path / "crashed.duckdb"
    rng = random.Random(14)
    for _ in range(N):
        proc = _ingest(db, files)
        time.sleep(rng.uniform(0.2, 3.0))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
    assert _ingest(db, files).wait(timeout=120) == 0
    assert _tables(db) == _tables(clean)
    with Store(db, read_only=True) as store:
        statuses = [s for (s,) in store.con.execute("SELECT status FROM runs").fetchall()]
    assert "running" not in statuses and statuses.count("ok") >= 1
