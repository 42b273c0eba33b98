#!/usr/bin/env python3
"""Resolution status from a support conversation's close, on closing turns written by hand.

    python scripts/eval_closes.py [--show]

The demo generator's closing turns come in banks (corpora/README.md) and the real support threads of
``scripts/eval_resolution.py`` are only 17, so this is a third check: 39 closing turns written for issue 16
(15 that confirm a fix, 9 promises to try, 15 that leave the problem open), none taken from a demo bank or a
corpus. Each close follows a clearly negative complaint in a two-turn conversation and is read as the
profiles read it (``insight.stages.acts.close_reading`` and churn frames on the parse, the shipped
sentiment model's score, ``insight.stages.profiles._close_status``): resolved, open or unknown (a promise
to try). Prints accuracy and, with ``--show``, every close with its reading.
"""

from __future__ import annotations

import argparse
import sys
from collections import namedtuple
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CLOSES = {
    "resolved": [
        "Yep, all good now, cheers.", "Perfect, the camera is streaming again.", "That did the trick, thank you!",
        "Problem solved, thanks a lot.", "Looks like it's behaving now, thanks.", "Everything's back to normal.",
        "Great, it connects fine now.", "Awesome, that fixed it.", "Seems to be working now, thanks!",
        "Lovely, all sorted.", "Much better now, appreciate it.", "Spot on, the alerts are coming through again.",
        "Yes! It finally shows up in the app.", "Cool, the refund has landed.", "Got the code this time, thank you.",
    ],
    "unknown": [
        "I'll give that a go tonight.", "Ok, going to try that and report back.", "Will test it later, thanks.",
        "Let me try that and see.", "I'll try resetting it then.", "Ok I'll check that later, thanks.",
        "Thanks, I'll have a go at that when I'm home.", "Ok, I'll see if that helps.",
        "Going to reboot it tonight and see.",
    ],
    "open": [
        "Right, so nothing then.", "That's not good enough.", "Ok, I'll wait for your email I guess.",
        "Still doesn't work.", "Great, another week without a working camera.", "Not what I wanted to hear.",
        "Hmm, ok. Let me know.", "Whatever, just get it fixed.", "I've heard that before.", "So I'm stuck with it.",
        "That's disappointing.", "Tried that already, no change.", "Same problem as before.",
        "I expected better than this.", "Fine, whatever.",
    ],
}
_Row = namedtuple("_Row", "sentence_id record_id score sort_ns")


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--show", action="store_true", help="list every close with its label and reading")
    args = ap.parse_args(argv)

    from insight.resources import Models
    from insight.stages.acts import churn_frame, close_reading
    from insight.stages.profiles import _close_status
    from insight.stages.sentiment import score_texts

    models = Models()
    nlp = models.get("nlp")
    items = [(gold, text) for gold, texts in CLOSES.items() for text in texts]
    scores = score_texts([text for _, text in items], model=models.get("sentiment"))
    right = 0
    for (gold, text), scored in zip(items, scores, strict=True):
        doc = nlp(text)
        acts: dict[str, dict] = {"close": {}}
        reading = close_reading(doc)
        if reading:
            acts["close"][f"close_{reading[0]}"] = (None, reading[1])
        if any(churn_frame(sent) for sent in doc.sents):
            acts["close"]["churn"] = (None, None)
        turns = [_Row("complaint", "r0", -0.8, 0), _Row("close", "r1", scored["score"], 1)]
        got, reason, _ = _close_status(turns, 0, acts)
        right += got == gold
        if args.show:
            print(f"{'ok ' if got == gold else 'ERR'} gold {gold:<8} got {got:<8} {scored['score']:+.2f} {text!r} ({reason})")
    print(f"resolution from {len(items)} hand-written closing turns: accuracy {right / len(items):.3f} "
          f"({right} of {len(items)})")


if __name__ == "__main__":
    main()
