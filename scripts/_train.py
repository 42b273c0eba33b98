"""The training loop both fine-tuning scripts share (train_sentiment.py, train_aspects.py).

Seeding, the length-bucketed batch plan, AdamW with linear warmup and decay, gradient clipping,
progress lines on stderr, and the final save + export. What differs per task (the batch's tensors
and its loss) comes in as ``batch_loss(batch_indices) -> loss``.
"""

from __future__ import annotations

import math
import platform
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def seed_everything(seed: int, threads: int) -> None:
    import numpy as np
    import torch

    torch.manual_seed(seed)
    random.seed(seed)
    np.random.seed(seed)
    torch.set_num_threads(threads)


def split_encoder(model, k: int):
    """Freeze a classifier's word embeddings and its encoder's bottom ``k`` layers and split the model there:
    returns (bottom, top), ``bottom(ids, mask, type_ids=None)`` -> hidden states after layer ``k`` (frozen,
    so computed once per example and cached) and ``top(hidden, mask)`` -> the model's heads over the
    trainable layers. ``model``: a module with ``encoder`` (a transformers BertModel) and ``heads(h, mask)``."""
    import torch
    from transformers.masking_utils import create_bidirectional_mask

    bert = model.encoder
    for prm in bert.embeddings.parameters():
        prm.requires_grad_(False)
    for layer in bert.encoder.layer[:k]:
        for prm in layer.parameters():
            prm.requires_grad_(False)

    def run(h, mask, layers):
        m4 = create_bidirectional_mask(config=bert.config, inputs_embeds=h, attention_mask=mask)
        for layer in layers:
            h = layer(h, m4)
        return h

    def bottom(ids, mask, type_ids=None):
        h = bert.embeddings(input_ids=ids, token_type_ids=torch.zeros_like(ids) if type_ids is None else type_ids)
        return run(h, mask, bert.encoder.layer[:k])

    def top(h, mask):
        return model.heads(run(h, mask, bert.encoder.layer[k:]), mask)

    return bottom, top


def cache_bottom(bottom, encs, lengths: list[int], *, type_ids: bool = True, batch: int = 64) -> list:
    """Each example's output of the frozen bottom layers (``split_encoder``'s ``bottom``), computed once in
    batches of similar length and kept unpadded in fp16, with progress on stderr."""
    import numpy as np
    import torch

    cache: list = [None] * len(encs)
    order = sorted(range(len(encs)), key=lambda i: lengths[i])
    t0 = time.time()
    with torch.inference_mode():
        for s in range(0, len(order), batch):
            idx = order[s:s + batch]
            ids, mask, tt = pad_batch(encs, idx, type_ids=type_ids)
            h = bottom(torch.from_numpy(ids), torch.from_numpy(mask), torch.from_numpy(tt)).numpy()
            for r, i in enumerate(idx):
                cache[i] = h[r, :lengths[i]].astype(np.float16)
            if (s // batch) % 50 == 0:
                el = time.time() - t0
                log(f"[cache] {s + len(idx)}/{len(encs)} {el / 60:.1f} min, "
                    f"eta {(len(encs) - s) * el / max(1, s) / 60:.1f} min")
    return cache


def make_batches(lengths: list[int], batch_size: int, rng: random.Random) -> list[list[int]]:
    """Shuffle, then sort by length inside windows of 50 batches (less padding), then shuffle batches."""
    idx = list(range(len(lengths)))
    rng.shuffle(idx)
    win = batch_size * 50
    batches = []
    for s in range(0, len(idx), win):
        chunk = sorted(idx[s:s + win], key=lambda i: lengths[i])
        batches += [chunk[j:j + batch_size] for j in range(0, len(chunk), batch_size)]
    rng.shuffle(batches)
    return batches


def plan_batches(lengths: list[int], batch_size: int, epochs: float, seed: int) -> list[list[int]]:
    """Batches for ``epochs`` passes (a fraction of a pass allowed), seeded."""
    rng = random.Random(seed)
    batches: list[list[int]] = []
    for _ in range(math.ceil(epochs)):
        batches += make_batches(lengths, batch_size, rng)
    return batches[:int(round(len(lengths) / batch_size * epochs))]


def pad_batch(encs, batch: list[int], *, type_ids: bool = True):
    """Token ids, attention mask and token type ids of one batch, right-padded (numpy int64)."""
    import numpy as np

    n = max(len(encs[i].ids) for i in batch)
    ids = np.zeros((len(batch), n), dtype=np.int64)
    mask = np.zeros_like(ids)
    tt = np.zeros_like(ids)
    for r, i in enumerate(batch):
        e = encs[i]
        ids[r, :len(e.ids)] = e.ids
        mask[r, :len(e.ids)] = 1
        if type_ids:
            tt[r, :len(e.ids)] = e.type_ids
    return ids, mask, tt


def fit(model, batches: list[list[int]], batch_loss: Callable, *, lr: float,
        on_step: Callable[[int], None] | None = None) -> float:
    """AdamW (weight decay 0.01), 6 % linear warmup then linear decay, grad-norm clip 1.0.
    Returns the training minutes."""
    import torch

    total = len(batches)
    warm = max(1, int(0.06 * total))
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.01)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min((s + 1) / warm, max(0.0, (total - s) / max(1, total - warm))))
    model.train()
    t0 = time.time()
    run_loss = 0.0
    for step, b in enumerate(batches, 1):
        loss = batch_loss(b)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        sched.step()
        opt.zero_grad(set_to_none=True)
        run_loss = 0.98 * run_loss + 0.02 * loss.item() if step > 1 else loss.item()
        if step % 25 == 0 or step == total:
            el = time.time() - t0
            log(f"[train] step {step}/{total} loss {run_loss:.4f} lr {sched.get_last_lr()[0]:.2e} "
                f"{el / 60:.1f} min, eta {(total - step) * el / step / 60:.1f} min")
        if on_step is not None:
            on_step(step)
    return (time.time() - t0) / 60


def _hardware(args) -> str:
    import torch

    device = getattr(args, "device", "cpu")
    if device.startswith("cuda"):
        return f"{torch.cuda.get_device_name(0)} (fp32, TF32 matmuls), torch {torch.__version__}"
    return f"{platform.processor() or platform.machine()}, torch threads={args.threads}"


def finish(model, args, meta: dict, data_counts: dict, *, counts_key: str, steps: int, train_min: float,
           t_start: float) -> int:
    """Save the checkpoint, record how training went in the model's metadata, export, report."""
    import torch

    from _export import export

    torch.save(model.state_dict(), args.ckpt)
    model.eval()
    meta["training"] = {**meta.get("training", {}), counts_key: data_counts, "steps": steps, "epochs": args.epochs,
                        "batch_size": args.batch_size, "lr": args.lr, "seed": args.seed,
                        "train_minutes": round(train_min, 1),
                        "hardware": _hardware(args)}
    export(model, Path(args.out), meta, keep_fp32=getattr(args, "keep_fp32", None))
    log(f"[done] wall time {(time.time() - t_start) / 60:.1f} min (training {train_min:.1f} min)")
    print(f"wall_time_min={(time.time() - t_start) / 60:.1f}")
    return 0
