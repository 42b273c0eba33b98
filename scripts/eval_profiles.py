"""Precision and recall of the profile fields against the demo corpus's planted truth.

    python scripts/eval_profiles.py                 # runs the demo job first if its store is missing
    python scripts/eval_profiles.py --db out/demo/insight.duckdb

    # the held-out figures: a corpus written with the held-out phrasings, run through the job
    python scripts/make_demo_corpus.py --out /tmp/demo-held --phrasings held
    sed 's#../../out/demo#out#' corpora/demo/insight.toml > /tmp/demo-held/insight.toml
    insight run /tmp/demo-held/insight.toml
    python scripts/eval_profiles.py --db /tmp/demo-held/out/insight.duckdb --truth /tmp/demo-held/truth.json

    # the customers of one language only (the demo has en, tr, fi and de customers)
    python scripts/eval_profiles.py --language en

The bundled demo is written with the generator's *tune2* phrasings, which detectors were developed
against (corpora/README.md); only a corpus written with ``--phrasings held`` measures phrasings no
detector was developed on.

corpora/demo/truth.json plants unstated needs (rating_text_mismatch, cross_channel_gap,
repeat_contact, request, churn) and pain-point themes in named customers, and lists clean customers.

- signals: for each unstated-need kind, precision and recall over customers; "any signal" is recall over
  customers with at least one planted signal, next to the share of clean customers with any flag.
- requests: each profile request against the customer's planted requests; it matches when the objects
  share at least half their content words (so "HomeKit support" matches "HomeKit support").
- motives: each profile motive against the customer's planted motive sentences, matched by source record;
  "found" ignores the kind, "kind" also needs the same kind.
- resolution: each planted support case (a conversation about a pain) against the status the profile gives
  that conversation (pain_points[].resolution.cases, else behaviour.timeline[].resolution); accuracy over all planted cases (a case the profile
  does not place counts as wrong), next to the majority-class baseline.
- values: the praised value categories of each profile (voice.values.praised) against the praise themes
  the generator wrote for the customer (image quality -> video quality, easy setup -> ease of setup,
  design -> design and build, helpful agent -> customer support), over (customer, value) pairs.
- pain points: each profile pain point is mapped to the truth theme whose label is most similar
  (all-MiniLM-L6-v2 cosine over the pain point's label and quotes, at least 0.35), then precision and
  recall over (customer, theme) pairs.
"""

from __future__ import annotations

import argparse
import json
import re
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


def _words(text: str) -> set[str]:
    stop = {"a", "an", "the", "on", "in", "of", "for", "to", "my", "our", "your", "and", "with", "way", "option"}
    return {w for w in re.findall(r"[a-z0-9/+]+", text.lower()) if w not in stop}


def same_object(a: str, b: str) -> bool:
    wa, wb = _words(a), _words(b)
    return bool(wa and wb) and len(wa & wb) / len(wa | wb) >= 0.5


def field_scores(profiles: dict, gold: dict, source_of: dict) -> dict:
    """Requests, motives and resolution status against the planted truth (see the module docstring)."""
    from collections import Counter

    out: dict = {}
    errors: list[str] = []
    # requests: (customer, object)
    n_pred = n_pred_ok = n_gold = n_gold_ok = 0
    for cid, p in profiles.items():
        planted = gold.get(cid, {}).get("requests", [])
        found = p.get("requests", [])
        n_pred += len(found)
        n_gold += len(planted)
        ok = [f for f in found if any(same_object(f["object"], g["object"]) for g in planted)]
        n_pred_ok += len(ok)
        n_gold_ok += sum(1 for g in planted if any(same_object(f["object"], g["object"]) for f in found))
        errors += [f"request false: {cid} {f['object']!r} <- {f['statement']!r}" for f in found if f not in ok]
        errors += [f"request missed: {cid} {g['object']!r} in {g['statement']!r}" for g in planted
                   if not any(same_object(f["object"], g["object"]) for f in found)]
    out["requests (object)"] = _prf_counts(n_pred_ok, n_pred, n_gold_ok, n_gold)
    # motives: by source record (found), and with the kind
    pred_found, pred_kind, gold_found, gold_kind = set(), set(), set(), set()
    for cid, p in profiles.items():
        for m in p.get("motives", []):
            src = source_of.get(m["evidence"]["record_id"])
            pred_found.add((cid, src, m["statement"]))
            pred_kind.add((cid, src, m["kind"], m["statement"]))
    for cid, t in gold.items():
        for m in t.get("motives", []):
            gold_found.add((cid, m["source_id"]))
            gold_kind.add((cid, m["source_id"], m["kind"]))
    ok_found = {x for x in pred_found if (x[0], x[1]) in gold_found}
    ok_kind = {x for x in pred_kind if (x[0], x[1], x[2]) in gold_kind}
    out["motives (found)"] = _prf_counts(len(ok_found), len(pred_found),
                                         len({(c, s) for c, s, _ in ok_found}), len(gold_found))
    out["motives (kind)"] = _prf_counts(len(ok_kind), len(pred_kind),
                                        len({(c, s, k) for c, s, k, _ in ok_kind}), len(gold_kind))
    errors += [f"motive false: {c} {s} {st!r}" for c, s, st in sorted(pred_found - ok_found, key=str)]
    errors += [f"motive kind: {c} {k} {st!r}" for c, s, k, st in sorted(pred_kind, key=str)
               if (c, s) in gold_found and (c, s, k) not in gold_kind]
    # resolution: per planted support case
    cases = [(cid, c) for cid, t in gold.items() for c in t.get("support_cases", [])]
    predicted: dict[tuple, str] = {}
    for cid, p in profiles.items():
        for pp in p["pain_points"]:
            for case in (pp.get("resolution") or {}).get("cases", []):
                key = (cid, case["conversation_id"])
                # a conversation under two pain points: 'open' if either says so
                if predicted.get(key) != "open":
                    predicted[key] = case["status"]
        # a conversation whose complaint belongs to no pain point carries its status on the timeline
        for contact in p["behaviour"].get("timeline", []):
            key = (cid, contact.get("conversation_id"))
            if contact.get("resolution") and key not in predicted:
                predicted[key] = contact["resolution"]["status"]
    right = sum(1 for cid, c in cases if predicted.get((cid, c["conversation_id"])) == c["status"])
    gold_counts = Counter(c["status"] for _, c in cases)
    majority, n_major = gold_counts.most_common(1)[0] if cases else ("open", 0)
    per_status = {}
    for status in ("resolved", "open", "unknown"):
        n_p = sum(1 for cid, c in cases if predicted.get((cid, c["conversation_id"])) == status)
        n_g = gold_counts[status]
        tp = sum(1 for cid, c in cases if c["status"] == status and predicted.get((cid, c["conversation_id"])) == status)
        per_status[status] = (tp / n_p if n_p else 0.0, tp / n_g if n_g else 0.0, n_p, n_g)
    errors += [f"resolution: {cid} {c['conversation_id']} {c['theme']} planted {c['status']} "
               f"got {predicted.get((cid, c['conversation_id']))}" for cid, c in cases
               if predicted.get((cid, c["conversation_id"])) != c["status"]]
    out["resolution"] = {
        "accuracy": right / len(cases) if cases else 0.0, "cases": len(cases),
        "placed": sum(1 for cid, c in cases if (cid, c["conversation_id"]) in predicted),
        "majority": majority, "baseline": n_major / len(cases) if cases else 0.0, "per_status": per_status,
    }
    # values: praised value categories per customer, on the four praise themes the generator writes
    pred_v, gold_v = set(), set()
    for cid, p in profiles.items():
        for v in p["voice"].get("values", {}).get("praised", []):
            if v["value"] in VALUE_OF_THEME.values():
                pred_v.add((cid, v["value"]))
    for cid, t in gold.items():
        gold_v |= {(cid, VALUE_OF_THEME[th]) for th in t.get("praised", []) if th in VALUE_OF_THEME}
    out["values (praised)"] = _prf_counts(len(pred_v & gold_v), len(pred_v), len(pred_v & gold_v), len(gold_v))
    out["errors"] = errors
    return out


VALUE_OF_THEME = {"image_quality": "video quality", "easy_setup": "ease of setup", "design": "design and build",
                  "helpful_agent": "customer support"}


def _prf_counts(pred_ok: int, n_pred: int, gold_ok: int, n_gold: int) -> tuple:
    p = pred_ok / n_pred if n_pred else 0.0
    r = gold_ok / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f, n_pred, n_gold


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", default=str(ROOT / "out" / "demo" / "insight.duckdb"))
    ap.add_argument("--truth", default=str(ROOT / "corpora" / "demo" / "truth.json"))
    ap.add_argument("--theme-threshold", type=float, default=0.35)
    ap.add_argument("--details", action="store_true", help="list misses and false flags")
    ap.add_argument("--language", default=None,
                    help="score only the customers who write in this language (truth.json 'languages': en, tr, fi, "
                         "de); default: everyone")
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
        source_of = {rid: conv or sid for rid, sid, conv in
                     store.con.execute("SELECT record_id, source_id, conversation_id FROM records").fetchall()}

    if args.language:
        keep = {c for c, lang in truth.get("languages", {}).items() if lang == args.language}
        if not keep:
            raise SystemExit(f"{args.truth}: no customer writes in {args.language!r}")
        gold_customers = {c: t for c, t in gold_customers.items() if c in keep}
        truth["clean_customers"] = [c for c in truth["clean_customers"] if c in keep]
        profiles = {c: p for c, p in profiles.items() if c in keep}
    print(f"profiles: {len(profiles)}; customers in the truth: {len(gold_customers)}; clean customers: "
          f"{len(truth['clean_customers'])}; phrasings: {truth.get('phrasings', 'tune')}"
          + (f"; language: {args.language}" if args.language else ""))
    print(f"{'signal':<22} {'precision':>9} {'recall':>7} {'F1':>6} {'flagged':>8} {'planted':>8}")
    details = []
    for kind in KINDS:
        gold = {c for c, t in gold_customers.items() if kind in t.get("signals", [])}
        pred = {c for c, p in profiles.items() if any(n["kind"] == kind for n in p["unstated_needs"])}
        p, r, f, npred, ngold = prf(pred, gold)
        print(f"{kind:<22} {p:>9.3f} {r:>7.3f} {f:>6.3f} {npred:>8} {ngold:>8}")
        details.append((kind, sorted(gold - pred), sorted(pred - gold)))

    planted_any = {c for c, t in gold_customers.items() if t.get("signals")}
    flagged_any = {c for c, p in profiles.items() if p["unstated_needs"]}
    recall_any = len(planted_any & flagged_any) / len(planted_any) if planted_any else 0.0
    clean_any = [c for c in truth["clean_customers"] if c in flagged_any]
    print(f"{'any signal (recall)':<22} {'':>9} {recall_any:>7.3f} {'':>6} {len(flagged_any):>8} {len(planted_any):>8}")
    print(f"clean customers flagged: {len(clean_any)} of {len(truth['clean_customers'])} "
          f"({len(clean_any) / max(1, len(truth['clean_customers'])):.1%})")

    fields = field_scores(profiles, gold_customers, source_of)
    print()
    print(f"{'field':<22} {'precision':>9} {'recall':>7} {'F1':>6} {'found':>8} {'planted':>8}")
    for name in ("requests (object)", "motives (found)", "motives (kind)", "values (praised)"):
        p, r, f, npred, ngold = fields[name]
        print(f"{name:<22} {p:>9.3f} {r:>7.3f} {f:>6.3f} {npred:>8} {ngold:>8}")
    res = fields["resolution"]
    print(f"resolution status: accuracy {res['accuracy']:.3f} over {res['cases']} planted support cases "
          f"({res['placed']} placed by the profiles; majority class '{res['majority']}' alone: {res['baseline']:.3f})")
    for status, (p, r, n_pred, n_gold) in res["per_status"].items():
        print(f"  {status:<9} precision {p:.3f} recall {r:.3f} (predicted {n_pred}, planted {n_gold})")
    if args.details:
        for line in fields["errors"][:60]:
            print("  ", line)

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
