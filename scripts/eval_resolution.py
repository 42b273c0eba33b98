#!/usr/bin/env python3
"""Resolution status on real support conversations: ``../shared/corpora/twcs-sample`` (Twitter customer
support) and ``abcd-sample`` (human-human support chats).

    python scripts/eval_resolution.py [--show]

Neither corpus labels resolution, so each conversation below carries a hand label (``LABELS``, with the
reason), written from reading the conversation before scoring it: ``resolved`` (the customer says it is
fixed or answered), ``open`` (the customer's last turn says the problem persists, or the request was
refused), ``unknown`` (the customer never replied after raising it) or ``none`` (a question, no problem).
TWCS: every thread of three or more tweets (14 of its 27 threads; thread = ``in_response_to_tweet_id``
chain, customer = inbound tweets, leading @handles dropped); ABCD: its 3 chats. These are 17 conversations:
the figure shows direction, not a precise rate.

The conversations go through the real job (ingest as transcripts, ``insight.pipeline.analyze`` with the
shipped models) into a temporary store; the predicted status of a conversation is the case status on its
customer's profile timeline (``behaviour.timeline[].resolution``; no status = ``none``). Prints accuracy,
the majority-label baseline and, with ``--show``, every conversation with its last customer turn.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
import tempfile
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from _corpora import CORPORA  # noqa: E402

LABELS = {
    "twcs-119246": ("open", "tried laptop and browsers again today, still failing"),
    "twcs-119326": ("open", "describes when the problem started; nothing fixed"),
    "twcs-119272": ("open", "asks to be put back on the old iOS; battery and crashes"),
    "twcs-119250": ("unknown", "no customer reply after the agent's question"),
    "twcs-119292": ("resolved", "'Super help - problem solved'"),
    "twcs-119265": ("open", "thanks, but the flight will not depart today; rebooked with a 4h delay"),
    "twcs-119315": ("open", "still arguing the ID policy: 'Maybe hire colleagues who can see?'"),
    "twcs-119283": ("open", "'problem has come back again today', then device details"),
    "twcs-119256": ("resolved", "'not skipping at the mo ... Fingers crossed!', then 'Brilliant thanks'"),
    "twcs-119306": ("open", "'I've called 4-5 times in 6 weeks'"),
    "twcs-119297": ("none", "a question about the companion pass, answered"),
    "twcs-119319": ("open", "'Done all that. Still telling me there are no delivery slots'"),
    "twcs-119331": ("unknown", "no customer reply after the agent's answer"),
    "twcs-119332": ("open", "describes the slow, cumbersome site in reply; no reply after the suggestion"),
    "abcd-3592": ("open", "return refused (over 90 days), escalated to a manager: 'Thanks for trying to help.'"),
    "abcd-9489": ("resolved", "refund status answered: 'great thanks for your help'"),
    "abcd-3695": ("none", "a question about promo code expiry, answered"),
}
_LEADING_HANDLES = re.compile(r"^(?:@\w+\s*)+")


def twcs_conversations(path: Path) -> list[dict]:
    """Threads of three or more tweets as transcripts (customer = inbound)."""
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    by_id = {r["tweet_id"]: r for r in rows}

    def root(tweet_id: str) -> str:
        while by_id[tweet_id]["in_response_to_tweet_id"] in by_id:
            tweet_id = by_id[tweet_id]["in_response_to_tweet_id"]
        return tweet_id

    threads: dict[str, list[dict]] = {}
    for r in rows:
        threads.setdefault(root(r["tweet_id"]), []).append(r)
    out = []
    for rid, tweets in sorted(threads.items()):
        if len(tweets) < 3:
            continue
        for t in tweets:
            t["ts"] = datetime.strptime(t["created_at"], "%a %b %d %H:%M:%S %z %Y")
        tweets.sort(key=lambda t: t["ts"])
        customer = next(t["author_id"] for t in tweets if t["inbound"] == "True")
        turns = [{"speaker": "customer" if t["inbound"] == "True" else "agent",
                  "text": _LEADING_HANDLES.sub("", t["text"]).strip() or t["text"], "ts": t["ts"].isoformat()}
                 for t in tweets]
        out.append({"conversation_id": f"twcs-{rid}", "customer_id": f"twcs-{customer}", "channel": "social",
                    "started_at": turns[0]["ts"], "turns": turns})
    return out


def abcd_conversations(path: Path) -> list[dict]:
    """The ABCD sample chats as transcripts (one minute between turns; the corpus has no times)."""
    start = datetime(2021, 1, 4, 9, 0, tzinfo=timezone.utc)
    out = []
    for n, chat in enumerate(json.loads(path.read_text(encoding="utf-8"))):
        t0 = start + timedelta(days=n)
        turns = [{"speaker": speaker, "text": text, "ts": (t0 + timedelta(minutes=i)).isoformat()}
                 for i, (speaker, text) in enumerate(chat["original"]) if speaker in ("customer", "agent")]
        out.append({"conversation_id": f"abcd-{chat['convo_id']}",
                    "customer_id": f"abcd-customer-{chat['convo_id']}", "channel": "chat",
                    "started_at": turns[0]["ts"], "turns": turns})
    return out


def predict(conversations: list[dict]) -> dict[str, str]:
    """conversation id -> status from the profiles the real job builds."""
    from insight import pipeline
    from insight.jobs import ingest_files
    from insight.store import Store

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "transcripts.jsonl"
        path.write_text("".join(json.dumps(c) + "\n" for c in conversations), encoding="utf-8")
        with Store(str(Path(tmp) / "insight.duckdb")) as store:
            for summary in ingest_files(store, "transcripts", [str(path)]):
                print(summary.line(), file=sys.stderr)
            pipeline.analyze(store, progress=False)
            profiles = [json.loads(p) for p in store.query("SELECT profile FROM profiles")["profile"]]
    out = {}
    for p in profiles:
        for contact in p["behaviour"]["timeline"]:
            if contact.get("conversation_id"):
                out[contact["conversation_id"]] = (contact.get("resolution") or {}).get("status", "none")
    return out


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--show", action="store_true", help="list every conversation with its label and prediction")
    args = ap.parse_args(argv)
    conversations = twcs_conversations(CORPORA / "twcs-sample" / "sample.csv")
    conversations += abcd_conversations(CORPORA / "abcd-sample" / "abcd_sample.json")
    missing = sorted(set(LABELS) - {c["conversation_id"] for c in conversations})
    if missing:
        sys.exit(f"eval_resolution: labelled conversations not found in the corpora: {missing}")
    predicted = predict(conversations)
    right = 0
    for c in conversations:
        gold, why = LABELS[c["conversation_id"]]
        got = predicted.get(c["conversation_id"], "none")
        right += got == gold
        if args.show:
            last = next(t["text"] for t in reversed(c["turns"]) if t["speaker"] == "customer")
            print(f"{'ok ' if got == gold else 'ERR'} {c['conversation_id']:<12} gold {gold:<8} got {got:<8} "
                  f"({why}) last: {' '.join(last.split())[:90]!r}")
    counts = Counter(gold for gold, _ in LABELS.values())
    major, n_major = counts.most_common(1)[0]
    print(f"resolution status on {len(conversations)} real support conversations (twcs-sample threads of 3+ "
          f"tweets, abcd-sample): accuracy {right / len(conversations):.3f} ({right} of {len(conversations)}); "
          f"majority label '{major}' alone: {n_major / len(conversations):.3f}; labels {dict(sorted(counts.items()))}")


if __name__ == "__main__":
    main()
