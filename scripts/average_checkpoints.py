#!/usr/bin/env python
"""Average the weights of fine-tuned checkpoints of the same model (a "uniform model soup").

Runs that continue from one parent checkpoint with different seeds or data mixes stay in one basin of
the loss, so their weight average is a valid model and is usually at least as good as the best of
them (Wortsman et al., 2022). Inputs: training checkpoints (.pt state dicts) or shipped fp16
``model.safetensors`` files. The output is a .pt state dict for ``train_sentiment.py --export-only``.

    python scripts/average_checkpoints.py /tmp/v4/ckpt.pt /tmp/v5/ckpt.pt --out /tmp/soup.pt
    python scripts/train_sentiment.py --export-only --ckpt /tmp/soup.pt
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("inputs", nargs="+", help="checkpoints to average (.pt or .safetensors)")
    p.add_argument("--out", required=True, help="where to write the averaged .pt state dict")
    args = p.parse_args(argv)

    import torch

    from _export import read_state

    states = [read_state(x) for x in args.inputs]
    keys = set(states[0])
    for path, st in zip(args.inputs[1:], states[1:]):
        if set(st) != keys or any(st[k].shape != states[0][k].shape for k in keys):
            raise SystemExit(f"{path}: not the same architecture as {args.inputs[0]}; cannot average")
    avg = {k: sum(st[k] for st in states) / len(states) for k in states[0]}
    torch.save(avg, args.out)
    print(f"[average] {len(states)} checkpoints -> {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
