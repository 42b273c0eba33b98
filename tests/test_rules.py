"""Persona rules: safe parsing, evaluation, and errors that name persona, rule and fields."""

import pytest

from insight.errors import ConfigError
from insight.rules import compile_rule, field_kinds

ROWS = [
    {"plan": "premium", "region": "DE", "support_contacts": 3, "needs": ["request"], "mean_rating": 4.5},
    {"plan": "basic", "region": "US", "support_contacts": 0, "needs": [], "mean_rating": None},
]
KINDS = field_kinds(ROWS)


def _rule(text):
    return compile_rule(text, persona="Power user", fields=KINDS)


@pytest.mark.parametrize(("text", "expected"), [
    ('plan == "premium" and region in ["DE", "TR"]', [True, False]),
    ("support_contacts >= 2", [True, False]),
    ('"request" in needs', [True, False]),
    ('not plan == "premium"', [False, True]),
    ('plan == "basic" or mean_rating > 4', [True, True]),
    ("mean_rating >= 4", [True, False]),  # a missing value never matches an ordering
])
def test_rules_match(text, expected):
    rule = _rule(text)
    assert [rule.matches(r) for r in ROWS] == expected


def test_unknown_field_lists_the_fields():
    with pytest.raises(ConfigError) as err:
        _rule('tier == "gold"')
    assert str(err.value) == ("persona 'Power user', rule 'tier == \"gold\"': unknown field (got 'tier'). "
                              "Available fields: mean_rating, needs, plan, region, support_contacts.")


def test_wrong_type_is_reported():
    with pytest.raises(ConfigError, match=r"support_contacts holds number values \(got 'two'\)"):
        _rule('support_contacts >= "two"')


def test_bad_operator_is_reported():
    with pytest.raises(ConfigError, match=r"not allowed in a rule \(got 'support_contacts \+ 1'\)"):
        _rule("support_contacts + 1")


def test_function_calls_are_never_run():
    with pytest.raises(ConfigError, match="not allowed in a rule"):
        _rule("__import__('os').system('echo pwned')")


def test_syntax_error_names_the_rule():
    with pytest.raises(ConfigError, match=r"persona 'Power user', rule 'plan ==': not a valid rule"):
        _rule("plan ==")
