"""Feature requests across customers: every profile's requests grouped by what is asked for, with counts.

Grouping: each request's object is reduced to its content words (``HomeKit support`` -> {homekit,
support}); requests are merged greedily, largest group first, when their word sets overlap by at least
half (Jaccard >= 0.5). A group is labelled with its most common wording. Deterministic: ties break on
the label.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from typing import Any

from insight.report.safe import csv_cell, md_text

STOP = frozenset({"a", "an", "the", "on", "in", "of", "for", "to", "my", "our", "your", "and", "with", "some",
                  "any", "more", "it", "that", "this", "option", "way", "feature", "support"})
MIN_OVERLAP = 0.5


def _words(text: str) -> frozenset[str]:
    words = re.findall(r"[\w/+#-]+", str(text).lower())
    content = frozenset(w for w in words if w not in STOP)
    return content or frozenset(words)


def group_requests(profiles) -> list[dict[str, Any]]:
    """Profiles -> feature requests: [{feature, customers, mentions, channels, examples}], most customers first."""
    asks = []
    for p in profiles:
        for r in p.get("requests", []):
            asks.append((p["customer_id"], r))
    asks.sort(key=lambda a: (a[1]["evidence"].get("date") or "", a[0], a[1]["object"]))
    groups: list[dict[str, Any]] = []
    for cid, r in asks:
        words = _words(r["object"])
        best, best_overlap = None, 0.0
        for g in groups:
            overlap = len(words & g["words"]) / len(words | g["words"]) if words | g["words"] else 0.0
            if overlap > best_overlap:
                best, best_overlap = g, overlap
        if best is None or best_overlap < MIN_OVERLAP:
            best = {"words": words, "asks": []}
            groups.append(best)
        best["asks"].append((cid, r))
    out = []
    for g in groups:
        wordings = Counter(r["object"] for _, r in g["asks"])
        label = sorted(wordings.items(), key=lambda kv: (-kv[1], len(kv[0]), kv[0]))[0][0]
        customers = sorted({cid for cid, _ in g["asks"]})
        out.append({
            "feature": label,
            "customers": len(customers),
            "mentions": len(g["asks"]),
            "channels": dict(sorted(Counter(r["evidence"]["channel"] for _, r in g["asks"]).items())),
            "customer_ids": customers,
            "examples": [{"customer_id": cid, "quote": r["statement"], "channel": r["evidence"]["channel"],
                          "date": r["evidence"]["date"]} for cid, r in g["asks"][:3]],
        })
    out.sort(key=lambda x: (-x["customers"], -x["mentions"], x["feature"].lower()))
    return out


def render_table(requests: list[dict[str, Any]]) -> str:
    lines = [f"{'#':>3}  {'feature request':<44} {'cust':>5} {'ment':>5}  channels", "-" * 80]
    for i, r in enumerate(requests, 1):
        channels = ",".join(f"{k}:{v}" for k, v in r["channels"].items())
        lines.append(f"{i:>3}  {_clip(r['feature'], 44):<44} {r['customers']:>5} {r['mentions']:>5}  {channels}")
    if not requests:
        lines.append("(no feature requests found)")
    return "\n".join(lines)


def _md(text: Any) -> str:
    """Customer text made inert in Markdown: no tables broken, no links or emphasis, and no HTML
    (``< > &`` as entities, as on the other Markdown pages)."""
    s = " ".join(md_text(text).split())
    return re.sub(r"([\\`*_\[\]|~])", r"\\\1", s)


def render_md(requests: list[dict[str, Any]]) -> str:
    out = ["# Feature requests", "", f"{len(requests)} feature requests from "
           f"{len({c for r in requests for c in r['customer_ids']})} customers.", "",
           "| # | feature request | customers | mentions | channels | example |", "|---|---|---|---|---|---|"]
    for i, r in enumerate(requests, 1):
        ex = r["examples"][0]
        channels = ", ".join(f"{k} {v}" for k, v in r["channels"].items())
        out.append(f"| {i} | {_md(r['feature'])} | {r['customers']} | {r['mentions']} | {channels} | "
                   f"\"{_md(ex['quote'])}\" ({_md(ex['customer_id'])}, {ex['channel']}, {ex['date']}) |")
    return "\n".join(out) + "\n"


def render_csv(requests: list[dict[str, Any]]) -> str:
    import csv
    import io

    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["feature", "customers", "mentions", "channels", "customer_ids", "example"])
    for r in requests:  # customer text and ids: no cell a spreadsheet would run as a formula
        w.writerow([csv_cell(r["feature"]), r["customers"], r["mentions"], json.dumps(r["channels"]),
                    csv_cell(" ".join(r["customer_ids"])), csv_cell(r["examples"][0]["quote"])])
    return buf.getvalue()


def _clip(text: str, n: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= n else text[: n - 1] + "…"
