"""Profile stage: everything grouped by customer id, with the needs customers don't state.

Built only from what the store already holds (no model runs here). The JSON shape is stable:
``customer_id, identity, behaviour, voice, motives, requests, pain_points, unstated_needs, churn_risk, quote,
summary``. ``motives`` ({kind, statement, evidence}) and ``requests`` ({object, statement, evidence}) come from
the acts stage (``insight.stages.acts``); each pain point raised in support has a ``resolution`` ({status:
resolved | open | unknown, reason, evidence, cases}); ``behaviour.timeline`` lists each contact with its
sentiment. Each unstated need says what the customer needs (``statement``) and why insight believes it
(``why``).

Unstated-need signals (``kind``), each with a statement, a confidence in [0, 1] and evidence:
- ``rating_text_mismatch``: a 4–5 star review with a negative sentence that reads as a complaint (a
  contrast or problem cue: "but", "unfortunately", "only problem", "keeps", ...; from a score of -0.1,
  since praise in the same sentence pulls the score up), or a 1–2 star review of praise (half its
  sentences positive, mean at least 0.3, no negative sentence with a complaint cue);
- ``cross_channel_gap``: reviews average 4–5 stars, yet support or social complaints about a
  theme never raised in a review (nor in a closely related topic: ``related_topics``); churn talk
  alone is not a theme (it is the ``churn`` signal);
- ``repeat_contact``: the same theme raised negatively in two or more support conversations, or a support
  case that comes up again in a later support conversation (its resolution reads "raised again in
  support");
- ``request``: wishes and feature requests ("I wish", "please add", "X would be a huge improvement", ...);
- ``churn``: effort and churn talk ("third time I'm contacting you", "switching to", "cancel my plan"), by
  phrase pattern, by the churn frames of the parse or by the churn head on the sentence vector
  (``insight.stages.acts``); a sentence the parse reads as staying (``stay``: "would never switch") is not
  churn talk, whatever phrase it holds.

A sentence the acts stage reads as a request or a motive is not a pain-point mention of the profile: a wish
read as negative ("I wish the app had X 🙄") is not a complaint.

Speed: the frames are turned into plain Python rows once (timestamps, dates and the quote-length test
converted once, column by column), grouped by customer id in one pass, and each profile is computed in
plain Python (no pandas per customer), so 100k customers build in minutes. Means are exact
(``math.fsum``); sorts are stable, so tied keys keep the rows' time-and-id order.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict, namedtuple
from typing import Any

from insight.stages.words import COMPLAINT_CUE

PROFILE_KEYS = (
    "customer_id", "identity", "behaviour", "voice", "motives", "requests", "pain_points", "unstated_needs",
    "churn_risk", "quote", "summary",
)
RESOLUTION_STATUSES = ("resolved", "open", "unknown")
NEGATIVE_SENTENCE = -0.5  # a sentence this negative counts as a clear complaint
POSITIVE_SENTENCE = 0.5
SATISFIED_FLOOR = -0.2  # a close with thanks or praise counts as satisfied when no sentence in it is below this
MILD_NEGATIVE = -0.1  # a sentence that carries a complaint cue counts from this score down

# The same talk of leaving in the other supported languages: cancelling the plan, switching to another
# brand, not renewing, never buying again (first person, as in English).
_CHURN_OTHER = (
    r"ich (kündige|werde (das abo |meinen vertrag )?kündigen)|(abo|vertrag) (wird )?gekündigt|wechsle zu|"
    r"verlängere (das abo |meinen vertrag )?nicht|nie wieder (kaufen|bestellen)|"  # de
    r"iptal (edeceğim|ediyorum|etmek istiyorum)|aboneliğimi iptal|hesabımı kapat\w*|başka (bir )?(marka|firma|şirket)\w*|"
    r"bir daha (asla )?(almam|almayacağım)|yenilemeyeceğim|"  # tr
    r"irtisanoudun|irtisanon|peru(n|utan) (tilaukse|sopimukse)\w*|vaihdan (toiseen|kilpailija)\w*|en (enää )?osta|"
    r"en uusi|"  # fi
    r"(voy a|quiero) cancelar|cancelar(é)? mi (suscripción|cuenta|plan|contrato)|(me doy|darme) de baja|me cambio a|"
    r"no (voy a )?renovar(é)?|nunca más (compro|compraré|vuelvo)|"  # es
    r"je (vais )?résilie\w*|résilier mon|je passe chez|(je vais|je veux) annuler mon|annuler mon abonnement|"
    r"je ne (vais pas )?renouvel\w*|plus jamais (chez vous|je n'achète\w*)"  # fr
)
_CHURN = re.compile(
    r"\b(switch(ing|ed)? to|mov(e|ing) to|cancel+(ing|ed)? my (plan|subscription|account|membership)|"
    r"(want|going) to cancel|closing my account|(second|third|fourth|fifth|2nd|3rd|4th|5th|\d+(st|nd|rd|th)) time "
    r"(i'?m |i am |i have been |i've been )?(contact|writ|call|reach|ask)\w*|never (buying|buy|ordering) "
    r"(from you )?again|done with (you|this|your)|last chance|looking (at|for) alternatives|"
    r"take my (business|money) elsewhere|won'?t renew|not renewing|" + _CHURN_OTHER + r")\b",
    re.I,
)


_VoiceRow = namedtuple(
    "_VoiceRow",
    "customer_id sentence_id record_id text channel created_at stamp date month sort_ns conversation_id rating "
    "score topic_id topic_label long_enough",
)
_RecordRow = namedtuple(
    "_RecordRow", "customer_id record_id channel created_utc sort_ns rating conversation_id platform product",
)
_AspectRow = namedtuple("_AspectRow", "customer_id label norm")


def build_profiles(
    records,
    voice,
    aspects,
    pain_mentions,
    pain_points,
    *,
    attributes: dict[str, dict[str, Any]] | None = None,
    identities: dict[str, list[dict[str, Any]]] | None = None,
    related_topics: dict[int, set[int]] | None = None,
    acts=None,
    motive_kinds: dict[str, str] | None = None,
    term_values: dict[str, str] | None = None,
    replies=None,
    run_id: str = "",
):
    """Frames from the store -> profiles frame (customer_id, profile dict, churn_risk).

    ``acts``: the ``sentence_acts`` frame (``insight.stages.acts``: requests with their object, motives,
    support-case closes); without it a profile has no requests, motives or resolution beyond "raised
    again". ``motive_kinds``: sentence id -> motive kind (``insight.stages.motives``). ``term_values``:
    aspect term -> value category (``insight.stages.values``); without it ``voice.values`` is empty.
    ``replies``: conversation_id, created_at of the agent turns (``Store.agent_replies``): a support case's
    close is the customer's last turn after an agent replied; without it, the customer's last turn after
    the one that raised the problem.
    """
    import pandas as pd

    attributes = attributes or {}
    identities = identities or {}
    records = records[records["customer_id"].notna()]
    voice = voice[voice["customer_id"].notna()]
    aspects = aspects[aspects["customer_id"].notna()] if len(aspects) else aspects.iloc[0:0]
    pain_label = {r.pain_id: (r.label, r.topic_id, r.kind) for r in pain_points.itertuples()}
    sentence_acts: dict[str, dict[str, tuple]] = defaultdict(dict)
    if acts is not None and len(acts):
        for sid, act, obj, detail in zip(acts["sentence_id"], acts["act"], acts["object"], acts["detail"], strict=True):
            sentence_acts[sid][act] = (None if _is_missing(obj) else obj, None if _is_missing(detail) else detail)
    # a wish or a reason for buying is not a complaint, whatever its sentiment ("I wish the app had X 🙄",
    # "our old camera gave up so I needed something quick"): the profile does not count it as a pain point
    sentence_pains: dict[str, list[str]] = defaultdict(list)
    for r in pain_mentions.itertuples():
        if not {"request", "motive"} & set(sentence_acts.get(r.sentence_id, ())):
            sentence_pains[r.sentence_id].append(r.pain_id)

    by_customer_records = _by_customer(_record_rows(records))
    by_customer_voice = _by_customer(_voice_rows(voice))
    by_customer_aspects = _by_customer(_aspect_rows(aspects))
    motive_kinds = motive_kinds or {}
    reply_times = _reply_times(replies)
    # themes the corpus complains about: a support turn leaning negative on one of them raises a problem
    pain_topics = {int(t) for _, t, _ in pain_label.values() if not _is_missing(t)}
    customer_ids = sorted(set(by_customer_records) | set(attributes))
    rows = []
    for cid in customer_ids:
        profile = _profile(
            cid,
            by_customer_records.get(cid, ()),
            by_customer_voice.get(cid, ()),
            by_customer_aspects.get(cid, ()),
            sentence_pains,
            pain_label,
            attributes.get(cid, {}),
            identities.get(cid, []),
            related_topics or {},
            sentence_acts,
            motive_kinds,
            term_values or {},
            reply_times,
            pain_topics,
        )
        rows.append({"customer_id": cid, "profile": profile, "churn_risk": profile["churn_risk"]["score"], "run_id": run_id})
    return pd.DataFrame(rows, columns=["customer_id", "profile", "churn_risk", "run_id"])


# ---------------------------------------------------------------------------------------------------
# frames -> plain rows (once, column by column)


def _reply_times(replies) -> dict[Any, list[int]] | None:
    """conversation id -> sorted times (ns) of its agent turns; None when the turns are not known."""
    if replies is None:
        return None
    out: dict[Any, list[int]] = defaultdict(list)
    if len(replies):
        for conv, ns in zip(_column(replies, "conversation_id"), _sort_ns(replies, "created_at"), strict=True):
            if ns is not None:
                out[conv].append(ns)
    for times in out.values():
        times.sort()
    return out


def _column(frame, name) -> list:
    """A column as Python objects, as ``itertuples`` hands them out (missing values kept as they are)."""
    return list(frame[name])


def _column_or_none(frame, name) -> list:
    """A column as Python objects with every missing value (NaN, NA, NaT, None) turned into None."""
    col = frame[name]
    return [None if missing else v for v, missing in zip(col, col.isna().tolist())]


def _sort_ns(frame, name) -> list:
    """Nanoseconds since the epoch per row (None for NaT): the order ``sort_values`` on the column gives."""
    import pandas as pd

    col = frame[name]
    if not (pd.api.types.is_datetime64_any_dtype(col.dtype)):
        col = pd.to_datetime(col, utc=True)
    return [None if t is pd.NaT else t.value for t in col]


def _voice_rows(voice) -> list[_VoiceRow]:
    import pandas as pd

    if not len(voice):
        return []
    created = _column(voice, "created_at")
    months = pd.to_datetime(voice["created_at"], utc=True).dt.strftime("%Y-%m")
    stamps: dict[Any, str] = {}
    stamp = [stamps[t] if t in stamps else stamps.setdefault(t, str(t)) for t in created]
    long_enough = (voice["text"].str.split().str.len() >= 5).tolist()
    return list(map(_VoiceRow._make, zip(
        _column(voice, "customer_id"), _column(voice, "sentence_id"), _column(voice, "record_id"),
        _column(voice, "text"), _column_or_none(voice, "channel"), created, stamp, [s[:10] for s in stamp],
        [None if missing else m for m, missing in zip(months, months.isna().tolist())], _sort_ns(voice, "created_at"), _column(voice, "conversation_id"), _column_or_none(voice, "rating"),
        _column_or_none(voice, "score"), _column_or_none(voice, "topic_id"), _column_or_none(voice, "topic_label"),
        long_enough,
    )))


def _record_rows(records) -> list[_RecordRow]:
    import pandas as pd

    if not len(records):
        return []
    created_utc = list(pd.to_datetime(records["created_at"], utc=True))
    return list(map(_RecordRow._make, zip(
        _column(records, "customer_id"), _column(records, "record_id"), _column_or_none(records, "channel"),
        created_utc, _sort_ns(records, "created_at"), _column_or_none(records, "rating"),
        _column_or_none(records, "conversation_id"), _column_or_none(records, "platform"),
        _column_or_none(records, "product"),
    )))


def _aspect_rows(aspects) -> list[_AspectRow]:
    if not len(aspects):
        return []
    return list(map(_AspectRow._make, zip(
        _column(aspects, "customer_id"), _column_or_none(aspects, "label"), _column_or_none(aspects, "norm"),
    )))


def _by_customer(rows) -> dict[str, list]:
    """customer id -> that customer's rows, in frame order (what ``groupby`` gives each group)."""
    out: dict[str, list] = {}
    for r in rows:
        group = out.get(r.customer_id)
        if group is None:
            out[r.customer_id] = [r]
        else:
            group.append(r)
    return out


# ---------------------------------------------------------------------------------------------------
# arithmetic and ordering on plain lists (exact sums; stable sorts with explicit tie-breaks)


def _mean(values: list[float]) -> float:
    return math.fsum(values) / len(values)


def _group_means(keys: list, values: list[float]) -> dict[Any, dict[str, Any]]:
    """Mean and count of ``values`` per key (None keys dropped), keys in sorted order, rounded."""
    groups: dict[Any, list[float]] = defaultdict(list)
    for k, v in zip(keys, values, strict=True):
        if k is not None:
            groups[k].append(v)
    return {k: {"mean": round(_mean(groups[k]), 3), "sentences": len(groups[k])} for k in sorted(groups)}


def _order(keys: list, ascending: bool = True) -> list[int]:
    """Positions sorted by key; ties keep their row order (rows arrive ordered by time and id)."""
    return sorted(range(len(keys)), key=lambda i: (keys[i] if ascending else -keys[i], i))


def _sorted_by_time(rows: list) -> list:
    """Rows by time (ties keep row order), rows without a time last."""
    timed = [r for r in rows if r.sort_ns is not None]
    untimed = [r for r in rows if r.sort_ns is None]
    return [timed[i] for i in _order([r.sort_ns for r in timed])] + untimed


# ---------------------------------------------------------------------------------------------------
# one profile


def _profile(cid, recs, voice, aspects, sentence_pains, pain_label, attrs, idents, related, acts,
             motive_kinds, term_values, replies=None, pain_topics=frozenset()) -> dict[str, Any]:
    from insight.stages.values import customer_values

    behaviour = _behaviour(recs, voice)
    voice_part = _voice(voice, aspects)
    voice_part["values"] = customer_values(aspects, term_values)
    pains = _pain_points(voice, sentence_pains, pain_label)
    raised_again: dict[Any, Any] = {}  # conversation id -> the later sentence that raises its problem again
    _resolve(pains, voice, sentence_pains, acts, related, replies, raised_again)
    _case_status_on_timeline(behaviour["timeline"], pains, voice, acts, related, replies, pain_topics, raised_again)
    again_in_support = _raised_again_in_support(raised_again, voice)
    requests = _requests(voice, acts)
    motives = _motives(voice, acts, motive_kinds)
    motive_ids = {r.sentence_id for r in voice if "motive" in acts.get(r.sentence_id, {})}
    churn_ids = {r.sentence_id for r in voice if "churn" in acts.get(r.sentence_id, {})}
    stay_ids = {r.sentence_id for r in voice if "stay" in acts.get(r.sentence_id, {})}
    needs = _unstated_needs(recs, voice, pains, related, requests, motive_ids, churn_ids, stay_ids, again_in_support)
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
        "motives": motives,
        "requests": requests,
        "pain_points": pains,
        "unstated_needs": needs,
        "churn_risk": churn,
        "quote": quote,
    }
    profile["summary"] = _summary(profile)
    return profile


def _is_missing(value) -> bool:
    import pandas as pd

    return value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and value != value)


def _contacts(recs) -> dict[str, int]:
    """A review, a support conversation and a social post each count as one contact."""
    rows: dict[Any, int] = Counter()
    conversations: dict[Any, set] = defaultdict(set)
    for r in recs:
        if r.channel is None:
            continue
        rows[r.channel] += 1
        if r.conversation_id is not None:
            conversations[r.channel].add(r.conversation_id)
    out = {str(channel): len(conversations[channel]) if channel == "support" else rows[channel] for channel in sorted(rows)}
    return dict(sorted(out.items()))


def _behaviour(recs, voice) -> dict[str, Any]:
    import pandas as pd

    contacts = _contacts(recs)
    total = sum(contacts.values())
    if recs:
        created = [r.created_utc for r in recs if r.created_utc is not pd.NaT]
        first, last = (min(created), max(created)) if created else (pd.NaT, pd.NaT)
    else:
        first, last = None, None
    months = max(1.0, ((last - first).days / 30.44)) if first is not None else 1.0
    complained = {r.record_id for r in voice if r.score is not None and r.score <= NEGATIVE_SENTENCE}
    complaint_contacts = _contacts([r for r in recs if r.record_id in complained]) if complained else {}
    reviews, seen = [], set()
    for r in recs:
        if r.channel == "review" and r.rating is not None and r.record_id not in seen:
            seen.add(r.record_id)
            reviews.append(r)
    ratings = [float(r.rating) for r in _sorted_by_time(reviews)]
    return {
        "contacts_by_channel": contacts,
        "total_contacts": total,
        "support_contacts": contacts.get("support", 0),
        "contacts_per_month": round(total / months, 3),
        "preferred_channel": _top(contacts),
        "preferred_complaint_channel": _top(complaint_contacts),
        "first_contact": first.isoformat() if first is not None else None,
        "last_contact": last.isoformat() if last is not None else None,
        "platforms": sorted({str(r.platform) for r in recs if r.platform is not None}),
        "products": sorted({str(r.product) for r in recs if r.product is not None}),
        "ratings": {"count": len(ratings), "mean": round(sum(ratings) / len(ratings), 2) if ratings else None,
                    "values": ratings},
        "timeline": _timeline(voice),
    }


TIMELINE_MAX = 60


def _timeline(voice) -> list[dict[str, Any]]:
    """One entry per contact (a review, a post, a support conversation), oldest first, with the mean
    sentiment of the customer's sentences in it; the latest ``TIMELINE_MAX`` contacts."""
    contacts: dict[Any, list] = {}
    for r in voice:
        key = ("support", r.conversation_id) if r.channel == "support" and not _is_missing(r.conversation_id) \
            else ("record", r.record_id)
        contacts.setdefault(key, []).append(r)
    out = []
    for rows in contacts.values():
        scores = [r.score for r in rows if r.score is not None]
        first = min(rows, key=lambda r: (r.sort_ns is None, r.sort_ns or 0))
        out.append({"date": first.date, "channel": first.channel,
                    "record_id": first.record_id if first.channel != "support" else None,
                    "conversation_id": first.conversation_id if first.channel == "support" else None,
                    "sentiment": round(float(_mean(scores)), 3) if scores else None, "_ns": first.sort_ns or 0})
    out.sort(key=lambda c: (c["_ns"], c["date"] or ""))
    for c in out:
        del c["_ns"]
    return out[-TIMELINE_MAX:]


def _top(counts: dict[str, int]) -> str | None:
    return max(sorted(counts), key=lambda k: counts[k]) if counts else None


def _voice(voice, aspects) -> dict[str, Any]:
    scored = [r for r in voice if r.score is not None]
    scores = [r.score for r in scored]
    topic_counts = Counter(
        (r.topic_id, r.topic_label) for r in voice
        if r.topic_id is not None and r.topic_label is not None and r.topic_id >= 0
    )
    keys = sorted(topic_counts)
    order = _order([topic_counts[k] for k in keys], ascending=False)
    praised, criticised = [], []
    if aspects:
        for label, target in (("positive", praised), ("negative", criticised)):
            counts = Counter(a.norm for a in aspects if a.label == label and a.norm is not None)
            target.extend({"aspect": str(k), "mentions": int(v)} for k, v in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:8])
    return {
        "sentiment": round(float(_mean(scores)), 3) if scores else None,
        "sentiment_by_month": _group_means([r.month for r in scored], scores),
        "sentiment_by_channel": _group_means([r.channel for r in scored], scores),
        "topics": [{"topic_id": int(keys[i][0]), "label": str(keys[i][1]), "sentences": int(topic_counts[keys[i]])}
                   for i in order[:8]],
        "praised_aspects": praised,
        "criticised_aspects": criticised,
    }


def _evidence_row(r) -> dict[str, Any]:
    return {
        "record_id": r.record_id,
        "sentence_id": r.sentence_id,
        "channel": r.channel,
        "date": r.date,
        "quote": r.text,
    }


def _pain_points(voice, sentence_pains, pain_label) -> list[dict[str, Any]]:
    found: dict[str, list] = defaultdict(list)
    for r in voice:
        for pid in sentence_pains.get(r.sentence_id, ()):
            found[pid].append(r)
    out = []
    for pid, rows in found.items():
        label, topic_id, kind = pain_label[pid]
        rows.sort(key=lambda r: (r.stamp, r.sentence_id))
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


def _unstated_needs(recs, voice, pains, related: dict[int, set[int]] | None = None,
                    requests: list[dict[str, Any]] | None = None, motive_ids: set | None = None,
                    churn_ids: set | None = None, stay_ids: set | None = None,
                    again_in_support: list | None = None) -> list[dict[str, Any]]:
    """The signals in the module docstring. A sentence that says why the customer bought ("needed a new one
    after the old doorbell stopped working") is a motive, not a complaint, whatever its sentiment."""
    needs: list[dict[str, Any]] = []
    motive_ids = motive_ids or set()
    reviews = [r for r in voice if r.channel == "review"]
    review_ratings = [r.rating for r in recs if r.channel == "review" and r.rating is not None]
    mean_rating = float(_mean(review_ratings)) if review_ratings else None

    # rating-text mismatch
    by_record: dict[Any, list] = defaultdict(list)
    for r in reviews:
        if not _is_missing(r.record_id):
            by_record[r.record_id].append(r)
    for record_id in sorted(by_record):
        group = by_record[record_id]
        rating = group[0].rating
        if rating is None:
            continue
        if rating >= 4:
            # a complaint inside a happy review is nearly always announced ("but", "only problem",
            # "unfortunately"); requiring the cue keeps praise the model misreads from being flagged
            # a cued sentence that is only mildly negative still counts: the cue names the problem and the
            # praise around it in the same sentence ("looks great - only problem: ...") pulls the score up
            bad = [r for r in group if r.score is not None and r.score <= MILD_NEGATIVE
                   and COMPLAINT_CUE.search(r.text) and r.sentence_id not in motive_ids]
            if bad:
                bad = [bad[i] for i in _order([r.score for r in bad])]
                worst = bad[0]
                label = next((pp["label"] for pp in pains
                              if any(e["sentence_id"] == worst.sentence_id for e in pp["evidence"])), None)
                what = f"'{label}'" if label else "the problem their review names"
                needs.append(_need(
                    "rating_text_mismatch",
                    f"Needs {what} fixed, although they rate {rating:g}★: \"{_clip(worst.text)}\"",
                    min(0.95, 0.5 + 0.5 * float(-worst.score)),
                    [_evidence_row(r) for r in bad[:3]],
                    why=f"a {rating:g}-star review whose clearly negative sentence is announced as a complaint "
                        f"({len(bad)} such sentence(s))",
                ))
        elif (
            rating <= 2
            and all(r.score is not None for r in group)
            and sum(1 for r in group if r.score >= POSITIVE_SENTENCE) / len(group) >= 0.5
            and _mean([r.score for r in group]) >= 0.3
            # no announced complaint: a clearly negative sentence without a cue may be misread praise
            and not any(r.score <= NEGATIVE_SENTENCE and COMPLAINT_CUE.search(r.text) for r in group)
        ):
            needs.append(_need(
                "rating_text_mismatch",
                f"Needs someone to ask what went wrong: rated {rating:g}★, yet the review is praise and names no problem.",
                round(float(_mean([r.score for r in group])), 3),
                [_evidence_row(r) for r in group[:3]],
                why=f"a {rating:g}-star review whose sentences are positive",
            ))

    # cross-channel gap: happy in reviews, complaining elsewhere about something never reviewed
    if mean_rating is not None and mean_rating >= 4:
        reviewed_pains = {p["pain_id"] for p in pains if any(e["channel"] == "review" for e in p["evidence"])}
        reviewed_topics = {int(r.topic_id) for r in reviews if r.topic_id is not None}
        # a theme counts as reviewed when a review sentence sits in the same or a closely related topic
        reviewed_topics |= {t for tid in list(reviewed_topics) for t in (related or {}).get(tid, ())}
        for p in pains:
            # a sentence that is only churn talk ("Never buying from you again.") is the `churn` signal and
            # names no product theme, so it does not make a gap; churn talk about a problem still does
            elsewhere = [e for e in p["evidence"] if e["channel"] in ("support", "social")
                         and not _only_churn_talk(e["quote"]) and e["sentence_id"] not in motive_ids]
            if not elsewhere or p["pain_id"] in reviewed_pains:
                continue
            if p["topic_id"] is not None and p["topic_id"] in reviewed_topics and p["kind"] == "topic":
                continue
            channels = sorted({e["channel"] for e in elsewhere})
            status = (p.get("resolution") or {}).get("status")
            needs.append(_need(
                "cross_channel_gap",
                f"Needs '{p['label']}' fixed" + (f" (still {status})" if status == "open" else "") + ".",
                min(0.95, 0.55 + 0.1 * len(elsewhere)),
                elsewhere[:3],
                why=f"raised {len(elsewhere)} time(s) in {' and '.join(channels)}, rates {mean_rating:.1f}★ on "
                    f"average, never mentioned in a review",
            ))

    # unresolved repeat contact
    for p in pains:
        if p["conversations"] >= 2:
            ev = [e for e in p["evidence"] if e["channel"] == "support"]
            status = (p.get("resolution") or {}).get("status", "unknown")
            needs.append(_need(
                "repeat_contact",
                f"Needs '{p['label']}' solved for good, without contacting support again.",
                min(0.95, 0.5 + 0.15 * p["conversations"]),
                ev[:3],
                why=f"raised in {p['conversations']} support conversations; the latest reads {status}",
            ))
    # a support case that the customer raises again in a later support conversation (``_raised_again``)
    if again_in_support and not any(n["kind"] == "repeat_contact" for n in needs):
        first, again = again_in_support[0]
        what = f"'{again.topic_label}'" if not _is_missing(again.topic_label) and again.topic_label else "their problem"
        needs.append(_need(
            "repeat_contact",
            f"Needs {what} solved for good, without contacting support again.",
            0.8,
            [_evidence_row(first), _evidence_row(again)],
            why=f"raised in support on {first.date}, then again in support on {again.date}",
        ))

    # requests: what the parse found the customer asking for (``_requests``)
    if requests:
        objects = [r["object"] for r in requests]
        first = requests[0]["evidence"]
        needs.append(_need(
            "request",
            f"Needs {_join_words(objects[:3])}: \"{_clip(requests[0]['statement'])}\"",
            min(0.95, 0.6 + 0.1 * len(requests)),
            [r["evidence"] for r in requests[:3]],
            why=f"asked for it in {first['channel']} on {first['date']}" + (
                f" ({len(requests)} asks)" if len(requests) > 1 else ""),
        ))
    # churn talk, read from the customer's own sentences (by time, then sentence id; NaT last)
    chronological = sorted(voice, key=lambda r: (r.sort_ns is None, r.sort_ns or 0, _is_missing(r.sentence_id), r.sentence_id))
    # churn talk: the phrase patterns (written on the tune half) or the churn head (``insight.stages.acts``)
    # a sentence the parse reads as staying ("would never switch to ...", "How do I switch to the annual
    # plan?") is not churn talk, whatever phrase it holds
    churn_ids, stay_ids = churn_ids or set(), stay_ids or set()
    hits = [r for r in chronological
            if (_CHURN.search(r.text) and r.sentence_id not in stay_ids) or r.sentence_id in churn_ids]
    if hits:
        needs.append(_need("churn", f"Needs a reason to stay: \"{_clip(hits[0].text)}\"",
                           min(0.95, 0.6 + 0.1 * len(hits)), [_evidence_row(r) for r in hits[:3]],
                           why=f"talks about leaving or about the effort it takes, in {hits[0].channel} on {hits[0].date}"))
    return needs


def _join_words(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _normal_object(text: str) -> str:
    """A request object as a grouping key: lower case, no leading article or possessive."""
    words = re.findall(r"[\w/+#-]+", str(text).lower())
    while words and words[0] in ("a", "an", "the", "some", "any", "more", "my", "our", "your"):
        words = words[1:]
    return " ".join(words)


def _requests(voice, acts) -> list[dict[str, Any]]:
    """Each distinct thing the customer asked for, first ask first, with its sentence as evidence."""
    out: dict[str, dict[str, Any]] = {}
    chronological = sorted(voice, key=lambda r: (r.sort_ns is None, r.sort_ns or 0, _is_missing(r.sentence_id), r.sentence_id))
    for r in chronological:
        found = acts.get(r.sentence_id, {}).get("request")
        if not found or not found[0]:
            continue
        key = _normal_object(found[0])
        if key and key not in out:
            out[key] = {"object": found[0], "key": key, "statement": r.text, "evidence": _evidence_row(r)}
    return list(out.values())


def _motives(voice, acts, motive_kinds) -> list[dict[str, Any]]:
    """Why they bought: one entry per motive sentence, kind from ``motive_kinds`` (``other`` when unknown)."""
    out = []
    for r in voice:
        found = acts.get(r.sentence_id, {}).get("motive")
        if found:
            out.append({"kind": motive_kinds.get(r.sentence_id, "other"), "statement": r.text,
                        "evidence": _evidence_row(r)})
    return out


def _resolve(pains, voice, sentence_pains, acts, related: dict[int, set[int]] | None = None,
             replies: dict[Any, list[int]] | None = None, raised_again: dict[Any, Any] | None = None) -> None:
    """Add ``resolution`` to each pain point raised in support: per conversation, then for the pain point
    (its latest conversation).

    A conversation is ``open`` when the pain comes up again later (another contact, a review, a post; a clear
    complaint in the same or a closely related topic, ``related``, counts), else it reads the customer's
    close (``_close_status``). Pain points never raised in support get no ``resolution``.
    """
    by_conversation: dict[Any, list] = defaultdict(list)
    for r in voice:
        if r.channel == "support" and not _is_missing(r.conversation_id):
            by_conversation[r.conversation_id].append(r)
    for p in pains:
        mentions = [r for r in voice if p["pain_id"] in sentence_pains.get(r.sentence_id, ())]
        conversations = sorted({r.conversation_id for r in mentions if r.channel == "support"
                                and not _is_missing(r.conversation_id)},
                               key=lambda c: min((r.sort_ns or 0) for r in by_conversation[c]))
        if not conversations:
            continue
        cases = []
        for conv in conversations:
            turns = sorted(by_conversation[conv], key=lambda r: (r.sort_ns or 0, r.sentence_id))
            end = max((r.sort_ns or 0) for r in turns)
            first_mention = min((r.sort_ns or 0) for r in mentions if r.conversation_id == conv)
            # raised again later: the same pain point, or a clear complaint in the same topic
            again = [r for r in mentions if r.conversation_id != conv and (r.sort_ns or 0) > end]
            if not again:
                topics = {int(r.topic_id) for r in mentions if r.conversation_id == conv and r.topic_id is not None}
                topics |= {p["topic_id"]} if p["topic_id"] is not None else set()
                again = _raised_again(voice, conv, end, topics, related)
            if again:
                status, reason, ev = "open", f"raised again in {again[0].channel} on {again[0].date}", again[0]
                if raised_again is not None:
                    raised_again.setdefault(conv, again[0])
            else:
                status, reason, ev = _close_status(turns, first_mention, acts, _replies_of(replies, conv))
            cases.append({"conversation_id": conv, "status": status, "reason": reason,
                          "evidence": _evidence_row(ev) if ev is not None else None})
        p["resolution"] = {"cases": cases}
    # one conversation is one support case: when it carries several pain points, the case is open if any
    # of them comes up again (or the close says so), else resolved if the close confirms a fix
    by_case: dict[Any, dict[str, Any]] = {}
    rank = {"open": 0, "resolved": 1, "unknown": 2}
    for p in pains:
        for case in (p.get("resolution") or {}).get("cases", []):
            best = by_case.get(case["conversation_id"])
            if best is None or rank[case["status"]] < rank[best["status"]]:
                by_case[case["conversation_id"]] = case
    for p in pains:
        if "resolution" not in p:
            continue
        cases = [dict(by_case[c["conversation_id"]]) for c in p["resolution"]["cases"]]
        last = cases[-1]
        p["resolution"] = {"status": last["status"], "reason": last["reason"], "evidence": last["evidence"],
                           "cases": cases}


def _case_status_on_timeline(timeline, pains, voice, acts, related: dict[int, set[int]] | None = None,
                             replies: dict[Any, list[int]] | None = None, pain_topics=frozenset(),
                             raised_again: dict[Any, Any] | None = None) -> None:
    """Give each support conversation on the timeline in which the customer raised a problem its
    ``resolution`` ({status, reason, pain_points}): the case status of its pain points (``_resolve``), or,
    when its complaint belongs to no pain point (a one-off problem), the same reading on the conversation
    itself: ``open`` when a clear complaint in the same topic comes up in a later contact, else the close."""
    placed: dict[Any, dict[str, Any]] = {}
    for p in pains:
        for case in (p.get("resolution") or {}).get("cases", []):
            entry = placed.setdefault(case["conversation_id"], {"status": case["status"], "reason": case["reason"],
                                                                "pain_points": []})
            entry["pain_points"].append(p["label"])
    by_conversation: dict[Any, list] = defaultdict(list)
    for r in voice:
        if r.channel == "support" and not _is_missing(r.conversation_id):
            by_conversation[r.conversation_id].append(r)
    for c in timeline:
        conv = c.get("conversation_id")
        if conv is None:
            continue
        if conv in placed:
            c["resolution"] = placed[conv]
            continue
        turns = sorted(by_conversation.get(conv, ()), key=lambda r: (r.sort_ns or 0, r.sentence_id))
        # a problem was raised: a clearly negative sentence, one leaning negative on a theme that is a pain
        # point of the corpus ("I was charged twice for Protect this month.", which the sentiment model reads
        # mild), or a later turn that says fixed or not fixed
        raised = [r for r in turns if r.score is not None and (r.score <= NEGATIVE_SENTENCE or (
            r.score <= MILD_NEGATIVE and r.topic_id is not None and int(r.topic_id) in pain_topics))]
        # a close is a turn after the first: the opening turn says what it is about, not how it ended
        closes = {k for r in turns if r.record_id != turns[0].record_id for k in acts.get(r.sentence_id, {})
                  if k in ("close_resolved", "close_open")}
        if not raised and not closes:
            continue  # a question, not a problem
        raised = raised or turns[:1]
        end = max((r.sort_ns or 0) for r in turns)
        # what the conversation was about: its complaint and the customer's other turns that lean negative
        # (details of the problem), not the close ("Problem solved, cheers.")
        about = raised + [r for r in turns if r.score is not None and r.score < 0
                          and not any(k.startswith("close_") for k in acts.get(r.sentence_id, {}))]
        topics = {int(r.topic_id) for r in about if r.topic_id is not None}
        again = _raised_again(voice, conv, end, topics, related)
        if again:
            status, reason = "open", f"raised again in {again[0].channel} on {again[0].date}"
            if raised_again is not None:
                raised_again.setdefault(conv, again[0])
        else:
            start = min((r.sort_ns or 0) for r in raised)
            status, reason, _ = _close_status(turns, start, acts, _replies_of(replies, conv))
        c["resolution"] = {"status": status, "reason": reason, "pain_points": []}


def _raised_again_in_support(raised_again: dict[Any, Any], voice) -> list[tuple[Any, Any]]:
    """(the case's first customer sentence, the later sentence that raises it again) for each support case
    that came up again in a later support conversation (``raised_again``: what ``_resolve`` and
    ``_case_status_on_timeline`` found), oldest case first."""
    first_of: dict[Any, Any] = {}
    for r in voice:
        if r.conversation_id in raised_again:
            best = first_of.get(r.conversation_id)
            if best is None or ((r.sort_ns or 0), r.sentence_id) < ((best.sort_ns or 0), best.sentence_id):
                first_of[r.conversation_id] = r
    pairs = [(first_of[c], again) for c, again in raised_again.items() if again.channel == "support" and c in first_of]
    return sorted(pairs, key=lambda pair: ((pair[0].sort_ns or 0), pair[0].sentence_id))


def _raised_again(voice, conv, end: int, topics: set[int], related: dict[int, set[int]] | None) -> list:
    """The customer's later sentences (after ``end``, outside conversation ``conv``) that raise the problem
    again: in one of its ``topics`` and leaning negative, or in a closely related topic (``related``) and
    clearly negative."""
    same = {t for t in topics if t >= 0}
    near = {n for t in same for n in (related or {}).get(t, ())} - same
    out = []
    for r in voice:
        if r.conversation_id == conv or (r.sort_ns or 0) <= end or r.topic_id is None or r.score is None:
            continue
        tid = int(r.topic_id)
        if (tid in same and r.score <= MILD_NEGATIVE) or (tid in near and r.score <= NEGATIVE_SENTENCE):
            out.append(r)
    return out


def _replies_of(replies: dict[Any, list[int]] | None, conv) -> list[int] | None:
    return None if replies is None else replies.get(conv, [])


def _close_turn(turns, raised_ns: int, replies: list[int] | None) -> list | None:
    """The customer's close: the sentences of their last turn after an agent replied to the conversation
    (``replies``: agent turn times), or, when agent turns are not known, of their last turn after the one
    that raised the problem at ``raised_ns``. None: the customer never replied."""
    if replies is not None:
        first_ns = min((r.sort_ns or 0) for r in turns)
        answered = next((t for t in replies if t > first_ns), None)
        closing = [r for r in turns if answered is not None and (r.sort_ns or 0) > answered]
    else:
        after = [r for r in turns if (r.sort_ns or 0) >= raised_ns]
        closing = [r for r in after if r.record_id != after[0].record_id] if after else []
    if not closing:
        return None
    return [r for r in closing if r.record_id == closing[-1].record_id]


def _close_kinds(r, acts) -> set[str]:
    """The close acts and churn talk of one sentence; "still"/"again" alone (``detail`` ``again``) in a
    sentence the sentiment model reads clearly positive is a state restored ("the camera is streaming
    again"), so a fix, not a problem that persists."""
    found = acts.get(r.sentence_id, {})
    kinds = {k for k in found if k.startswith("close_") or k == "churn"}
    if "close_open" in kinds and found["close_open"][1] == "again" and r.score is not None \
            and r.score >= POSITIVE_SENTENCE:
        kinds = (kinds - {"close_open"}) | {"close_resolved"}
    return kinds


def _close_status(turns, raised_ns: int, acts, replies: list[int] | None = None) -> tuple[str, str, Any]:
    """(status, reason, evidence row) of a support conversation from the customer's close (``_close_turn``).

    Talk of leaving, a turn that says it is not fixed (``close_open``) or a clearly negative one is
    ``open``; a confirmed fix is ``resolved``; a promise to try is ``unknown``; thanks, or a clearly
    positive turn, with nothing negative count as ``resolved``. A close that confirms nothing is ``open``:
    the problem stands until the customer says it is fixed (on the tune banks' planted cases and the
    real support threads of ``scripts/eval_resolution.py``, such closes are mostly open cases; ``unknown``
    is kept for a customer who never replied or only promised to try).
    """
    close = _close_turn(turns, raised_ns, replies)
    if close is None:
        return "unknown", ("the customer did not reply after raising it" if replies is None else
                           "the customer did not reply after the agent's answer"), turns[-1]
    kinds = {k for r in close for k in _close_kinds(r, acts)}
    scores = [r.score for r in close if r.score is not None]
    worst = min(scores) if scores else 0.0
    if "churn" in kinds:
        return "open", "the customer's last turn talks of leaving", close[-1]
    if "close_open" in kinds or (worst <= NEGATIVE_SENTENCE and "close_resolved" not in kinds):
        return "open", "the customer's last turn says it is not fixed", close[-1]
    if "close_resolved" in kinds:
        return "resolved", "the customer confirms the fix", close[-1]
    if "close_tentative" in kinds:
        return "unknown", "the customer will try the suggested fix", close[-1]
    if "close_thanks" in kinds and worst > SATISFIED_FLOOR:
        return "resolved", "the customer thanks the agent and raises nothing more", close[-1]
    if scores and worst > SATISFIED_FLOOR and _mean(scores) >= POSITIVE_SENTENCE:
        return "resolved", "the customer's last turn reads satisfied and raises nothing more", close[-1]
    return "open", "the customer's last turn confirms no fix", close[-1]


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
    scored = [r for r in voice if r.score is not None]
    if scored:
        neg_share = float(sum(1 for r in scored if r.score <= NEGATIVE_SENTENCE) / len(scored))
        if neg_share >= 0.3:
            reasons.append({"reason": f"{neg_share:.0%} of their sentences are negative", "weight": round(0.25 * neg_share + 0.05, 3)})
        if len(scored) >= 4:
            scores = [r.score for r in _sorted_by_time(scored)]
            half = len(scores) // 2
            drop = float(_mean(scores[:half]) - _mean(scores[half:]))
            if drop >= 0.3:
                reasons.append({"reason": "sentiment is getting worse", "weight": round(min(0.2, drop / 4), 3)})
    if len(pains) >= 2:
        reasons.append({"reason": f"{len(pains)} distinct pain points", "weight": 0.1})
    statuses = [p["resolution"]["status"] for p in pains if p.get("resolution")]
    n_open = statuses.count("open")
    if n_open:
        reasons.append({"reason": f"{n_open} pain point(s) raised in support still open", "weight": round(0.1 * min(n_open, 2), 3)})
    elif statuses and all(s == "resolved" for s in statuses):
        reasons.append({"reason": "every pain point raised in support was resolved", "weight": -0.1})
    score = max(0.0, min(1.0, sum(r["weight"] for r in reasons)))
    level = "high" if score >= 0.5 else "medium" if score >= 0.25 else "low"
    return {"score": round(score, 3), "level": level, "reasons": reasons}


def _quote(voice) -> dict[str, Any] | None:
    """A representative quote in the customer's own words: their strongest sentence of 5+ words.

    The first of the sentences with the largest |score| (missing scores count as 0), as a stable sort
    on |score| descending picks it.
    """
    if not voice:
        return None
    candidates = [r for r in voice if r.long_enough] or voice
    pick, best = candidates[0], -1.0
    for r in candidates:
        strength = abs(r.score) if r.score is not None else 0.0
        if strength > best:
            pick, best = r, strength
    return {"text": pick.text, "record_id": pick.record_id, "channel": pick.channel, "date": pick.date}


def _need(kind: str, statement: str, confidence: float, evidence: list, *, why: str = "") -> dict[str, Any]:
    """An unstated need: what the customer needs (``statement``), why insight believes it (``why``)."""
    return {"kind": kind, "statement": statement, "why": why, "confidence": round(float(confidence), 3),
            "evidence": evidence}


def _only_churn_talk(text: str) -> bool:
    """True when the sentence says nothing beyond churn talk: fewer than 3 words of 3+ letters remain
    once the churn phrases are taken out."""
    if not _CHURN.search(text):
        return False
    return len(re.findall(r"[a-z]{3,}", _CHURN.sub(" ", text.lower()))) < 3


def _clip(text: str, n: int = 140) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= n else text[: n - 1] + "…"


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
    if v.get("values", {}).get("praised"):
        sentences.append("Values " + ", ".join(a["value"] for a in v["values"]["praised"][:3]) + ".")
    if p["pain_points"]:
        sentences.append("Pain points: " + "; ".join(x["label"] for x in p["pain_points"][:3]) + ".")
    needs = sorted({n["kind"].replace("_", " ") for n in p["unstated_needs"]})
    if needs:
        sentences.append("Signals beyond the stars: " + ", ".join(needs) + ".")
    sentences.append(f"Churn risk {p['churn_risk']['level']} ({p['churn_risk']['score']:.2f}).")
    return " ".join(sentences)
