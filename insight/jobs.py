"""Jobs the CLI runs: ingest files into the store, the one-shot config run, the demo."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from insight.errors import ConfigError, InputError
from insight.store import Store

from insight.paths import demo_dir

#: the bundled demo's run config (package data in a wheel, corpora/demo in a checkout)
DEMO_CONFIG = demo_dir() / "insight.toml"


@dataclass
class IngestSummary:
    """What one file did. Always: rows = added + updated + duplicates + rejected."""

    file: str
    kind: str
    rows: int = 0
    added: int = 0
    updated: int = 0
    duplicates: int = 0
    rejected: int = 0
    new_rejects: int = 0
    linked: int = 0
    conversations: int = 0
    columns: dict[str, str] = field(default_factory=dict)
    file_columns: list[str] = field(default_factory=list)
    rejects: list[Any] = field(default_factory=list)
    invalid_utf8: int = 0

    def column_lines(self) -> list[str]:
        """Which column fed each field, which were ignored, and a warning with the --map for each ignored
        column that looks like a field the file has no column for."""
        from insight.ingest.report import column_lines

        return column_lines(self.file, self.kind, self.file_columns, self.columns)

    def line(self) -> str:
        unit = {"transcripts": "turns", "customers": "customers", "identities": "identities"}.get(self.kind, "rows")
        what = {"customers": "customers", "identities": "identities"}.get(self.kind, "records")
        read = f"{self.rows} {unit} read"
        if self.kind == "transcripts":
            read += f" ({self.conversations} conversations)"
        changed = "changed" if self.kind in ("customers", "identities") else "updated"
        same = "unchanged" if self.kind in ("customers", "identities") else "duplicates"
        text = (f"{self.file}: {read} = {self.added} new {what} + {self.updated} {changed} + "
                f"{self.duplicates} {same} + {self.rejected} rejected")
        if self.linked:
            text += f"; {self.linked} social records (re)linked to customers"
        return text


def ingest_files(
    store: Store,
    kind: str,
    paths: list[str],
    *,
    mapping: dict[str, str] | None = None,
    encoding: str | None = None,
    rating_scale: tuple[float, float] = (1, 5),
    strict: bool = False,
    replace: bool = False,
    date_format: str | None = None,
) -> list[IngestSummary]:
    """Read each file, store its records and rejects (idempotent, all or nothing per file);
    return one summary per file.

    Records stream through the store in chunks (memory stays flat as files grow). With ``strict``
    any reject is fatal and nothing from that file is stored. Customers merge their attributes
    into what is stored, unless ``replace``.
    """
    from insight.ingest import normalise_identifier, open_source, read_source

    summaries: list[IngestSummary] = []
    with store.run(f"ingest {kind}", {"files": paths, "map": mapping, "encoding": encoding,
                                      "rating_scale": list(rating_scale), "strict": strict,
                                      "replace": replace, "date_format": date_format}) as run:
        run["counts"] = {"files": 0}
        run_id = run["run_id"]
        for path in paths:
            summary = IngestSummary(file=path, kind=kind)
            if kind in ("customers", "identities"):
                batch = read_source(kind, path, mapping=mapping, encoding=encoding, rating_scale=rating_scale)
                summary.rows, summary.columns = batch.rows_read, dict(batch.columns)
                summary.file_columns = list(batch.file_columns)
                summary.rejects = list(batch.rejects)
                for reject in batch.rejects:
                    _check_strict(strict, reject, len(batch.rejects))
                if kind == "customers":
                    counts = store.upsert_customers(batch.customers, path, run_id, replace=replace,
                                                    detail=True)
                else:
                    counts = store.upsert_identities(batch.identities, detail=True)
                summary.added, summary.updated, summary.duplicates = counts
                summary.rejected = len(batch.rejects)
                summary.new_rejects = store.add_rejects(batch.rejects, run_id)
                if kind == "identities":
                    summary.linked = store.relink_handles(normalise_identifier)
            else:
                batch, items = open_source(kind, path, mapping=mapping, encoding=encoding,
                                           rating_scale=rating_scale, identities=store.identity_map(),
                                           date_format=date_format)
                kept: list[Any] = []

                def on_reject(reject, kept=kept):
                    _check_strict(strict, reject, None)
                    if len(kept) < 1000:
                        kept.append(reject)

                counts = store.ingest(items, run_id, on_reject=on_reject)
                summary.rows, summary.columns = batch.rows_read, dict(batch.columns)
                summary.file_columns = list(batch.file_columns)
                summary.conversations = batch.conversations
                summary.added, summary.updated = counts.new, counts.updated
                summary.duplicates, summary.rejected = counts.duplicates, counts.rejected
                summary.rejects = kept
            summary.invalid_utf8 = sum(1 for r in summary.rejects if r.reason == "invalid utf-8")
            summaries.append(summary)
            run["counts"]["files"] = len(summaries)
        run["counts"] = {s.file: {"rows": s.rows, "added": s.added, "updated": s.updated,
                                  "duplicates": s.duplicates, "rejected": s.rejected} for s in summaries}
    return summaries


def _check_strict(strict: bool, first: Any, total: int | None) -> None:
    if not strict:
        return
    how_many = f"{total} row(s) rejected" if total is not None else "a row is rejected"
    raise InputError(
        f"{first.where}: {first.field}: {first.reason} (got {first.value!r}). "
        f"{how_many} and --strict is set: fix them or drop --strict to keep them in the rejects table."
    )


CONFIG_KEYS = ("db", "out_dir", "strict", "sources")
SOURCE_KEYS = ("kind", "path", "map", "encoding", "rating_scale", "date_format")


def load_config(path: str | Path) -> dict[str, Any]:
    """Read a run config (TOML); relative paths are resolved against the config's folder."""
    import tomllib

    path = Path(path)
    try:
        with path.open("rb") as fh:
            config = tomllib.load(fh)
    except FileNotFoundError:
        raise ConfigError(f"{path}: config file not found. Pass the path of an insight TOML config.") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc}). Fix the file.") from None
    base = path.resolve().parent
    sources = config.get("sources")
    if not isinstance(sources, list) or not sources:
        raise ConfigError(f"{path}: no [[sources]] given (got {sources!r}). Add one [[sources]] table per input file.")
    from insight.ingest import KINDS

    _known_keys(path, "", config, CONFIG_KEYS)
    _expect(path, "strict", config.get("strict", False), bool, "true or false (unquoted)")
    for key in ("db", "out_dir"):
        _expect(path, key, config.get(key, "x"), str, "a path in quotes")
    for i, src in enumerate(sources, 1):
        if not isinstance(src, dict):
            raise ConfigError(f"{path}: sources[{i}] must be a table (got {src!r}). Write [[sources]] followed by kind = ... and path = ....")
        _known_keys(path, f"sources[{i}]: ", src, SOURCE_KEYS)
        if src.get("kind") not in KINDS:
            raise ConfigError(
                f"{path}: sources[{i}].kind must be one of {', '.join(KINDS)} (got {src.get('kind')!r})."
            )
        if not src.get("path"):
            raise ConfigError(f"{path}: sources[{i}] has no path. Add path = \"FILE\".")
        _expect(path, f"sources[{i}].path", src["path"], str, "a path in quotes")
        if "encoding" in src:
            _expect(path, f"sources[{i}].encoding", src["encoding"], str, 'a codec name in quotes, e.g. "latin-1"')
        if "date_format" in src:
            _expect(path, f"sources[{i}].date_format", src["date_format"], str, 'a strptime format in quotes, e.g. "%d/%m/%Y"')
        src["path"] = str((base / src["path"]).resolve()) if not Path(src["path"]).is_absolute() else src["path"]
        mapping = src.get("map", {})
        if not isinstance(mapping, dict) or not all(isinstance(v, str) for v in mapping.values()):
            raise ConfigError(f"{path}: sources[{i}].map must be a table of field = \"column\" (got {mapping!r}).")
        if "rating_scale" in src:
            src["rating_scale"] = _scale(path, i, src["rating_scale"])
    config["db"] = str((base / config.get("db", "insight.duckdb")).resolve())
    config["out_dir"] = str((base / config.get("out_dir", "insight-out")).resolve())
    return config


def _known_keys(path: Path, where: str, table: dict[str, Any], allowed: tuple[str, ...]) -> None:
    """A misspelt or misplaced key would be ignored without a word: refuse it."""
    for key in table:
        if key not in allowed:
            raise ConfigError(f"{path}: {where}unknown key (got {key!r}). Allowed: {', '.join(allowed)}.")


def _expect(path: Path, key: str, value: Any, kind: type, allowed: str) -> None:
    if not isinstance(value, kind):
        raise ConfigError(f"{path}: {key} must be {allowed} (got {value!r}). Fix the value in the config.")


def _scale(path: Path, i: int, value: Any) -> tuple[float, float]:
    """``[1, 10]`` or ``"1-10"`` → ``(1.0, 10.0)``."""
    parts = value.split("-", 1) if isinstance(value, str) else value
    try:
        low, high = (float(v) for v in parts)
        if isinstance(value, list) and any(isinstance(v, bool) for v in value):
            raise TypeError
    except (TypeError, ValueError):
        low = high = float("nan")
    if not low < high:
        raise ConfigError(f"{path}: sources[{i}].rating_scale must be two numbers, low < high (got {value!r}). "
                          f"Write rating_scale = [1, 10].")
    return low, high


# Customers and identities first, so social posts link on the way in.
_ORDER = {"customers": 0, "identities": 1, "reviews": 2, "transcripts": 3, "social": 4}


def run_config(path: str | Path, *, progress: bool = True, db: str | None = None,
               out_dir: str | Path | None = None) -> dict[str, Any]:
    """One shot: ingest every source, analyse, write the reports. Returns where things went.

    ``db`` and ``out_dir`` override the config's (``insight demo`` writes under the current directory,
    never into the installed package)."""
    from insight import pipeline
    from insight.report import issues as issue_report
    from insight.report import profiles as profile_report

    config = load_config(path)
    db_path = db or config["db"]
    out = Path(out_dir or config["out_dir"])
    out.mkdir(parents=True, exist_ok=True)
    result: dict[str, Any] = {"db": db_path, "ingest": []}
    from insight.store import open_store

    # a failed ingest leaves no new store; once it succeeded, the store is kept whatever happens next
    # (an interrupted analysis resumes on the next run)
    with open_store(db_path) as store:
        for src in sorted(config["sources"], key=lambda s: _ORDER[s["kind"]]):
            scale = src.get("rating_scale", (1, 5))
            for summary in ingest_files(store, src["kind"], [src["path"]], mapping=src.get("map") or None,
                                        encoding=src.get("encoding"), rating_scale=scale,
                                        date_format=src.get("date_format"),
                                        strict=config.get("strict", False)):
                if progress:
                    for line in [*summary.column_lines(), summary.line()]:
                        print(line, file=sys.stderr)
                result["ingest"].append(summary.line())
    with Store(db_path) as store:
        result["analyze"] = pipeline.analyze(store, progress=progress)
        report = issue_report.build_report(store)
        outputs = {
            "issues_html": out / "issues.html",
            "issues_md": out / "issues.md",
            "profiles_jsonl": out / "profiles.jsonl",
        }
        outputs["issues_html"].write_text(issue_report.render_html(report), encoding="utf-8")
        outputs["issues_md"].write_text(issue_report.render_md(report), encoding="utf-8")
        profile_report.write_profiles(store, outputs["profiles_jsonl"], fmt="jsonl")
    result["outputs"] = {k: str(v) for k, v in outputs.items()}
    return result


def enrich_personas(store: Store, personas_file: str | Path) -> list[dict[str, Any]]:
    """Each persona of the file with its members' numbers added (``insight.personas.enrich``), recorded
    as a ``persona enrich`` run."""
    from insight import personas as P
    from insight.report.profiles import iter_profiles

    definitions = P.load_personas(personas_file)
    profiles = list(iter_profiles(store))
    with store.run("persona enrich", {"file": str(personas_file)}) as run:
        enriched = P.enrich(definitions, profiles, run_id=run["run_id"])
        run["counts"] = {"personas": len(enriched)}
    return enriched


def assign_topics(store: Store, texts: list[str]) -> list[dict[str, Any]]:
    """Each text's nearest saved topic (``topic_id`` -1 under the assign threshold), in the vector
    space of the store's embedder: ``{"text", "topic_id", "label", "probability"}``."""
    from insight import resources
    from insight.errors import StoreError
    from insight.pipeline import TopicParams, _load_vectors, store_embedder
    from insight.stages.topics import assign, embed

    stored = store.active_topics(centroids=True)
    if len(stored) == 0:
        raise StoreError(f"{store.path}: no saved topics. Run `insight analyze` first, or use `insight topics discover`.")
    vectors = embed(texts, embedder=resources.load_embedder(name=store_embedder(store)))
    ids, sims = assign(vectors, list(stored["topic_id"]), _load_vectors(stored),
                       threshold=TopicParams().assign_threshold)
    labels = dict(zip(stored["topic_id"], stored["label"], strict=True))
    return [{"text": text, "topic_id": int(tid), "label": labels.get(int(tid)), "probability": round(float(p), 4)}
            for text, tid, p in zip(texts, ids, sims, strict=True)]
