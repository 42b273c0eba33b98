#!/usr/bin/env python
"""Dev-split scores of the shipped sentiment model (sentence, document, aspect, emotion) in six languages,
beside VADER where VADER applies (English), as one Markdown table with the issue's floors and aims.

Every row is dev / held-out data that the model was never trained on (train_sentiment.py drops every
text that also occurs in one of these sets):

  English   SST-2 dev · TweetEval val (the 570 tweets not in UMSAB train) · MARC-en dev (binary 1-2★ vs
            4-5★, and 3-class 1-2★ / 3★ / 4-5★) · women's clothing reviews dev (3-class) · airline tweets
            dev (3-class) · UCI sentences (never trained on) · SemEval-2014 restaurants held-out (aspect
            polarity toward each term)
  German    MARC-de dev (binary) · GermEval-2017 dev (Deutsche Bahn feedback, 3-class)
  Spanish   MARC-es dev (binary)          French   MARC-fr dev (binary) · Allociné dev (binary, extra)
  Turkish   Turkish movie reviews dev     Finnish  XED-fi dev polarity (lines with an unambiguous label)
  Emotion   XED-en / XED-fi dev micro-F1 (8 labels, threshold 0.5)

Reviews are scored as one text (truncated to the model's max length), as ``insight sentiment`` does.
``--checks`` adds the hand-written check sentences (tests/data/sentiment_checks.tsv) per kind and language.

    python scripts/eval_sentiment.py [--model DIR] [--torch] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import _corpora as C  # noqa: E402

CHECKS = HERE.parent / "tests" / "data" / "sentiment_checks.tsv"

FLOORS = {  # row: (floor, aim), from the sentiment issue
    "SST-2 dev accuracy": (0.88, 0.91),
    "TweetEval val macro-recall, clean 570": (0.64, 0.70),
    "MARC-en binary accuracy": (0.92, 0.94),
    "MARC-en 3-class macro-recall": (0.68, 0.72),
    "Women's clothing 3-class macro-recall": (0.70, 0.75),
    "Airline tweets 3-class macro-recall": (0.75, 0.80),
    "MARC-de binary accuracy": (0.88, 0.92),
    "MARC-es binary accuracy": (0.88, 0.92),
    "MARC-fr binary accuracy": (0.88, 0.92),
    "GermEval-2017 dev 3-class macro-recall": (0.60, 0.68),
    "Turkish movie reviews accuracy": (0.85, 0.90),
    "XED-fi polarity accuracy (unambiguous lines)": (0.75, 0.80),
    "UCI sentences accuracy": (0.90, 0.93),
    "Aspect polarity acc, SemEval-14 rest held-out": (0.80, 0.85),
    "XED-en emotion micro-F1": (0.50, 0.58),
    "XED-fi emotion micro-F1": (0.50, 0.58),
}
EXTRA = ["Allociné dev accuracy (fr, extra)", "XED-fi binary accuracy (pos vs neg lines, extra)",
         "Aspect polarity acc, MAMS-ATSA val (extra)"]
LANG_OF = {"SST-2": "en", "TweetEval": "en", "MARC-en": "en", "Women's": "en", "Airline": "en", "UCI": "en",
           "Aspect": "en", "MARC-de": "de", "GermEval": "de", "MARC-es": "es", "MARC-fr": "fr", "Allociné": "fr",
           "Turkish": "tr", "XED-fi": "fi", "XED-en": "en"}


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def macro_recall(y, p, classes=(0, 1, 2)):
    rs = []
    for c in classes:
        n = sum(1 for a in y if a == c)
        if n:
            rs.append(sum(1 for a, b in zip(y, p) if a == c and b == c) / n)
    return sum(rs) / len(rs)


def acc(y, p):
    return sum(1 for a, b in zip(y, p) if a == b) / len(y)


def binary_acc(y, P) -> float:
    """Accuracy on a positive-vs-negative set from 3-class probabilities (argmax over pos / neg)."""
    return acc(y, [2 if q[2] >= q[0] else 0 for q in P])


def micro_f1(gold, pred) -> float:
    tp = sum(1 for g, p in zip(gold, pred) for a, b in zip(g, p) if a and b)
    fp = sum(1 for g, p in zip(gold, pred) for a, b in zip(g, p) if b and not a)
    fn = sum(1 for g, p in zip(gold, pred) for a, b in zip(g, p) if a and not b)
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def load_sets() -> dict:
    """Every dev set, by key. (The older keys sst2 / tweeteval / tweeteval_clean / uci / held_pairs /
    mams_val_pairs are kept for bench_gpu.py and friends.)"""
    _rest_train, held = C.semeval_restaurants()
    xed = C.xed("dev")
    sets = {
        "sst2": C.sst2("dev"),
        "tweeteval": C.tweeteval_val(),
        "tweeteval_clean": C.tweeteval_val_clean(),
        "uci": [(t, y) for t, y, _ in C.uci_sentences()],
        "held_pairs": C.aspect_pairs(held),
        "mams_val_pairs": C.aspect_pairs(C.mams_atsa("val")),
        "womens": C.womens("dev"),
        "airline": C.labelled("airline-tweets", "dev", tweet=True),
        "germeval": C.labelled("germeval2017", "dev"),
        "turkish": C.labelled("turkish-movie-reviews", "dev"),
        "allocine": C.labelled("allocine-tv-fr", "dev"),
        "xed": xed,
    }
    for lang in ("en", "de", "es", "fr"):
        sets[f"marc_{lang}"] = C.marc(lang, "dev")
    return sets


def read_checks(path: Path = CHECKS) -> list[tuple[str, str, int, str]]:
    """(lang, kind, label 0/1/2, text) from the hand-written check file."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        lang, kind, label, text = line.split("\t")
        out.append((lang, kind, C.POL[label], text))
    return out


def score_rows(sets: dict, proba, emotions=None, thresholds=None) -> dict:
    """``proba(texts, targets=None) -> (n, 3)``; ``emotions(texts) -> (n, 8)`` or None (no emotion rows);
    ``thresholds``: the model's per-emotion decision thresholds (default 0.5)."""
    import numpy as np

    r: dict = {}

    def binary(data):
        return binary_acc([y for _, y in data], proba([t for t, _ in data]))

    def three(data):
        return macro_recall([y for _, y in data], list(proba([t for t, _ in data]).argmax(1)))

    r["SST-2 dev accuracy"] = binary(sets["sst2"])
    r["TweetEval val macro-recall, clean 570"] = three(sets["tweeteval_clean"])
    r["UCI sentences accuracy"] = binary(sets["uci"])
    marc_en = [(t, y) for t, y, _ in sets["marc_en"]]
    P = proba([t for t, _ in marc_en])
    r["MARC-en 3-class macro-recall"] = macro_recall([y for _, y in marc_en], list(P.argmax(1)))
    pol = [(q, y) for q, (_, y) in zip(P, marc_en) if y != 1]
    r["MARC-en binary accuracy"] = binary_acc([y for _, y in pol], [q for q, _ in pol])
    for lang in ("de", "es", "fr"):
        r[f"MARC-{lang} binary accuracy"] = binary([(t, y) for t, y, _ in sets[f"marc_{lang}"] if y != 1])
    r["Women's clothing 3-class macro-recall"] = three(sets["womens"])
    r["Airline tweets 3-class macro-recall"] = three(sets["airline"])
    r["GermEval-2017 dev 3-class macro-recall"] = three(sets["germeval"])
    r["Turkish movie reviews accuracy"] = binary(sets["turkish"])
    r["Allociné dev accuracy (fr, extra)"] = binary(sets["allocine"])
    fi = [(x["text"], x["label"]) for x in sets["xed"] if x["lang"] == "fi" and x["label"] is not None]
    P = proba([t for t, _ in fi])
    r["XED-fi polarity accuracy (unambiguous lines)"] = acc([y for _, y in fi], list(P.argmax(1)))
    pol = [(q, y) for q, (_, y) in zip(P, fi) if y != 1]
    r["XED-fi binary accuracy (pos vs neg lines, extra)"] = binary_acc([y for _, y in pol], [q for q, _ in pol])
    for key, name in (("held_pairs", "Aspect polarity acc, SemEval-14 rest held-out"),
                      ("mams_val_pairs", "Aspect polarity acc, MAMS-ATSA val (extra)")):
        P = proba([t for t, _, _ in sets[key]], [a for _, a, _ in sets[key]])
        r[name] = acc([y for _, _, y in sets[key]], list(P.argmax(1)))
    if emotions is not None:
        for lang in ("en", "fi"):
            rows = [x for x in sets["xed"] if x["lang"] == lang]
            E = emotions([x["text"] for x in rows])
            t = np.asarray(thresholds if thresholds is not None else [0.5] * E.shape[1])
            r[f"XED-{lang} emotion micro-F1"] = micro_f1([x["emotions"] for x in rows], (E >= t).astype(int).tolist())
    return r


def vader_rows(sets: dict) -> dict:
    import numpy as np
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    sia = SentimentIntensityAnalyzer()

    def proba(texts, targets=None):  # VADER as 3-class probabilities: the compound's sign, 0.05 band neutral
        out = np.zeros((len(texts), 3))
        for i, t in enumerate(texts):
            c = sia.polarity_scores(t)["compound"]
            out[i, 2 if c >= 0.05 else 0 if c <= -0.05 else 1] = 1.0
            out[i, 2] += 0.5 * max(c, 0)
            out[i, 0] += 0.5 * max(-c, 0)
        return out

    r = score_rows(sets, proba)
    return {k: v for k, v in r.items() if LANG_OF.get(k.split()[0]) == "en" and not k.startswith("XED")}


def check_rows(proba) -> tuple[dict, dict, float]:
    checks = read_checks()
    P = proba([t for _, _, _, t in checks])
    ok = [int(q.argmax()) == y for q, (_, _, y, _) in zip(P, checks)]
    by_kind: dict = {}
    by_lang: dict = {}
    for good, (lang, kind, _, _) in zip(ok, checks):
        by_kind.setdefault(kind, []).append(good)
        by_lang.setdefault(lang, []).append(good)
    return ({k: sum(v) / len(v) for k, v in by_kind.items()}, {k: sum(v) / len(v) for k, v in by_lang.items()},
            sum(ok) / len(ok))


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", default=None, help="model directory (default: the shipped models/sentiment-e5)")
    p.add_argument("--torch", action="store_true", help="also score through the fp32 torch path")
    p.add_argument("--no-vader", action="store_true")
    p.add_argument("--json", default=None, help="also write the scores here")
    args = p.parse_args(argv)

    from insight.modelling.sentiment import SentimentModel

    t0 = time.time()
    sets = load_sets()
    cols: dict[str, dict] = {}
    models = {"int8 ONNX": "onnx"} | ({"fp32 torch": "torch"} if args.torch else {})
    version = None
    for col, backend in models.items():
        m = SentimentModel.load(args.model, device="cpu", backend=backend)
        version = m.name + " " + m.version
        t1 = time.time()
        cols[col] = score_rows(sets, lambda texts, targets=None: m.predict_proba(texts, targets),
                               (lambda texts: m.predict_emotions(texts)) if m.emotions else None,
                               m.emotion_thresholds)
        kinds, langs, overall = check_rows(lambda texts: m.predict_proba(texts))
        cols[col]["_checks"] = {"overall": overall, "by_kind": kinds, "by_language": langs}
        log(f"[eval] {col}: {time.time() - t1:.0f}s")
    vader = {} if args.no_vader else vader_rows(sets)

    def f(x):
        return "—" if x is None else f"{x:.3f}"

    main_col = cols["int8 ONNX"]
    print(f"sentiment model {version}")
    print("| row | lang | VADER | " + " | ".join(cols) + " | floor / aim | status |")
    print("|---|---|---|" + "---|" * len(cols) + "---|---|")
    for row in list(FLOORS) + EXTRA:
        o = main_col.get(row)
        fl, aim = FLOORS.get(row, (None, None))
        v = vader.get(row)
        if o is None:
            st = "missing"
        elif fl is None:
            st = "—"
        else:
            st = ("aim" if o >= aim else "floor" if o >= fl else "BELOW FLOOR") + \
                 ("" if v is None or o > v else ", NOT above VADER")
        vals = " | ".join(f(c.get(row)) for c in cols.values())
        print(f"| {row} | {LANG_OF.get(row.split()[0], '?')} | {f(v)} | {vals} | "
              f"{f'{fl} / {aim}' if fl else '—'} | {st} |")
    ch = main_col["_checks"]
    print(f"\nhand-written checks ({CHECKS.name}): overall {ch['overall']:.3f}")
    print("by kind: " + ", ".join(f"{k} {v:.2f}" for k, v in ch["by_kind"].items()))
    print("by language: " + ", ".join(f"{k} {v:.2f}" for k, v in ch["by_language"].items()))
    if args.json:
        Path(args.json).write_text(json.dumps({"model": version, "vader": vader, **cols}, indent=2))
    log(f"[eval] wall time {time.time() - t0:.1f}s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
