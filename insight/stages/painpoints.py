"""Pain-point stage: recurring negative themes, ranked.

A pain point is a topic (or an aspect term) that customers talk about negatively, more than once
and by more than one customer. A negative sentence inside a 4–5 star review counts only when it is
announced as a complaint (``words.COMPLAINT_CUE``: "but", "unfortunately", "only problem", ...). For each one we compute its parts and one ranking score:

    score = log2(1 + customers) * (0.5 + severity) * (1 + 0.5 * clip(growth, -1, 2))
            * (1 + repeat_share) * (1 + 0.5 * hidden_share)

- customers     distinct customer ids with a negative mention (the main driver)
- severity      mean negativity of the mentions, -score in [0, 1]
- growth        mentions in the last window against the window before, (now - before) / max(before, 1);
                windows end at the newest record in the store, so re-running gives the same answer
- repeat_share  share of affected customers who raised it in two or more support conversations
- hidden_share  share of mentions from customers whose reviews average 4–5 stars
Also reported, not scored: mentions, channels, first and last seen, value at stake (summed
lifetime value of affected customers, when the customers file carries one).
"""

from __future__ import annotations

import math
from datetime import timedelta
from typing import Any

from insight.schema import stable_id
from insight.stages.words import COMPLAINT_CUE

PAIN_COLUMNS = [
    "pain_id", "kind", "key", "label", "topic_id", "rank", "score", "mentions", "customers", "channels",
    "first_seen", "last_seen", "growth", "severity", "value_at_stake", "repeat_contacts", "hidden_share",
    "parts", "evidence", "run_id",
]
LTV_FIELDS = ("lifetime_value", "ltv", "clv", "customer_lifetime_value", "value")


def pain_id_for(kind: str, key: str) -> str:
    return stable_id("pain", kind, key, length=12)


def customer_value(attributes: dict[str, Any]) -> float | None:
    """Lifetime value from CRM attributes, whatever the column was called."""
    for name in LTV_FIELDS:
        value = attributes.get(name)
        if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
            return float(value)
    return None


def find_pain_points(
    voice,
    aspects,
    *,
    ltv: dict[str, float] | None = None,
    window_days: int = 30,
    min_mentions: int = 3,
    min_customers: int = 2,
    min_negative_share: float = 0.4,
    run_id: str = "",
):
    """voice: one row per customer-voice sentence (sentence_id, record_id, customer_id, channel,
    created_at, rating, conversation_id, text, label, score, topic_id, topic_label).
    aspects: one row per aspect mention joined with its record (norm, label, score, sentence_id, ...).

    Returns (pain_points frame, mentions frame [pain_id, sentence_id, record_id]).
    """
    import pandas as pd

    ltv = ltv or {}
    if len(voice) == 0:
        return pd.DataFrame(columns=PAIN_COLUMNS), pd.DataFrame(columns=["pain_id", "sentence_id", "record_id"])
    as_of = pd.to_datetime(voice["created_at"], utc=True).max()
    happy = _happy_customers(voice)

    candidates: list[tuple[str, str, str, int | None, Any]] = []
    # in a 4–5 star review only a sentence announced as a complaint counts ("but", "only problem"...)
    happy_review = (voice["channel"] == "review") & (voice["rating"].fillna(0) >= 4)
    cue = voice["text"].map(lambda t: bool(COMPLAINT_CUE.search(t)))
    voice = voice.assign(label=voice["label"].where(~happy_review | cue, "unconfirmed"))
    neg = voice[voice["label"] == "negative"]
    for topic_id, group in voice[voice["topic_id"].notna() & (voice["topic_id"] >= 0)].groupby("topic_id"):
        negatives = group[group["label"] == "negative"]
        if len(negatives) / len(group) < min_negative_share:
            continue
        label = str(group["topic_label"].iloc[0])
        candidates.append(("topic", str(int(topic_id)), label, int(topic_id), negatives))

    topic_sentences: dict[str, set] = {c[1]: set(c[4]["sentence_id"]) for c in candidates}
    if len(aspects):
        neg_aspects = aspects[aspects["label"] == "negative"]
        for norm, group in neg_aspects.groupby("norm"):
            mentions = neg[neg["sentence_id"].isin(set(group["sentence_id"]))]
            if len(mentions) == 0:
                mentions = voice[voice["sentence_id"].isin(set(group["sentence_id"]))]
            ids = set(mentions["sentence_id"])
            # An aspect whose mentions mostly sit inside one topic pain point is that pain point.
            if any(len(ids & s) >= 0.5 * len(ids) for s in topic_sentences.values()):
                continue
            candidates.append(("aspect", str(norm), str(norm), None, mentions))

    rows, mention_rows = [], []
    for kind, key, label, topic_id, mentions in candidates:
        customers = set(mentions["customer_id"].dropna())
        if len(mentions) < min_mentions or len(customers) < min_customers:
            continue
        row = _measure(mentions, customers, as_of, window_days, happy, ltv)
        pain_id = pain_id_for(kind, key)
        row.update(
            pain_id=pain_id, kind=kind, key=key, label=label, topic_id=topic_id, run_id=run_id,
            evidence=_evidence(mentions),
        )
        rows.append(row)
        mention_rows += [
            {"pain_id": pain_id, "sentence_id": s, "record_id": r}
            for s, r in zip(mentions["sentence_id"], mentions["record_id"], strict=True)
        ]
    frame = pd.DataFrame(rows, columns=[c for c in PAIN_COLUMNS if c != "rank"])
    if len(frame):
        frame = frame.sort_values(["score", "customers", "label"], ascending=[False, False, True])
    frame.insert(5, "rank", range(1, len(frame) + 1))
    return frame[PAIN_COLUMNS].reset_index(drop=True), pd.DataFrame(
        mention_rows, columns=["pain_id", "sentence_id", "record_id"]
    ).drop_duplicates()


def _happy_customers(voice) -> set:
    reviews = voice[(voice["channel"] == "review") & voice["rating"].notna()]
    means = reviews.drop_duplicates("record_id").groupby("customer_id")["rating"].mean()
    return set(means[means >= 4].index)


def _measure(mentions, customers: set, as_of, window_days: int, happy: set, ltv: dict) -> dict[str, Any]:
    import pandas as pd

    created = pd.to_datetime(mentions["created_at"], utc=True)
    window = timedelta(days=window_days)
    recent = int((created > as_of - window).sum())
    before = int(((created > as_of - 2 * window) & (created <= as_of - window)).sum())
    growth = (recent - before) / max(before, 1)
    severity = float((-mentions["score"]).clip(lower=0).mean())
    support = mentions[(mentions["channel"] == "support") & mentions["customer_id"].notna()]
    convs = support.groupby("customer_id")["conversation_id"].nunique()
    repeat = int((convs >= 2).sum())
    repeat_share = repeat / max(len(customers), 1)
    hidden = float(mentions["customer_id"].isin(happy).mean())
    values = [ltv[c] for c in customers if c in ltv]
    value_at_stake = float(sum(values)) if values else None
    score = (
        math.log2(1 + len(customers)) * (0.5 + severity) * (1 + 0.5 * max(-1.0, min(2.0, growth)))
        * (1 + repeat_share) * (1 + 0.5 * hidden)
    )
    channels = mentions["channel"].value_counts().sort_index()
    return {
        "score": round(score, 4),
        "mentions": int(len(mentions)),
        "customers": len(customers),
        "channels": {str(k): int(v) for k, v in channels.items()},
        "first_seen": created.min(),
        "last_seen": created.max(),
        "growth": round(growth, 4),
        "severity": round(severity, 4),
        "value_at_stake": value_at_stake,
        "repeat_contacts": repeat,
        "hidden_share": round(hidden, 4),
        "parts": {
            "customers": len(customers),
            "severity": round(severity, 4),
            "growth": round(growth, 4),
            "recent_mentions": recent,
            "previous_mentions": before,
            "window_days": window_days,
            "repeat_share": round(repeat_share, 4),
            "hidden_share": round(hidden, 4),
        },
    }


def _evidence(mentions, limit: int = 5) -> list[dict[str, Any]]:
    """The most negative quotes, one per customer where possible."""
    ordered = mentions.sort_values(["score", "sentence_id"])
    picked = ordered.drop_duplicates("customer_id") if ordered["customer_id"].notna().any() else ordered
    if len(picked) < limit:
        import pandas as pd

        picked = pd.concat([picked, ordered[~ordered["sentence_id"].isin(picked["sentence_id"])]])
    out = []
    for r in picked.head(limit).itertuples():
        out.append(
            {
                "record_id": r.record_id,
                "sentence_id": r.sentence_id,
                "customer_id": r.customer_id if isinstance(r.customer_id, str) else None,
                "channel": r.channel,
                "date": str(r.created_at)[:10],
                "quote": r.text,
                "score": round(float(r.score), 3),
            }
        )
    return out
