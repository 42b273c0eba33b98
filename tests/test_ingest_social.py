"""Social posts: counts, platforms and linking authors to customers through identities."""

from __future__ import annotations

from pathlib import Path

from insight.ingest import read_source

DATA = Path(__file__).parent / "data" / "ingest"


def test_social_posts_link_through_identities() -> None:
    batch = read_source("social", DATA / "social.jsonl", identities={"ann_lee": "C1"})
    assert batch.rejects == []
    got = [(r.source_id, r.handle, r.customer_id, r.source_line) for r in batch.records]
    assert got == [("p1", "@Ann_Lee", "C1", 1), ("p2", "stranger", None, 2), ("p3", "bob", "C7", 4)]


def test_social_counts_and_platform() -> None:
    first, second, _ = read_source("social", DATA / "social.jsonl").records
    assert (first.likes, first.shares, first.replies) == (3, 1, 2)
    assert (second.likes, second.shares, second.replies) == (None, None, None)
    assert first.platform == "twitter" and first.channel == "social"


def test_identities_from_the_identities_reader_link_posts() -> None:
    ids = read_source("identities", DATA / "identities.csv").identities
    lookup = {row["identifier"]: row["customer_id"] for row in ids}
    batch = read_source("social", DATA / "social.jsonl", identities=lookup)
    assert batch.records[0].customer_id == "C1"


def test_counts_accept_thousands(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_text("text,created_at,likes,shares\nhi,2026-01-01,\"1,234\",1.2k\n", encoding="utf-8")
    record = read_source("social", path).records[0]
    assert (record.likes, record.shares) == (1234, 1200)


def test_bad_count_is_wrong_type(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_text("text,created_at,likes\nhi,2026-01-01,lots\n", encoding="utf-8")
    reject = read_source("social", path).rejects[0]
    assert (reject.line, reject.field, reject.value, reject.reason) == (2, "likes", "lots", "wrong type")
