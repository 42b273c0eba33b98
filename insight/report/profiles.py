"""Customer profiles out of the store: one as JSON or Markdown, all as JSONL, CSV or Parquet."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from insight.errors import InputError
from insight.report.safe import csv_frame, md_tree
from insight.store import Store

FLAT_COLUMNS = [
    "customer_id", "total_contacts", "support_contacts", "preferred_channel", "preferred_complaint_channel",
    "first_contact", "last_contact", "mean_rating", "reviews", "sentiment", "top_topics", "pain_points",
    "unstated_needs", "churn_risk", "churn_level", "quote", "summary",
]


def get_profile(store: Store, customer_id: str) -> dict[str, Any]:
    row = store.profile_json(customer_id)
    if row is None:
        known = store.profile_count()
        raise InputError(
            f"profile: no customer {customer_id!r} in {store.path} ({known} profiles stored). "
            f"Check the id with `insight profiles --format csv`, or run `insight analyze` after ingesting."
        )
    return json.loads(row)


def iter_profiles(store: Store):
    for profile in store.profile_jsons():
        yield json.loads(profile)


def flatten(p: dict[str, Any]) -> dict[str, Any]:
    b = p["behaviour"]
    return {
        "customer_id": p["customer_id"],
        "total_contacts": b["total_contacts"],
        "support_contacts": b["support_contacts"],
        "preferred_channel": b["preferred_channel"],
        "preferred_complaint_channel": b["preferred_complaint_channel"],
        "first_contact": b["first_contact"],
        "last_contact": b["last_contact"],
        "mean_rating": b["ratings"]["mean"],
        "reviews": b["ratings"]["count"],
        "sentiment": p["voice"]["sentiment"],
        "top_topics": "; ".join(t["label"] for t in p["voice"]["topics"][:3]),
        "pain_points": "; ".join(x["label"] for x in p["pain_points"]),
        "unstated_needs": "; ".join(sorted({n["kind"] for n in p["unstated_needs"]})),
        "churn_risk": p["churn_risk"]["score"],
        "churn_level": p["churn_risk"]["level"],
        "quote": (p.get("quote") or {}).get("text"),
        "summary": p["summary"],
    }


def top_needs(p: dict[str, Any], n: int = 3) -> str:
    """The ``n`` most confident unstated needs as ``kind: statement``, joined by "; "."""
    needs = sorted(p["unstated_needs"], key=lambda x: (-x.get("confidence", 0.0), x["kind"]))[:n]
    return "; ".join(f"{x['kind']}: {x['statement']}" for x in needs)


def profiles_frame(profiles: list[dict[str, Any]]):
    """One flat row per profile: FLAT_COLUMNS, ``top_needs`` and ``lifetime_value``, then every CRM
    attribute of the store as its own column (named ``crm_<key>`` where the key is already a column)."""
    import pandas as pd

    from insight.stages.painpoints import customer_value

    fixed = [*FLAT_COLUMNS, "top_needs", "lifetime_value"]
    keys = sorted({k for p in profiles for k in p["identity"]["crm"]} - {"customer_id"})
    names = {k: (f"crm_{k}" if k in fixed else k) for k in keys}
    rows = []
    for p in profiles:
        crm = p["identity"]["crm"]
        row = {**flatten(p), "top_needs": top_needs(p), "lifetime_value": customer_value(crm)}
        row.update({names[k]: _cell(crm.get(k)) for k in keys})
        rows.append(row)
    return pd.DataFrame(rows, columns=[*fixed, *names.values()])


def _cell(value: Any) -> Any:
    """A CRM value as one cell: lists and objects as JSON text (Parquet columns need one type)."""
    return json.dumps(value, ensure_ascii=False, default=str) if isinstance(value, (list, dict)) else value


def write_profiles(store: Store, out: str | Path | None, *, fmt: str = "jsonl") -> int:
    """Write every profile; ``out`` None writes JSONL/CSV to stdout (Parquet needs a file)."""
    profiles = list(iter_profiles(store))
    if fmt == "jsonl":
        text = "".join(json.dumps(p, ensure_ascii=False, default=str) + "\n" for p in profiles)
        _emit(text, out)
    elif fmt == "csv":
        _emit(csv_frame(profiles_frame(profiles)).to_csv(index=False), out)
    elif fmt == "parquet":
        if out is None:
            raise InputError("profiles: --format parquet writes a binary file (got no --out). Add --out FILE.parquet.")
        frame = profiles_frame(profiles)
        for column in frame.columns[len(FLAT_COLUMNS) + 2:]:  # CRM columns: mixed types become text
            if frame[column].map(type).nunique() > 1:
                frame[column] = frame[column].map(lambda v: None if v is None else str(v))
        frame["profile_json"] = [json.dumps(p, ensure_ascii=False, default=str) for p in profiles]
        frame.to_parquet(out, index=False)
    else:  # click validates choices; this guards library callers
        raise InputError(f"profiles: unknown format (got {fmt!r}). Use jsonl, csv or parquet.")
    return len(profiles)


def _emit(text: str, out: str | Path | None) -> None:
    if out is None:
        sys.stdout.write(text)
    else:
        Path(out).write_text(text, encoding="utf-8")


def _md(text: Any) -> str:
    """Customer text made inert in Markdown (no links, emphasis, HTML or table breaks)."""
    import re

    return re.sub(r"([\\`*_\[\]|<>~])", r"\\\1", " ".join(str(text).split()))


def render_profile_md(p: dict[str, Any]) -> str:
    p = md_tree(p)  # customer text and CRM values are data: escaped, one line each
    b, v = p["behaviour"], p["voice"]
    lines = [f"# Customer {_md(p['customer_id'])}", "", _md(p["summary"]), ""]
    crm = {k: val for k, val in p["identity"]["crm"].items() if val is not None}  # None: left out
    if crm or p["identity"]["handles"]:
        lines += ["## Identity", ""] + [f"- {_md(k)}: {_md(val)}" for k, val in crm.items()]
        if p["identity"]["handles"]:
            lines.append(f"- handles: {_md(', '.join(p['identity']['handles']))}")
        lines.append("")
    channels = [f"{what}: {val}" for what, val in (("preferred channel", b["preferred_channel"]),
                                                    ("for complaints", b["preferred_complaint_channel"]))
                if val is not None]
    dates = [val for val in (b["first_contact"], b["last_contact"]) if val is not None]
    mean = b["ratings"]["mean"]
    lines += ["## Behaviour", "",
              f"- contacts: {', '.join(f'{k} {n}' for k, n in b['contacts_by_channel'].items()) or 'none'}"]
    lines += [f"- {'; '.join(channels)}"] if channels else []
    lines += [f"- first / last contact: {dates[0]} / {dates[-1]}"] if dates else []
    lines += [f"- reviews: {b['ratings']['count']}" + (f" (mean {mean})" if mean is not None else ""), ""]
    lines += ["## Voice", ""] + ([f"- sentiment: {v['sentiment']}"] if v["sentiment"] is not None else []) + [
              f"- topics: {_md('; '.join(t['label'] for t in v['topics'][:5])) or '–'}",
              f"- values: {_md(', '.join(a['value'] for a in v.get('values', {}).get('praised', [])[:5])) or '–'}",
              f"- criticises: {_md(', '.join(a['value'] for a in v.get('values', {}).get('criticised', [])[:5])) or '–'}", ""]
    lines += ["## Why they bought", ""]
    lines += [f"- {m['kind']}: \"{_md(m['statement'])}\" ({m['evidence']['channel']}, {m['evidence']['date']})"
              for m in p.get("motives", [])] or ["- not said"]
    lines += ["", "## Pain points", ""]
    for pp in p["pain_points"]:
        status = f", {pp['resolution']['status']}" if pp.get("resolution") else ""
        lines.append(f"- **{_md(pp['label'])}** ({pp['mentions']} mentions, {', '.join(pp['channels'])}{status})")
        for e in pp["evidence"][:2]:
            lines.append(f"  - \"{_md(e['quote'])}\" ({e['channel']}, {e['date']})")
    if not p["pain_points"]:
        lines.append("- none")
    lines += ["", "## Requests", ""]
    lines += [f"- {_md(r['object'])}: \"{_md(r['statement'])}\" ({r['evidence']['channel']}, {r['evidence']['date']})"
              for r in p.get("requests", [])] or ["- none"]
    lines += ["", "## Unstated needs", ""]
    for n in p["unstated_needs"]:
        why = f" Why: {_md(n['why'])}." if n.get("why") else ""
        lines.append(f"- {n['kind']} ({n['confidence']:.2f}): {_md(n['statement'])}{why}")
    if not p["unstated_needs"]:
        lines.append("- none")
    churn = p["churn_risk"]
    lines += ["", f"## Churn risk: {churn['level']} ({churn['score']:.2f})", ""]
    lines += [f"- {r['reason']} ({r['weight']:+g})" for r in churn["reasons"]] or ["- no reasons"]
    if p.get("quote"):
        lines += ["", "## In their words", "", f"> {_md(p['quote']['text'])}"]
    return "\n".join(lines) + "\n"


# -- the profile page (CX customer-profile template order) ------------------------------------------
PAGE_SECTIONS = (
    ("who", "Who they are"), ("values", "What they value"), ("motives", "Why they bought"),
    ("pains", "Pain points and their status"), ("requests", "What they ask for"), ("needs", "Unstated needs"),
    ("behaviour", "Behaviour: contacts and timeline"), ("value", "Value"), ("channel", "Preferred channel"),
    ("quote", "In their words"),
)
# identifying CRM fields stay off a page meant to be shared
PRIVATE_CRM = frozenset({"name", "email", "phone", "address", "first_name", "last_name"})


def _sentiment_colour(score: float | None) -> str:
    if score is None:
        return "#9ca3af"
    return "#16a34a" if score >= 0.3 else "#dc2626" if score <= -0.3 else "#d97706"


def page_context(p: dict[str, Any]) -> dict[str, Any]:
    """The profile as the template's sections, in the CX template's order."""
    from insight.stages.painpoints import customer_value

    b, v, crm = p["behaviour"], p["voice"], p["identity"]["crm"]
    timeline = b.get("timeline") or []
    width = 760
    step = (width - 40) / max(1, len(timeline) - 1)
    points = [{"x": round(20 + i * step, 1) if len(timeline) > 1 else width / 2,
               "y": round(45 - 35 * (c["sentiment"] or 0.0), 1), "colour": _sentiment_colour(c["sentiment"]),
               "date": c["date"], "channel": c["channel"],
               "label": "n/a" if c["sentiment"] is None else f"{c['sentiment']:+.2f}",
               "status": (c.get("resolution") or {}).get("status")} for i, c in enumerate(timeline)]
    cases = [{"date": c["date"], **c["resolution"]} for c in timeline if c.get("resolution")]
    body = {
        "who": {"facts": [(k, val) for k, val in crm.items() if k not in PRIVATE_CRM and val not in (None, "")
                          and k != "lifetime_value"]},
        "values": {"praised": [a["value"] for a in v.get("values", {}).get("praised", [])[:6]],
                   "criticised": [a["value"] for a in v.get("values", {}).get("criticised", [])[:6]]},
        "motives": {"entries": p.get("motives", [])},
        "pains": {"entries": p["pain_points"]},
        "requests": {"entries": p.get("requests", [])},
        "needs": {"entries": p["unstated_needs"]},
        "behaviour": {"contacts": list(b["contacts_by_channel"].items()), "first": (b["first_contact"] or "–")[:10],
                      "last": (b["last_contact"] or "–")[:10],
                      "reviews": f"{b['ratings']['count']} (mean {b['ratings']['mean']})" if b["ratings"]["count"] else "none",
                      "timeline": points, "width": width, "cases": cases},
        "value": {"ltv": customer_value(crm), "churn": p["churn_risk"]},
        "channel": {"preferred": b["preferred_channel"], "complaints": b["preferred_complaint_channel"]},
        "quote": {"quote": p.get("quote")},
    }
    return {"title": f"Customer {p['customer_id']}", "summary": p["summary"],
            "sections": [{"id": sid, "title": title, **body[sid]} for sid, title in PAGE_SECTIONS]}


def render_profile_html(p: dict[str, Any]) -> str:
    """A self-contained page (inline CSS and SVG, no scripts, nothing fetched); customer text is escaped."""
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    env = Environment(loader=FileSystemLoader(str(Path(__file__).with_name("templates"))),
                      autoescape=select_autoescape(["html", "j2"]))
    return env.get_template("profile.html.j2").render(**page_context(p))
