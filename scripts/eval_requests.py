#!/usr/bin/env python3
"""Request and churn detection (``insight.stages.acts``) beyond the demo: a blind paraphrase set and real
support messages.

    python scripts/eval_requests.py [--sample 1000]

1. Blind paraphrases: request and churn phrasings written after the held-out demo was measured and never
   used to change a detector (FRESH_* below), each request filled with the demo's feature objects, next to
   hard negatives (statements and support asks that are not feature requests or churn talk). Detection
   rate, object accuracy and false flags.
2. banking77 (train, seeded sample) and clinc150 (dev, seeded sample): real single-message support and
   assistant queries with intent labels. Neither corpus marks feature requests, so this measures how often
   the detector fires and on which intents (it should fire on asks for a product or service, "can I get a
   virtual card", and stay quiet on problem reports and information questions), with examples.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CORPORA = ROOT.parent / "shared" / "corpora"

FRESH_REQUESTS = [
    "Any plans to add {feat}?", "It's time you added {feat}.", "Honestly {feat} would be a huge improvement.",
    "Let us have {feat}, please.", "I'd really appreciate {feat}.", "When are you adding {feat}?",
    "Surely {feat} can't be that hard to add?", "Could we get {feat} at some point?",
    "The only thing I'm missing is {feat}.", "What I really want is {feat}.", "Begging you for {feat}.",
    "Please think about {feat}.",
]
FRESH_NOT_REQUESTS = [
    "I added a second camera last week.", "The app now supports HomeKit, great.", "I wish I had bought it sooner.",
    "Would recommend to anyone.", "They offered me a refund straight away.", "I need to reset my password.",
    "Can you help me with my login?", "Please refund my order.", "Support added a note to my case.",
    "We wanted a camera that just works.", "I got the dark mode working after the update.",
    "You have to add the camera in the app first.", "The hub supports up to ten cameras.",
    "Hope this helps other buyers.", "Give it a try, you won't regret it.",
]
FRESH_CHURN = [
    "We're cancelling at the end of the month.", "I'll be taking my business somewhere else.",
    "Time to look for a different brand.", "Not sure I'll stay with you after this.", "I'm returning the lot.",
    "Your competitor's offer is starting to look very attractive.",
    "I regret choosing Lumio and won't make that mistake twice.", "This is the last straw.",
    "I'm sending it all back and getting my money back.", "Four contacts and still nothing, I'm done.",
]
FRESH_NOT_CHURN = [
    "I switched the camera to night mode.", "I returned the damaged one and got a replacement.",
    "Moving house next month, how do I move the camera?",
    "We're staying in a hotel next week, can I check the camera remotely?", "I cancelled the alert for the back door.",
    "Love it, would never switch.", "Done with setup in five minutes.", "My old brand was awful compared to this.",
]
FEATURES = ["HomeKit support", "a dark mode", "local storage on an SD card", "package detection",
            "a lock screen widget", "a longer clip history", "Google Home routines", "an Apple Watch app"]


def detect(texts: list[str]):
    import pandas as pd

    from insight.resources import load_embedder, load_spacy
    from insight.stages.acts import ActHead, detect_acts
    from insight.stages.topics import embed, theme_text

    vectors = embed([theme_text(t) or t for t in texts], embedder=load_embedder())
    frame = pd.DataFrame({"sentence_id": [str(i) for i in range(len(texts))], "record_id": [str(i) for i in range(len(texts))],
                          "text": texts, "vector": list(vectors)})
    acts = detect_acts(frame, nlp=load_spacy(), head=ActHead("request"), churn_head=ActHead("churn"))
    requests = {int(r.sentence_id): r.object for r in acts.itertuples() if r.act == "request"}
    churn = {int(r.sentence_id) for r in acts.itertuples() if r.act == "churn"}
    stay = {int(r.sentence_id) for r in acts.itertuples() if r.act == "stay"}
    return requests, churn, stay


def fresh() -> None:
    from insight.stages.profiles import _CHURN

    r = random.Random(3)
    asks = [(t.replace("{feat}", f), f) for t in FRESH_REQUESTS for f in r.sample(FEATURES, 4)]
    texts = [t for t, _ in asks] + FRESH_NOT_REQUESTS + FRESH_CHURN + FRESH_NOT_CHURN
    requests, churn, stay = detect(texts)
    n = len(asks)
    found = [i for i in range(n) if i in requests]
    right = [i for i in found if asks[i][1].lower() in requests[i].lower() or requests[i].lower() in asks[i][1].lower()]
    false = [texts[n + j] for j in range(len(FRESH_NOT_REQUESTS)) if n + j in requests]
    print(f"blind requests: found {len(found)}/{n} ({len(found) / n:.0%}), object right {len(right)}/{n}; "
          f"false flags {len(false)}/{len(FRESH_NOT_REQUESTS)} {false}")
    base = n + len(FRESH_NOT_REQUESTS)
    # as the profiles read it: the churn act, or a churn phrase in a sentence the parse does not read as staying
    is_churn = [base + j in churn or (bool(_CHURN.search(t)) and base + j not in stay)
                for j, t in enumerate(FRESH_CHURN + FRESH_NOT_CHURN)]
    hits = sum(is_churn[: len(FRESH_CHURN)])
    false_churn = [t for t, hit in zip(FRESH_NOT_CHURN, is_churn[len(FRESH_CHURN):], strict=True) if hit]
    print(f"blind churn: found {hits}/{len(FRESH_CHURN)}; false flags {len(false_churn)}/{len(FRESH_NOT_CHURN)} {false_churn}")


def real(name: str, rows: list[tuple[str, str]], sample: int, seed: int) -> None:
    rows = random.Random(seed).sample(rows, min(sample, len(rows)))
    requests, churn, _ = detect([t for t, _ in rows])
    per_intent = Counter(rows[i][1] for i in requests)
    totals = Counter(intent for _, intent in rows)
    print(f"\n{name}: {len(rows)} messages, {len(requests)} flagged as requests ({len(requests) / len(rows):.1%}), "
          f"{len(churn)} as churn talk ({len(churn) / len(rows):.1%})")
    print("  intents most often flagged (flagged/sampled):")
    for intent, k in sorted(per_intent.items(), key=lambda kv: (-kv[1] / totals[kv[0]], kv[0]))[:8]:
        print(f"    {intent:<34} {k}/{totals[intent]}")
    for i in sorted(requests)[:8]:
        print(f"    e.g. [{rows[i][1]}] {rows[i][0]!r} -> {requests[i]!r}")


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sample", type=int, default=1000, help="messages per real corpus (seeded sample)")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args(argv)
    fresh()
    bank = CORPORA / "banking77" / "train.csv"
    if bank.exists():
        with bank.open(encoding="utf-8") as f:
            rows = [(r["text"], r["category"]) for r in csv.DictReader(f)]
        real("banking77 train", rows, args.sample, args.seed)
    clinc = CORPORA / "clinc150" / "dev.jsonl"
    if clinc.exists():
        rows = [(d["text"], d["intent"]) for d in map(json.loads, clinc.read_text(encoding="utf-8").splitlines())]
        real("clinc150 dev", rows, args.sample, args.seed)


if __name__ == "__main__":
    main()
