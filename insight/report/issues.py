"""The recurring-issue report: one content model, rendered as JSON, Markdown, a table or HTML.

The HTML is one self-contained file (inline CSS, inline SVG charts, no script, no network).
Every piece of customer text goes through Jinja2's autoescaping: a quote holding ``<script>``
is shown as text.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from insight.report.safe import md_cell
from insight.store import Store

TEMPLATES = Path(__file__).parent / "templates"


def _parse_date(value: str | None, name: str):
    import pandas as pd

    from insight.errors import InputError

    if value is None:
        return None
    try:
        return pd.Timestamp(value).tz_localize("UTC") if pd.Timestamp(value).tzinfo is None else pd.Timestamp(value)
    except ValueError:
        raise InputError(f"--{name}: not a date (got {value!r}). Use YYYY-MM-DD.") from None


def build_report(
    store: Store,
    *,
    since: str | None = None,
    until: str | None = None,
    channel: str | None = None,
    product: str | None = None,
    segment: str | None = None,
    top: int = 15,
) -> dict[str, Any]:
    """Pain points (re-ranked over the filtered view), with timelines, quotes and drill-down."""
    import pandas as pd

    from insight.pipeline import load_frames
    from insight.stages.painpoints import customer_value, find_pain_points

    frames = load_frames(store)
    voice, aspects, attrs = frames["voice"], frames["aspects"], frames["attributes"]
    start, end = _parse_date(since, "since"), _parse_date(until, "until")

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
    aspects = aspects[aspects["sentence_id"].isin(set(voice["sentence_id"]))] if len(aspects) else aspects
    ltv = {cid: v for cid, a in attrs.items() if (v := customer_value(a)) is not None}
    pains, mentions = find_pain_points(voice, aspects, ltv=ltv)
    months = sorted(pd.to_datetime(voice["created_at"], utc=True).dt.strftime("%Y-%m").unique()) if len(voice) else []
    by_sentence = voice.set_index("sentence_id")
    items = []
    for p in pains.head(top).itertuples():
        ids = mentions[mentions["pain_id"] == p.pain_id]["sentence_id"]
        rows = by_sentence.loc[list(ids)].reset_index().sort_values(["created_at", "sentence_id"])
        per_month = pd.to_datetime(rows["created_at"], utc=True).dt.strftime("%Y-%m").value_counts()
        items.append(
            {
                "rank": int(p.rank),
                "pain_id": p.pain_id,
                "label": p.label,
                "kind": p.kind,
                "topic_id": None if pd.isna(p.topic_id) else int(p.topic_id),
                "score": float(p.score),
                "mentions": int(p.mentions),
                "customers": int(p.customers),
                "channels": p.channels,
                "first_seen": str(p.first_seen)[:10],
                "last_seen": str(p.last_seen)[:10],
                "growth": float(p.growth),
                "severity": float(p.severity),
                "value_at_stake": None if p.value_at_stake is None or pd.isna(p.value_at_stake) else float(p.value_at_stake),
                "repeat_contacts": int(p.repeat_contacts),
                "hidden_share": float(p.hidden_share),
                "parts": p.parts,
                "quotes": p.evidence,
                "timeline": [{"month": m, "mentions": int(per_month.get(m, 0))} for m in months],
                "customer_ids": sorted({c for c in rows["customer_id"] if isinstance(c, str)}),
                "records": [
                    {"record_id": r.record_id, "customer_id": r.customer_id if isinstance(r.customer_id, str) else None,
                     "channel": r.channel, "date": str(r.created_at)[:10], "text": r.text, "score": round(float(r.score), 3)}
                    for r in rows.head(50).itertuples()
                ],
            }
        )
    return {
        "title": "Recurring issues",
        "filters": {"since": since, "until": until, "channel": channel, "product": product, "segment": segment},
        "totals": {
            "sentences": int(len(voice)),
            "records": int(voice["record_id"].nunique()) if len(voice) else 0,
            "customers": int(voice["customer_id"].nunique()) if len(voice) else 0,
            "first": str(pd.to_datetime(voice["created_at"], utc=True).min())[:10] if len(voice) else None,
            "last": str(pd.to_datetime(voice["created_at"], utc=True).max())[:10] if len(voice) else None,
            "pain_points": int(len(pains)),
            "rejects": int(store.scalar("SELECT count(*) FROM rejects")),
        },
        "months": months,
        "pain_points": items,
    }


def render_json(report: dict[str, Any]) -> str:
    return json.dumps(report, indent=2, default=str, ensure_ascii=False)


def _fmt_growth(g: float) -> str:
    return f"{g:+.0%}"


def render_table(report: dict[str, Any]) -> str:
    head = f"{'#':>3}  {'pain point':<38} {'score':>6} {'cust':>5} {'ment':>5} {'growth':>7} {'sev':>5} {'repeat':>6} {'hidden':>6}  channels"
    lines = [head, "-" * len(head)]
    for p in report["pain_points"]:
        label = p["label"] if len(p["label"]) <= 38 else p["label"][:37] + "…"
        chans = ",".join(f"{k}:{v}" for k, v in p["channels"].items())
        lines.append(
            f"{p['rank']:>3}  {label:<38} {p['score']:>6.2f} {p['customers']:>5} {p['mentions']:>5} "
            f"{_fmt_growth(p['growth']):>7} {p['severity']:>5.2f} {p['repeat_contacts']:>6} {p['hidden_share']:>6.0%}  {chans}"
        )
    if not report["pain_points"]:
        lines.append("(no recurring pain points in this view)")
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
        out += ["Filters: " + ", ".join(f"{k}={v}" for k, v in active.items()), ""]
    out += ["| # | pain point | score | customers | mentions | growth | severity | repeat contacts | hidden share | value at stake | channels |",
            "|---|---|---|---|---|---|---|---|---|---|---|"]
    for p in report["pain_points"]:
        value = f"{p['value_at_stake']:,.0f}" if p["value_at_stake"] is not None else "–"
        out.append(
            f"| {p['rank']} | {_md_cell(p['label'])} | {p['score']:.2f} | {p['customers']} | {p['mentions']} | "
            f"{_fmt_growth(p['growth'])} | {p['severity']:.2f} | {p['repeat_contacts']} | {p['hidden_share']:.0%} | {value} | "
            f"{_md_cell(', '.join(f'{k} {v}' for k, v in p['channels'].items()))} |"
        )
    for p in report["pain_points"]:
        out += ["", f"## {p['rank']}. {_md_cell(p['label'])}", "",
                f"First seen {p['first_seen']}, last seen {p['last_seen']}; {p['customers']} customers, "
                f"{p['mentions']} mentions; ranking parts: " + ", ".join(f"{k} {v}" for k, v in p["parts"].items()), "",
                "Volume by month: " + " ".join(f"{m['month']}:{m['mentions']}" for m in p["timeline"]), ""]
        for q in p["quotes"]:
            out.append(f"> {_md_cell(q['quote'])}  \n> — {q['customer_id'] or 'unlinked'}, {q['channel']}, {q['date']}")
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
