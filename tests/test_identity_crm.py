"""Identity map and CRM re-ingest: handles match per platform, remaps relink, partial CRM files merge."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from insight.jobs import ingest_files
from insight.store import Store

POSTS = [
    {"post_id": "p1", "handle": "@zed", "platform": "reddit", "text": "app crashes", "created_at": "2026-01-01"},
    {"post_id": "p2", "handle": "@zed", "platform": "twitter", "text": "battery dies", "created_at": "2026-01-02"},
]


def _write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


@pytest.fixture()
def store(tmp_path: Path):
    with Store(tmp_path / "t.duckdb") as s:
        yield s


def _owners(store: Store) -> dict[str, str | None]:
    return dict(store.con.execute("SELECT source_id, customer_id FROM records ORDER BY source_id").fetchall())


def test_handle_links_only_on_its_platform(tmp_path: Path, store: Store) -> None:
    ingest_files(store, "identities", [_write(tmp_path, "i.csv", "identifier,platform,customer_id\n@zed,twitter,C1\n")])
    ingest_files(store, "social", [_write(tmp_path, "s.jsonl", "\n".join(json.dumps(p) for p in POSTS))])
    assert _owners(store) == {"p1": None, "p2": "C1"}


def test_remapped_handle_relinks_old_posts_and_counts_them(tmp_path: Path, store: Store) -> None:
    ingest_files(store, "identities", [_write(tmp_path, "i.csv", "identifier,platform,customer_id\n@zed,twitter,C1\n")])
    ingest_files(store, "social", [_write(tmp_path, "s.jsonl", "\n".join(json.dumps(p) for p in POSTS))])
    (summary,) = ingest_files(store, "identities", [_write(tmp_path, "i2.csv", "identifier,platform,customer_id\n"
                                                                          "@zed,twitter,C2\n")])
    assert (summary.added, summary.updated, summary.linked) == (0, 1, 1)
    assert summary.line().endswith("0 new identities + 1 changed + 0 unchanged + 0 rejected; "
                                   "1 social records (re)linked to customers")
    assert _owners(store) == {"p1": None, "p2": "C2"}


def test_customer_id_given_in_the_file_is_never_relinked(tmp_path: Path, store: Store) -> None:
    post = dict(POSTS[1], customer_id="C9")
    ingest_files(store, "social", [_write(tmp_path, "s.jsonl", json.dumps(post) + "\n")])
    ingest_files(store, "identities", [_write(tmp_path, "i.csv", "identifier,platform,customer_id\n@zed,twitter,C1\n")])
    assert _owners(store) == {"p2": "C9"}


def test_partial_crm_file_merges_and_reports_changed(tmp_path: Path, store: Store) -> None:
    ingest_files(store, "customers", [_write(tmp_path, "c.csv", "customer_id,plan,region,lifetime_value\n"
                                                                 "C1,premium,DE,100\n")])
    (summary,) = ingest_files(store, "customers", [_write(tmp_path, "c2.csv", "customer_id,lifetime_value\nC1,250\n")])
    assert (summary.added, summary.updated, summary.duplicates) == (0, 1, 0)
    assert summary.line() == f"{tmp_path / 'c2.csv'}: 1 customers read = 0 new customers + 1 changed + 0 unchanged + 0 rejected"
    attrs = json.loads(store.scalar("SELECT attributes FROM customers"))
    assert attrs == {"plan": "premium", "region": "DE", "lifetime_value": 250}
    (again,) = ingest_files(store, "customers", [str(tmp_path / "c2.csv")])
    assert (again.added, again.updated, again.duplicates) == (0, 0, 1)


def test_replace_drops_attributes_the_file_does_not_hold(tmp_path: Path, store: Store) -> None:
    ingest_files(store, "customers", [_write(tmp_path, "c.csv", "customer_id,plan,region\nC1,premium,DE\n")])
    ingest_files(store, "customers", [_write(tmp_path, "c2.csv", "customer_id,lifetime_value\nC1,250\n")], replace=True)
    assert json.loads(store.scalar("SELECT attributes FROM customers")) == {"lifetime_value": 250}


def test_same_handle_on_two_platforms_names_two_customers(tmp_path: Path, store: Store) -> None:
    (summary,) = ingest_files(store, "identities", [_write(tmp_path, "i.csv", "identifier,platform,customer_id\n"
                                                                        "@zed,twitter,C1\n@zed,reddit,C2\n")])
    assert (summary.added, summary.rejected) == (2, 0)
    ingest_files(store, "social", [_write(tmp_path, "s.jsonl", "\n".join(json.dumps(p) for p in POSTS))])
    assert _owners(store) == {"p1": "C2", "p2": "C1"}


def test_old_stores_are_rekeyed_keeping_their_identities(tmp_path: Path) -> None:
    import duckdb

    db = tmp_path / "old.duckdb"
    con = duckdb.connect(str(db))
    con.execute("CREATE TABLE identities (identifier VARCHAR, kind VARCHAR, platform VARCHAR, "
                "customer_id VARCHAR NOT NULL, PRIMARY KEY (identifier, kind))")
    con.execute("INSERT INTO identities VALUES ('zed', 'handle', 'twitter', 'C1'), ('a@b.de', 'email', NULL, 'C2')")
    con.close()
    with Store(db) as store:
        assert store.identity_map() == {("zed", "twitter"): "C1", ("a@b.de", ""): "C2"}
        store.upsert_identities([{"identifier": "zed", "kind": "handle", "platform": "reddit", "customer_id": "C3"}])
        assert store.scalar("SELECT count(*) FROM identities") == 3
