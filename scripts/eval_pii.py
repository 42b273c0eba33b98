"""PII masking recall and false masks on the planted set (tests/data/pii_planted.json).

    python scripts/eval_pii.py                 # insight.pii.mask_pii
    python scripts/eval_pii.py --presidio      # also Presidio's pattern recognisers, if importable
    python scripts/eval_pii.py --show-misses

The file holds a tuning set (the regexes were tuned on it) and a held-out set written before
the held-out figures were first measured. A planted item counts as caught only when the masked text is exactly the expected one (the PII
replaced by its token and nothing else touched, so a partial leak such as ``john.o'[EMAIL]``
is a miss). A look-alike (order numbers, quantities, dates, tracking codes ...) counts as a false
mask when the masker changes it at all.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PLANTED = ROOT / "tests" / "data" / "pii_planted.json"


def score(mask: Callable[[str], str], data: dict) -> tuple[dict[str, tuple[int, int]], list[str], list[str]]:
    caught: Counter[str] = Counter()
    total: Counter[str] = Counter()
    misses = []
    for item in data["planted"]:
        total[item["kind"]] += 1
        got = mask(item["text"])
        if got == item["expected"]:
            caught[item["kind"]] += 1
        else:
            misses.append(f"{item['kind']}: {item['text']!r} -> {got!r}")
    false = [f"{t!r} -> {mask(t)!r}" for t in data["look_alikes"] if mask(t) != t]
    return {k: (caught[k], total[k]) for k in total}, misses, false


def report(name: str, mask: Callable[[str], str], data: dict, show: bool) -> None:
    per_kind, misses, false = score(mask, data)
    hit = sum(c for c, _ in per_kind.values())
    n = sum(t for _, t in per_kind.values())
    parts = ", ".join(f"{k} {c}/{t}" for k, (c, t) in per_kind.items())
    print(f"{name}: recall {hit}/{n} = {hit / n:.3f} ({parts}); "
          f"false masks {len(false)}/{len(data['look_alikes'])} look-alikes")
    if show:
        for line in misses:
            print("  miss  " + line)
        for line in false:
            print("  false " + line)


def presidio_mask() -> Callable[[str], str] | None:
    """Presidio's pattern recognisers (email, phone, credit card, IBAN); no NLP model needed."""
    try:
        from presidio_analyzer.predefined_recognizers import (
            CreditCardRecognizer,
            EmailRecognizer,
            IbanRecognizer,
            PhoneRecognizer,
        )
    except ImportError as exc:
        print(f"presidio: not importable ({exc}); pip install presidio-analyzer to compare", file=sys.stderr)
        return None
    recognisers = [
        (EmailRecognizer(), "EMAIL_ADDRESS", "[EMAIL]"),
        (PhoneRecognizer(supported_regions=("US", "GB", "DE", "TR", "FI", "FR")), "PHONE_NUMBER", "[PHONE]"),
        (CreditCardRecognizer(), "CREDIT_CARD", "[CARD]"),
        (IbanRecognizer(), "IBAN_CODE", "[IBAN]"),
    ]

    def mask(text: str) -> str:
        spans = []
        for rec, entity, token in recognisers:
            for r in rec.analyze(text, [entity], None):
                if r.score >= 0.4:
                    spans.append((r.start, r.end, token))
        spans.sort()
        out, last = [], 0
        for start, end, token in spans:
            if start < last:
                continue
            out += [text[last:start], token]
            last = end
        return "".join(out + [text[last:]])

    return mask


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--presidio", action="store_true", help="also score Presidio's pattern recognisers")
    parser.add_argument("--show-misses", action="store_true", help="print every miss and false mask")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from insight.pii import mask_pii

    data = json.loads(PLANTED.read_text(encoding="utf-8"))
    maskers = [("insight.pii", mask_pii)]
    if args.presidio and (mask := presidio_mask()) is not None:
        maskers.append(("presidio patterns", mask))
    for name, mask in maskers:
        report(f"{name}, tuning set", mask, data, args.show_misses)
        report(f"{name}, held-out set", mask, data["held_out"], args.show_misses)


if __name__ == "__main__":
    main()
