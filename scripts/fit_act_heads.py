#!/usr/bin/env python3
"""Fit the act heads: logistic regressions on all-MiniLM-L6-v2 sentence vectors that say whether a
customer sentence asks for something (``request``: a feature request or wish) or talks about leaving
(``churn``: leaving, cancelling, not renewing, the effort of contacting again).

    python scripts/fit_act_heads.py      # writes insight/stages/request_head.json and churn_head.json
    python scripts/fit_act_heads.py --embedder embed.multilingual-e5-small-q4.v1
                                         # the heads of a store embedded by e5: request_head.e5.json ...

Training data comes only from the demo generator's *tune* half (corpora/README.md: the ``tune`` and
``tune2`` phrasing banks), never the held-out bank (``--phrasings held``) that scripts/eval_profiles.py
measures on:

- positives: the tune phrasings (REQUEST_T and REQUEST_TUNE2; CHURN_T, CHURN_TUNE2, CHURN_REPEAT_T and
  CHURN_REPEAT_TUNE2) filled with products and competitors from lists disjoint from the demo's ("a night
  mode", "Alexa integration"; "Nestwise"), so a head cannot learn the demo's objects or competitor names,
  plus the asks and churn sentences the two tune corpora hold;
- negatives: every other customer sentence of the two tune corpora (complaints, praise, context, motives,
  support turns, and the other act's sentences).

Vectors are those the topic stage stores (``theme_text`` of the sentence, unit-normalised), so the
profile stage reuses them. Prints 5-fold cross-validated precision and recall on the tune data and the
threshold kept (the lowest with cross-validated precision >= 0.95). About a minute on 2 cores.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

OTHER_FEATURES = [
    "a night mode", "voice control", "Alexa integration", "a web dashboard", "person recognition", "a siren",
    "a pet mode", "cloud backup", "a family sharing option", "an offline mode", "a time-lapse view",
    "a privacy shutter", "PIN protection for the app", "a tablet layout", "a monthly payment option",
    "a 4K option", "RTSP streaming", "an away mode", "face blurring for passers-by", "a guest access link",
]
OTHER_COMPETITORS = ["Nestwise", "Camly", "Vigilo", "Ringbright", "Homeguard", "Wyzon"]
OUT = ROOT / "insight" / "stages"


def _template_regex(templates: list[str]) -> re.Pattern:
    """One pattern matching any filled template (each slot matches any text)."""
    parts = [re.escape(t).replace(r"\{", "{").replace(r"\}", "}") for t in templates]
    parts = [re.sub(r"\{\w+\}", ".+?", p) for p in parts]
    return re.compile("|".join(f"(?:{p})" for p in parts), re.I)


TUNE_BANKS = ("tune", "tune2")


def _templates(gen, kind: str) -> list[str]:
    if kind == "request":
        return gen.REQUEST_T + gen.REQUEST_TUNE2
    return gen.CHURN_T + gen.CHURN_TUNE2 + (gen.CHURN_REPEAT_T + gen.CHURN_REPEAT_TUNE2) * 2


def tune_sentences(kind: str, seed: int = 7) -> tuple[list[str], list[str]]:
    """(positives, negatives) for ``kind`` from the tune half (both tune banks) of the demo generator."""
    import make_demo_corpus as gen

    from insight.resources import load_spacy

    templates = _templates(gen, kind)
    churn_like = _template_regex(gen.CHURN_T + gen.CHURN_TUNE2 + gen.CHURN_REPEAT_T + gen.CHURN_REPEAT_TUNE2)
    texts, asks = [], set()
    for bank in TUNE_BANKS:
        g = gen.build(seed, 400, bank)
        reviews, convs, posts = gen.render(g)
        if kind == "request":
            asks |= {text for c in g.custs for it in c.items for text, _ in it.asks}
        texts += [r["body"] for r in reviews] + [p["text"] for p in posts]
        texts += [t["text"] for cv in convs for t in cv["turns"] if t["speaker"].lower() in ("customer", "user")]
    nlp = load_spacy()
    in_corpus, negatives = set(), []
    for doc in nlp.pipe(texts, batch_size=256):
        for sent in doc.sents:
            s = sent.text.strip()
            if not s:
                continue
            if kind == "request" and any(a in s or s in a for a in asks):
                in_corpus.add(s)
            elif kind == "churn" and churn_like.fullmatch(s.rstrip()):
                in_corpus.add(s)
            elif not (kind == "churn" and churn_like.search(s)):
                negatives.append(s)
    r = random.Random(seed)
    positives = list(in_corpus) if kind == "churn" else []
    for tpl in templates:
        for i in range(12 if kind == "request" else 8):
            ordinal = r.choice(["second", "third", "fourth"])
            ctx = {"feat": OTHER_FEATURES[(i * 7 + len(tpl)) % len(OTHER_FEATURES)], "dev_short": r.choice(["camera", "doorbell", "hub"]),
                   "competitor": r.choice(OTHER_COMPETITORS), "plan_disp": r.choice(["Basic", "Premium", "Business"]),
                   "ordinal": ordinal, "Ordinal": ordinal.capitalize()}
            ctx["show_x"] = ctx["feat"]
            s = gen.fill(r, tpl, ctx)
            positives.append(s if r.random() > 0.15 else s.lower())
    # negatives keep their corpus frequency: a close said in 20 conversations weighs 20 times, so the
    # threshold (chosen on cross-validated precision) reflects how often a sentence really occurs
    return sorted(set(positives)), sorted(negatives)


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=str(OUT), help="folder for <kind>_head.json")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--kind", choices=["request", "churn", "all"], default="all")
    ap.add_argument("--embedder", default=None,
                    help="versioned embedder name (default all-MiniLM-L6-v2); the heads read that embedder's vectors")
    args = ap.parse_args(argv)
    from insight.stages.acts import head_file

    for kind in (["request", "churn"] if args.kind == "all" else [args.kind]):
        fit(kind, Path(args.out) / head_file(kind, args.embedder).name, args.seed, args.embedder)


def fit(kind: str, out: Path, seed: int, embedder: str | None = None) -> None:

    import numpy as np
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    from insight.resources import load_embedder
    from insight.stages.acts import HEAD_EMBEDDERS
    from insight.stages.topics import embed, theme_text

    positives, negatives = tune_sentences(kind, seed)
    texts = positives + negatives
    y = np.array([1] * len(positives) + [0] * len(negatives))
    model = load_embedder(name=embedder)
    # the tune data is English: an embedder that centres each language gets that, as ingest would give it
    X = embed([theme_text(t) or t for t in texts], embedder=model, languages=["en"] * len(texts))
    clf = LogisticRegression(C=4.0, class_weight="balanced", max_iter=2000)
    cv = StratifiedKFold(5, shuffle=True, random_state=seed)
    p = cross_val_predict(clf, X, y, cv=cv, method="predict_proba")[:, 1]
    threshold = 0.5
    for t in np.arange(0.3, 0.96, 0.05):
        pred = p >= t
        prec = (pred & (y == 1)).sum() / max(1, pred.sum())
        if prec >= 0.95:
            threshold = float(round(t, 2))
            break
    pred = p >= threshold
    prec = (pred & (y == 1)).sum() / max(1, pred.sum())
    rec = (pred & (y == 1)).sum() / (y == 1).sum()
    print(f"{kind}: tune data: {len(positives)} positives, {len(negatives)} negatives; 5-fold CV at threshold "
          f"{threshold}: precision {prec:.3f} recall {rec:.3f}")
    clf.fit(X, y)
    out.write_text(json.dumps({
        "name": f"{kind}.minilm-logreg.v2" if embedder is None else f"{kind}{HEAD_EMBEDDERS[model.name]}-logreg.v1",
        "embedder": model.name,
        "about": f"logistic regression on {model.name} vectors of theme_text(sentence); fitted by "
                 "scripts/fit_act_heads.py on the demo generator's tune half only (tune and tune2 banks)",
        "threshold": threshold,
        "cv_precision": round(float(prec), 3), "cv_recall": round(float(rec), 3),
        "positives": len(positives), "negatives": len(negatives),
        "intercept": float(clf.intercept_[0]),
        "coef": [round(float(c), 6) for c in clf.coef_[0]],
    }) + "\n", encoding="utf-8")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
