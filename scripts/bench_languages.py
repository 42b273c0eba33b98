#!/usr/bin/env python
"""Speed of a mixed-language corpus against an English one of the same size, for the stages
whose work depends on the language: language settling, sentences (per-language spaCy) and the
topic embedding.

Both corpora are XED dev lines (short subtitle lines, like chat turns): ``--records`` English
lines, and ``--records`` lines drawn equally from ``--languages``. Each corpus runs in a fresh
store with every record's language left open, through the same code as ``insight analyze``
(``pipeline.resolve_languages``, the nlp runner, the embed runner). Pipeline loads are timed apart
(a language's spaCy pipeline loads once per process: up to ~10 s for the Turkish lookup lemmas).
Sentiment and aspects are not here: their speed is the sentiment model's (issue 10).

    python scripts/bench_languages.py [--records 600] [--languages en,tr,fi,de,es,fr]
                                      [--embedder embed.multilingual-e5-small-q4.v1]
                                      [--english-embedder embed.all-minilm-l6-v2.v1] [--seed 7]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

sys.path.insert(0, str(HERE))
from _corpora import CORPORA  # noqa: E402  ../shared/corpora or $INSIGHT_CORPORA, defined once


def corpus(languages: list[str], n: int, seed: int) -> list[str]:
    by_lang: dict[str, list[str]] = {}
    with open(CORPORA / "xed-emotions" / "dev.jsonl", encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            by_lang.setdefault(row["lang"], []).append(row["text"])
    rng = random.Random(seed)
    per = [n // len(languages) + (i < n % len(languages)) for i in range(len(languages))]
    return [t for lang, k in zip(languages, per, strict=True) for t in rng.sample(by_lang[lang], k)]


def run(texts: list[str], models, tag: str) -> dict[str, float]:
    from insight import pipeline
    from insight.runners import InProcessRunner
    from insight.schema import Record, stable_id
    from insight.store import Store

    records = [Record(record_id=stable_id("bench", tag, str(i)), channel="social",
                      created_at=datetime(2026, 1, 1, tzinfo=timezone.utc), text=t, source="bench", source_id=str(i),
                      source_file="xed", source_line=i, language=None) for i, t in enumerate(texts)]
    out: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "b.duckdb") as store:
        store.add_records(records, "bench")
        runner = InProcessRunner(models)
        t = time.perf_counter()
        pipeline.resolve_languages(store)
        out["languages"] = time.perf_counter() - t
        batch = store.pending("nlp")
        t = time.perf_counter()
        sentences = runner.apply("nlp", batch)
        out["nlp"] = time.perf_counter() - t
        t = time.perf_counter()
        runner.apply("embed", sentences)
        out["embed"] = time.perf_counter() - t
        out["sentences"] = len(sentences)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--records", type=int, default=600, help="records per corpus (default 600)")
    ap.add_argument("--languages", default="en,tr,fi,de,es,fr", help="languages of the mixed corpus (default all six)")
    ap.add_argument("--embedder", default="embed.multilingual-e5-small-q4.v1", help="topic embedder (versioned name)")
    ap.add_argument("--english-embedder", default=None,
                    help="embedder for the English corpus (default: --embedder; embed.all-minilm-l6-v2.v1 is "
                         "what an English store gets by default)")
    ap.add_argument("--seed", type=int, default=7, help="sampling seed (default 7)")
    args = ap.parse_args(argv)
    from insight import resources
    from insight.pipeline import Models

    langs = args.languages.split(",")
    models = Models(embedder=args.embedder)
    t = time.perf_counter()
    models.get("embedder")
    router = models.get("languages")
    loads = {}
    for lang in dict.fromkeys(["en", *langs]):
        t1 = time.perf_counter()
        router.for_language(lang)
        loads[lang] = time.perf_counter() - t1
    print(f"loads: embedder {time.perf_counter() - t - sum(loads.values()):.1f}s; spaCy "
          + ", ".join(f"{k} {v:.1f}s" for k, v in loads.items()))
    run(corpus(langs, 2 * len(langs), args.seed + 1), models, "warm")  # py3langid's model, first batches
    en_models = models
    if args.english_embedder and args.english_embedder != args.embedder:
        en_models = Models(embedder=args.english_embedder)
        en_models._cache["languages"] = router
        run(corpus(["en"], 6, args.seed + 1), en_models, "warm-en")
    english = run(corpus(["en"], args.records, args.seed), en_models, "en")
    mixed = run(corpus(langs, args.records, args.seed), models, "mixed")
    print(f"{args.records} records per corpus; embedder {resources.embedder_name(args.embedder)} "
          f"(English corpus: {resources.embedder_name(args.english_embedder or args.embedder)})")
    print(f"{'stage':<12} {'english s':>10} {'mixed s':>10} {'mixed/english':>14}")
    for stage in ("languages", "nlp", "embed"):
        print(f"{stage:<12} {english[stage]:>10.2f} {mixed[stage]:>10.2f} {mixed[stage] / english[stage]:>14.2f}")
    e_total = sum(english[s] for s in ("languages", "nlp", "embed"))
    m_total = sum(mixed[s] for s in ("languages", "nlp", "embed"))
    print(f"{'total':<12} {e_total:>10.2f} {m_total:>10.2f} {m_total / e_total:>14.2f}")
    print(f"sentences: english {english['sentences']}, mixed {mixed['sentences']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
