"""The demo generator's phrasing banks: the held-out bank shares no phrasing with the tune banks, and all
banks write the same customers, items and truth structure (only the planted sentences differ)."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
gen = pytest.importorskip("make_demo_corpus")

KINDS = ["request", "churn", "churn_repeat", "neutral_bought", "repeat_ref", "resolved", "tentative", "open"]


def _held_templates(half):
    bank = gen.PHRASING_BANKS[half]
    return {t for k in KINDS for t in bank[k]} | {t for ts in bank["motive"].values() for t in ts}


def test_held_bank_shares_no_phrasing_with_the_tune_banks():
    tune = set(gen.REQUEST_T + gen.CHURN_T + gen.CHURN_REPEAT_T + gen.CONTEXT + gen.REPEAT_REF + gen.CUST_THANKS
               + gen.CUST_UNRESOLVED) | _held_templates("tune2")
    held = _held_templates("held")
    assert held and not held & tune
    assert set(gen.PHRASING_BANKS["held"]["motive"]) == set(gen.PHRASING_BANKS["tune2"]["motive"])


def test_banks_write_the_same_structure():
    corpora = {half: gen.build(7, 100, half) for half in gen.PHRASINGS}
    texts = {half: gen.render(g) for half, g in corpora.items()}  # rendering writes the asks and closes
    assert [len(x) for x in texts["held"]] == [len(x) for x in texts["tune2"]]
    shapes = {half: [(c.cid, c.kind, sorted(c.signals), [(it.kind, it.when, it.close) for it in c.items])
                     for c in g.custs] for half, g in corpora.items()}
    assert shapes["held"] == shapes["tune"] == shapes["tune2"]
    asks = {half: sorted(text for c in g.custs for it in c.items for text, _ in it.asks) for half, g in corpora.items()}
    assert asks["held"] and not set(asks["held"]) & (set(asks["tune"]) | set(asks["tune2"]))


def test_unknown_bank_is_refused():
    with pytest.raises(ValueError, match="phrasings must be one of"):
        gen.Gen(7, 100, "heldout")
