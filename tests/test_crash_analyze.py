"""Crash loop for analyze: kill -9 `insight analyze` at seeded random moments, N times, then let it
finish: every derived table matches an uninterrupted run on the same store, and no run stays
'running'. Real models on the mini corpus, so it is an e2e test (a few minutes on 2 cores).

N is small in CI; for a long run: INSIGHT_CRASH_N=30 pytest -m e2e tests/test_crash_analyze.py
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from insight.store import Store

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[1]
MINI = ROOT / "tests" / "data" / "mini"
N = int(os.environ.get("INSIGHT_CRASH_N", "2"))
ANALYZE = ("import sys; from insight.pipeline import analyze; from insight.store import Store\n"
           "with Store(sys.argv[1]) as s:\n    analyze(s, batch_size=8, progress=False)\n")
# Derived tables and the columns that must not depend on crashes (run ids and times left out).
TABLES = {
    "sentences": "sentence_id, record_id, idx, text, start_char, end_char, lemmas, noun_chunks",
    "sentence_sentiment": "sentence_id, label, round(score, 4), language",
    "doc_sentiment": "record_id, label, round(score, 4), mixed, most_negative_sentence",
    "aspects": "aspect_id, sentence_id, norm, label, round(score, 4)",
    "sentence_acts": "sentence_id, act, object",
    "embeddings": "sentence_id",
    "sentence_topics": "sentence_id, topic_id",
    "topics": "topic_id, label, size, status, merged_into",
    "pain_points": "pain_id, label, rank, mentions, customers",
    "pain_mentions": "pain_id, sentence_id",
    "profiles": "customer_id, profile",
}


def _analyze(db: Path) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.Popen([sys.executable, "-c", ANALYZE, str(db)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _tables(db: Path) -> dict[str, list]:
    out = {}
    with Store(db, read_only=True) as store:
        for table, cols in TABLES.items():
            rows = store.con.execute(f"SELECT {cols} FROM {table} ORDER BY ALL").fetchall()
            out[table] = [tuple(json.loads(v) if table == "profiles" and i == 1 else v for i, v in enumerate(r))
                          for r in rows]
    return out


def test_killed_analyze_runs_leave_the_same_tables_as_a_clean_run(tmp_path: Path) -> None:
    from insight.jobs import ingest_files

    base = tmp_path / "base.duckdb"
    with Store(base) as store:
        for kind, name in (("customers", "customers.csv"), ("identities", "identities.csv"), ("reviews", "reviews.csv"),
                           ("transcripts", "transcripts.jsonl"), ("social", "social.jsonl")):
            list(ingest_files(store, kind, [str(MINI / name)]))
    clean, crashed = tmp_path / "clean.duckdb", tmp_path / "crashed.duckdb"
    shutil.copy(base, clean)
    shutil.copy(base, crashed)

    started = time.monotonic()
    assert _analyze(clean).wait(timeout=600) == 0
    clean_s = time.monotonic() - started

    rng = random.Random(14)
    killed = 0
    for _ in range(N):
        proc = _analyze(crashed)
        time.sleep(rng.uniform(0.1, 0.9) * clean_s)
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            killed += 1
        proc.wait(timeout=600)
    assert _analyze(crashed).wait(timeout=600) == 0

    assert killed >= 1  # the loop killed something mid-run
    expected, got = _tables(clean), _tables(crashed)
    for table in TABLES:
        assert got[table] == expected[table], table
    with Store(crashed, read_only=True) as store:
        statuses = [s for (s,) in store.con.execute("SELECT status FROM runs WHERE command = 'analyze'").fetchall()]
    # a kill before the store was opened (imports) leaves no run row; one mid-run leaves 'aborted'
    assert set(statuses) == {"ok", "aborted"} and 1 <= statuses.count("aborted") <= killed
