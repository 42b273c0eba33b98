"""Benchmark the profile stage at scale: the demo store's customers replicated to N, then build_profiles.

Every frame's rows are copied once per replica k with ids suffixed ``#k`` (customer, record, sentence,
conversation and aspect ids; pain mentions too, so they still point at the copied sentences), and the
CRM attributes and identities are copied the same way. Then ``build_profiles`` is timed end to end.
Not part of the test suite.

    .venv/bin/python scripts/bench_profiles.py                      # 100k customers
    .venv/bin/python scripts/bench_profiles.py -n 20000 --store out/demo/insight.duckdb
"""

from __future__ import annotations

import argparse
import math
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import pandas as pd  # noqa: E402

from bench import peak_mb  # noqa: E402  (this process's own peak, also when bench.py --profiles starts it)
from insight.pipeline import load_frames  # noqa: E402
from insight.stages.painpoints import customer_value, find_pain_points  # noqa: E402
from insight.stages.profiles import build_profiles  # noqa: E402
from insight.store import Store  # noqa: E402

ID_COLUMNS = ("customer_id", "record_id", "sentence_id", "conversation_id", "aspect_id")


def _open(path: Path) -> Store:
    try:
        return Store(path, read_only=True)
    except Exception:  # locked by a writer: read a copy
        copy = Path(tempfile.mkdtemp(prefix="bench_profiles_")) / path.name
        shutil.copy2(path, copy)
        return Store(copy, read_only=True)


def _replicate(frame: pd.DataFrame, copies: int) -> pd.DataFrame:
    parts = []
    for k in range(copies):
        part = frame.copy()
        for col in ID_COLUMNS:
            if col in part.columns:
                part[col] = part[col] + f"#{k}"  # missing ids stay missing
        parts.append(part)
    return pd.concat(parts, ignore_index=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--customers", type=int, default=100_000)
    parser.add_argument("--store", type=Path, default=Path("out/demo/insight.duckdb"))
    args = parser.parse_args()

    t0 = time.perf_counter()
    store = _open(args.store)
    frames = load_frames(store)
    ltv = {cid: v for cid, attrs in frames["attributes"].items() if (v := customer_value(attrs)) is not None}
    pains, mentions = find_pain_points(frames["voice"], frames["aspects"], ltv=ltv, run_id="bench")
    base = sorted(set(frames["records"]["customer_id"].dropna()) | set(frames["attributes"]))
    t_load = time.perf_counter() - t0
    print(f"load        {t_load:8.2f} s   {len(base)} demo customers, {len(frames['voice'])} sentences, "
          f"{len(pains)} pain points", flush=True)

    t0 = time.perf_counter()
    copies = math.ceil(args.customers / len(base))
    keep = set(f"{cid}#{k}" for k in range(copies) for cid in base)
    keep = set(sorted(keep, key=lambda c: (int(c.rsplit("#", 1)[1]), c))[: args.customers])
    records, voice, aspects = (
        (lambda f: f[f["customer_id"].isin(keep)].reset_index(drop=True))(_replicate(frames[name], copies))
        for name in ("records", "voice", "aspects")
    )
    rep_mentions = _replicate(mentions, copies)
    rep_mentions = rep_mentions[rep_mentions["sentence_id"].isin(set(voice["sentence_id"]))].reset_index(drop=True)
    attributes = {f"{cid}#{k}": a for k in range(copies) for cid, a in frames["attributes"].items() if f"{cid}#{k}" in keep}
    identities = {
        f"{cid}#{k}": [{**i, "identifier": f"{i['identifier']}#{k}"} for i in idents]
        for k in range(copies) for cid, idents in frames["identities"].items() if f"{cid}#{k}" in keep
    }
    t_rep = time.perf_counter() - t0
    print(f"replicate   {t_rep:8.2f} s   {len(keep)} customers: {len(records)} records, {len(voice)} sentences, "
          f"{len(aspects)} aspects, {len(rep_mentions)} pain mentions", flush=True)

    t0 = time.perf_counter()
    profiles = build_profiles(records, voice, aspects, rep_mentions, pains,
                              attributes=attributes, identities=identities, run_id="bench")
    t_build = time.perf_counter() - t0
    n = len(profiles)
    print(f"build       {t_build:8.2f} s   {n} profiles, {n / t_build:,.0f} profiles/s, "
          f"{1000 * t_build / n:.3f} ms/profile", flush=True)
    print(f"total       {t_load + t_rep + t_build:8.2f} s   peak RSS {peak_mb():,.0f} MiB")


if __name__ == "__main__":
    main()
