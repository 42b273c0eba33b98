"""Personas: enrich a team's persona file from the profiles, or derive segments from the data.

A personas file (YAML) is a list of personas (or ``{personas: [...]}``); each has a ``name``,
``rules`` (strings, all must hold; see ``insight.rules``) and any fields the team keeps. Enrichment
keeps every existing field and adds one ``generated`` block, stamped with the run id.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np

from insight.errors import ConfigError
from insight.report.requests import group_requests
from insight.report.safe import md_tree
from insight.yamlsafe import load_yaml
from insight.rules import compile_rule, field_kinds
from insight.stages.painpoints import customer_value

BEHAVIOUR_FIELDS = (
    "total_contacts", "support_contacts", "review_contacts", "social_contacts", "mean_rating", "reviews",
    "sentiment", "churn_risk", "churn_level", "preferred_channel", "pain_points", "needs", "topics",
    "lifetime_value",
)


def customer_fields(profile: dict[str, Any]) -> dict[str, Any]:
    """The fields rules can use: CRM attributes as given, plus behaviour and voice from the profile."""
    b, v = profile["behaviour"], profile["voice"]
    contacts = b["contacts_by_channel"]
    fields = dict(profile["identity"]["crm"])
    fields.update(
        customer_id=profile["customer_id"],
        total_contacts=b["total_contacts"],
        support_contacts=contacts.get("support", 0),
        review_contacts=contacts.get("review", 0),
        social_contacts=contacts.get("social", 0),
        mean_rating=b["ratings"]["mean"],
        reviews=b["ratings"]["count"],
        sentiment=v["sentiment"],
        churn_risk=profile["churn_risk"]["score"],
        churn_level=profile["churn_risk"]["level"],
        preferred_channel=b["preferred_channel"],
        pain_points=[p["label"] for p in profile["pain_points"]],
        needs=sorted({n["kind"] for n in profile["unstated_needs"]}),
        topics=[t["label"] for t in v["topics"]],
        lifetime_value=customer_value(profile["identity"]["crm"]),
    )
    return fields


def load_personas(path: str | Path) -> list[dict[str, Any]]:
    import yaml

    path = Path(path)
    try:
        data = load_yaml(path)  # no aliases (a 1 KB alias bomb expands to gigabytes), bounded size
    except FileNotFoundError:
        raise ConfigError(f"{path}: personas file not found. Pass a YAML file, or create one with `insight persona derive`.") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML ({str(exc).splitlines()[0]}). Fix the file.") from None
    personas = data.get("personas") if isinstance(data, dict) else data
    if not isinstance(personas, list) or not personas:
        raise ConfigError(f"{path}: expected a list of personas (got {type(data).__name__}). "
                          f"Write `personas:` followed by items with name and rules.")
    for i, p in enumerate(personas, 1):
        if not isinstance(p, dict) or not p.get("name"):
            raise ConfigError(f"{path}: persona {i} has no name (got {p!r}). Give every persona a name.")
        rules = p.get("rules", [])
        if isinstance(rules, str):
            p["rules"] = [rules]
        elif not isinstance(rules, list) or not all(isinstance(r, str) for r in rules):
            raise ConfigError(f"{path}: persona {p['name']!r}: rules must be a list of strings (got {rules!r}).")
    return personas


def enrich(personas: list[dict[str, Any]], profiles: list[dict[str, Any]], *, run_id: str) -> list[dict[str, Any]]:
    """Each persona with its members' numbers added under ``generated`` (existing fields kept)."""
    rows = [customer_fields(p) for p in profiles]
    kinds = field_kinds(rows)
    for name in BEHAVIOUR_FIELDS:
        kinds.setdefault(name, "any")
    out = []
    for persona in personas:
        members = [(profiles[i], rows[i]) for i in select(persona, rows, kinds)]
        enriched = {k: v for k, v in persona.items() if k != "generated"}
        enriched["generated"] = {"run_id": run_id, **summarise(members, len(profiles))}
        out.append(enriched)
    return out


def select(persona: dict[str, Any], rows: list[dict[str, Any]], kinds: dict[str, str] | None = None) -> list[int]:
    """Indexes of the customers (``customer_fields`` rows) that meet every rule of ``persona``."""
    kinds = kinds if kinds is not None else field_kinds(rows)
    rules = [compile_rule(r, persona=persona["name"], fields=kinds) for r in persona.get("rules", [])]
    return [i for i, f in enumerate(rows) if all(r.matches(f) for r in rules)]


def summarise(members: list[tuple[dict, dict]], total: int) -> dict[str, Any]:
    n = len(members)
    share = lambda c: round(c / n, 3) if n else 0.0  # noqa: E731
    pains = Counter(label for _, f in members for label in set(f["pain_points"]))
    needs = Counter(kind for _, f in members for kind in f["needs"])
    values = Counter(a["value"] for p, _ in members for a in p["voice"].get("values", {}).get("praised", []))
    criticised = Counter(a["value"] for p, _ in members for a in p["voice"].get("values", {}).get("criticised", []))
    motives = Counter(kind for p, _ in members for kind in {m["kind"] for m in p.get("motives", [])})
    need_examples: dict[str, str] = {}
    for p, _ in sorted(members, key=lambda m: m[0]["customer_id"]):
        for need in p["unstated_needs"]:
            need_examples.setdefault(need["kind"], need["statement"])
    statuses = Counter(pp["resolution"]["status"] for p, _ in members for pp in p["pain_points"] if pp.get("resolution"))
    channels = Counter(f["preferred_channel"] for _, f in members if f["preferred_channel"])
    ltv = [f["lifetime_value"] for _, f in members if f["lifetime_value"] is not None]
    sentiments = [f["sentiment"] for _, f in members if f["sentiment"] is not None]
    quotes = sorted(
        (p["quote"] for p, _ in members if p.get("quote")),
        key=lambda q: (-len(q["text"].split()) if 8 <= len(q["text"].split()) <= 40 else 0, q["record_id"]),
    )
    return {
        "size": n,
        "share": round(n / total, 3) if total else 0.0,
        "demographics": _demographics([p["identity"]["crm"] for p, _ in members]),
        "top_pain_points": [{"label": k, "prevalence": share(c)} for k, c in pains.most_common(5)],
        "unmet_needs": [{"kind": k, "prevalence": share(c)} for k, c in needs.most_common()],
        "top_needs": [{"kind": k, "prevalence": share(c), "example": need_examples[k]} for k, c in needs.most_common(3)],
        "motives": [{"kind": k, "prevalence": share(c)} for k, c in motives.most_common(5)],
        "requests": [{"feature": r["feature"], "customers": r["customers"]}
                     for r in group_requests(p for p, _ in members)[:5]],
        "values": [{"value": k, "mentions": c} for k, c in values.most_common(5)],
        "criticises": [{"value": k, "mentions": c} for k, c in criticised.most_common(5)],
        "support_resolution": {k: statuses[k] for k in ("resolved", "open", "unknown") if statuses[k]},
        "preferred_channels": [{"channel": k, "share": share(c)} for k, c in channels.most_common()],
        "sentiment": round(sum(sentiments) / len(sentiments), 3) if sentiments else None,
        "churn_risk_share": share(sum(1 for _, f in members if f["churn_level"] in ("medium", "high"))),
        "lifetime_value": {"total": round(sum(ltv), 2), "mean": round(sum(ltv) / len(ltv), 2)} if ltv else None,
        "quotes": [q["text"] for q in quotes[:3]],
    }


def _demographics(crms: list[dict[str, Any]]) -> dict[str, Any]:
    """Top values (with shares) of each categorical CRM field, mean of each numeric one."""
    out: dict[str, Any] = {}
    keys = sorted({k for c in crms for k in c})
    for key in keys:
        values = [c.get(key) for c in crms if c.get(key) not in (None, "")]
        if not values:
            continue
        if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
            out[key] = {"mean": round(sum(values) / len(values), 2)}
        else:
            counts = Counter(str(v) for v in values)
            if len(counts) > max(12, len(values) // 2):  # ids, names, dates: not demographics
                continue
            out[key] = {k: round(c / len(values), 3) for k, c in counts.most_common(4)}
    return out


# -- derive ------------------------------------------------------------------------------------------
NUMERIC = ("total_contacts", "support_contacts", "social_contacts", "mean_rating", "sentiment", "churn_risk", "lifetime_value")


#: fields that only hold whole numbers (their rule bounds are written as whole numbers)
_WHOLE = ("total_contacts", "support_contacts", "social_contacts")


def derive(profiles: list[dict[str, Any]], *, k: int, seed: int = 42) -> list[dict[str, Any]]:
    """Propose up to k segments, each with rules that select exactly its customers.

    KMeans over behaviour, value, sentiment and topics finds the groups; a shallow decision tree then
    learns them from the same fields, and each segment is the customers the tree gives it, so its rules
    (one ``(a and b) or (c)`` rule: the tree's paths to its leaves) select the same customers when fed
    back to ``persona enrich``. A missing value goes the way of "low" (``not x > t`` matches it, ``x > t``
    does not). A segment is called "high x" only when its rule's bound on x is at or above the customer
    base's median (and "low x" at or below it)."""
    from sklearn.cluster import KMeans
    from sklearn.tree import DecisionTreeClassifier

    rows = [customer_fields(p) for p in profiles]
    if len(rows) < k:
        raise ConfigError(f"persona derive: --k {k} is more than the {len(rows)} customers in the store. Use a smaller --k.")
    topics = [t for t, _ in Counter(t for r in rows for t in r["topics"]).most_common(8)]
    raw = np.array([[float(r[f]) if r[f] is not None else np.nan for f in NUMERIC] for r in rows])
    means = np.nanmean(np.where(np.isnan(raw).all(axis=0), 0.0, raw), axis=0)
    num = np.where(np.isnan(raw), means, raw)
    std = num.std(axis=0)
    std[std == 0] = 1.0
    z = (num - num.mean(axis=0)) / std
    onehot = (np.array([[1.0 if t in r["topics"] else 0.0 for t in topics] for r in rows]) if topics
              else np.zeros((len(rows), 0)))
    clusters = KMeans(n_clusters=k, random_state=seed, n_init=10).fit_predict(np.hstack([z, onehot * 0.8]))
    # the tree sees a missing value as lower than any real one, which is how its rules read it
    present = ~np.isnan(raw).all(axis=0)
    low = np.where(present, np.nanmin(np.where(np.isnan(raw), np.inf, raw), axis=0) - 1.0, 0.0)
    tree_x = np.hstack([np.where(np.isnan(raw), low, raw)[:, present], onehot])
    names = [f for f, ok in zip(NUMERIC, present, strict=True) if ok] + [("topic", t) for t in topics]
    missing = {f for j, f in enumerate(NUMERIC) if present[j] and np.isnan(raw[:, j]).any()}
    medians = {f: float(np.nanmedian(raw[:, j])) for j, f in enumerate(NUMERIC) if present[j]}
    tree = DecisionTreeClassifier(max_depth=3, min_samples_leaf=max(1, len(rows) // 20), random_state=seed)
    tree.fit(tree_x, clusters)
    segment = tree.predict(tree_x)
    leaves = _leaf_paths(tree)
    out = []
    used: set[str] = set()
    for c in sorted(set(segment)):
        idx = np.where(segment == c)[0]
        paths = [path for leaf, path in leaves.items() if tree.classes_[np.argmax(tree.tree_.value[leaf])] == c]
        conds = [_conditions(path, names, tree_x, missing) for path in paths]
        rule = " or ".join(f"({' and '.join(cs)})" if len(conds) > 1 and len(cs) > 1 else " and ".join(cs)
                           for cs in conds if cs)
        traits = _traits(paths, names, medians) or _z_traits(z[idx].mean(axis=0))
        if topics:
            share = onehot[idx].mean(axis=0) - onehot.mean(axis=0)
            top_t = int(np.argmax(share))
            if share[top_t] > 0.15 and f"talks about {topics[top_t]}" not in traits:
                traits.append(f"talks about {topics[top_t]}")
        name = ", ".join(traits[:3]).capitalize() or f"Segment {len(out) + 1}"
        base, n = name, 2
        while name in used:
            name, n = f"{base} ({n})", n + 1
        used.add(name)
        out.append({
            "name": name,
            "description": f"Derived segment of {len(idx)} customers ({len(idx) / len(rows):.0%}); traits: "
                           + (", ".join(traits) or "close to the average customer") + ".",
            "rules": [rule] if rule else [],
            "derived": {"size": int(len(idx)), "seed": seed, "k": k,
                        "kmeans_agreement": round(float(np.mean(clusters[idx] == c)), 3)},
        })
    return out


def _leaf_paths(tree) -> dict[int, list[tuple[int, bool, float]]]:
    """leaf node -> its path as (feature, goes_right, threshold) steps."""
    t = tree.tree_
    out: dict[int, list[tuple[int, bool, float]]] = {}
    stack = [(0, [])]
    while stack:
        node, path = stack.pop()
        if t.children_left[node] == -1:
            out[node] = path
            continue
        f, thr = int(t.feature[node]), float(t.threshold[node])
        stack.append((int(t.children_left[node]), path + [(f, False, thr)]))
        stack.append((int(t.children_right[node]), path + [(f, True, thr)]))
    return dict(sorted(out.items()))


def _conditions(path, names, x, missing) -> list[str]:
    """One leaf's path as rule conditions, the tightest bound per field (exact for every customer)."""
    lower: dict[int, float] = {}
    upper: dict[int, float] = {}
    for f, right, thr in path:
        if right:
            lower[f] = max(lower.get(f, -np.inf), thr)
        else:
            upper[f] = min(upper.get(f, np.inf), thr)
    out = []
    for f in sorted(set(lower) | set(upper)):
        name = names[f]
        if isinstance(name, tuple):  # a topic flag: 0 or 1, split at 0.5
            literal = json.dumps(name[1], ensure_ascii=False)
            out.append(f"{literal} in topics" if f in lower else f"{literal} not in topics")
            continue
        if f in lower:
            out.append(_bound(name, ">", lower[f], x[:, f]))
        if f in upper:
            text = _bound(name, "<=", upper[f], x[:, f])
            out.append(f"not {name} > {text.split(' <= ')[1]}" if name in missing else text)
    return out


def _bound(name: str, op: str, thr: float, values) -> str:
    """``name > t`` / ``name <= t`` with t written short, as long as no customer's value moves side."""
    if name in _WHOLE:
        whole = int(np.floor(thr))
        return f"{name} >= {whole + 1}" if op == ">" else f"{name} <= {whole}"
    for digits in (2, 3, 4, 6):
        short = round(thr, digits)
        lo, hi = min(short, thr), max(short, thr)
        if not np.any((values > lo) & (values <= hi)):  # nobody between the exact and the short bound
            return f"{name} {op} {short}"
    return f"{name} {op} {thr!r}"


def _traits(paths, names, medians) -> list[str]:
    """"high x" / "low x" for a bound every path of the segment shares and that is high (low) for the base."""
    traits = []
    for f in sorted({f for path in paths for f, _, _ in path}):
        name = names[f]
        if isinstance(name, tuple):
            if all(any(g == f and right for g, right, _ in path) for path in paths):
                traits.append(f"talks about {name[1]}")
            continue
        lows = [max((thr for g, right, thr in path if g == f and right), default=None) for path in paths]
        highs = [min((thr for g, right, thr in path if g == f and not right), default=None) for path in paths]
        if all(v is not None for v in lows) and min(lows) >= medians[name]:
            traits.append("high " + name.replace("_", " "))
        elif all(v is not None for v in highs) and max(highs) <= medians[name]:
            traits.append("low " + name.replace("_", " "))
    return traits


def _z_traits(cz) -> list[str]:
    order = np.argsort(-np.abs(cz))
    return [("high " if cz[j] > 0 else "low ") + NUMERIC[j].replace("_", " ") for j in order[:2] if abs(cz[j]) >= 0.4]


def slug(name: str) -> str:
    """A safe file name from a persona name (never a path)."""
    s = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return s[:60] or "persona"


def render_md(persona: dict[str, Any]) -> str:
    """One Markdown page in the CX persona template: name, quote, demographics, goals, pain points,
    motivators, preferred channels (team fields first, generated numbers after)."""
    persona = md_tree(persona)  # CRM values and quotes are data: escaped, one line each
    g = persona.get("generated", {})
    lines = [f"# {persona['name']}", ""]
    quote = persona.get("quote") or (g.get("quotes") or [None])[0]
    if quote:
        lines += [f"> {quote}", ""]
    if persona.get("description"):
        lines += [str(persona["description"]), ""]
    lines += [f"**Size:** {g.get('size', 0)} customers ({g.get('share', 0):.0%}) · **sentiment:** {g.get('sentiment')} · "
              f"**churn risk (medium/high):** {g.get('churn_risk_share', 0):.0%}", ""]
    if g.get("lifetime_value"):
        lines += [f"**Lifetime value:** total {g['lifetime_value']['total']:,.0f}, mean {g['lifetime_value']['mean']:,.0f}", ""]
    lines += ["## Demographics", ""]
    for key, val in (g.get("demographics") or {}).items():
        desc = f"mean {val['mean']}" if "mean" in val else ", ".join(f"{k} {v:.0%}" for k, v in val.items())
        lines.append(f"- {key}: {desc}")
    lines += ["", "## Goals", ""] + ([f"- {x}" for x in _as_list(persona.get("goals"))] or ["- –"])
    lines += ["", "## Pain points", ""]
    lines += [f"- {p['label']} ({p['prevalence']:.0%})" for p in g.get("top_pain_points", [])] or ["- none found"]
    lines += [f"- unmet need: {n['kind'].replace('_', ' ')} ({n['prevalence']:.0%})" for n in g.get("unmet_needs", [])]
    lines += ["", "## Motivators", ""] + [f"- {x}" for x in _as_list(persona.get("motivators"))]
    lines += [f"- values {v['value']} ({v['mentions']} mentions)" for v in g.get("values", [])]
    lines += ["", "## Preferred channels", ""]
    lines += [f"- {c['channel']} ({c['share']:.0%})" for c in g.get("preferred_channels", [])] or ["- –"]
    if g.get("quotes"):
        lines += ["", "## In their words", ""] + [f"> {q}\n" for q in g["quotes"]]
    lines += ["", f"_Generated fields from run {g.get('run_id')}._"]
    return "\n".join(lines) + "\n"


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


PERSONA_SECTIONS = (
    ("who", "Who they are"), ("values", "What they value"), ("motives", "Why they bought"),
    ("pains", "Pain points"), ("needs", "Unstated needs and requests"), ("behaviour", "Behaviour"),
    ("value", "Value"), ("channel", "Preferred channels"), ("quote", "In their words"),
)


def render_html(persona: dict[str, Any]) -> str:
    """One self-contained page per persona in the CX template's order (team fields first, generated after);
    every value is escaped."""
    from pathlib import Path as _Path

    from jinja2 import Environment, FileSystemLoader, select_autoescape

    env = Environment(loader=FileSystemLoader(str(_Path(__file__).parent / "report" / "templates")),
                      autoescape=select_autoescape(["html", "j2"]))
    g = persona.get("generated", {})
    return env.get_template("persona.html.j2").render(
        p=persona, g=g, sections=PERSONA_SECTIONS, quote=persona.get("quote") or (g.get("quotes") or [None])[0],
        goals=_as_list(persona.get("goals")), motivators=_as_list(persona.get("motivators")),
        frustrations=_as_list(persona.get("frustrations")))
