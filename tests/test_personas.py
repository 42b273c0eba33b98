"""Persona enrichment and derivation over profiles built from hand-made frames."""

import pytest
import yaml
from test_profiles import _build, _corpus

from insight.errors import ConfigError
from insight.personas import derive, enrich, load_personas, render_md, slug

ATTRS = {"C1": {"plan": "premium", "region": "DE", "lifetime_value": 900.0},
         "C2": {"plan": "basic", "region": "US", "lifetime_value": 100.0},
         "C3": {"plan": "premium", "region": "TR", "lifetime_value": 500.0},
         "C4": {"plan": "basic", "region": "DE", "lifetime_value": 50.0}}


@pytest.fixture()
def profiles():
    return list(_build(_corpus(), attributes=ATTRS).values())


def test_enrich_keeps_fields_and_marks_generated(profiles):
    personas = [{"name": "Premium loyalists", "rules": ['plan == "premium"'], "goals": ["peace of mind"]}]
    out = enrich(personas, profiles, run_id="run-1")[0]
    assert out["goals"] == ["peace of mind"] and out["rules"] == ['plan == "premium"']
    g = out["generated"]
    assert g["run_id"] == "run-1"
    assert g["size"] == 2 and g["share"] == 0.5
    assert g["lifetime_value"] == {"total": 1400.0, "mean": 700.0}
    assert g["demographics"]["region"] == {"DE": 0.5, "TR": 0.5}
    assert {"kind": "request", "prevalence": 0.5} in g["unmet_needs"]


def test_enrich_rule_error_names_the_persona(profiles):
    with pytest.raises(ConfigError, match=r"persona 'X', rule 'tier == 1': unknown field \(got 'tier'\)\. Available fields: .*churn_risk"):
        enrich([{"name": "X", "rules": ["tier == 1"]}], profiles, run_id="r")


def test_derive_proposes_k_named_segments_that_enrich_accepts(profiles, tmp_path):
    derived = derive(profiles, k=2, seed=1)
    assert len(derived) == 2 and len({p["name"] for p in derived}) == 2
    assert sum(p["derived"]["size"] for p in derived) == len(profiles)
    path = tmp_path / "p.yaml"
    path.write_text(yaml.safe_dump({"personas": derived}))
    assert len(enrich(load_personas(path), profiles, run_id="r")) == 2


def test_markdown_page_follows_the_template(profiles):
    page = render_md(enrich([{"name": "All", "rules": []}], profiles, run_id="r")[0])
    for heading in ("# All", "## Demographics", "## Goals", "## Pain points", "## Motivators", "## Preferred channels"):
        assert heading in page


def test_slug_never_makes_a_path():
    assert slug("../../etc/passwd") == "etc-passwd"
    assert slug("Premium & DE/TR") == "premium-de-tr"


def test_enrich_fills_the_template_fields(profiles):
    g = enrich([{"name": "All", "rules": []}], profiles, run_id="r")[0]["generated"]
    assert {"motives", "values", "criticises", "top_needs", "requests", "preferred_channels", "quotes"} <= set(g)
    assert {"feature": "a dark mode", "customers": 1} in g["requests"]
    assert all(n["example"].startswith("Needs ") for n in g["top_needs"])


def test_html_page_in_template_order_and_escaped(profiles):
    from insight.personas import PERSONA_SECTIONS, render_html

    persona = enrich([{"name": "<b>All</b>", "rules": [], "quote": "<script>x()</script>"}], profiles, run_id="r")[0]
    page = render_html(persona)
    assert "<script>" not in page and "&lt;script&gt;" in page and "&lt;b&gt;All&lt;/b&gt;" in page
    ids = [page.index(f'id="{sid}"') for sid, _ in PERSONA_SECTIONS]
    assert ids == sorted(ids)
