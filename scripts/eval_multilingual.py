#!/usr/bin/env python
"""Cross-lingual issue discovery: do topics form by theme across languages, or by language?

Runs ``insight.stages.topics.discover_texts`` (the code of ``insight topics discover``, shipped
defaults) on one mixed-language corpus per data set, with each embedder, and reports

- ``lang NMI``: NMI between the topics and the texts' languages. A topic stage that sorts texts by
  language (what an English-only encoder does) scores near 1; one that groups themes across
  languages scores near 0. Lower is better.
- ``mixed``: share of the topical texts whose topic holds texts of at least ``--min-langs`` languages.
- ``NMI`` / ``ARI`` against a gold label where the data has one, over all texts and per language.

Data (no test split is read):
  semeval  SemEval-2016 restaurant reviews, train (``apc`` files: one sentence per opinion target,
           deduplicated), en, es, fr, tr; no gold theme in this format (the E#A categories were not
           converted), so only the language figures.
  xed      XED dev subtitle lines with exactly one emotion (anger, anticipation, disgust, fear, joy,
           sadness, surprise, trust), en, fi, tr, de, es, fr; gold = the emotion. Emotions are not
           topics, so expect low NMI for any embedder: the figure compares embedders, not products.

    python scripts/eval_multilingual.py [--corpus semeval|xed|all] [--per-language 200]
                                        [--embedders minilm,e5] [--seed 42] [--cache-dir /tmp/insight-ml-emb]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from eval_embedders import Cached  # noqa: E402
from eval_issues import CORPORA  # noqa: E402

SEMEVAL = {"en": "124.english/restaurants_train_english.xml.dat", "es": "127.spanish/restaurants_train_spanish.xml.dat",
           "fr": "125.french/restaurants_train_french.xml.dat", "tr": "128.turkish/restaurants_train_turkish.xml.dat"}
EMOTIONS = {1: "anger", 2: "anticipation", 3: "disgust", 4: "fear", 5: "joy", 6: "sadness", 7: "surprise", 8: "trust"}


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def load_semeval(per_language: int, seed: int) -> tuple[list[str], list[str], list[str] | None]:
    texts, langs = [], []
    for lang, rel in SEMEVAL.items():
        lines = (CORPORA / "semeval2016-absa-multilingual" / "apc_datasets" / rel).read_text(encoding="utf-8").splitlines()
        sents = sorted({lines[i].replace("$T$", lines[i + 1]).strip() for i in range(0, len(lines) - 2, 3)})
        for t in random.Random(seed).sample(sents, min(per_language, len(sents))):
            texts.append(t)
            langs.append(lang)
    return texts, langs, None


def load_xed(per_language: int, seed: int) -> tuple[list[str], list[str], list[str] | None]:
    by_lang: dict[str, list[tuple[str, str]]] = defaultdict(list)
    with open(CORPORA / "xed-emotions" / "dev.jsonl", encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            if len(row["emotions"]) == 1:
                by_lang[row["lang"]].append((row["text"], EMOTIONS[row["emotions"][0]]))
    texts, langs, gold = [], [], []
    for lang in ("en", "fi", "tr", "de", "es", "fr"):
        for t, g in random.Random(seed).sample(by_lang[lang], min(per_language, len(by_lang[lang]))):
            texts.append(t)
            langs.append(lang)
            gold.append(g)
    return texts, langs, gold


LOADERS = {"semeval": load_semeval, "xed": load_xed}


def evaluate(corpus: str, embedder: Cached, *, per_language: int, seed: int, min_langs: int) -> dict:
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    from insight.stages.topics import discover_texts

    texts, langs, gold = LOADERS[corpus](per_language, seed)
    log(f"{corpus} / {embedder.kind}: {len(texts):,} texts ...")
    pred = np.asarray([r["topic_id"] for r in discover_texts(texts, embedder=embedder, seed=seed)], dtype=int)
    topical = pred >= 0
    lang_arr = np.asarray(langs)
    langs_in = {t: len(set(lang_arr[pred == t])) for t in set(pred[topical].tolist())}
    mixed = float(np.mean([langs_in[t] >= min_langs for t in pred[topical]])) if topical.any() else 0.0
    row = {"corpus": corpus, "embedder": embedder.kind, "texts": len(texts), "topics": len(langs_in),
           "topical": float(topical.mean()),
           "lang_nmi": normalized_mutual_info_score(lang_arr[topical], pred[topical]) if topical.any() else float("nan"),
           "mixed": mixed}
    if gold is not None:
        g = np.asarray(gold)
        row["nmi"] = normalized_mutual_info_score(g, pred)
        row["ari"] = adjusted_rand_score(g, pred)
        row["per_language"] = {
            lang: {"nmi": normalized_mutual_info_score(g[lang_arr == lang], pred[lang_arr == lang]),
                   "ari": adjusted_rand_score(g[lang_arr == lang], pred[lang_arr == lang])}
            for lang in dict.fromkeys(langs)
        }
    row["largest"] = [(int(t), n, dict(Counter(lang_arr[pred == t].tolist())))
                      for t, n in Counter(pred[topical].tolist()).most_common(5)]
    return row


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", default="all", help="semeval, xed or all (default all)")
    ap.add_argument("--per-language", type=int, default=200, help="seeded texts per language (default 200)")
    ap.add_argument("--embedders", default="minilm,e5", help="comma-separated: minilm, e5, e5-raw (default minilm,e5)")
    ap.add_argument("--min-langs", type=int, default=3, help="languages a topic needs to count as mixed (default 3)")
    ap.add_argument("--seed", type=int, default=42, help="sampling and topic seed (default 42)")
    ap.add_argument("--cache-dir", default="/tmp/insight-ml-emb", help="where raw embeddings are cached (.npy)")
    ap.add_argument("--json", help="also write the rows as JSON to this file")
    args = ap.parse_args(argv)
    corpora = list(LOADERS) if args.corpus == "all" else [args.corpus]
    embedders = [Cached(k, Path(args.cache_dir)) for k in args.embedders.split(",")]
    rows = [evaluate(c, e, per_language=args.per_language, seed=args.seed, min_langs=args.min_langs)
            for c in corpora for e in embedders]
    print(f"| corpus | embedder | texts | topics | topical | lang NMI (lower: by theme) | mixed (>= {args.min_langs} langs) "
          "| NMI | ARI |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        nmi = f"{r['nmi']:.3f}" if "nmi" in r else "-"
        ari = f"{r['ari']:.3f}" if "ari" in r else "-"
        print(f"| {r['corpus']} | {r['embedder']} | {r['texts']:,} | {r['topics']} | {r['topical']:.1%} | "
              f"{r['lang_nmi']:.3f} | {r['mixed']:.1%} | {nmi} | {ari} |")
    for r in rows:
        if "per_language" in r:
            per = "  ".join(f"{k} {v['nmi']:.3f}/{v['ari']:.3f}" for k, v in r["per_language"].items())
            print(f"{r['corpus']} {r['embedder']} per language NMI/ARI: {per}")
        print(f"{r['corpus']} {r['embedder']} largest topics (id, size, languages): {r['largest']}")
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=1, default=str), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
