"""The recurring-issue report: one content model, rendered as JSON, Markdown, a table or HTML.

The HTML is one self-contained file (inline CSS, inline SVG charts, no script, no network).
Every piece of customer text goes through Jinja2's autoescaping: a quote holding ``<script>``
is shown as text.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np

from insight.report.resolution import resolution_text, stored_rates
from insight.report.safe import md_cell
from insight.stages.emotions import emotion_mix_text
from insight.store import Store

TEMPLATES = Path(__file__).parent / "templates"


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
RECORDS_CAP = 50


def _parse_date(value: str | None, name: str):
    """ISO YYYY-MM-DD only: '01/02/2026' would silently mean 2 January to one reader and 1 February to another."""
    import pandas as pd

    from insight.errors import InputError

    if value is None:
        return None
    if not _ISO_DATE.fullmatch(str(value).strip()):
        raise InputError(f"--{name}: not a date (got {value!r}). Use YYYY-MM-DD.")
    try:
        return pd.Timestamp(str(value).strip()).tz_localize("UTC")
    except ValueError:
        raise InputError(f"--{name}: not a date (got {value!r}). Use YYYY-MM-DD.") from None


def _check_choice(name: str, value: str | None, valid: list[str]) -> None:
    from insight.errors import InputError

    if value and value.lower() not in {v.lower() for v in valid}:
        shown = ", ".join(repr(v) for v in valid[:30]) + (" ..." if len(valid) > 30 else "")
        raise InputError(f"--{name}: no {name} matches (got {value!r}). Valid values: {shown or '(none in the store)'}.")


def _partial(month: str, last: Any, share: float) -> bool:
    """A month is partial when the data ends before ``share`` of its days (only the last month can be)."""
    import calendar

    if last is None or month != last.strftime("%Y-%m"):
        return False
    days = calendar.monthrange(last.year, last.month)[1]
    return last.day < share * days


def build_report(
    store: Store,
    *,
    since: str | None = None,
    until: str | None = None,
    channel: str | None = None,
    product: str | None = None,
    segment: str | None = None,
    top: int = 15,
    label_language: str | None = None,
) -> dict[str, Any]:
    """Pain points with timelines, quotes and drill-down. Without filters the stored pain points of the
    last analysis are shown; under filters they are recomputed (and re-ranked) over the filtered view.
    ``label_language``: show each pain point's label in this language, chosen from its mentions written
    in it (``labels_in_language``); a pain point with none keeps its own label."""
    import pandas as pd

    from insight.errors import InputError
    from insight.params import DEFAULT
    from insight.pipeline import load_frames, pain_inputs
    from insight.stages.painpoints import customer_value, find_pain_points

    frames = load_frames(store)
    voice, aspects, attrs = frames["voice"], frames["aspects"], frames["attributes"]
    start, end = _parse_date(since, "since"), _parse_date(until, "until")
    if start is not None and end is not None and start > end:
        raise InputError(f"--since: after --until (got {since!r} > {until!r}). Give --since on or before --until.")
    _check_choice("channel", channel, sorted(set(voice["channel"].dropna())) if len(voice) else [])
    _check_choice("product", product, sorted(set(voice["product"].dropna())) if len(voice) else [])
    segments = sorted({str(a["segment"]) for a in attrs.values() if a.get("segment") not in (None, "")})
    _check_choice("segment", segment, segments)
    if label_language is not None:
        from insight.stages.nlp import SUPPORTED_LANGUAGES

        _check_choice("label-language", label_language, list(SUPPORTED_LANGUAGES))
    filtered = any(v for v in (since, until, channel, product, segment))

    def keep(frame):
        if len(frame) == 0:
            return frame
        mask = pd.Series(True, index=frame.index)
        created = pd.to_datetime(frame["created_at"], utc=True)
        if start is not None:
            mask &= created >= start
        if end is not None:
            mask &= created < end + pd.Timedelta(days=1)
        if channel:
            mask &= frame["channel"] == channel
        if product and "product" in frame:
            mask &= frame["product"].fillna("").str.lower() == product.lower()
        if segment:
            ids = {c for c, a in attrs.items() if str(a.get("segment", "")).lower() == segment.lower()}
            mask &= frame["customer_id"].isin(ids)
        return frame[mask]

    voice = keep(voice)
    if filtered:
        aspects = aspects[aspects["sentence_id"].isin(set(voice["sentence_id"]))] if len(aspects) else aspects
        ltv = {cid: v for cid, a in attrs.items() if (v := customer_value(a)) is not None}
        pains, mentions = find_pain_points(voice, aspects, ltv=ltv, **pain_inputs(store))
    else:
        pains, mentions = store.stored_pain_points()
        for col in ("channels", "parts", "evidence"):
            pains[col] = pains[col].map(json.loads)
    created_all = pd.to_datetime(voice["created_at"], utc=True) if len(voice) else pd.Series([], dtype="datetime64[ns, UTC]")
    last = created_all.max() if len(voice) else None
    months = sorted(created_all.dt.strftime("%Y-%m").unique()) if len(voice) else []
    volume = created_all.dt.strftime("%Y-%m").value_counts() if len(voice) else pd.Series(dtype=int)
    partial = {m: _partial(m, last, DEFAULT.partial_period_share) for m in months}
    by_sentence = voice.set_index("sentence_id")
    rates = stored_rates(store)  # resolution of the support cases, from the last analysis's profiles
    shown_labels = (labels_in_language(store, voice, pains.head(top), mentions, label_language)
                    if label_language else {})
    items = []
    for p in pains.head(top).itertuples():
        ids = [i for i in mentions[mentions["pain_id"] == p.pain_id]["sentence_id"] if i in by_sentence.index]
        rows = by_sentence.loc[ids].reset_index().sort_values(["created_at", "sentence_id"])
        per_month = pd.to_datetime(rows["created_at"], utc=True).dt.strftime("%Y-%m").value_counts()
        parts = dict(p.parts)
        items.append(
            {
                "rank": int(p.rank),
                "pain_id": p.pain_id,
                "label": shown_labels.get(p.pain_id, p.label),
                "label_original": p.label,
                "label_language": label_language if p.pain_id in shown_labels else None,
                "kind": p.kind,
                "topic_id": None if pd.isna(p.topic_id) else int(p.topic_id),
                "score": float(p.score),
                "mentions": int(p.mentions),
                "customers": int(p.customers),
                "channels": p.channels,
                "first_seen": str(p.first_seen)[:10],
                "last_seen": str(p.last_seen)[:10],
                "growth": float(p.growth),
                "trend": trend_text(parts),
                "severity": float(p.severity),
                "value_at_stake": None if p.value_at_stake is None or pd.isna(p.value_at_stake) else float(p.value_at_stake),
                "repeat_contacts": int(p.repeat_contacts),
                "hidden_share": float(p.hidden_share),
                "rating_impact": impact_text(parts),
                "churn_share": parts.get("churn_share"),
                "resolution": rates.get(p.pain_id),
                "resolution_text": resolution_text(rates.get(p.pain_id)),
                "sub_themes": parts.get("sub_themes", []),
                "emotions": parts.get("emotions"),
                "emotion_mix": emotion_mix_text(parts.get("emotions")),
                "parts": {k: v for k, v in parts.items() if k not in ("sub_themes", "emotions")},
                "quotes": _dedupe_quotes(p.evidence),
                "timeline": [{"month": m, "mentions": int(per_month.get(m, 0)), "partial": partial[m]} for m in months],
                "customer_ids": sorted({c for c in rows["customer_id"] if isinstance(c, str)}),
                "records_total": int(len(rows)),
                "records": [
                    {"record_id": r.record_id, "customer_id": r.customer_id if isinstance(r.customer_id, str) else None,
                     "channel": r.channel, "date": str(r.created_at)[:10], "text": r.text,
                     "score": round(float(r.score), 3)}
                    for r in rows.drop_duplicates("text").head(RECORDS_CAP).itertuples()
                ],
            }
        )
    currency = next((str(a[k]) for a in attrs.values() for k in ("currency", "ltv_currency") if a.get(k)), None)
    return {
        "title": "Recurring issues",
        "filters": {"since": since, "until": until, "channel": channel, "product": product, "segment": segment},
        "totals": {
            "sentences": int(len(voice)),
            "records": int(voice["record_id"].nunique()) if len(voice) else 0,
            "customers": int(voice["customer_id"].nunique()) if len(voice) else 0,
            "first": str(created_all.min())[:10] if len(voice) else None,
            "last": str(last)[:10] if len(voice) else None,
            "pain_points": int(len(pains)),
            "shown": int(min(top, len(pains))),
            "rejects": store.reject_count(),
            "label_language": label_language,
            "labels_in_language": len(shown_labels),
        },
        "currency": currency,
        "months": months,
        "volume": [{"month": m, "sentences": int(volume.get(m, 0)), "partial": partial[m]} for m in months],
        "window_days": DEFAULT.window_days,
        "pain_points": items,
    }


def labels_in_language(store: Store, voice, pains, mentions, language: str) -> dict[str, str]:
    """pain_id -> a label chosen from the pain point's mentions written in ``language`` (verbatim phrases
    of those sentences, closest to their mean stored vector; ``insight.stages.labels.labels_from_texts``).
    Pain points without such mentions, or whose label those mentions already use verbatim, are left out.
    Loads the store's embedder (and, for English, the
    spaCy pipeline whose name check keeps customer names out of labels)."""
    from insight import resources
    from insight.pipeline import _load_vectors, store_embedder
    from insight.stages.labels import labels_from_texts
    from insight.stages.topics import theme_text

    in_language = voice[voice["language"] == language].set_index("sentence_id") if len(voice) else voice
    wanted = {}
    for pain_id in pains["pain_id"]:
        sids = [i for i in mentions.loc[mentions["pain_id"] == pain_id, "sentence_id"] if i in in_language.index]
        if sids:
            wanted[pain_id] = list(dict.fromkeys(sids))
    stored = store.vectors_for([i for v in wanted.values() for i in v]) if wanted else []
    by_id = dict(zip(stored["sentence_id"], _load_vectors(stored), strict=True)) if len(stored) else {}
    groups: dict[str, list[str]] = {}
    vectors: dict[str, np.ndarray] = {}
    for pain_id, label in zip(pains["pain_id"], pains["label"], strict=True):
        sids = [i for i in wanted.get(pain_id, []) if i in by_id]
        texts = [theme_text(t) or t for t in in_language.loc[sids, "text"]]
        if sids and not any(str(label).lower() in t.lower() for t in texts):  # a label already in it stays
            groups[pain_id] = texts
            vectors[pain_id] = np.stack([by_id[i] for i in sids])
    if not groups:
        return {}
    embedder = resources.load_embedder(name=store_embedder(store))
    nlp = resources.load_spacy() if language == "en" else None
    kept = {str(label) for pain_id, label in zip(pains["pain_id"], pains["label"], strict=True) if pain_id not in groups}
    return labels_from_texts(groups, vectors, embedder=embedder, nlp=nlp, languages=(language,), used=kept)


def _dedupe_quotes(quotes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    seen, out = set(), []
    for q in quotes or []:
        key = " ".join(str(q.get("quote", "")).lower().split())
        if key not in seen:
            seen.add(key)
            out.append(q)
    return out


def trend_text(parts: dict[str, Any]) -> str:
    """'new: 13 in the last 30 days, 0 before' / 'rising: 19 vs 7 (p=0.02)' / 'steady: 4 vs 6'."""
    recent, before = parts.get("recent_mentions"), parts.get("previous_mentions")
    if recent is None:
        return "–"
    word = parts.get("trend", "")
    text = f"{word}: {recent} vs {before}" if word else f"{recent} vs {before}"
    if word == "rising":
        text += f" (p={parts.get('p_rise', 1):.2f})"
    return text


def impact_text(parts: dict[str, Any]) -> str:
    """'-1.4★ (95% CI -1.7 to -1.1)': how much lower the customers raising it rate."""
    gap, ci = parts.get("rating_gap"), parts.get("rating_gap_ci")
    if gap is None:
        return "–"
    text = f"{-gap:+.1f}★"
    if ci:
        text += f" ({-ci[1]:+.1f} to {-ci[0]:+.1f})"
    return text


def render_json(report: dict[str, Any]) -> str:
    return json.dumps(report, indent=2, default=str, ensure_ascii=False)


def _fmt_growth(g: float) -> str:
    return f"{g:+.0%}"


def _one_line(text: Any) -> str:
    return " ".join(str(text).split())


def render_table(report: dict[str, Any]) -> str:
    w = report.get("window_days", 30)
    head = (f"{'#':>3}  {'pain point':<38} {'score':>6} {'cust':>5} {'ment':>5} {f'last {w}d vs before':<25} "
            f"{'sev':>5} {'repeat':>6} {'hidden':>6} {'rating':>7} {'churn':>5}  channels")
    lines = [head, "-" * len(head)]
    for p in report["pain_points"]:
        label = _one_line(p["label"])
        label = label if len(label) <= 38 else label[:37] + "…"
        chans = ",".join(f"{k}:{v}" for k, v in p["channels"].items())
        gap = p["parts"].get("rating_gap")
        churn = p.get("churn_share")
        lines.append(
            f"{p['rank']:>3}  {label:<38} {p['score']:>6.2f} {p['customers']:>5} {p['mentions']:>5} "
            f"{p['trend'][:25]:<25} {p['severity']:>5.2f} {p['repeat_contacts']:>6} {p['hidden_share']:>6.0%} "
            f"{'–' if gap is None else f'{-gap:+.1f}':>7} {'–' if churn is None else f'{churn:.0%}':>5}  {chans}"
        )
    t = report["totals"]
    if not report["pain_points"]:
        lines.append("(no recurring pain points in this view)")
    else:
        lines.append(f"showing {t.get('shown', len(report['pain_points']))} of {t['pain_points']} pain points; "
                     f"rating: mean stars of customers raising it minus the others; churn: share at high churn risk")
    return "\n".join(lines)


def _md_cell(text: Any) -> str:
    return md_cell(text)


def render_md(report: dict[str, Any]) -> str:
    t = report["totals"]
    out = [f"# {report['title']}", "",
           f"{t['records']} records, {t['customers']} customers, {t['sentences']} sentences from {t['first']} to {t['last']}; "
           f"{t['pain_points']} recurring pain points; {t['rejects']} rejected input rows.", ""]
    active = {k: v for k, v in report["filters"].items() if v}
    if active:
        out += ["Filters: " + ", ".join(f"{k}={_md_cell(v)}" for k, v in active.items()), ""]
    out += [f"Showing {t.get('shown', len(report['pain_points']))} of {t['pain_points']} pain points.", "",
            f"| # | pain point | score | customers | mentions | last {report.get('window_days', 30)} days vs before | "
            "severity | repeat contacts | hidden share | rating impact | churn-risk share | value at stake | channels |",
            "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for p in report["pain_points"]:
        value = f"{p['value_at_stake']:,.0f}" if p["value_at_stake"] is not None else "–"
        if value != "–" and report.get("currency"):
            value += f" {_md_cell(report['currency'])}"
        churn = "–" if p.get("churn_share") is None else f"{p['churn_share']:.0%}"
        out.append(
            f"| {p['rank']} | {_md_cell(p['label'])} | {p['score']:.2f} | {p['customers']} | {p['mentions']} | "
            f"{p['trend']} | {p['severity']:.2f} | {p['repeat_contacts']} | {p['hidden_share']:.0%} | "
            f"{p['rating_impact']} | {churn} | {value} | "
            f"{_md_cell(', '.join(f'{k} {v}' for k, v in p['channels'].items()))} |"
        )
    out += ["", "Severity: mean negativity of the mentions (0–1). Hidden share: mentions from customers whose reviews "
            "average 4–5 stars. Rating impact: mean stars of reviewing customers raising it minus the others, 95 % "
            "interval. Value at stake: summed lifetime value of the affected customers. A month marked * is partial."]
    for p in report["pain_points"]:
        out += ["", f"## {p['rank']}. {_md_cell(p['label'])}", "",
                f"First seen {p['first_seen']}, last seen {p['last_seen']}; {p['customers']} customers, "
                f"{p['mentions']} mentions; ranking parts: " + ", ".join(f"{k} {v}" for k, v in p["parts"].items()), ""]
        if p.get("sub_themes"):
            out += ["Sub-themes: " + "; ".join(f"{_md_cell(x['label'])} ({x['mentions']})" for x in p["sub_themes"]), ""]
        if p.get("emotion_mix"):
            out += [f"Emotions in the mentions (mean probability): {_md_cell(p['emotion_mix'])}", ""]
        if p.get("resolution"):
            out += [f"Resolution in support: {p['resolution_text']}", ""]
        out += ["Volume by month: " + " ".join(f"{m['month']}{'*' if m.get('partial') else ''}:{m['mentions']}"
                                               for m in p["timeline"]), ""]
        for q in p["quotes"]:
            out.append(f"> {_md_cell(q['quote'])}  \n> — {_md_cell(q['customer_id'] or 'unlinked')}, {q['channel']}, {q['date']}")
            out.append("")
    return "\n".join(out).rstrip() + "\n"


def render_html(report: dict[str, Any]) -> str:
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(["html", "j2"]))
    env.filters["pct"] = lambda v: f"{v:.0%}"
    env.filters["growth"] = _fmt_growth
    return env.get_template("issues.html.j2").render(report=report, generated=datetime.now().strftime("%Y-%m-%d %H:%M"),
                                                     bars=_bars)


def _bars(values: list[int], width: int = 360, height: int = 70) -> list[dict[str, float]]:
    """Geometry for an inline SVG bar chart (computed here so the template stays simple)."""
    if not values:
        return []
    top = max(values) or 1
    slot = width / len(values)
    return [
        {"x": round(i * slot + 1, 2), "w": round(max(slot - 2, 1), 2), "h": round(v / top * (height - 4), 2),
         "y": round(height - v / top * (height - 4), 2), "v": v}
        for i, v in enumerate(values)
    ]
