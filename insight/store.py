"""The DuckDB store: the only module that speaks SQL.

Frames in, frames out, keyed by ``record_id``. Every write is parameterised or goes through a
registered DataFrame; untrusted text is never interpolated into SQL. Table names used in SQL
strings below are constants of this module, never user input.

Each stage writes one batch inside one transaction together with its ``stage_done`` markers, so
a crash mid-run keeps every committed batch and the next run resumes where it stopped.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from insight.errors import StoreError
from insight.schema import RECORD_COLUMNS, Record, Reject

DEFAULT_DB = "insight.duckdb"
SCHEMA_VERSION = 1
EMBED_DIM = 384

_DDL = f"""
CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR);
CREATE TABLE IF NOT EXISTS records (
    record_id VARCHAR PRIMARY KEY, channel VARCHAR NOT NULL, created_at TIMESTAMPTZ NOT NULL,
    text VARCHAR NOT NULL, source VARCHAR, source_id VARCHAR, source_file VARCHAR, source_line INTEGER,
    customer_id VARCHAR, title VARCHAR, rating DOUBLE, product VARCHAR, language VARCHAR,
    conversation_id VARCHAR, turn INTEGER, speaker VARCHAR, handle VARCHAR, platform VARCHAR,
    likes BIGINT, shares BIGINT, replies BIGINT, meta JSON, run_id VARCHAR
);
CREATE TABLE IF NOT EXISTS rejects (
    reject_id VARCHAR PRIMARY KEY, source_file VARCHAR, line INTEGER, field VARCHAR, value VARCHAR,
    reason VARCHAR, channel VARCHAR, run_id VARCHAR, rejected_at TIMESTAMPTZ
);
CREATE TABLE IF NOT EXISTS customers (
    customer_id VARCHAR PRIMARY KEY, attributes JSON, source_file VARCHAR, run_id VARCHAR
);
CREATE TABLE IF NOT EXISTS identities (
    identifier VARCHAR, kind VARCHAR, platform VARCHAR, customer_id VARCHAR NOT NULL,
    PRIMARY KEY (identifier, kind)
);
CREATE TABLE IF NOT EXISTS runs (
    run_id VARCHAR PRIMARY KEY, command VARCHAR, started_at TIMESTAMPTZ, ended_at TIMESTAMPTZ,
    status VARCHAR, versions JSON, params JSON, counts JSON
);
CREATE TABLE IF NOT EXISTS stage_done (
    stage VARCHAR, record_id VARCHAR, run_id VARCHAR, PRIMARY KEY (stage, record_id)
);
CREATE TABLE IF NOT EXISTS sentences (
    sentence_id VARCHAR PRIMARY KEY, record_id VARCHAR NOT NULL, idx INTEGER, text VARCHAR,
    start_char INTEGER, end_char INTEGER, lemmas VARCHAR, noun_chunks JSON
);
CREATE TABLE IF NOT EXISTS sentence_sentiment (
    sentence_id VARCHAR PRIMARY KEY, record_id VARCHAR, label VARCHAR, score DOUBLE,
    p_negative DOUBLE, p_neutral DOUBLE, p_positive DOUBLE, model VARCHAR
);
CREATE TABLE IF NOT EXISTS doc_sentiment (
    record_id VARCHAR PRIMARY KEY, label VARCHAR, score DOUBLE, p_negative DOUBLE,
    p_neutral DOUBLE, p_positive DOUBLE, mixed BOOLEAN, min_score DOUBLE,
    most_negative_sentence INTEGER, model VARCHAR
);
CREATE TABLE IF NOT EXISTS aspects (
    aspect_id VARCHAR PRIMARY KEY, sentence_id VARCHAR, record_id VARCHAR, term VARCHAR,
    norm VARCHAR, start_char INTEGER, end_char INTEGER, label VARCHAR, score DOUBLE, model VARCHAR
);
CREATE TABLE IF NOT EXISTS embeddings (
    sentence_id VARCHAR PRIMARY KEY, vector FLOAT[{EMBED_DIM}]
);
CREATE TABLE IF NOT EXISTS topics (
    topic_id INTEGER PRIMARY KEY, label VARCHAR, keywords JSON, size INTEGER,
    centroid FLOAT[{EMBED_DIM}], status VARCHAR, created_run VARCHAR, updated_run VARCHAR,
    merged_into INTEGER
);
CREATE TABLE IF NOT EXISTS sentence_topics (
    sentence_id VARCHAR PRIMARY KEY, record_id VARCHAR, topic_id INTEGER, probability DOUBLE,
    run_id VARCHAR
);
CREATE TABLE IF NOT EXISTS topic_changes (
    run_id VARCHAR, topic_id INTEGER, change VARCHAR, detail JSON, PRIMARY KEY (run_id, topic_id, change)
);
CREATE TABLE IF NOT EXISTS topic_edits (
    edit_id VARCHAR PRIMARY KEY, created_at TIMESTAMPTZ, action VARCHAR, topic_ids JSON, label VARCHAR,
    run_id VARCHAR
);
CREATE TABLE IF NOT EXISTS pain_points (
    pain_id VARCHAR PRIMARY KEY, kind VARCHAR, key VARCHAR, label VARCHAR, topic_id INTEGER,
    rank INTEGER, score DOUBLE, mentions INTEGER, customers INTEGER, channels JSON,
    first_seen TIMESTAMPTZ, last_seen TIMESTAMPTZ, growth DOUBLE, severity DOUBLE,
    value_at_stake DOUBLE, repeat_contacts INTEGER, hidden_share DOUBLE, parts JSON,
    evidence JSON, run_id VARCHAR
);
CREATE TABLE IF NOT EXISTS pain_mentions (
    pain_id VARCHAR, sentence_id VARCHAR, record_id VARCHAR, PRIMARY KEY (pain_id, sentence_id)
);
CREATE TABLE IF NOT EXISTS profiles (
    customer_id VARCHAR PRIMARY KEY, profile JSON, churn_risk DOUBLE, run_id VARCHAR
);
"""

# Tables a re-analysis may rebuild (derived from records); ingest tables are never dropped.
DERIVED_TABLES = (
    "stage_done", "sentences", "sentence_sentiment", "doc_sentiment", "aspects", "embeddings",
    "topics", "sentence_topics", "topic_changes", "pain_points", "pain_mentions", "profiles",
)


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def new_run_id() -> str:
    return utcnow().strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6]


class Store:
    """A DuckDB file holding records, rejects, runs and every stage's results."""

    def __init__(self, path: str | Path = DEFAULT_DB, *, read_only: bool = False) -> None:
        import duckdb

        self.path = str(path)
        if self.path != ":memory:":
            parent = Path(self.path).parent
            if read_only and not Path(self.path).exists():
                raise StoreError(
                    f"{self.path}: no insight store here. Run `insight ingest ...` first or pass --db PATH."
                )
            parent.mkdir(parents=True, exist_ok=True)
        try:
            self.con = duckdb.connect(self.path, read_only=read_only)
        except duckdb.Error as exc:  # translated once, here
            raise StoreError(
                f"{self.path}: cannot open the store ({exc}). Close other programs using it or pass another --db."
            ) from exc
        self.con.execute("SET TimeZone = 'UTC'")
        if not read_only:
            self.con.execute(_DDL)
            self.con.execute(
                "INSERT INTO meta VALUES ('schema_version', ?) ON CONFLICT DO NOTHING", [str(SCHEMA_VERSION)]
            )

    # -- plumbing -------------------------------------------------------------------------
    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        self.con.execute("BEGIN TRANSACTION")
        try:
            yield
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        else:
            self.con.execute("COMMIT")

    def query(self, sql: str, params: Sequence[Any] | None = None):
        """Run a read query and return a pandas DataFrame."""
        return self.con.execute(sql, params or []).df()

    def scalar(self, sql: str, params: Sequence[Any] | None = None) -> Any:
        rows = self.con.execute(sql, params or []).fetchall()  # fetch all: duckdb 2 wants results finished
        return rows[0][0] if rows else None

    def _insert_frame(self, table: str, frame, *, conflict: str = "DO NOTHING") -> int:
        """Insert a DataFrame whose columns match ``table``; returns rows actually added."""
        if frame is None or len(frame) == 0:
            return 0
        before = self.scalar(f"SELECT count(*) FROM {table}")
        cols = ", ".join(frame.columns)
        self.con.register("_frame", frame)
        try:
            self.con.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM _frame ON CONFLICT {conflict}")
        finally:
            self._unregister()
        return int(self.scalar(f"SELECT count(*) FROM {table}") - before)

    def _unregister(self) -> None:
        import duckdb

        try:
            self.con.unregister("_frame")
        except duckdb.Error:  # an aborted transaction refuses it; the rollback clears it anyway
            pass

    # -- runs -----------------------------------------------------------------------------
    def start_run(self, command: str, params: dict[str, Any], versions: dict[str, Any] | None = None) -> str:
        run_id = new_run_id()
        self.con.execute(
            "INSERT INTO runs VALUES (?, ?, ?, NULL, 'running', ?, ?, '{}')",
            [run_id, command, utcnow(), json.dumps(versions or {}), json.dumps(params, default=str)],
        )
        return run_id

    def end_run(self, run_id: str, counts: dict[str, Any], status: str = "ok") -> None:
        self.con.execute(
            "UPDATE runs SET ended_at = ?, status = ?, counts = ? WHERE run_id = ?",
            [utcnow(), status, json.dumps(counts, default=str), run_id],
        )

    def last_run(self, command: str | None = None) -> dict[str, Any] | None:
        sql = "SELECT * FROM runs"
        params: list[Any] = []
        if command:
            sql += " WHERE command = ?"
            params.append(command)
        frame = self.query(sql + " ORDER BY started_at DESC LIMIT 1", params)
        return None if frame.empty else frame.iloc[0].to_dict()

    # -- ingest ---------------------------------------------------------------------------
    def add_records(self, records: Iterable[Record], run_id: str) -> int:
        import pandas as pd

        rows = [r.as_row() for r in records]
        if not rows:
            return 0
        frame = pd.DataFrame(rows, columns=list(RECORD_COLUMNS))
        frame["meta"] = frame["meta"].map(lambda m: json.dumps(m or {}, default=str))
        frame["created_at"] = pd.to_datetime(frame["created_at"], utc=True)
        for col in ("turn", "source_line", "likes", "shares", "replies"):
            frame[col] = frame[col].astype("Int64")
        frame["rating"] = frame["rating"].astype("Float64")
        frame["run_id"] = run_id
        with self.transaction():
            return self._insert_frame("records", frame)

    def add_rejects(self, rejects: Iterable[Reject], run_id: str) -> int:
        import pandas as pd

        rows = [r.as_row() for r in rejects]
        if not rows:
            return 0
        frame = pd.DataFrame(rows)
        frame["run_id"] = run_id
        frame["rejected_at"] = pd.Timestamp(utcnow())
        with self.transaction():
            return self._insert_frame("rejects", frame)

    def upsert_customers(self, rows: list[dict[str, Any]], source_file: str, run_id: str) -> int:
        """Insert or update CRM rows; returns how many rows are new or changed."""
        import pandas as pd

        if not rows:
            return 0
        frame = pd.DataFrame(
            {
                "customer_id": [r["customer_id"] for r in rows],
                "attributes": [json.dumps(r.get("attributes") or {}, sort_keys=True, default=str) for r in rows],
                "source_file": source_file,
                "run_id": run_id,
            }
        )
        return self._upsert(
            frame,
            "SELECT count(*) FROM _frame f LEFT JOIN customers c USING (customer_id) "
            "WHERE c.customer_id IS NULL OR c.attributes::VARCHAR <> f.attributes",
            "INSERT INTO customers SELECT customer_id, attributes, source_file, run_id FROM _frame "
            "ON CONFLICT (customer_id) DO UPDATE SET attributes = excluded.attributes, "
            "source_file = excluded.source_file, run_id = CASE WHEN customers.attributes::VARCHAR "
            "<> excluded.attributes::VARCHAR THEN excluded.run_id ELSE customers.run_id END",
        )

    def _upsert(self, frame, changed_sql: str, upsert_sql: str) -> int:
        """Count the rows that are new or different, then upsert them all in one transaction."""
        self.con.register("_frame", frame)
        try:
            changed = self.scalar(changed_sql)
            with self.transaction():
                self.con.execute(upsert_sql)
        finally:
            self._unregister()
        return int(changed or 0)

    def upsert_identities(self, rows: list[dict[str, Any]]) -> int:
        import pandas as pd

        if not rows:
            return 0
        frame = pd.DataFrame(rows, columns=["identifier", "kind", "platform", "customer_id"])
        return self._upsert(
            frame,
            "SELECT count(*) FROM _frame f LEFT JOIN identities i USING (identifier, kind) "
            "WHERE i.identifier IS NULL OR i.customer_id <> f.customer_id",
            "INSERT INTO identities SELECT identifier, kind, platform, customer_id FROM _frame "
            "ON CONFLICT (identifier, kind) DO UPDATE SET customer_id = excluded.customer_id, "
            "platform = excluded.platform",
        )

    def identity_map(self) -> dict[str, str]:
        return {ident: cid for ident, cid in self.con.execute("SELECT identifier, customer_id FROM identities").fetchall()}

    def relink_handles(self, normalise) -> int:
        """Give unlinked social records the customer id their handle now maps to."""
        idmap = self.identity_map()
        pending = self.con.execute(
            "SELECT record_id, handle FROM records WHERE customer_id IS NULL AND handle IS NOT NULL"
        ).fetchall()
        updates = [(idmap[normalise(h)], rid) for rid, h in pending if normalise(h) in idmap]
        if updates:
            with self.transaction():
                self.con.executemany("UPDATE records SET customer_id = ? WHERE record_id = ?", updates)
        return len(updates)

    # -- stages ---------------------------------------------------------------------------
    @staticmethod
    def _pending_sql(select: str, stage: str, after: str | None) -> tuple[str, list[Any]]:
        sql = (
            f"SELECT {select} FROM records r WHERE r.speaker = 'customer' "
            "AND NOT EXISTS (SELECT 1 FROM stage_done s WHERE s.stage = ? AND s.record_id = r.record_id)"
        )
        params: list[Any] = [stage]
        if after:
            sql += " AND EXISTS (SELECT 1 FROM stage_done s WHERE s.stage = ? AND s.record_id = r.record_id)"
            params.append(after)
        return sql, params

    def pending(self, stage: str, *, after: str | None = None, limit: int | None = None):
        """Customer-voice records not yet done by ``stage`` (and already done by ``after``)."""
        sql, params = self._pending_sql("r.*", stage, after)
        sql += " ORDER BY r.created_at, r.record_id"
        if limit:
            sql += f" LIMIT {int(limit)}"
        return self.query(sql, params)

    def count_pending(self, stage: str, *, after: str | None = None) -> int:
        sql, params = self._pending_sql("count(*)", stage, after)
        return int(self.scalar(sql, params))

    def commit_stage(self, stage: str, record_ids: Iterable[str], run_id: str, frames: dict[str, Any]) -> None:
        """Write one batch of a stage's results and its done-markers in one transaction."""
        import pandas as pd

        done = pd.DataFrame({"stage": stage, "record_id": list(record_ids), "run_id": run_id})
        with self.transaction():
            for table, frame in frames.items():
                self._insert_frame(table, frame)
            self._insert_frame("stage_done", done)

    def replace_table(self, table: str, frame, *, where: str | None = None) -> None:
        """Replace a derived table's rows (all, or those matching a constant ``where``) atomically."""
        if table not in DERIVED_TABLES:
            raise StoreError(f"replace_table: {table!r} is not a derived table")
        with self.transaction():
            self.con.execute(f"DELETE FROM {table}" + (f" WHERE {where}" if where else ""))
            self._insert_frame(table, frame)

    # -- analyst edits of topics (merge / rename / split / ignore) ------------------------------
    def add_topic_edit(self, action: str, topic_ids: list[int], label: str | None, run_id: str) -> None:
        """Keep an analyst's topic edit; edits are re-applied after every analysis (in order)."""
        self.con.execute(
            "INSERT INTO topic_edits VALUES (?, ?, ?, ?, ?, ?)",
            [uuid.uuid4().hex, utcnow(), action, json.dumps([int(t) for t in topic_ids]), label, run_id],
        )

    def topic_edits(self):
        return self.query("SELECT action, topic_ids, label, run_id FROM topic_edits ORDER BY created_at, edit_id")

    def counts(self) -> dict[str, int]:
        out = {}
        for table in ("records", "rejects", "customers", "identities", "sentences", "aspects", "topics",
                      "pain_points", "profiles"):
            out[table] = int(self.scalar(f"SELECT count(*) FROM {table}"))
        return out
