"""The act heads' training data (scripts/fit_act_heads.py): the written sentences added to the demo's tune
banks never carry the held-out bank's phrasings, the demo's objects or competitors, and the held bank
cannot be fitted on."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
gen = pytest.importorskip("make_demo_corpus")
fit = pytest.importorskip("fit_act_heads")


@pytest.mark.parametrize("kind", ["request", "churn"])
def test_written_sentences_share_nothing_with_the_held_bank_or_the_demo(kind):
    positives, negatives = fit.extra_sentences(kind)
    assert len(positives) > 50 and not set(positives) & set(negatives)
    held = gen.PHRASING_BANKS["held"]
    pattern = fit._template_regex(held["request"] + held["churn"] + held["churn_repeat"])
    assert not [s for s in positives + negatives if pattern.fullmatch(s.rstrip())]
    demo_words = [f.lower() for f in gen.G["feat"] + gen.COMPETITORS]
    assert not [s for s in positives if any(w in s.lower() for w in demo_words)]


def test_each_bank_gives_its_own_templates():
    assert fit._templates(gen, "request", ("tune",)) == gen.REQUEST_T
    assert set(fit._templates(gen, "churn", ("tune2",))) == set(gen.CHURN_TUNE2 + gen.CHURN_REPEAT_TUNE2)


def test_the_held_bank_is_never_fitted_on():
    with pytest.raises(SystemExit):
        fit.main(["--banks", "tune,held", "--out", "/nonexistent"])
