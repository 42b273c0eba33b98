#!/usr/bin/env python
"""Would one encoder pass do for both topics and sentiment? Measures what it would cost in accuracy and save in time.

The topics stage already embeds every customer sentence with all-MiniLM-L6-v2 (unit-normalised 384-d
vectors). The cheap alternative to our fine-tuned sentiment model is a logistic-regression head on
those same frozen vectors: sentiment would then cost no second encoder pass. This script trains that
head on the sentence-level part of the sentiment training data (SST-2 train, UMSAB english train,
SemEval-14 unanimous sentences, Amazon TV/T-shirt unanimous sentences; eval texts removed, as in
train_sentiment.py) and scores it on the same dev rows as eval_sentiment.py, next to the shipped
fine-tuned model (int8 ONNX). It also times both encoder passes on the same sentences.

Aspect polarity is not compared: a sentence vector has no notion of which aspect is asked about.

    python scripts/eval_shared_encoder.py [--json out.json] [--c 4.0]
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
from bench_models import rate  # noqa: E402
from eval_sentiment import binary_acc, load_sets, log, macro_recall  # noqa: E402


def training_sentences() -> list[tuple[str, int]]:
    from insight.modelling._text import normalise

    rest_train, _held = C.semeval_restaurants()
    ex = [(t, y) for t, y in C.sst2("train")]
    ex += C.umsab_english("train")
    ex += C.unanimous_sentences(rest_train) + C.unanimous_sentences(C.semeval_laptops())
    ex += C.unanimous_sentences(C.product_reviews())
    keys = C.eval_text_keys()
    return [(t, y) for t, y in ex if C._key(normalise(t)) not in keys]


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--json", default=None, help="also write the scores here")
    p.add_argument("--c", type=float, default=4.0, help="inverse L2 strength of the logistic regression")
    args = p.parse_args(argv)

    import numpy as np
    from sklearn.linear_model import LogisticRegression

    from insight.modelling.sentiment import SentimentModel
    from insight.resources import load_embedder
    from insight.stages.topics import embed

    embedder = load_embedder(device="cpu")
    train = training_sentences()
    log(f"[shared] embedding {len(train)} training sentences with the topic embedder")
    X = embed([t for t, _ in train], embedder=embedder)
    y = np.array([yy for _, yy in train])
    t0 = time.time()
    head = LogisticRegression(C=args.c, max_iter=3000).fit(X, y)
    log(f"[shared] head fitted in {time.time() - t0:.1f}s")

    model = SentimentModel.load(device="cpu")
    all_sets = load_sets()
    sets = {k: all_sets[k] for k in ("sst2", "tweeteval_clean", "uci")}
    rows: dict[str, dict[str, float]] = {}
    for name, data in sets.items():
        texts = [t for t, _ in data]
        gold = [yy for _, yy in data]
        P_head = head.predict_proba(embed(texts, embedder=embedder))  # columns = classes 0, 1, 2
        P_ft = model.predict_proba(texts)
        if name == "tweeteval_clean":
            row = "TweetEval val macro-recall, clean 570"
            rows[row] = {"frozen+LR": macro_recall(gold, list(P_head.argmax(1))),
                         "fine-tuned": macro_recall(gold, list(P_ft.argmax(1)))}
        else:
            row = "SST-2 dev accuracy" if name == "sst2" else "UCI sentences accuracy"
            rows[row] = {"frozen+LR": binary_acc(gold, P_head), "fine-tuned": binary_acc(gold, P_ft)}

    bench = [t for t, _ in sets["uci"]][:1000]
    speed = {}
    for label, fn in (("topic embedder (sentence-transformers fp32, the pass topics already pay)",
                       lambda x: embed(x, embedder=embedder)),
                      ("fine-tuned sentiment (int8 ONNX, the extra pass)", model.predict_proba)):
        speed[label] = round(rate(fn, bench, repeat=2), 1)

    print(f"{'row':42s} {'frozen+LR':>10s} {'fine-tuned':>11s} {'cost':>7s}")
    for row, v in rows.items():
        print(f"{row:42s} {v['frozen+LR']:10.3f} {v['fine-tuned']:11.3f} {v['frozen+LR'] - v['fine-tuned']:+7.3f}")
    print()
    for label, s in speed.items():
        print(f"{label}: {s:.0f} sentences/s")
    if args.json:
        Path(args.json).write_text(json.dumps({"rows": rows, "speed": speed, "train_sentences": len(train),
                                               "C": args.c}, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
