"""Profile exports carry the CRM attributes and top needs; the Markdown profile leaves None out."""

import copy
import json

import pandas as pd
import pytest
from test_profiles import _build, _corpus

from insight.report.profiles import render_profile_md, write_profiles
from insight.store import Store

ATTRS = {"C1": {"plan": "premium", "region": "DE", "segment": "smb", "lifetime_value": 900.0, "company_size": None},
         "C2": {"plan": "basic", "region": "US", "summary": "crm note"}}


@pytest.fixture()
def db(tmp_path):
    path = tmp_path / "t.duckdb"
    profiles = _build(_corpus(), attributes=ATTRS)
    with Store(path) as store:
        for cid, p in profiles.items():
            store.con.execute("INSERT INTO profiles VALUES (?, ?, 0.1, 'r')", [cid, json.dumps(p)])
    return path, profiles


def _read(db, tmp_path, fmt):
    out = tmp_path / f"p.{fmt}"
    with Store(db, read_only=True) as store:
        write_profiles(store, out, fmt=fmt)
    return pd.read_csv(out) if fmt == "csv" else pd.read_parquet(out)


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_exports_carry_crm_attributes_and_top_needs(db, tmp_path, fmt):
    path, profiles = db
    frame = _read(path, tmp_path, fmt).set_index("customer_id")
    assert {"plan", "region", "segment", "company_size", "lifetime_value", "top_needs"} <= set(frame.columns)
    assert frame.loc["C1", "plan"] == "premium" and frame.loc["C1", "segment"] == "smb"
    assert frame.loc["C1", "lifetime_value"] == 900.0
    assert frame.loc["C2", "region"] == "US"
    # a CRM key that is already a profile column keeps both
    assert frame.loc["C2", "crm_summary"] == "crm note" and frame.loc["C2", "summary"] != "crm note"
    needs = profiles["C1"]["unstated_needs"]
    assert needs, "the corpus gives C1 an unstated need"
    best = max(needs, key=lambda n: n["confidence"])
    assert frame.loc["C1", "top_needs"].startswith(f"{best['kind']}: {best['statement']}")


def test_markdown_profile_leaves_none_out(db):
    _, profiles = db
    p = copy.deepcopy(profiles["C1"])
    p["behaviour"]["preferred_complaint_channel"] = None
    p["voice"]["sentiment"] = None
    page = render_profile_md(p)
    assert "None" not in page
    assert "- plan: premium" in page and "company_size" not in page
