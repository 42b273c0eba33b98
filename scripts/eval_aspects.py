#!/usr/bin/env python
"""Aspect term extraction: exact-span F1 (character offsets) per language on the held-out parts.

Sets (never trained on): the seeded 15 % held-out part of SemEval-2014 restaurants train (en, the number in
the model cards), the seeded 15 % held-out part of each SemEval-2016 restaurants train (en, es, fr, tr:
``_corpora.semeval16_split``) and the official SemEval-2016 restaurants test sets (for orientation; the
SemEval-2016 files hold only sentences with at least one opinion target, so these sets have no sentence
without a term and their precision is read on aspect-bearing sentences only).

F1 is micro over (sentence, start, end): a term counts only when both offsets match the annotation.

    python scripts/eval_aspects.py                                  # the shipped extractor (int8 ONNX)
    python scripts/eval_aspects.py --model models/aspects-minilm --model /tmp/aspects-e5 --json /tmp/ate.json
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


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def span_f1(gold: list[set], pred: list[set]) -> dict:
    """Micro precision / recall / F1 over the spans of all sentences."""
    tp = sum(len(g & p) for g, p in zip(gold, pred, strict=True))
    n_pred = sum(len(p) for p in pred)
    n_gold = sum(len(g) for g in gold)
    prec = tp / n_pred if n_pred else 0.0
    rec = tp / n_gold if n_gold else 0.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return {"f1": f1, "precision": prec, "recall": rec, "gold": n_gold, "sentences": len(gold)}


def eval_sets() -> dict[str, tuple[str, list[dict]]]:
    """{set name: (language, sentences)}."""
    sets = {"SemEval-14 rest held-out": ("en", C.semeval_restaurants()[1])}
    for lang in C.SEMEVAL16_LANGS:
        sets[f"SemEval-16 {lang} held-out"] = (lang, C.semeval16_split(lang)[1])
    for lang in C.SEMEVAL16_LANGS:
        sets[f"SemEval-16 {lang} test"] = (lang, C.semeval16_sentences(lang, "test"))
    return sets


def score(extractor, sets: dict) -> dict:
    out = {}
    for name, (_lang, sents) in sets.items():
        found = extractor.extract([s["text"] for s in sents])
        gold = [{(a["from"], a["to"]) for a in s["aspects"]} for s in sents]
        pred = [{(d["start"], d["end"]) for d in f} for f in found]
        out[name] = span_f1(gold, pred)
    return out


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", action="append", default=None,
                   help="model directory (repeatable); default: the shipped aspect extractor")
    p.add_argument("--backend", choices=("onnx", "torch"), default="onnx", help="onnx = int8 CPU path")
    p.add_argument("--json", default=None, help="also write the scores to this file")
    args = p.parse_args(argv)

    from insight.modelling.aspects import AspectExtractor

    sets = eval_sets()
    results = {}
    for path in args.model or [None]:
        t0 = time.time()
        ex = AspectExtractor.load(path, device="cpu", backend=args.backend)
        key = f"{ex.name}@{ex.version} {ex.model_dir.name} ({args.backend})"
        results[key] = score(ex, sets)
        log(f"[eval] {key} in {time.time() - t0:.0f}s")
    names = list(results)
    print("| set | lang | sentences | terms | " + " | ".join(names) + " |")
    print("|---|---|---|---|" + "---|" * len(names))
    for s, (lang, _) in sets.items():
        first = results[names[0]][s]
        cells = [f"{results[n][s]['f1']:.3f} (P {results[n][s]['precision']:.2f} R {results[n][s]['recall']:.2f})"
                 for n in names]
        print(f"| {s} | {lang} | {first['sentences']} | {first['gold']} | " + " | ".join(cells) + " |")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
