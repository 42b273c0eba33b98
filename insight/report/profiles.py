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
    rows = store.con.execute("SELECT profile FROM profiles WHERE customer_id = ?", [customer_id]).fetchall()
    row = rows[0] if rows else None
    if row is None:
        known = store.scalar("SELECT count(*) FROM profiles")
        raise InputError(
            f"profile: no customer {customer_id!r} in {store.path} ({known} profiles stored). "
            f"Check the id with `insight profiles --format csv`, or run `insight analyze` after ingesting."
        )
    return json.loads(row[0])


def iter_profiles(store: Store):
    for (profile,) in store.con.execute("SELECT profile FROM profiles ORDER BY customer_id").fetchall():
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


def write_profiles(store: Store, out: str | Path | None, *, fmt: str = "jsonl") -> int:
    """Write every profile; ``out`` None writes JSONL/CSV to stdout (Parquet needs a file)."""
    import pandas as pd

    profiles = list(iter_profiles(store))
    if fmt == "jsonl":
        text = "".join(json.dumps(p, ensure_ascii=False, default=str) + "\n" for p in profiles)
        _emit(text, out)
    elif fmt == "csv":
        frame = pd.DataFrame([flatten(p) for p in profiles], columns=FLAT_COLUMNS)
        _emit(csv_frame(frame).to_csv(index=False), out)
    elif fmt == "parquet":
        if out is None:
            raise InputError("profiles: --format parquet writes a binary file (got no --out). Add --out FILE.parquet.")
        frame = pd.DataFrame([flatten(p) for p in profiles], columns=FLAT_COLUMNS)
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


def render_profile_md(p: dict[str, Any]) -> str:
    p = md_tree(p)  # customer text and CRM values are data: escaped, one line each
    b, v = p["behaviour"], p["voice"]
    lines = [f"# Customer {p['customer_id']}", "", p["summary"], ""]
    crm = p["identity"]["crm"]
    if crm:
        lines += ["## Identity", ""] + [f"- {k}: {val}" for k, val in crm.items()]
        if p["identity"]["handles"]:
            lines.append(f"- handles: {', '.join(p['identity']['handles'])}")
        lines.append("")
    lines += ["## Behaviour", "",
              f"- contacts: {', '.join(f'{k} {n}' for k, n in b['contacts_by_channel'].items()) or 'none'}",
              f"- preferred channel: {b['preferred_channel']}; for complaints: {b['preferred_complaint_channel']}",
              f"- first / last contact: {b['first_contact']} / {b['last_contact']}",
              f"- reviews: {b['ratings']['count']} (mean {b['ratings']['mean']})", ""]
    lines += ["## Voice", "", f"- sentiment: {v['sentiment']}",
              f"- topics: {'; '.join(t['label'] for t in v['topics'][:5]) or '–'}",
              f"- values: {', '.join(a['aspect'] for a in v['praised_aspects'][:5]) or '–'}",
              f"- criticises: {', '.join(a['aspect'] for a in v['criticised_aspects'][:5]) or '–'}", ""]
    lines += ["## Pain points", ""]
    for pp in p["pain_points"]:
        lines.append(f"- **{pp['label']}** ({pp['mentions']} mentions, {', '.join(pp['channels'])})")
        for e in pp["evidence"][:2]:
            lines.append(f"  - \"{e['quote']}\" ({e['channel']}, {e['date']})")
    if not p["pain_points"]:
        lines.append("- none")
    lines += ["", "## Unstated needs", ""]
    for n in p["unstated_needs"]:
        lines.append(f"- {n['kind']} ({n['confidence']:.2f}): {n['statement']}")
    if not p["unstated_needs"]:
        lines.append("- none")
    churn = p["churn_risk"]
    lines += ["", f"## Churn risk: {churn['level']} ({churn['score']:.2f})", ""]
    lines += [f"- {r['reason']} (+{r['weight']})" for r in churn["reasons"]] or ["- no reasons"]
    if p.get("quote"):
        lines += ["", "## In their words", "", f"> {p['quote']['text']}"]
    return "\n".join(lines) + "\n"
