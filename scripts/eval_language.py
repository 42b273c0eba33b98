#!/usr/bin/env python
"""How well insight routes short texts to a language: py3langid alone, and with the fallbacks.

Data (dev splits only):
  umsab   ``umsab-multilingual-tweets/<language>/val_text.txt``: tweets; en, de, es, fr (324 each).
  xed     ``xed-emotions/dev.jsonl``: movie-subtitle lines; en, fi, tr, de, es, fr (1,000 each).

Each text is routed as ``insight.ingest.language`` routes it at ingest (``detect_language``: a
language only when py3langid is confident and the text long enough), and then as the analysis
routes it (``resolve_language``): a text ingest left open takes its customer's language, here
simulated honestly as the majority of what ingest *detected* on ``--history`` other texts of the
same language from the same split (a customer writes in one language; no gold label is used),
and a text with no usable history takes py3langid's best guess among the supported languages.

Columns per language: ``routed`` (share that reaches the right pipeline), ``wrong`` (another
supported language), ``skipped`` (an unsupported language: the text would get no analysis) and
``open`` (no language at all; the pipeline's default, English, would take it). Policies: ``py3langid
raw`` (its top language, no threshold), ``ingest`` (confident only), ``+ supported guess only`` (an
unlinked post: no history, open texts take the best supported guess), ``+ customer history``
(history only, no guess), ``+ history, then guess`` (what ``insight analyze`` does), and ``guess,
right country`` / ``guess, wrong country``: an unlinked text whose CRM country names its own language
or another one (German for English texts, English for the others), to weigh the country prior.

    python scripts/eval_language.py [--corpus umsab|xed|all] [--history 3] [--seed 0] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from insight.ingest.language import SUPPORTED, best_supported_guess, detect, detect_language, resolve_language  # noqa: E402

sys.path.insert(0, str(HERE))
from _corpora import CORPORA  # noqa: E402  ../shared/corpora or $INSIGHT_CORPORA, defined once

UMSAB = {"en": "english", "de": "german", "es": "spanish", "fr": "french"}


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def load(corpus: str) -> dict[str, list[str]]:
    if corpus == "umsab":
        out = {}
        for code, folder in UMSAB.items():
            path = CORPORA / "umsab-multilingual-tweets" / folder / "val_text.txt"
            out[code] = [t.strip() for t in path.read_text(encoding="utf-8").splitlines() if t.strip()]
        return out
    if corpus == "xed":
        out: dict[str, list[str]] = {}
        with open(CORPORA / "xed-emotions" / "dev.jsonl", encoding="utf-8") as fh:
            for line in fh:
                row = json.loads(line)
                out.setdefault(row["lang"], []).append(row["text"].strip())
        return out
    raise SystemExit(f"eval_language: unknown corpus (got {corpus!r}). Use umsab, xed or all.")


def outcome(pred: str | None, gold: str) -> str:
    if pred == gold:
        return "routed"
    if pred is None:
        return "open"
    return "wrong" if pred in SUPPORTED else "skipped"


def evaluate(corpus: str, *, history: int, seed: int, prior_ratio: float | None = None) -> list[dict]:
    rng = random.Random(seed)
    rows = []
    for lang, texts in sorted(load(corpus).items()):
        ingest = [detect_language(t) for t in texts]
        policies: dict[str, Counter] = {"py3langid raw": Counter(), "ingest (confident only)": Counter(),
                                        "+ supported guess only": Counter(), "+ customer history": Counter(),
                                        "+ history, then guess": Counter(),
                                        "guess, right country": Counter(), "guess, wrong country": Counter()}
        for i, text in enumerate(texts):
            raw = detect(text)[0]
            policies["py3langid raw"][outcome(raw, lang)] += 1
            policies["ingest (confident only)"][outcome(ingest[i], lang)] += 1
            alone = resolve_language(text, ingest[i])
            policies["+ supported guess only"][outcome(alone, lang)] += 1
            others = rng.sample([j for j in range(len(texts)) if j != i], history)
            hist = [ingest[j] for j in others]
            with_hist = resolve_language(text, ingest[i], history=hist, guess=False)
            policies["+ customer history"][outcome(with_hist, lang)] += 1
            full = resolve_language(text, ingest[i], history=hist)
            policies["+ history, then guess"][outcome(full, lang)] += 1
            # the CRM country as a prior: right (the text's own language) and wrong (another one)
            wrong = "de" if lang == "en" else "en"
            for name, country in (("guess, right country", lang), ("guess, wrong country", wrong)):
                pred = ingest[i] or best_supported_guess(text, country, prior_ratio=prior_ratio)
                policies[name][outcome(pred, lang)] += 1
        for name, c in policies.items():
            n = sum(c.values())
            rows.append({"corpus": corpus, "lang": lang, "policy": name, "n": n,
                         **{k: c[k] / n for k in ("routed", "wrong", "skipped", "open")}})
        chars = sum(len(t) for t in texts) / len(texts)
        log(f"{corpus} {lang}: {len(texts)} texts, mean {chars:.0f} chars")
    return rows


def table(rows: list[dict]) -> str:
    out = [f"{'corpus':<6} {'lang':<4} {'policy':<24} {'n':>5} {'routed':>7} {'wrong':>6} {'skipped':>7} {'open':>5}"]
    for r in rows:
        out.append(f"{r['corpus']:<6} {r['lang']:<4} {r['policy']:<24} {r['n']:>5} {r['routed']:>7.3f} "
                   f"{r['wrong']:>6.3f} {r['skipped']:>7.3f} {r['open']:>5.3f}")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", default="all", help="umsab, xed or all (default all)")
    ap.add_argument("--history", type=int, default=3,
                    help="other texts of the same customer used by the history fallback (default 3)")
    ap.add_argument("--seed", type=int, default=0, help="seed for drawing the history texts (default 0)")
    ap.add_argument("--prior-ratio", type=float, default=None,
                    help="share of the top language's probability at which the country's language wins "
                         "(default: insight.ingest.language.PRIOR_RATIO)")
    ap.add_argument("--json", help="also write the rows as JSON to this file")
    args = ap.parse_args(argv)
    corpora = ["umsab", "xed"] if args.corpus == "all" else [args.corpus]
    t = time.perf_counter()
    rows = [r for c in corpora for r in evaluate(c, history=args.history, seed=args.seed, prior_ratio=args.prior_ratio)]
    print(table(rows))
    # macro averages per corpus and policy
    print()
    for c in corpora:
        for policy in dict.fromkeys(r["policy"] for r in rows):
            sel = [r for r in rows if r["corpus"] == c and r["policy"] == policy]
            avg = {k: sum(r[k] for r in sel) / len(sel) for k in ("routed", "wrong", "skipped", "open")}
            print(f"{c:<6} mean {policy:<24} routed {avg['routed']:.3f}  wrong {avg['wrong']:.3f}  "
                  f"skipped {avg['skipped']:.3f}  open {avg['open']:.3f}")
    log(f"{time.perf_counter() - t:.1f} s")
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
