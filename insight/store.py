"""The DuckDB store: the only module that speaks SQL.

Frames in, frames out, keyed by ``record_id``. Every write is parameterised or goes through a
registered DataFrame; untrusted text is never interpolated into SQL. Table names used in SQL
strings below are constants of this module, never user input.

Each stage writes one batch inside one transaction together with its ``stage_done`` markers, so
a crash mid-run keeps every committed batch and the next run resumes where it stopped.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from insight.errors import ConfigError, StoreError
from insight.schema import EMOTION_COLUMNS, RECORD_COLUMNS, Record, Reject

DUPLICATE_ID = "duplicate id, different content"  # the reject reason (insight.ingest.values)
INGEST_CHUNK = 5000
# What makes two versions of a record "the same content" (source file and line may differ: the
# same export copied elsewhere is the same data). A social post's customer comes from the
# identity map, not from the file, so it is not compared.
CONTENT_COLUMNS = ("channel", "created_at", "text", "title", "rating", "product", "conversation_id", "turn",
                   "speaker", "handle", "platform", "likes", "shares", "replies")
_ID_FIELD = {"review": "review_id", "social": "post_id", "support": "conversation_id"}
_RECORD_SELECT = ", ".join(RECORD_COLUMNS)
_RECORD_SELECT_PLAIN = ", ".join(f"f.{c}" for c in RECORD_COLUMNS)


def _differs(a: str, b: str) -> str:
    parts = [f"{a}.{c} IS DISTINCT FROM {b}.{c}" for c in CONTENT_COLUMNS]
    parts.append(f"({a}.channel <> 'social' AND {a}.customer_id IS DISTINCT FROM {b}.customer_id)")
    return " OR ".join(parts)


@dataclass
class IngestCounts:
    """What one file did to the store: rows read = new + updated + duplicates + rejected."""

    new: int = 0
    updated: int = 0
    duplicates: int = 0
    rejected: int = 0


DEFAULT_DB = "insight.duckdb"
#: the environment variable that caps DuckDB's memory for a store connection (a DuckDB size: "3GB"):
#: its buffer pool and query memory stay under it, spilling to ``<store>.tmp``; unset, DuckDB's default
MEMORY_ENV = "INSIGHT_DUCKDB_MEMORY"
SCHEMA_VERSION = 1
EMBED_DIM = 384

_PROFILE_COLUMNS = "customer_id VARCHAR PRIMARY KEY, profile JSON, churn_risk DOUBLE, run_id VARCHAR"
#: where a profile build is written, a chunk at a time, before it replaces ``profiles`` (``stage_profiles``)
STAGED_PROFILES = "profiles_staged"

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
    reason VARCHAR, channel VARCHAR, run_id VARCHAR, rejected_at TIMESTAMPTZ, last_line INTEGER
);
ALTER TABLE rejects ADD COLUMN IF NOT EXISTS last_line INTEGER;
CREATE TABLE IF NOT EXISTS customers (
    customer_id VARCHAR PRIMARY KEY, attributes JSON, source_file VARCHAR, run_id VARCHAR
);
CREATE TABLE IF NOT EXISTS identities (
    identifier VARCHAR, kind VARCHAR, platform VARCHAR DEFAULT '', customer_id VARCHAR NOT NULL,
    PRIMARY KEY (identifier, kind, platform)
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
    p_negative DOUBLE, p_neutral DOUBLE, p_positive DOUBLE, model VARCHAR,
    language VARCHAR, supported BOOLEAN, emo_anger DOUBLE, emo_anticipation DOUBLE, emo_disgust DOUBLE,
    emo_fear DOUBLE, emo_joy DOUBLE, emo_sadness DOUBLE, emo_surprise DOUBLE, emo_trust DOUBLE
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
CREATE TABLE IF NOT EXISTS sentence_acts (
    sentence_id VARCHAR, record_id VARCHAR, act VARCHAR, object VARCHAR, detail VARCHAR,
    PRIMARY KEY (sentence_id, act)
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
CREATE TABLE IF NOT EXISTS profiles ({_PROFILE_COLUMNS});
"""

# Columns added after a table was first shipped: a store made by an older insight gains them on open.
_ADDED_COLUMNS = [("sentence_sentiment", "language", "VARCHAR"), ("sentence_sentiment", "supported", "BOOLEAN")] + [
    ("sentence_sentiment", column, "DOUBLE") for column in EMOTION_COLUMNS
] + [("stage_done", "model", "VARCHAR")]

# Tables a re-analysis may rebuild (derived from records); ingest tables are never dropped.
DERIVED_TABLES = (
    "stage_done", "sentences", "sentence_sentiment", "doc_sentiment", "aspects", "sentence_acts", "embeddings",
    "topics", "sentence_topics", "topic_changes", "pain_points", "pain_mentions", "profiles",
)


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def new_run_id() -> str:
    return utcnow().strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6]


@contextmanager
def open_store(path: str | Path = DEFAULT_DB, *, read_only: bool = False) -> Iterator[Store]:
    """``with open_store(db) as store``: like ``Store(db)``, but a store file this call created is
    removed again when the body fails (a failed first ingest leaves no empty store behind, so a later
    mistyped --db still gets "no insight store here")."""
    file = Path(path) if str(path) != ":memory:" else None
    created = file is not None and not read_only and not file.exists()
    store = Store(path, read_only=read_only)
    try:
        yield store
    except BaseException:
        store.close()
        if created:
            for leftover in (file, file.with_name(file.name + ".wal")):
                leftover.unlink(missing_ok=True)
        raise
    else:
        store.close()


#: DuckDB vectors (2,048 rows each) per piece of a ``Store.query_in_chunks`` result
QUERY_CHUNK_VECTORS = 50

#: the customer-voice sentences with their record, topic and topic group (``voice_frame``, ``voice_groups``)
_VOICE_FROM = """
FROM sentences s
JOIN records r USING (record_id)
LEFT JOIN sentence_sentiment ss USING (sentence_id)
LEFT JOIN doc_sentiment ds USING (record_id)
LEFT JOIN sentence_topics st USING (sentence_id)
LEFT JOIN topics tp ON tp.topic_id = st.topic_id
WHERE r.speaker = 'customer'
"""
#: one row per customer-voice sentence (``Store.voice_frame``)
_VOICE_SQL = """
SELECT s.sentence_id, s.record_id, s.idx, s.text, s.lemmas, s.noun_chunks, coalesce(ss.language, r.language) AS language,
       r.customer_id, r.channel,
       r.created_at, r.rating,
       r.product, r.conversation_id, r.platform, ss.label, ss.score, ss.p_negative,
       ss.emo_anger, ss.emo_anticipation, ss.emo_disgust, ss.emo_fear, ss.emo_joy, ss.emo_sadness,
       ss.emo_surprise, ss.emo_trust,
       st.topic_id, tp.label AS topic_label, coalesce(tp.merged_into, st.topic_id) AS group_id,
       ds.label AS record_label, ds.score AS record_score""" + _VOICE_FROM + "ORDER BY r.created_at, s.record_id, s.idx"

class Store:
    """A DuckDB file holding records, rejects, runs and every stage's results."""

    def __init__(self, path: str | Path = DEFAULT_DB, *, read_only: bool = False,
                 memory_limit: str | None = None) -> None:
        """``memory_limit`` (a DuckDB size, "3GB"; default ``$INSIGHT_DUCKDB_MEMORY``, else DuckDB's own
        default of 80 % of RAM) caps DuckDB's buffer pool and query memory: past it, cached pages are
        dropped and intermediates spill to ``<store>.tmp``."""
        import duckdb

        self.path = str(path)
        where = "memory_limit" if memory_limit else MEMORY_ENV
        memory_limit = memory_limit or os.environ.get(MEMORY_ENV) or None
        config = {"memory_limit": memory_limit} if memory_limit else {}
        self._runs: set[str] = set()  # runs started through this connection
        if self.path != ":memory:":
            parent = Path(self.path).parent
            if read_only and not Path(self.path).exists():
                raise StoreError(
                    f"{self.path}: no insight store here. Run `insight ingest ...` first or pass --db PATH."
                )
            parent.mkdir(parents=True, exist_ok=True)
        try:
            self.con = duckdb.connect(self.path, read_only=read_only, config=config)
        except duckdb.ParserException as exc:  # only the memory limit is parsed here
            raise ConfigError(f"{where}: not a DuckDB memory size (got {memory_limit!r}). "
                              "Give a number and a unit, e.g. 3GB or 500MB.") from exc
        except duckdb.Error as exc:  # translated once, here
            raise StoreError(
                f"{self.path}: cannot open the store ({exc}). Close other programs using it or pass another --db."
            ) from exc
        self.con.execute("SET TimeZone = 'UTC'")
        if not read_only:
            self.con.execute(_DDL)
            for table, column, kind in _ADDED_COLUMNS:
                self.con.execute(f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS {column} {kind}")
            self._migrate_identities()
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

    def query_in_chunks(self, sql: str, params: Sequence[Any] | None = None):
        """``query`` for a large result: converted to pandas about 100,000 rows at a time, then joined.
        The same frame, without DuckDB's whole materialised result beside it (the 1.4M-sentence voice
        peaked 1.2 GB lower)."""
        import pandas as pd

        result = self.con.execute(sql, params or [])
        parts = [result.fetch_df_chunk(QUERY_CHUNK_VECTORS)]
        while len(parts[-1]):
            parts.append(result.fetch_df_chunk(QUERY_CHUNK_VECTORS))
        if len(parts) <= 2:
            return parts[0]
        return pd.concat(parts[:-1], ignore_index=True)

    def scalar(self, sql: str, params: Sequence[Any] | None = None) -> Any:
        rows = self.con.execute(sql, params or []).fetchall()  # fetch all: duckdb 2 wants results finished
        return rows[0][0] if rows else None

    def record_languages(self) -> set[str]:
        """The languages of the stored records (``records.language``): topic labels use their stop words."""
        rows = self.con.execute(
            "SELECT DISTINCT language FROM records WHERE language IS NOT NULL ORDER BY language").fetchall()
        return {str(r[0]) for r in rows}

    def _insert_frame(self, table: str, frame, *, conflict: str | None = "DO NOTHING") -> int:
        """Insert a DataFrame whose columns match ``table``; returns rows actually added."""
        if frame is None or len(frame) == 0:
            return 0
        before = self.scalar(f"SELECT count(*) FROM {table}")
        cols = ", ".join(frame.columns)
        self.con.register("_frame", frame)
        on_conflict = f" ON CONFLICT {conflict}" if conflict else ""
        try:
            self.con.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM _frame{on_conflict}")
        finally:
            self._unregister()
        return int(self.scalar(f"SELECT count(*) FROM {table}") - before)

    def _unregister(self) -> None:
        import duckdb

        try:
            self.con.unregister("_frame")
        except duckdb.Error:  # an aborted transaction refuses it; the rollback clears it anyway
            pass

    def _migrate_identities(self) -> None:
        """Stores from before per-platform handles keyed identities on (identifier, kind): the
        same handle on two platforms could not name two customers. Re-key them, keeping every row."""
        keys = self.con.execute(
            "SELECT constraint_column_names FROM duckdb_constraints() WHERE table_name = 'identities' "
            "AND constraint_type = 'PRIMARY KEY'"
        ).fetchall()
        if not keys or "platform" in list(keys[0][0]):
            return
        with self.transaction():
            self.con.execute(
                "CREATE TABLE _identities_v2 (identifier VARCHAR, kind VARCHAR, platform VARCHAR DEFAULT '', "
                "customer_id VARCHAR NOT NULL, PRIMARY KEY (identifier, kind, platform))"
            )
            self.con.execute("INSERT INTO _identities_v2 SELECT identifier, kind, coalesce(platform, ''), customer_id "
                             "FROM identities")
            self.con.execute("DROP TABLE identities")
            self.con.execute("ALTER TABLE _identities_v2 RENAME TO identities")

    # -- runs -----------------------------------------------------------------------------
    def start_run(self, command: str, params: dict[str, Any], versions: dict[str, Any] | None = None) -> str:
        """Record a new run. Runs still marked ``running`` that this process did not start were
        killed (only one process can hold the store for writing): they are marked ``aborted``."""
        run_id = new_run_id()
        mine = list(self._runs) or [""]
        self.con.execute(
            "UPDATE runs SET status = 'aborted' WHERE status = 'running' AND run_id NOT IN "
            f"({', '.join('?' for _ in mine)})",
            mine,
        )
        self._runs.add(run_id)
        self.con.execute(
            "INSERT INTO runs VALUES (?, ?, ?, NULL, 'running', ?, ?, '{}')",
            [run_id, command, utcnow(), json.dumps(versions or {}), json.dumps(params, default=str)],
        )
        return run_id

    @contextmanager
    def run(self, command: str, params: dict[str, Any], versions: dict[str, Any] | None = None) -> Iterator[dict[str, Any]]:
        """``with store.run("persona enrich", {...}) as run:`` records a run; the body fills ``run["counts"]``.
        The run ends ``ok`` with those counts, or ``failed`` (and the error goes on)."""
        run = {"run_id": self.start_run(command, params, versions), "counts": {}}
        try:
            yield run
        except BaseException:
            self.end_run(run["run_id"], run["counts"], status="failed")
            raise
        self.end_run(run["run_id"], run["counts"])

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
        """Store records (idempotent); returns how many were new. See :meth:`ingest`."""
        return self.ingest(records, run_id).new

    def add_rejects(self, rejects: Iterable[Reject], run_id: str) -> int:
        """Store rejects (idempotent); returns how many were not stored before."""
        before = int(self.scalar("SELECT count(*) FROM rejects"))
        self.ingest(rejects, run_id)
        return int(self.scalar("SELECT count(*) FROM rejects")) - before

    def ingest(
        self, items: Iterable[Record | Reject], run_id: str, *, chunk: int | None = None, on_reject=None
    ) -> IngestCounts:
        """Store one file's records and rejects, all or nothing, with bounded memory.

        Items are staged ``chunk`` at a time in temporary tables, then settled in one transaction:
        a record id seen for the first time is *new*; one already stored with the same content is
        a *duplicate* (nothing changes); one stored with different content is *updated* (and, when
        its text changed, its derived rows are dropped so the next ``analyze`` redoes them). A record
        id repeated inside the input with different content is rejected as
        "duplicate id, different content" (the first occurrence wins). ``on_reject(reject)`` is
        called for each reject as it is read (``--strict`` raises from it: nothing is stored).
        """
        import pandas as pd

        counts = IngestCounts()
        chunk = chunk or INGEST_CHUNK
        self.con.execute(f"CREATE OR REPLACE TEMP TABLE _stage_records AS SELECT 0::BIGINT AS seq, {_RECORD_SELECT} "
                         "FROM records WHERE false")
        self.con.execute("CREATE OR REPLACE TEMP TABLE _stage_rejects AS SELECT * EXCLUDE (run_id, rejected_at) "
                         "FROM rejects WHERE false")
        try:
            records: list[Record] = []
            rejects: list[Reject] = []
            seq = 0
            for item in items:
                if isinstance(item, Reject):
                    if on_reject is not None:
                        on_reject(item)
                    rejects.append(item)
                else:
                    records.append(item)
                if len(records) + len(rejects) >= chunk:
                    seq = self._stage(records, rejects, seq)
                    records, rejects = [], []
            self._stage(records, rejects, seq)
            del records, rejects
            with self.transaction():
                self._settle(run_id, counts, pd, on_reject)
        finally:
            self.con.execute("DROP TABLE IF EXISTS _stage_records")
            self.con.execute("DROP TABLE IF EXISTS _stage_rejects")
        return counts

    def _stage(self, records: list[Record], rejects: list[Reject], seq: int) -> int:
        import pandas as pd

        if records:
            frame = pd.DataFrame([r.as_row() for r in records], columns=list(RECORD_COLUMNS))
            frame["meta"] = frame["meta"].map(lambda m: json.dumps(m or {}, default=str))
            frame["created_at"] = pd.to_datetime(frame["created_at"], utc=True)
            for col in ("turn", "source_line", "likes", "shares", "replies"):
                frame[col] = frame[col].astype("Int64")
            frame["rating"] = frame["rating"].astype("Float64")
            frame.insert(0, "seq", range(seq, seq + len(frame)))
            seq += len(frame)
            self._insert_frame("_stage_records", frame, conflict=None)
        if rejects:
            frame = pd.DataFrame([r.as_row() for r in rejects])
            frame["line"] = frame["line"].astype("Int64")
            frame["last_line"] = frame["last_line"].astype("Int64")
            self._insert_frame("_stage_rejects", frame, conflict=None)
        return seq

    def _settle(self, run_id: str, counts: IngestCounts, pd, on_reject=None) -> None:
        # 1. ids repeated inside the input: the first occurrence wins; same content is a
        #    duplicate, different content a reject.
        self.con.execute(
            "CREATE OR REPLACE TEMP TABLE _stage_first AS SELECT * FROM _stage_records "
            "QUALIFY row_number() OVER (PARTITION BY record_id ORDER BY seq) = 1"
        )
        later = self.con.execute(
            f"SELECT s.source_file, s.source_line, s.channel, s.source_id, s.text, ({_differs('s', 'f')}) AS differs "
            "FROM _stage_records s JOIN _stage_first f USING (record_id) WHERE s.seq > f.seq ORDER BY s.seq"
        ).fetchall()
        conflicts = []
        for source_file, line, channel, source_id, text, differs in later:
            if differs:
                field_name = _ID_FIELD.get(channel, "record_id")
                conflicts.append(Reject(source_file, int(line), field_name, (f"{source_id}: {text}")[:200],
                                        DUPLICATE_ID, channel))
            else:
                counts.duplicates += 1
        for reject in conflicts if on_reject is not None else ():
            on_reject(reject)
        if conflicts:
            frame = pd.DataFrame([r.as_row() for r in conflicts])
            frame["last_line"] = frame["last_line"].astype("Int64")
            self._insert_frame("_stage_rejects", frame, conflict=None)
        # 2. first occurrences against the store
        diff = _differs("f", "r")
        row = self.con.execute(
            "SELECT count(*) FILTER (WHERE r.record_id IS NULL), "
            f"count(*) FILTER (WHERE r.record_id IS NOT NULL AND ({diff})), "
            f"count(*) FILTER (WHERE r.record_id IS NOT NULL AND NOT ({diff})) "
            "FROM _stage_first f LEFT JOIN records r USING (record_id)"
        ).fetchall()[0]
        counts.new, counts.updated = int(row[0]), int(row[1])
        counts.duplicates += int(row[2])
        counts.rejected = int(self.scalar("SELECT count(*) FROM _stage_rejects"))
        if counts.updated:
            self.con.execute(
                "CREATE OR REPLACE TEMP TABLE _stage_changed AS SELECT f.record_id, "
                "(f.text IS DISTINCT FROM r.text) AS text_changed FROM _stage_first f "
                f"JOIN records r USING (record_id) WHERE {diff}"
            )
            self._invalidate("SELECT record_id FROM _stage_changed WHERE text_changed")
            sets = ", ".join(f"{c} = f.{c}" for c in RECORD_COLUMNS if c != "record_id")
            self.con.execute(
                f"UPDATE records SET {sets}, run_id = ? FROM _stage_first f "
                "WHERE records.record_id = f.record_id AND records.record_id IN (SELECT record_id FROM _stage_changed)",
                [run_id],
            )
            self.con.execute("DROP TABLE IF EXISTS _stage_changed")
        self.con.execute(
            f"INSERT INTO records ({_RECORD_SELECT}, run_id) SELECT {_RECORD_SELECT_PLAIN}, ? FROM _stage_first f "
            "WHERE NOT EXISTS (SELECT 1 FROM records r WHERE r.record_id = f.record_id)",
            [run_id],
        )
        self.con.execute(
            "INSERT INTO rejects (reject_id, source_file, line, field, value, reason, channel, last_line, run_id, "
            "rejected_at) SELECT reject_id, source_file, line, field, value, reason, channel, last_line, ?, ? "
            "FROM _stage_rejects ON CONFLICT DO NOTHING",
            [run_id, utcnow()],
        )
        self.con.execute("DROP TABLE IF EXISTS _stage_first")

    def _invalidate(self, ids_sql: str) -> None:
        """Drop what the stages derived from these records, so the next analyze redoes them."""
        sentence_ids = f"SELECT sentence_id FROM sentences WHERE record_id IN ({ids_sql})"
        for table in ("embeddings", "sentence_topics", "sentence_sentiment", "pain_mentions"):
            self.con.execute(f"DELETE FROM {table} WHERE sentence_id IN ({sentence_ids})")
        for table in ("aspects", "doc_sentiment", "stage_done", "sentences"):
            self.con.execute(f"DELETE FROM {table} WHERE record_id IN ({ids_sql})")

    def upsert_customers(
        self, rows: list[dict[str, Any]], source_file: str, run_id: str, *, replace: bool = False, detail: bool = False
    ):
        """Insert or update CRM rows. A row's attributes are merged into what is stored (a file
        with only ``customer_id,lifetime_value`` keeps plan and region; an empty cell keeps the
        stored value), or replace it with ``replace``. Returns how many rows are new or changed,
        or ``(new, changed, unchanged)`` with ``detail``."""
        import pandas as pd

        if not rows:
            return (0, 0, 0) if detail else 0
        ids = pd.DataFrame({"customer_id": [r["customer_id"] for r in rows]})
        self.con.register("_ids", ids)
        try:
            stored = dict(self.con.execute(
                "SELECT customer_id, attributes::VARCHAR FROM customers WHERE customer_id IN (SELECT customer_id FROM _ids)"
            ).fetchall())
        finally:
            self.con.unregister("_ids")
        new = changed = same = 0
        merged_rows = []
        for r in rows:
            given = r.get("attributes") or {}
            old = stored.get(r["customer_id"])
            if old is None:
                attributes, new = given, new + 1
            else:
                before = json.loads(old) if old else {}
                attributes = dict(given) if replace else {**before, **{k: v for k, v in given.items() if v is not None}}
                if json.dumps(attributes, sort_keys=True, default=str) == json.dumps(before, sort_keys=True, default=str):
                    same += 1
                else:
                    changed += 1
            merged_rows.append((r["customer_id"], json.dumps(attributes, sort_keys=True, default=str)))
        frame = pd.DataFrame(
            {
                "customer_id": [cid for cid, _ in merged_rows],
                "attributes": [attrs for _, attrs in merged_rows],
                "source_file": source_file,
                "run_id": run_id,
            }
        )
        self._upsert(
            frame,
            "SELECT 0",
            "INSERT INTO customers SELECT customer_id, attributes, source_file, run_id FROM _frame "
            "ON CONFLICT (customer_id) DO UPDATE SET attributes = excluded.attributes, "
            "source_file = excluded.source_file, run_id = CASE WHEN customers.attributes::VARCHAR "
            "<> excluded.attributes::VARCHAR THEN excluded.run_id ELSE customers.run_id END",
        )
        return (new, changed, same) if detail else new + changed

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

    def upsert_identities(self, rows: list[dict[str, Any]], *, detail: bool = False):
        """Insert or remap identities, keyed on (identifier, kind, platform) with platform ""
        when none is given; returns new + remapped, or ``(new, remapped, unchanged)``."""
        import pandas as pd

        if not rows:
            return (0, 0, 0) if detail else 0
        frame = pd.DataFrame(rows, columns=["identifier", "kind", "platform", "customer_id"])
        frame["platform"] = frame["platform"].fillna("").astype(str)
        self.con.register("_frame", frame)
        try:
            new, remapped = self.con.execute(
                "SELECT count(*) FILTER (WHERE i.identifier IS NULL), count(*) FILTER (WHERE i.identifier IS NOT NULL "
                "AND i.customer_id <> f.customer_id) "
                "FROM _frame f LEFT JOIN identities i USING (identifier, kind, platform)"
            ).fetchall()[0]
        finally:
            self._unregister()
        self._upsert(
            frame,
            "SELECT 0",
            "INSERT INTO identities SELECT identifier, kind, platform, customer_id FROM _frame "
            "ON CONFLICT (identifier, kind, platform) DO UPDATE SET customer_id = excluded.customer_id",
        )
        same = len(frame) - int(new) - int(remapped)
        return (int(new), int(remapped), same) if detail else int(new) + int(remapped)

    def identity_map(self) -> dict[tuple[str, str], str]:
        """``{(identifier, platform): customer_id}``; platform ``""`` when the map names none."""
        rows = self.con.execute("SELECT identifier, coalesce(platform, ''), customer_id FROM identities").fetchall()
        return {(ident, platform): cid for ident, platform, cid in rows}

    def relink_handles(self, normalise) -> int:
        """Give social records the customer their handle maps to on their platform now: unlinked
        posts get linked, and posts linked through an older mapping follow a remap. A customer id
        given in the file itself is never changed. Returns how many records changed."""
        from insight.ingest.identifiers import customer_for_handle

        idmap = self.identity_map()
        rows = self.con.execute(
            "SELECT record_id, handle, coalesce(platform, ''), customer_id FROM records WHERE channel = 'social' "
            "AND handle IS NOT NULL AND (customer_id IS NULL OR json_extract_string(meta, '$._linked_by') = 'identity')"
        ).fetchall()
        updates = []
        for rid, handle, platform, current in rows:
            target = customer_for_handle(idmap, normalise(handle), platform)
            if target is not None and target != current:
                updates.append((target, rid))
        if updates:
            with self.transaction():
                self.con.executemany(
                    "UPDATE records SET customer_id = ?, meta = json_merge_patch(coalesce(meta, '{}'), "
                    "'{\"_linked_by\": \"identity\"}') WHERE record_id = ?",
                    updates,
                )
        return len(updates)

    # -- stages ---------------------------------------------------------------------------
    @staticmethod
    def _pending_sql(select: str, stage: str, after: str | None, model: str | None = None) -> tuple[str, list[Any]]:
        """Records not done by ``stage``; with ``model``, also those done by any other model (a rescore)."""
        sql = (
            f"SELECT {select} FROM records r WHERE r.speaker = 'customer' "
            "AND NOT EXISTS (SELECT 1 FROM stage_done s WHERE s.stage = ? AND s.record_id = r.record_id"
            + (" AND s.model IS NOT DISTINCT FROM ?)" if model is not None else ")")
        )
        params: list[Any] = [stage] + ([model] if model is not None else [])
        if after:
            sql += " AND EXISTS (SELECT 1 FROM stage_done s WHERE s.stage = ? AND s.record_id = r.record_id)"
            params.append(after)
        return sql, params

    def pending(self, stage: str, *, after: str | None = None, limit: int | None = None, model: str | None = None):
        """Customer-voice records not yet done by ``stage`` (and already done by ``after``); with
        ``model``, also those ``stage`` did with another model."""
        sql, params = self._pending_sql("r.*", stage, after, model)
        sql += " ORDER BY r.created_at, r.record_id"
        if limit:
            sql += f" LIMIT {int(limit)}"
        return self.query(sql, params)

    def pending_ids(self, stage: str, *, after: str | None = None, model: str | None = None) -> list[str]:
        """The ids of what :meth:`pending` returns, in the same order, all of them (one scan of the store)."""
        sql, params = self._pending_sql("r.record_id", stage, after, model)
        return [r[0] for r in self.con.execute(sql + " ORDER BY r.created_at, r.record_id", params).fetchall()]

    def records_by_id(self, record_ids: list[str]):
        """These records (every column), in :meth:`pending`'s order. The ids are a semi-join, as in
        ``vectors_for``: a stage reads 4,096 records at a time, 0.14 → 0.09 s a read at 1M records."""
        return self.query("SELECT r.* FROM records r WHERE r.record_id IN (SELECT unnest(?)) "
                          "ORDER BY r.created_at, r.record_id", [record_ids])

    def count_pending(self, stage: str, *, after: str | None = None, model: str | None = None) -> int:
        sql, params = self._pending_sql("count(*)", stage, after, model)
        return int(self.scalar(sql, params))

    def commit_stage(self, stage: str, record_ids: Iterable[str], run_id: str, frames: dict[str, Any],
                     *, model: str | None = None) -> None:
        """Write one batch of a stage's results and its done-markers (with the ``model`` that made them,
        ``name@version``) in one transaction. The batch's earlier rows for the stage are replaced, so a
        rescore rewrites in place."""
        import pandas as pd

        ids = list(record_ids)
        done = pd.DataFrame({"stage": stage, "record_id": ids, "run_id": run_id, "model": model})
        with self.transaction():
            for table, frame in frames.items():
                if table not in DERIVED_TABLES:
                    raise StoreError(f"commit_stage: {table!r} is not a derived table")
                if "record_id" in frame.columns:
                    self.con.execute(f"DELETE FROM {table} WHERE list_contains(?, record_id)", [ids])
                self._insert_frame(table, frame)
            self.con.execute("DELETE FROM stage_done WHERE stage = ? AND list_contains(?, record_id)", [stage, ids])
            self._insert_frame("stage_done", done)

    def stage_models(self, stages: Iterable[str]) -> dict[str, dict[str, int]]:
        """For each stage, how many records each model did (``None``: before models were recorded)."""
        out: dict[str, dict[str, int]] = {}
        for stage, model, n in self.con.execute(
            "SELECT stage, model, count(*) FROM stage_done WHERE list_contains(?, stage) GROUP BY ALL ORDER BY ALL",
            [list(stages)],
        ).fetchall():
            out.setdefault(stage, {})[model] = int(n)
        return out

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

    # -- analyst topic edits (insight.curation) ------------------------------------------------------------
    def has_table(self, name: str) -> bool:
        return bool(self.scalar("SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [name]))

    def topic_tree(self):
        """topic_id, label, merged_into of every topic (any status), by id."""
        return self.query("SELECT topic_id, label, merged_into FROM topics ORDER BY topic_id")

    def active_topic_ids(self) -> set[int]:
        return {int(r[0]) for r in self.con.execute("SELECT topic_id FROM topics WHERE status = 'active'").fetchall()}

    def set_topic_parents(self, updates: list[tuple[int, str, int]]) -> None:
        """(merged_into, run_id, topic_id) updates; the caller holds the transaction."""
        self.con.executemany("UPDATE topics SET merged_into = ?, updated_run = ? WHERE topic_id = ?", updates)

    def set_topic_labels(self, updates: list[tuple[str, str, int]]) -> None:
        """(label, run_id, topic_id) updates; the caller holds the transaction."""
        self.con.executemany("UPDATE topics SET label = ?, updated_run = ? WHERE topic_id = ?", updates)

    def update_topic_description(self, topic_id: int, centroid: list[float], size: int, keywords: list[str],
                                 run_id: str) -> None:
        """A topic's centroid, size and keywords after a split; the caller holds the transaction."""
        self.con.execute("UPDATE topics SET centroid = ?, size = ?, keywords = ?, updated_run = ? WHERE topic_id = ?",
                         [centroid, int(size), json.dumps(keywords), run_id, topic_id])

    def reassign_sentences(self, topic_id: int, sentence_ids: list[str], run_id: str) -> None:
        """Move these sentences to ``topic_id``; the caller holds the transaction."""
        self.con.executemany("UPDATE sentence_topics SET topic_id = ?, run_id = ? WHERE sentence_id = ?",
                             [(topic_id, run_id, sid) for sid in sentence_ids])

    # -- named reads for the CLI, the reports and the API (SQL stays in this module) ------------------
    def rejects_listing(self):
        """Every reject: source_file, line, last_line, field, value, reason, channel (by file and line)."""
        # a store written before line ranges existed has no last_line column (read-only: not migrated)
        has_range = "last_line" in set(self.query("SELECT * FROM rejects LIMIT 0").columns)
        last_line = "last_line" if has_range else "NULL::INTEGER AS last_line"
        return self.query(f"SELECT source_file, line, {last_line}, field, value, reason, channel FROM rejects "
                          "ORDER BY source_file, line, field")

    def reject_count(self) -> int:
        return int(self.scalar("SELECT count(*) FROM rejects"))

    def active_topics(self, *, centroids: bool = False):
        """Active topics by id: topic_id, label, size, merged_into (and ``vector``, the centroid)."""
        extra = ", centroid AS vector" if centroids else ""
        return self.query(f"SELECT topic_id, label, size, merged_into{extra} FROM topics WHERE status = 'active' "
                          "ORDER BY topic_id")

    def topic(self, topic_id: int) -> dict[str, Any] | None:
        """One topic (any status) with its sentence count and sub-themes, or None."""
        found = self.query("SELECT topic_id, label, keywords, merged_into FROM topics WHERE topic_id = ?", [topic_id])
        if len(found) == 0:
            return None
        out = found.iloc[0].to_dict()
        out["sentences"] = int(self.scalar("SELECT count(*) FROM sentence_topics WHERE topic_id = ?", [topic_id]))
        out["sub_themes"] = self.query("SELECT topic_id, label FROM topics WHERE merged_into = ? ORDER BY topic_id",
                                       [topic_id])
        return out

    def topic_records(self, topic_id: int, limit: int):
        """A topic's most typical sentences with their record: record_id, customer_id, channel, created_at, text."""
        return self.query(
            "SELECT s.record_id, r.customer_id, r.channel, r.created_at, s.text FROM sentence_topics t "
            "JOIN sentences s USING (sentence_id) JOIN records r ON r.record_id = s.record_id "
            "WHERE t.topic_id = ? ORDER BY t.probability DESC, s.sentence_id LIMIT ?", [topic_id, int(limit)])

    def profile_json(self, customer_id: str) -> str | None:
        rows = self.con.execute("SELECT profile FROM profiles WHERE customer_id = ?", [customer_id]).fetchall()
        return rows[0][0] if rows else None

    def profile_count(self) -> int:
        return int(self.scalar("SELECT count(*) FROM profiles"))

    def profile_jsons(self) -> Iterator[str]:
        """Every stored profile (JSON text) by customer id."""
        for (profile,) in self.con.execute("SELECT profile FROM profiles ORDER BY customer_id").fetchall():
            yield profile

    def stored_pain_points(self):
        """The last analysis's pain points by rank (JSON columns as text) and their mentions."""
        return (self.query("SELECT * FROM pain_points ORDER BY rank"),
                self.query("SELECT pain_id, sentence_id, record_id FROM pain_mentions"))

    # -- the analysis pipeline's reads and writes (insight.pipeline) -------------------------------------
    def record_count(self) -> int:
        return int(self.scalar("SELECT count(*) FROM records"))

    def sentences_with_language(self, record_ids: list[str]):
        """The sentences of these records, each with its record's language."""
        return self.query("SELECT s.*, r.language FROM sentences s JOIN records r USING (record_id) "
                          "WHERE s.record_id IN (SELECT unnest(?)) ORDER BY s.record_id, s.idx", [record_ids])

    def meta_value(self, key: str) -> str | None:
        return self.scalar("SELECT value FROM meta WHERE key = ?", [key])

    def set_meta(self, key: str, value: str) -> None:
        with self.transaction():
            self.con.execute("INSERT INTO meta VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                             [key, value])

    def embedding_count(self) -> int:
        return int(self.scalar("SELECT count(*) FROM embeddings"))

    def customer_voice_languages(self) -> dict[Any, int]:
        """Language -> number of customer-voice records (None for records without one)."""
        return dict(self.con.execute(
            "SELECT language, count(*) FROM records WHERE speaker = 'customer' GROUP BY language").fetchall())

    def records_to_place(self, supported: list[str]):
        """Customer-voice records not yet through the nlp stage whose language is missing or not in ``supported``."""
        return self.query(
            "SELECT r.record_id, r.customer_id, r.conversation_id, r.text, r.language FROM records r "
            "WHERE r.speaker = 'customer' AND (r.language IS NULL OR NOT list_contains(?, r.language)) AND NOT EXISTS "
            "(SELECT 1 FROM stage_done d WHERE d.stage = 'nlp' AND d.record_id = r.record_id)", [supported])

    def language_context(self, supported: list[str], customers: list[str], conversations: list[str]):
        """Records in a ``supported`` language from these customers or conversations."""
        return self.query(
            "SELECT record_id, customer_id, conversation_id, text, language FROM records "
            "WHERE list_contains(?, language) AND (list_contains(?, customer_id) OR list_contains(?, conversation_id))",
            [supported, customers, conversations])

    def customer_attributes(self, customer_ids: list[str] | None = None) -> dict[str, dict[str, Any]]:
        """Customer id -> CRM attributes (all customers, or these)."""
        if customer_ids is None:
            rows = self.con.execute("SELECT customer_id, attributes FROM customers").fetchall()
        else:
            rows = self.con.execute("SELECT customer_id, attributes FROM customers WHERE list_contains(?, customer_id)",
                                    [customer_ids]).fetchall()
        return {cid: json.loads(a) for cid, a in rows}

    def set_record_languages(self, languages: dict[str, str]) -> None:
        with self.transaction():
            self.con.executemany("UPDATE records SET language = ? WHERE record_id = ?",
                                 [(lang, rid) for rid, lang in sorted(languages.items())])

    def vectors_for(self, sentence_ids: list[str]):
        """sentence_id, vector of the stored embeddings of these sentences (each once, in no particular order).
        A semi-join against the ids: ``list_contains(?, sentence_id)`` tests each stored row against the
        list, 2-4 times slower for the thousands of ids a pain point's label or a stage batch asks for at
        1.4M stored vectors (faster only below a few hundred ids)."""
        return self.query("SELECT sentence_id, vector FROM embeddings WHERE sentence_id IN (SELECT unnest(?))",
                          [sentence_ids])

    def sentences_without_topic(self, *, limit: int | None = None, after: str | None = None):
        """Embedded sentences with no topic assignment yet (sentence_id, record_id, text, vector), by
        sentence id: the first ``limit`` of them (all without one) whose id comes after ``after``. The page
        of ids is chosen first and only its vectors are read: joining every vector before the limit built
        a hash table of all of them (4 GB more at 1.4M sentences, per page)."""
        return self.query(
            "WITH page AS (SELECT s.sentence_id, s.record_id, s.text FROM sentences s "
            "WHERE EXISTS (SELECT 1 FROM embeddings e WHERE e.sentence_id = s.sentence_id) "
            "AND NOT EXISTS (SELECT 1 FROM sentence_topics t WHERE t.sentence_id = s.sentence_id) "
            "AND (CAST(? AS VARCHAR) IS NULL OR s.sentence_id > ?) ORDER BY s.sentence_id"
            + (" LIMIT ?" if limit is not None else "") + ") "
            "SELECT p.sentence_id, p.record_id, p.text, e.vector FROM page p JOIN embeddings e USING (sentence_id) "
            "ORDER BY p.sentence_id",
            [after, after] + ([limit] if limit is not None else []))

    def sentences_in_topic(self, topic_id: int):
        """The sentences assigned to one topic id (the outliers too), with text and vector."""
        return self.query(
            "SELECT t.sentence_id, t.record_id, s.text, e.vector FROM sentence_topics t JOIN sentences s "
            "USING (sentence_id) JOIN embeddings e USING (sentence_id) WHERE t.topic_id = ? ORDER BY t.sentence_id",
            [topic_id])

    def topic_centroids(self):
        """topic_id and centroid (as ``vector``) of every topic, any status (``active_topics`` for the live ones)."""
        return self.query("SELECT topic_id, centroid AS vector FROM topics ORDER BY topic_id")

    def next_topic_id(self) -> int:
        return int(self.scalar("SELECT coalesce(max(topic_id), -1) + 1 FROM topics"))

    def topic_labels(self, *, except_id: int | None = None) -> set[str]:
        """Every topic's label (but ``except_id``'s): a new label must differ from these."""
        return set(self.query("SELECT label FROM topics WHERE topic_id IS DISTINCT FROM ?", [except_id])["label"])

    def add_topics(self, topics) -> None:
        """Insert topic rows (keywords as JSON text); the caller holds the transaction."""
        self._insert_frame("topics", topics)

    def assign_sentences(self, assignments) -> None:
        """Insert sentence_topics rows; the caller holds the transaction."""
        self._insert_frame("sentence_topics", assignments)

    def move_sentences(self, moves: list[tuple[int, float, str]]) -> None:
        """(topic_id, probability, sentence_id) updates, in one statement (one UPDATE per row took minutes
        for the 10^5 moves of a large store); the caller holds the transaction."""
        import pandas as pd

        if not moves:
            return
        self.con.register("_frame", pd.DataFrame(moves, columns=["topic_id", "probability", "sentence_id"]))
        try:
            self.con.execute("UPDATE sentence_topics SET topic_id = f.topic_id, probability = f.probability "
                             "FROM _frame f WHERE sentence_topics.sentence_id = f.sentence_id")
        finally:
            self._unregister()

    def assigned_topic_sizes(self) -> dict[int, int]:
        rows = self.con.execute(
            "SELECT topic_id, count(*) FROM sentence_topics WHERE topic_id >= 0 GROUP BY topic_id").fetchall()
        return {int(t): int(n) for t, n in rows}

    def set_topic_size(self, topic_id: int, size: int, run_id: str) -> None:
        self.con.execute("UPDATE topics SET size = ?, updated_run = ? WHERE topic_id = ? AND size <> ?",
                         [int(size), run_id, int(topic_id), int(size)])

    def add_topic_changes(self, changes) -> None:
        """Insert topic_changes rows (run_id, topic_id, change, detail JSON); the caller holds the transaction."""
        self._insert_frame("topic_changes", changes)

    def active_topic_count(self) -> int:
        return int(self.scalar("SELECT count(*) FROM topics WHERE status = 'active'"))

    def voice_frame(self):
        """One row per customer-voice sentence: its text, lemmas and noun chunks, its record (customer,
        channel, date, rating, product, conversation), its sentiment and emotions, its record's document
        sentiment (``record_label``, ``record_score``) and its topic and topic group."""
        return self.query_in_chunks(_VOICE_SQL)

    def voice_groups(self):
        """sentence_id and group_id of every customer-voice sentence, as ``voice_frame`` gives them (in no
        particular order): what changes in the voice when topic groups move."""
        return self.query("SELECT s.sentence_id, coalesce(tp.merged_into, st.topic_id) AS group_id" + _VOICE_FROM)

    def aspects_frame(self):
        """Every aspect mention with its record's customer, channel and date."""
        return self.query("SELECT a.*, r.customer_id, r.channel, r.created_at FROM aspects a JOIN records r "
                          "USING (record_id) ORDER BY a.aspect_id")

    def customer_records(self):
        """The customer-voice records in time order (the profile stage's record view)."""
        return self.query(
            "SELECT record_id, customer_id, channel, created_at, rating, conversation_id, platform, product, speaker "
            "FROM records WHERE speaker = 'customer' ORDER BY created_at, record_id")

    def agent_replies(self):
        """conversation_id, created_at of every agent turn (what a support case's close is read after)."""
        return self.query(
            "SELECT conversation_id, created_at FROM records WHERE speaker = 'agent' AND conversation_id IS NOT NULL "
            "ORDER BY conversation_id, created_at")

    def identities_by_customer(self) -> dict[str, list[dict[str, Any]]]:
        out: dict[str, list[dict[str, Any]]] = {}
        for ident, kind, platform, cid in self.con.execute(
            "SELECT identifier, kind, platform, customer_id FROM identities ORDER BY identifier"
        ).fetchall():
            out.setdefault(cid, []).append({"identifier": ident, "kind": kind, "platform": platform})
        return out

    def sentence_acts(self):
        """sentence_id, act, object, detail; empty for a store written before the acts stage (read-only)."""
        return self.query(
            "SELECT sentence_id, act, object, detail FROM sentence_acts ORDER BY sentence_id, act"
            if self.has_table("sentence_acts") else
            "SELECT NULL::VARCHAR AS sentence_id, NULL::VARCHAR AS act, NULL::VARCHAR AS object, "
            "NULL::VARCHAR AS detail WHERE false")

    def profiles_frame(self):
        """customer_id, profile (JSON text) of every stored profile."""
        return self.query("SELECT customer_id, profile FROM profiles")

    def churn_customers(self, levels: Iterable[str], *, staged: bool = False) -> set[str]:
        """Customer ids whose stored profile's churn level (``churn_risk.level`` in its JSON) is one of
        ``levels``; ``staged``: of the profiles ``stage_profiles`` wrote, not yet swapped in."""
        table = STAGED_PROFILES if staged else "profiles"
        rows = self.con.execute(f"SELECT customer_id FROM {table} "
                                "WHERE list_contains(?, profile ->> '$.churn_risk.level')", [list(levels)]).fetchall()
        return {r[0] for r in rows}

    def stage_profiles(self, chunks: Iterable) -> int:
        """Write profile frames (customer_id, profile JSON, churn_risk, run_id), one chunk at a time as
        they come, into a fresh staging table (``STAGED_PROFILES``, with the ``profiles`` columns and key),
        so a large build is never one insert; ``replace_insights`` swaps it in. The stored profiles are
        untouched until then: when a chunk fails (or the process dies) the staging table is dropped (or
        left to the next build, which drops it first). Returns the rows staged."""
        self.con.execute(f"DROP TABLE IF EXISTS {STAGED_PROFILES}")
        self.con.execute(f"CREATE TABLE {STAGED_PROFILES} ({_PROFILE_COLUMNS})")
        staged = 0
        try:
            for frame in chunks:
                staged += self._insert_frame(STAGED_PROFILES, frame, conflict=None)
        except BaseException:
            self.con.execute(f"DROP TABLE IF EXISTS {STAGED_PROFILES}")
            raise
        return staged

    def replace_insights(self, pains, mentions) -> None:
        """The last analysis's pain points and mentions, and the profiles ``stage_profiles`` wrote (the
        staging table takes the place of ``profiles``: no copy), replaced in one transaction."""
        if not self.has_table(STAGED_PROFILES):
            raise StoreError("replace_insights: no staged profiles. Write them with stage_profiles first.")
        with self.transaction():
            self.con.execute("DELETE FROM pain_points")
            self.con.execute("DELETE FROM pain_mentions")
            self._insert_frame("pain_points", pains)
            self._insert_frame("pain_mentions", mentions)
            self.con.execute("DROP TABLE profiles")
            self.con.execute(f"ALTER TABLE {STAGED_PROFILES} RENAME TO profiles")

    def counts(self) -> dict[str, int]:
        out = {}
        for table in ("records", "rejects", "customers", "identities", "sentences", "aspects", "topics",
                      "pain_points", "profiles"):
            out[table] = int(self.scalar(f"SELECT count(*) FROM {table}"))
        return out
