"""Profile stage: everything grouped by customer id, with the needs customers don't state.

Built only from what the store already holds (no model runs here). The JSON shape is stable:
``customer_id, identity, behaviour, voice, pain_points, unstated_needs, churn_risk, quote, summary``.

Unstated-need signals (``kind``), each with a statement, a confidence in [0, 1] and evidence:
- ``rating_text_mismatch``: a 4–5 star review with a clearly negative sentence, or a 1–2 star
  review whose sentences are praise;
- ``cross_channel_gap``: reviews average 4–5 stars, yet support or social complaints about a
  theme never raised in a review;
- ``repeat_contact``: the same theme raised negatively in two or more support conversations;
- ``request``: wishes and feature requests ("I wish", "please add", ...);
- ``churn``: effort and churn talk ("third time I'm contacting you", "switching to", "cancel my plan").
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from typing import Any

PROFILE_KEYS = (
    "customer_id", "identity", "behaviour", "voice", "pain_points", "unstated_needs", "churn_risk", "quote",
    "summary",
)
NEGATIVE_SENTENCE = -0.5  # a sentence this negative counts as a clear complaint
POSITIVE_SENTENCE = 0.5

_REQUEST = re.compile(
    r"\b(i wish|i'd love (it )?if|i would love (it )?if|would be (great|nice|awesome|good|helpful) if|"
    r"would love to see|please add|pls add|can you (please )?add|could you (please )?add|feature request|"
    r"it would help if|hope you (will )?add|you should add|why (is there no|isn't there|can't i))\b",
    re.I,
)
_CHURN = re.compile(
    r"\b(switch(ing|ed)? to|mov(e|ing) to|cancel+(ing|ed)? my (plan|subscription|account|membership)|"
    r"(want|going) to cancel|closing my account|(second|third|fourth|fifth|2nd|3rd|4th|5th|\d+(st|nd|rd|th)) time "
    r"(i'?m |i am |i have been |i've been )?(contact|writ|call|reach|ask)\w*|never (buying|buy|ordering) "
    r"(from you )?again|done with (you|this|your)|last chance|looking (at|for) alternatives|"
    r"take my (business|money) elsewhere|won'?t renew|not renewing)\b",
    re.I,
)


def build_profiles(
    records,
    voice,
    aspects,
    pain_mentions,
    pain_points,
    *,
    attributes: dict[str, dict[str, Any]] | None = None,
    identities: dict[str, list[dict[str, Any]]] | None = None,
    run_id: str = "",
):
    """Frames from the store -> profiles frame (customer_id, profile dict, churn_risk)."""
    import pandas as pd

    attributes = attributes or {}
    identities = identities or {}
    records = records[records["customer_id"].notna()]
    voice = voice[voice["customer_id"].notna()]
    pain_label = {r.pain_id: (r.label, r.topic_id, r.kind) for r in pain_points.itertuples()}
    sentence_pains: dict[str, list[str]] = defaultdict(list)
    for r in pain_mentions.itertuples():
        sentence_pains[r.sentence_id].append(r.pain_id)

    by_customer_records = dict(tuple(records.groupby("customer_id")))
    by_customer_voice = dict(tuple(voice.groupby("customer_id")))
    by_customer_aspects = dict(tuple(aspects[aspects["customer_id"].notna()].groupby("customer_id"))) if len(aspects) else {}
    customer_ids = sorted(set(by_customer_records) | set(attributes))
    empty_voice = voice.iloc[0:0]
    empty_records = records.iloc[0:0]
    rows = []
    for cid in customer_ids:
        profile = _profile(
            cid,
            by_customer_records.get(cid, empty_records),
            by_customer_voice.get(cid, empty_voice),
            by_customer_aspects.get(cid),
            sentence_pains,
            pain_label,
            attributes.get(cid, {}),
            identities.get(cid, []),
        )
        rows.append({"customer_id": cid, "profile": profile, "churn_risk": profile["churn_risk"]["score"], "run_id": run_id})
    return pd.DataFrame(rows, columns=["customer_id", "profile", "churn_risk", "run_id"])


def _profile(cid, recs, voice, aspects, sentence_pains, pain_label, attrs, idents) -> dict[str, Any]:
    behaviour = _behaviour(recs, voice)
    voice_part = _voice(voice, aspects)
    pains = _pain_points(voice, sentence_pains, pain_label)
    needs = _unstated_needs(recs, voice, pains)
    churn = _churn_risk(voice, needs, pains, behaviour)
    quote = _quote(voice)
    profile = {
        "customer_id": cid,
        "identity": {
            "customer_id": cid,
            "handles": sorted({i["identifier"] for i in idents if i.get("kind") == "handle"}),
            "emails": sorted({i["identifier"] for i in idents if i.get("kind") == "email"}),
            "crm": attrs,
        },
        "behaviour": behaviour,
        "voice": voice_part,
        "pain_points": pains,
        "unstated_needs": needs,
        "churn_risk": churn,
        "quote": quote,
    }
    profile["summary"] = _summary(profile)
    return profile


def _contacts(recs) -> dict[str, int]:
    """A review, a support conversation and a social post each count as one contact."""
    out: dict[str, int] = {}
    for channel, group in recs.groupby("channel"):
        out[str(channel)] = int(group["conversation_id"].nunique()) if channel == "support" else int(len(group))
    return dict(sorted(out.items()))


def _behaviour(recs, voice) -> dict[str, Any]:
    import pandas as pd

    contacts = _contacts(recs)
    total = sum(contacts.values())
    created = pd.to_datetime(recs["created_at"], utc=True) if len(recs) else pd.Series([], dtype="datetime64[ns, UTC]")
    first, last = (created.min(), created.max()) if len(created) else (None, None)
    months = max(1.0, ((last - first).days / 30.44)) if first is not None else 1.0
    complaints = voice[voice["score"] <= NEGATIVE_SENTENCE].drop_duplicates("record_id")
    complaint_contacts = _contacts(recs[recs["record_id"].isin(set(complaints["record_id"]))]) if len(complaints) else {}
    reviews = recs[(recs["channel"] == "review") & recs["rating"].notna()].drop_duplicates("record_id")
    ratings = [float(x) for x in reviews.sort_values("created_at")["rating"]]
    return {
        "contacts_by_channel": contacts,
        "total_contacts": total,
        "support_contacts": contacts.get("support", 0),
        "contacts_per_month": round(total / months, 3),
        "preferred_channel": _top(contacts),
        "preferred_complaint_channel": _top(complaint_contacts),
        "first_contact": first.isoformat() if first is not None else None,
        "last_contact": last.isoformat() if last is not None else None,
        "platforms": sorted({str(p) for p in recs["platform"].dropna()}),
        "products": sorted({str(p) for p in recs["product"].dropna()}),
        "ratings": {"count": len(ratings), "mean": round(sum(ratings) / len(ratings), 2) if ratings else None,
                    "values": ratings},
    }


def _top(counts: dict[str, int]) -> str | None:
    return max(sorted(counts), key=lambda k: counts[k]) if counts else None


def _voice(voice, aspects) -> dict[str, Any]:
    import pandas as pd

    scored = voice[voice["score"].notna()]
    months = pd.to_datetime(scored["created_at"], utc=True).dt.strftime("%Y-%m") if len(scored) else []
    by_month = scored.assign(month=months).groupby("month")["score"].agg(["mean", "count"]) if len(scored) else None
    by_channel = scored.groupby("channel")["score"].agg(["mean", "count"]) if len(scored) else None
    topics = voice[voice["topic_id"].notna() & (voice["topic_id"] >= 0)]
    topic_counts = topics.groupby(["topic_id", "topic_label"]).size().sort_values(ascending=False)
    praised, criticised = [], []
    if aspects is not None and len(aspects):
        for label, target in (("positive", praised), ("negative", criticised)):
            counts = aspects[aspects["label"] == label]["norm"].value_counts()
            target.extend({"aspect": str(k), "mentions": int(v)} for k, v in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:8])
    return {
        "sentiment": round(float(scored["score"].mean()), 3) if len(scored) else None,
        "sentiment_by_month": {m: {"mean": round(float(r["mean"]), 3), "sentences": int(r["count"])}
                               for m, r in by_month.iterrows()} if by_month is not None else {},
        "sentiment_by_channel": {c: {"mean": round(float(r["mean"]), 3), "sentences": int(r["count"])}
                                 for c, r in by_channel.iterrows()} if by_channel is not None else {},
        "topics": [{"topic_id": int(t), "label": str(lab), "sentences": int(n)} for (t, lab), n in topic_counts.head(8).items()],
        "praised_aspects": praised,
        "criticised_aspects": criticised,
    }


def _evidence_row(r) -> dict[str, Any]:
    return {
        "record_id": r.record_id,
        "sentence_id": r.sentence_id,
        "channel": r.channel,
        "date": str(r.created_at)[:10],
        "quote": r.text,
    }


def _pain_points(voice, sentence_pains, pain_label) -> list[dict[str, Any]]:
    found: dict[str, list] = defaultdict(list)
    for r in voice.itertuples():
        for pid in sentence_pains.get(r.sentence_id, ()):
            found[pid].append(r)
    out = []
    for pid, rows in found.items():
        label, topic_id, kind = pain_label[pid]
        rows.sort(key=lambda r: (str(r.created_at), r.sentence_id))
        out.append(
            {
                "pain_id": pid,
                "label": label,
                "topic_id": None if topic_id is None or (isinstance(topic_id, float) and math.isnan(topic_id)) else int(topic_id),
                "kind": kind,
                "mentions": len(rows),
                "channels": sorted({r.channel for r in rows}),
                "conversations": len({r.conversation_id for r in rows if r.channel == "support"}),
                "evidence": [_evidence_row(r) for r in rows[:5]],
            }
        )
    out.sort(key=lambda p: (-p["mentions"], p["label"]))
    return out


def _unstated_needs(recs, voice, pains) -> list[dict[str, Any]]:
    needs: list[dict[str, Any]] = []
    reviews = voice[voice["channel"] == "review"]
    review_ratings = recs[(recs["channel"] == "review") & recs["rating"].notna()]
    mean_rating = float(review_ratings["rating"].mean()) if len(review_ratings) else None

    # rating-text mismatch
    for record_id, group in reviews.groupby("record_id", sort=True):
        rating = group["rating"].iloc[0]
        if rating != rating or rating is None:
            continue
        if rating >= 4:
            bad = group[group["score"] <= NEGATIVE_SENTENCE].sort_values("score")
            if len(bad):
                worst = bad.iloc[0]
                needs.append(_need(
                    "rating_text_mismatch",
                    f"Rated {rating:g} stars but complains: \"{_clip(worst['text'])}\"",
                    min(0.95, 0.5 + 0.5 * float(-worst["score"])),
                    [_evidence_row(r) for r in bad.head(3).itertuples()],
                ))
        elif rating <= 2 and len(group) and (group["score"] >= POSITIVE_SENTENCE).mean() >= 0.6 and (group["score"] > NEGATIVE_SENTENCE).all():
            needs.append(_need(
                "rating_text_mismatch",
                f"Rated {rating:g} stars yet the text is praise: the rating may not reflect the experience.",
                round(float(group["score"].mean()), 3),
                [_evidence_row(r) for r in group.head(3).itertuples()],
            ))

    # cross-channel gap: happy in reviews, complaining elsewhere about something never reviewed
    if mean_rating is not None and mean_rating >= 4:
        reviewed_pains = {p["pain_id"] for p in pains if any(e["channel"] == "review" for e in p["evidence"])}
        reviewed_topics = set(reviews["topic_id"].dropna().astype(int))
        for p in pains:
            elsewhere = [e for e in p["evidence"] if e["channel"] in ("support", "social")]
            if not elsewhere or p["pain_id"] in reviewed_pains:
                continue
            if p["topic_id"] is not None and p["topic_id"] in reviewed_topics and p["kind"] == "topic":
                continue
            channels = sorted({e["channel"] for e in elsewhere})
            needs.append(_need(
                "cross_channel_gap",
                f"Rates the product {mean_rating:.1f} stars on average, but raises '{p['label']}' in "
                f"{' and '.join(channels)} and never in a review.",
                min(0.95, 0.55 + 0.1 * len(elsewhere)),
                elsewhere[:3],
            ))

    # unresolved repeat contact
    for p in pains:
        if p["conversations"] >= 2:
            ev = [e for e in p["evidence"] if e["channel"] == "support"]
            needs.append(_need(
                "repeat_contact",
                f"Has raised '{p['label']}' in {p['conversations']} support conversations: still unresolved.",
                min(0.95, 0.5 + 0.15 * p["conversations"]),
                ev[:3],
            ))

    # requests and churn talk, read from the customer's own sentences
    for kind, pattern in (("request", _REQUEST), ("churn", _CHURN)):
        hits = [r for r in voice.sort_values(["created_at", "sentence_id"]).itertuples() if pattern.search(r.text)]
        if hits:
            first = hits[0]
            statement = (
                f"Asks for: \"{_clip(first.text)}\"" if kind == "request"
                else f"Shows effort or churn intent: \"{_clip(first.text)}\""
            )
            needs.append(_need(kind, statement, min(0.95, 0.6 + 0.1 * len(hits)), [_evidence_row(r) for r in hits[:3]]))
    return needs


def _need(kind: str, statement: str, confidence: float, evidence: list) -> dict[str, Any]:
    return {"kind": kind, "statement": statement, "confidence": round(float(confidence), 3), "evidence": evidence}


def _clip(text: str, n: int = 140) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= n else text[: n - 1] + "…"


def _churn_risk(voice, needs, pains, behaviour) -> dict[str, Any]:
    """0..1 from a documented sum of reasons (each reason says how much it adds)."""
    reasons: list[dict[str, Any]] = []
    kinds = Counter(n["kind"] for n in needs)
    if kinds["churn"]:
        reasons.append({"reason": "churn or effort talk", "weight": 0.35})
    if kinds["repeat_contact"]:
        reasons.append({"reason": "unresolved repeat contact", "weight": 0.2})
    if kinds["cross_channel_gap"]:
        reasons.append({"reason": "complaints outside reviews", "weight": 0.1})
    scored = voice[voice["score"].notna()].sort_values("created_at")
    if len(scored):
        neg_share = float((scored["score"] <= NEGATIVE_SENTENCE).mean())
        if neg_share >= 0.3:
            reasons.append({"reason": f"{neg_share:.0%} of their sentences are negative", "weight": round(0.25 * neg_share + 0.05, 3)})
        if len(scored) >= 4:
            half = len(scored) // 2
            drop = float(scored["score"].iloc[:half].mean() - scored["score"].iloc[half:].mean())
            if drop >= 0.3:
                reasons.append({"reason": "sentiment is getting worse", "weight": round(min(0.2, drop / 4), 3)})
    if len(pains) >= 2:
        reasons.append({"reason": f"{len(pains)} distinct pain points", "weight": 0.1})
    score = min(1.0, sum(r["weight"] for r in reasons))
    level = "high" if score >= 0.5 else "medium" if score >= 0.25 else "low"
    return {"score": round(score, 3), "level": level, "reasons": reasons}


def _quote(voice) -> dict[str, Any] | None:
    """A representative quote in the customer's own words: their strongest sentence of 5+ words."""
    if not len(voice):
        return None
    candidates = voice[voice["text"].str.split().str.len() >= 5]
    if not len(candidates):
        candidates = voice
    scores = candidates["score"].fillna(0.0)
    pick = candidates.loc[scores.abs().sort_values(ascending=False, kind="stable").index[0]]
    return {"text": pick["text"], "record_id": pick["record_id"], "channel": pick["channel"], "date": str(pick["created_at"])[:10]}


def _summary(p: dict[str, Any]) -> str:
    b, v = p["behaviour"], p["voice"]
    parts = [f"Customer {p['customer_id']}"]
    crm = p["identity"]["crm"]
    facts = [str(crm[k]) for k in ("plan", "segment", "region") if crm.get(k)]
    if facts:
        parts[0] += f" ({', '.join(facts)})"
    parts[0] += f" has {b['total_contacts']} contact(s)"
    if b["preferred_channel"]:
        parts[0] += f", mostly via {b['preferred_channel']}"
    sentences = [parts[0] + "."]
    if b["ratings"]["count"]:
        sentences.append(f"Average review rating {b['ratings']['mean']:.1f} from {b['ratings']['count']} review(s).")
    if v["sentiment"] is not None:
        tone = "positive" if v["sentiment"] > 0.2 else "negative" if v["sentiment"] < -0.2 else "mixed"
        sentences.append(f"Overall tone is {tone} ({v['sentiment']:+.2f}).")
    if v["praised_aspects"]:
        sentences.append("Values " + ", ".join(a["aspect"] for a in v["praised_aspects"][:3]) + ".")
    if p["pain_points"]:
        sentences.append("Pain points: " + "; ".join(x["label"] for x in p["pain_points"][:3]) + ".")
    needs = sorted({n["kind"].replace("_", " ") for n in p["unstated_needs"]})
    if needs:
        sentences.append("Signals beyond the stars: " + ", ".join(needs) + ".")
    sentences.append(f"Churn risk {p['churn_risk']['level']} ({p['churn_risk']['score']:.2f}).")
    return " ".join(sentences)
