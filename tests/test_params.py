"""One documented place for thresholds, read from a TOML [params] table."""

import pytest

from insight.errors import ConfigError
from insight.params import DEFAULT, AnalysisParams


def test_defaults_and_overrides():
    p = AnalysisParams.from_mapping({"pain_merge_distance": 0.4, "min_mentions": 5})
    assert p.pain_merge_distance == 0.4 and p.min_mentions == 5 and isinstance(p.min_mentions, int)
    assert p.growth_alpha == DEFAULT.growth_alpha
    assert AnalysisParams.from_mapping(None) == DEFAULT
    assert set(DEFAULT.as_dict()) >= {"assign_threshold", "min_problem_share", "pain_merge_distance", "growth_alpha"}


def test_unknown_or_bad_parameters_name_the_fix():
    with pytest.raises(ConfigError, match=r"params: unknown parameter 'merge' \(got \['merge'\]\). Known: "):
        AnalysisParams.from_mapping({"merge": 0.4})
    with pytest.raises(ConfigError, match=r"params.growth_alpha: expected a number \(got 'low'\)"):
        AnalysisParams.from_mapping({"growth_alpha": "low"})
