"""PII recall on the planted set (tests/data/pii_planted.json, also scored by scripts/eval_pii.py),
the misses the attack run found, and masking wherever a value is stored or printed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from insight.ingest import read_source
from insight.jobs import ingest_files
from insight.pii import iban_ok, mask_pii
from insight.store import Store

PLANTED = json.loads((Path(__file__).parent / "data" / "pii_planted.json").read_text(encoding="utf-8"))
SETS = {"tuning": PLANTED, "held-out": PLANTED["held_out"]}


@pytest.mark.parametrize("name", SETS)
def test_recall_per_kind_and_false_masks(name: str) -> None:
    data = SETS[name]
    kinds = {item["kind"] for item in data["planted"]}
    assert kinds == {"email", "phone", "card", "iban"}
    for kind in kinds:
        items = [i for i in data["planted"] if i["kind"] == kind]
        caught = sum(mask_pii(i["text"]) == i["expected"] for i in items)
        assert caught / len(items) >= 0.95, (kind, [i["text"] for i in items if mask_pii(i["text"]) != i["expected"]])
    false = [t for t in data["look_alikes"] if mask_pii(t) != t]
    assert len(false) <= 1, false


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I said 555-123-4567", "I said [PHONE]"),
        ("I paid 4111 1111 1111 1111", "I paid [CARD]"),
        ("my android 555 123 4567", "my android [PHONE]"),
        ("in any case, call 020 7946 0958", "in any case, call [PHONE]"),
        ("0532 123 45 67", "[PHONE]"),
        ("+905321234567 or +358401234567", "[PHONE] or [PHONE]"),
        ("0176/12345678", "[PHONE]"),
        ("müller@beispiel.de", "[EMAIL]"),
        ("john.o'brien@example.ie", "[EMAIL]"),
        ("IBAN DE89 3704 0044 0532 0130 00", "IBAN [IBAN]"),
        ("1 200 000 units", "1 200 000 units"),
        ("120 345 678 seconds", "120 345 678 seconds"),
        ("case no. 00123456 opened", "case no. 00123456 opened"),
    ],
)
def test_attack_run_findings(text: str, expected: str) -> None:
    assert mask_pii(text) == expected


def test_iban_needs_the_mod97_check() -> None:
    assert iban_ok("DE89 3704 0044 0532 0130 00")
    assert not iban_ok("DE88 3704 0044 0532 0130 00")
    assert mask_pii("ref DE88 3704 0044 0532 0130 00") == "ref DE88 3704 0044 0532 0130 00"


def test_masking_is_idempotent_on_the_planted_set() -> None:
    for item in PLANTED["planted"] + PLANTED["held_out"]["planted"]:
        once = mask_pii(item["text"])
        assert mask_pii(once) == once


LEAKS = ("leak.one@example.com", "4111 1111 1111 1111", "+49 176 12345678")


def test_rejects_are_masked_when_stored_and_printed(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from insight.cli import main

    long_text = "x" * 20_001
    lines = [
        "review_id,created_at,text",
        f"R1,not a date,write to {LEAKS[0]} or call {LEAKS[2]}",
        f'R2,2026-01-01,"card {LEAKS[1]} {long_text}"',
        f"R3,2026-01-01,crashes, {LEAKS[0]}, {LEAKS[1]}",
    ]
    path = tmp_path / "r.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    db = str(tmp_path / "t.duckdb")
    with Store(db) as store:
        ingest_files(store, "reviews", [str(path)])
        stored = " ".join(v for (v,) in store.con.execute("SELECT value FROM rejects").fetchall())
    assert store.path and stored.count("[") >= 3
    printed = CliRunner().invoke(main, ["rejects", "--db", db, "--format", "csv"]).output
    for leak in LEAKS:
        assert leak not in stored and leak not in printed
        assert leak.replace(" ", "") not in printed.replace(" ", "")


def test_unused_columns_are_masked_in_meta(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text(f"text,created_at,note\nfine,2026-01-01,call {LEAKS[2]}\n", encoding="utf-8")
    (record,) = read_source("reviews", path).records
    assert record.meta == {"note": "call [PHONE]"}
