"""Precision and recall of the profile signals against the demo corpus's planted truth.

    python scripts/eval_profiles.py                 # runs the demo job first if its store is missing
    python scripts/eval_profiles.py --db out/demo/insight.duckdb

corpora/demo/truth.json plants unstated needs (rating_text_mismatch, cross_channel_gap,
repeat_contact, request, churn) and pain-point themes in named customers, and lists clean customers.
For each signal kind: precision and recall over customers. For pain points: each profile pain point
is mapped to the truth theme whose label is most similar (all-MiniLM-L6-v2 cosine over the pain
point's label and quotes, at least 0.35), then precision and recall over (customer, theme) pairs.
Also: how many clean customers got any flag (should be 0).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
KINDS = ("rating_text_mismatch", "cross_channel_gap", "repeat_contact", "request", "churn")


def prf(pred: set, gold: set) -> tuple[float, float, float, int, int]:
    tp = len(pred & gold)
    p = tp / len(pred) if pred else 0.0
    r = tp / len(gold) if gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f, len(pred), len(gold)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", default=str(ROOT / "out" / "demo" / "insight.duckdb"))
    ap.add_argument("--truth", default=str(ROOT / "corpora" / "demo" / "truth.json"))
    ap.add_argument("--theme-threshold", type=float, default=0.35)
    ap.add_argument("--details", action="store_true", help="list misses and false flags")
    args = ap.parse_args()

    from insight.report.profiles import iter_profiles
    from insight.store import Store

    if not Path(args.db).exists():
        from insight.jobs import DEMO_CONFIG, run_config

        print(f"no store at {args.db}: running the demo job first", file=sys.stderr)
        args.db = run_config(DEMO_CONFIG, progress=False)["db"]
    truth = json.loads(Path(args.truth).read_text(encoding="utf-8"))
    gold_customers = truth["customers"]
    with Store(args.db, read_only=True) as store:
        profiles = {p["customer_id"]: p for p in iter_profiles(store)}

    print(f"profiles: {len(profiles)}; planted customers: {len(gold_customers)}; clean customers: {len(truth['clean_customers'])}")
    print(f"{'signal':<22} {'precision':>9} {'recall':>7} {'F1':>6} {'flagged':>8} {'planted':>8}")
    details = []
    for kind in KINDS:
        gold = {c for c, t in gold_customers.items() if kind in t.get("signals", [])}
        pred = {c for c, p in profiles.items() if any(n["kind"] == kind for n in p["unstated_needs"])}
        p, r, f, npred, ngold = prf(pred, gold)
        print(f"{kind:<22} {p:>9.3f} {r:>7.3f} {f:>6.3f} {npred:>8} {ngold:>8}")
        details.append((kind, sorted(gold - pred), sorted(pred - gold)))

    # pain points: map profile pain points to truth themes by embedding similarity
    from insight.resources import load_embedder
    from insight.stages.topics import embed

    themes = truth["themes"]
    keys = sorted(themes)
    theme_vecs = embed([themes[k] for k in keys], embedder=load_embedder())
    labels = sorted({(pp["pain_id"], pp["label"], " ".join(e["quote"] for e in pp["evidence"][:3]))
                     for p in profiles.values() for pp in p["pain_points"]})
    mapped = {}
    if labels:
        vecs = embed([f"{lab}. {quotes}" for _, lab, quotes in labels], embedder=load_embedder())
        sims = vecs @ theme_vecs.T
        for (pid, _, _), row in zip(labels, sims, strict=True):
            best = int(row.argmax())
            if row[best] >= args.theme_threshold:
                mapped[pid] = keys[best]
    gold_pairs = {(c, th) for c, t in gold_customers.items() for th in t.get("pain_points", [])}
    planted = set(gold_customers) | set(truth["clean_customers"])
    pred_pairs = {(c, mapped[pp["pain_id"]]) for c, p in profiles.items() if c in planted
                  for pp in p["pain_points"] if pp["pain_id"] in mapped}
    p, r, f, npred, ngold = prf(pred_pairs, gold_pairs)
    print(f"{'pain points (cust,theme)':<22} {p:>9.3f} {r:>7.3f} {f:>6.3f} {npred:>8} {ngold:>8}")
    clean_flagged = sorted(c for c in truth["clean_customers"] if profiles.get(c, {}).get("unstated_needs"))
    print(f"clean customers with any unstated-need flag: {len(clean_flagged)} of {len(truth['clean_customers'])}")
    if args.details:
        for kind, missed, extra in details:
            print(f"{kind}: missed {missed[:15]} false {extra[:15]}")
        print(f"clean flagged: {clean_flagged}")
        print("pain point -> theme:", json.dumps({lab: mapped.get(pid) for pid, lab, _ in labels}, indent=1))


if __name__ == "__main__":
    main()
