#!/usr/bin/env python
"""Fine-tune all-MiniLM-L6-v2 into the 3-class sentence + aspect sentiment model (models/sentiment-minilm).

One model does both: single-text input for sentence sentiment, sentence-pair input
(sentence, aspect term) for the polarity toward that aspect.

Training data (../shared/corpora; see the model card for licenses):
  SST-2 train (binary) · UMSAB english train (3-class tweets, x2) · ACL-14 Twitter targets (pairs) ·
  SemEval-2014 restaurants train minus the seeded 15% held-out part (pairs + unanimous sentences) ·
  SemEval-2014 laptops train (pairs + unanimous sentences) · MAMS-ATSA train (pairs).
Never used: TweetEval val (eval only), UCI sentences (held-out generalisation test), MARC, TWCS.

Deterministic (seeded); progress on stderr; prints its wall time. Checkpoints go to /tmp.

    python scripts/train_sentiment.py                      # full run, exports to models/sentiment-minilm
    python scripts/train_sentiment.py --epochs 0.3         # quick model
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import _corpora as C  # noqa: E402
from insight.modelling._text import normalise  # noqa: E402


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def build_examples(umsab_repeat: int = 2, products: bool = False,
                   acl14_sentences: bool = False) -> list[tuple[str, str | None, int, str]]:
    ex: list[tuple[str, str | None, int, str]] = []
    ex += [(t, None, y, "sst2") for t, y in C.sst2("train")]
    ex += [(t, None, y, "umsab_en") for t, y in C.umsab_english("train")] * umsab_repeat
    ex += [(t, a, y, "acl14") for t, a, y in C.acl14_train()]
    if acl14_sentences:  # the same tweets without their target: neutral and opinionated tweets, sentence level
        ex += [(t, None, y, "acl14_sent") for t, y in C.acl14_sentences()]
    rest_train, _held = C.semeval_restaurants()
    laps = C.semeval_laptops()
    ex += [(t, a, y, "semeval_rest") for t, a, y in C.aspect_pairs(rest_train)]
    ex += [(t, None, y, "semeval_rest_sent") for t, y in C.unanimous_sentences(rest_train)]
    ex += [(t, a, y, "semeval_lap") for t, a, y in C.aspect_pairs(laps)]
    ex += [(t, None, y, "semeval_lap_sent") for t, y in C.unanimous_sentences(laps)]
    ex += [(t, a, y, "mams") for t, a, y in C.aspect_pairs(C.mams_atsa("train"))]
    if products:  # Amazon TV / T-shirt reviews: the product-review register insight reads most
        prod = C.product_reviews()
        ex += [(t, a, y, "products") for t, a, y in C.aspect_pairs(prod)]
        ex += [(t, None, y, "products_sent") for t, y in C.unanimous_sentences(prod)]
    # the same normalisation the runtime applies (handles, URLs, emoji -> words)
    return [(normalise(t), a, y, src) for t, a, y, src in ex]


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", default=str(HERE.parent / "models" / "sentiment-minilm"))
    p.add_argument("--epochs", type=float, default=1.0)
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--lr", type=float, default=8e-5)
    p.add_argument("--max-length", type=int, default=96)
    p.add_argument("--seed", type=int, default=13)
    p.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    p.add_argument("--device", default="cpu", help="cpu, or cuda to train on a GPU (fp32 weights, TF32 matmuls)")
    p.add_argument("--ckpt", default="/tmp/insight-sentiment-ckpt.pt", help="checkpoint path (keep out of the repo)")
    p.add_argument("--snapshot-at", type=float, nargs="*", default=[],
                   help="also export a usable model to --out after these fractions of training (e.g. 0.5)")
    p.add_argument("--init-from", default=None,
                   help="continue from this checkpoint (.pt state dict, or a shipped model.safetensors) "
                        "instead of the base encoder")
    p.add_argument("--with-products", action="store_true",
                   help="add the Amazon TV / T-shirt ABSA reviews (aspect pairs + unanimous sentences; pass 4)")
    p.add_argument("--acl14-sentences", action="store_true",
                   help="also train on the ACL-14 tweets as sentences (no target): clean 3-class tweet data, since "
                        "1,430 of UMSAB's 1,839 english train tweets are TweetEval val tweets and get dropped")
    p.add_argument("--export-only", action="store_true",
                   help="export --ckpt (.pt, or a model.safetensors) to --out without training")
    p.add_argument("--lineage", default=None,
                   help="with --export-only: a JSON (e.g. an insight_model.json) whose train_command / training "
                        "describe the exported weights")
    p.add_argument("--keep-eval-overlap", action="store_true",
                   help="do NOT drop training texts that also occur in an eval set (the shipped v1 was trained "
                        "this way: 1,430 UMSAB tweets are TweetEval val tweets)")
    p.add_argument("--source-fraction", nargs="*", default=[], metavar="SOURCE=WEIGHT",
                   help="reweight a source: mams=0.35 keeps a seeded 35%% of it (second pass); sst2=2 repeats "
                        "it twice; 1.5 = once + a seeded half")
    args = p.parse_args(argv)

    import numpy as np
    import torch

    from _export import base_dir, export, keep_training_meta, load_weights
    from _train import finish, fit, pad_batch, plan_batches, seed_everything
    from insight.modelling._loading import Encoder
    from insight.modelling._torch_model import EncoderWithHead

    t_start = time.time()
    seed_everything(args.seed, args.threads)
    meta = {"name": "sentiment.minilm.v2", "task": "sequence-classification", "labels": C.LABELS,
            "pooling": "mean", "max_length": args.max_length, "base": "sentence-transformers/all-MiniLM-L6-v2",
            "train_command": "python scripts/train_sentiment.py " + " ".join(argv if argv is not None else sys.argv[1:])}

    model = EncoderWithHead.from_base(base_dir(), num_labels=3, pooling="mean")
    if args.export_only:
        load_weights(model, args.ckpt)
        export(model, Path(args.out), keep_training_meta(meta, Path(args.out), args.lineage))
        return 0
    if args.init_from:
        load_weights(model, args.init_from)
    if args.device.startswith("cuda"):
        torch.backends.cuda.matmul.allow_tf32 = True
    model.to(args.device)

    ex = build_examples(products=args.with_products, acl14_sentences=args.acl14_sentences)
    if not args.keep_eval_overlap:
        keys = C.eval_text_keys()
        n0 = len(ex)
        ex = [e for e in ex if " ".join(e[0].lower().split()) not in keys]
        log(f"[data] dropped {n0 - len(ex)} training texts that occur in an eval set")
    frac = {k: float(v) for k, v in (x.split("=") for x in args.source_fraction)}
    if frac:
        r = random.Random(args.seed + 1)
        kept = []
        for e in ex:
            if e[3] not in frac:
                kept.append(e)
                continue
            w = frac[e[3]]  # one draw per example, so fractions < 1 select as they always did
            n = int(w) + (1 if r.random() < w - int(w) else 0)
            kept += [e] * n
        ex = kept
    counts: dict[str, int] = {}
    for e in ex:
        counts[e[3]] = counts.get(e[3], 0) + 1
    log(f"[data] {len(ex)} examples: {counts}")
    enc = Encoder(Path(base_dir()), args.max_length)
    _, _, _, _ = enc.encode(["warm up"])
    encs = enc.tok.encode_batch([(t, a) if a is not None else t for t, a, _, _ in ex])
    lengths = [len(e.ids) for e in encs]
    labels = np.array([e[2] for e in ex], dtype=np.int64)
    log(f"[data] tokenised, mean length {np.mean(lengths):.1f}")

    batches = plan_batches(lengths, args.batch_size, args.epochs, args.seed)
    total = len(batches)
    snaps = sorted(int(f * total) for f in args.snapshot_at)
    loss_fn = torch.nn.CrossEntropyLoss()

    def batch_loss(b):
        ids, mask, tt = pad_batch(encs, b)
        dev = args.device
        logits = model(torch.from_numpy(ids).to(dev), torch.from_numpy(mask).to(dev), torch.from_numpy(tt).to(dev))
        return loss_fn(logits, torch.from_numpy(labels[b]).to(dev))

    def snapshot(step):
        if step in snaps:
            torch.save(model.state_dict(), args.ckpt)
            model.eval()
            try:
                export(model, Path(args.out), meta)
            except Exception as e:  # a failed snapshot must not kill the run
                log(f"[snapshot] export failed: {e!r}")
            model.train()

    train_min = fit(model, batches, batch_loss, lr=args.lr, on_step=snapshot)
    return finish(model, args, meta, counts, counts_key="examples", steps=total, train_min=train_min,
                  t_start=t_start)


if __name__ == "__main__":
    raise SystemExit(main())
