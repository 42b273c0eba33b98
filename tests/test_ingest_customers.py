"""Customers (CRM attributes) and identities (handles/emails → customer_id)."""

from __future__ import annotations

from pathlib import Path

import pytest

from insight.ingest import normalise_identifier, read_source

DATA = Path(__file__).parent / "data" / "ingest"


def test_customer_attributes_are_typed_per_column() -> None:
    batch = read_source("customers", DATA / "customers.csv")
    assert batch.rejects == []
    assert batch.customers[0] == {
        "customer_id": "C1",
        "attributes": {
            "plan": "pro",
            "age": 34,
            "zip": "02134",
            "lifetime_value": 120.5,
            "churned": True,
            "signup": "2025-01-01",
        },
    }
    second = batch.customers[1]["attributes"]
    assert second["age"] is None and second["lifetime_value"] == 0.0 and second["zip"] == "94110"
    assert batch.customers[2]["attributes"]["signup"] is None


def test_customers_accept_id_column(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    path.write_text('[{"id": 17, "score": 3}]', encoding="utf-8")
    assert read_source("customers", path).customers == [{"customer_id": "17", "attributes": {"score": 3}}]


def test_customer_text_attributes_are_pii_masked(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text("customer_id,plan,email,notes,phone,ltv\n"
                    "C1,pro,ann@example.com,call +49 176 12345678 re card 4111 1111 1111 1111,07700 900123,120\n",
                    encoding="utf-8")
    (customer,) = read_source("customers", path).customers
    assert customer["attributes"] == {"plan": "pro", "email": "[EMAIL]", "notes": "call [PHONE] re card [CARD]",
                                      "phone": "[PHONE]", "ltv": 120}


def test_identities_kind_inferred_and_normalised() -> None:
    batch = read_source("identities", DATA / "identities.csv")
    assert batch.rejects == []
    assert batch.identities == [
        {"identifier": "ann_lee", "kind": "handle", "platform": "twitter", "customer_id": "C1"},
        {"identifier": "bob.smith@example.com", "kind": "email", "platform": None, "customer_id": "C2"},
        {"identifier": "bobby", "kind": "handle", "platform": "reddit", "customer_id": "C2"},
    ]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("@Foo_Bar ", "foo_bar"), (" Ann@Example.COM ", "ann@example.com"), ("mailto:A@B.io", "a@b.io"), ("bob", "bob")],
)
def test_normalise_identifier(raw: str, expected: str) -> None:
    assert normalise_identifier(raw) == expected
