"""Resolution rates per pain point, read from the stored profiles (``insight.stages.profiles``).

Each support conversation in which a customer raised a pain point is one case with a status
(``resolved``, ``open``, ``unknown``); a pain point's rate counts its distinct conversations. The issue
report shows these next to each pain point of the last analysis.
"""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

from insight.stages.profiles import RESOLUTION_STATUSES


def resolution_rates(profiles) -> dict[str, dict[str, Any]]:
    """Profile dicts (or JSON strings) -> pain_id -> {cases, resolved, open, unknown, resolved_share}."""
    statuses: dict[str, dict[Any, str]] = defaultdict(dict)
    for profile in profiles:
        p = json.loads(profile) if isinstance(profile, str) else profile
        for pain in p.get("pain_points", []):
            for case in (pain.get("resolution") or {}).get("cases", []):
                statuses[pain["pain_id"]][(p.get("customer_id"), case["conversation_id"])] = case["status"]
    out = {}
    for pain_id, cases in statuses.items():
        counts = {s: sum(1 for v in cases.values() if v == s) for s in RESOLUTION_STATUSES}
        out[pain_id] = {"cases": len(cases), **counts, "resolved_share": round(counts["resolved"] / len(cases), 3)}
    return out


def stored_rates(store) -> dict[str, dict[str, Any]]:
    """Resolution rates from the store's profiles table (empty before the first analysis)."""
    return resolution_rates(store.profile_jsons())


def resolution_text(rate: dict[str, Any] | None) -> str:
    """'7 support cases: 3 resolved (43%), 3 open, 1 unknown' or '–'."""
    if not rate:
        return "–"
    return (f"{rate['cases']} support case{'s' if rate['cases'] != 1 else ''}: {rate['resolved']} resolved "
            f"({rate['resolved_share']:.0%}), {rate['open']} open, {rate['unknown']} unknown")
