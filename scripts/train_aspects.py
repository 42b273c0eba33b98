#!/usr/bin/env python
"""Fine-tune all-MiniLM-L6-v2 as a BIO aspect-term tagger (models/aspects-minilm).

Token classification (O / B-ASP / I-ASP, label on the first sub-token of each word) trained on
SemEval-2014 restaurants train minus the seeded 15% held-out part (the same part the sentiment
model never sees) + SemEval-2014 laptops train + MAMS-ATSA train. Character offsets come from the
fast tokenizer, so extracted terms map back onto the original text.

Deterministic (seeded); progress on stderr; prints its wall time. Checkpoints go to /tmp.

    python scripts/train_aspects.py                 # full run, exports to models/aspects-minilm
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import _corpora as C  # noqa: E402

BIO = ["O", "B-ASP", "I-ASP"]


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def word_spans(enc) -> list[tuple[int, int, int, int]]:
    """[(first_token, last_token, char_start, char_end)] per word of a tokenizers Encoding."""
    out = []
    prev = None
    for ti, (w, (s, e)) in enumerate(zip(enc.word_ids, enc.offsets)):
        if w is None or enc.special_tokens_mask[ti]:
            prev = None
            continue
        if out and w == prev:
            ft, _, cs, _ = out[-1]
            out[-1] = (ft, ti, cs, e)
        else:
            out.append((ti, ti, s, e))
        prev = w
    return out


def token_labels(enc, aspects: list[tuple[int, int]]) -> list[int]:
    """-100 everywhere except the first sub-token of each word: O=0, B=1, I=2."""
    labels = [-100] * len(enc.ids)
    last_aspect = None
    for ft, _lt, cs, ce in word_spans(enc):
        lab = 0
        for k, (f, t) in enumerate(aspects):
            if cs < t and ce > f:  # overlaps aspect k
                lab = 2 if last_aspect == k else 1
                last_aspect = k
                break
        else:
            last_aspect = None
        labels[ft] = lab
    return labels


def build_sentences() -> tuple[list[tuple[str, list[tuple[int, int]], str]], dict]:
    rest_train, _held = C.semeval_restaurants()
    data = []
    counts: dict[str, int] = {}
    bad = 0
    for src, sents in (("semeval_rest", rest_train), ("semeval_lap", C.semeval_laptops()),
                       ("mams", C.mams_atsa("train"))):
        for s in sents:
            spans = []
            for a in s["aspects"]:
                if s["text"][a["from"]:a["to"]] != a["term"]:
                    bad += 1
                    continue
                spans.append((a["from"], a["to"]))
            data.append((s["text"], sorted(set(spans)), src))
            counts[src] = counts.get(src, 0) + 1
    counts["offset_mismatches_skipped"] = bad
    return data, counts


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", default=str(HERE.parent / "models" / "aspects-minilm"))
    p.add_argument("--epochs", type=float, default=3.0)
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--lr", type=float, default=1e-4)
    p.add_argument("--max-length", type=int, default=128)
    p.add_argument("--seed", type=int, default=13)
    p.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    p.add_argument("--ckpt", default="/tmp/insight-aspects-ckpt.pt", help="checkpoint path (keep out of the repo)")
    p.add_argument("--export-only", action="store_true",
                   help="export --ckpt (.pt, or a model.safetensors) to --out without training")
    p.add_argument("--lineage", default=None,
                   help="with --export-only: a JSON (e.g. an insight_model.json) whose train_command / training "
                        "describe the exported weights")
    args = p.parse_args(argv)

    import numpy as np
    import torch

    from _export import base_dir, export, keep_training_meta, load_weights
    from _train import finish, fit, pad_batch, plan_batches, seed_everything
    from insight.modelling._loading import Encoder
    from insight.modelling._torch_model import EncoderWithHead

    t_start = time.time()
    seed_everything(args.seed, args.threads)
    meta = {"name": "aspects.minilm.v1", "task": "token-classification", "labels": BIO, "pooling": "none",
            "max_length": args.max_length, "base": "sentence-transformers/all-MiniLM-L6-v2",
            "train_command": "python scripts/train_aspects.py " + " ".join(argv if argv is not None else sys.argv[1:])}
    model = EncoderWithHead.from_base(base_dir(), num_labels=3, pooling="none")
    if args.export_only:
        load_weights(model, args.ckpt)
        export(model, Path(args.out), keep_training_meta(meta, Path(args.out), args.lineage))
        return 0

    data, counts = build_sentences()
    log(f"[data] {len(data)} sentences: {counts}")
    enc = Encoder(Path(base_dir()), args.max_length)
    encs = enc.tok.encode_batch([t for t, _, _ in data])
    labs = [token_labels(e, spans) for e, (_, spans, _) in zip(encs, data)]
    lengths = [len(e.ids) for e in encs]
    n_asp_tok = sum(sum(1 for x in l if x == 1) for l in labs)
    log(f"[data] tokenised, mean length {np.mean(lengths):.1f}, B tokens {n_asp_tok}")

    batches = plan_batches(lengths, args.batch_size, args.epochs, args.seed)
    loss_fn = torch.nn.CrossEntropyLoss(ignore_index=-100)

    def batch_loss(b):
        ids, mask, tt = pad_batch(encs, b, type_ids=False)
        y = np.full_like(ids, -100)
        for r, i in enumerate(b):
            y[r, :len(encs[i].ids)] = labs[i]
        logits = model(torch.from_numpy(ids), torch.from_numpy(mask), torch.from_numpy(tt))
        return loss_fn(logits.reshape(-1, 3), torch.from_numpy(y).reshape(-1))

    train_min = fit(model, batches, batch_loss, lr=args.lr)
    return finish(model, args, meta, counts, counts_key="sentences", steps=len(batches), train_min=train_min,
                  t_start=t_start)


if __name__ == "__main__":
    raise SystemExit(main())
