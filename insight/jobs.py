"""Jobs the CLI runs: ingest files into the store, the one-shot config run, the demo."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from insight.errors import ConfigError, InputError
from insight.store import Store

DEMO_CONFIG = Path(__file__).resolve().parents[1] / "corpora" / "demo" / "insight.toml"


@dataclass
class IngestSummary:
    file: str
    kind: str
    rows: int = 0
    added: int = 0
    rejected: int = 0
    new_rejects: int = 0
    linked: int = 0
    columns: dict[str, str] = field(default_factory=dict)
    rejects: list[Any] = field(default_factory=list)

    def line(self) -> str:
        what = {"customers": "customers", "identities": "identities"}.get(self.kind, "records")
        text = f"{self.file}: {self.rows} rows read, {self.added} new {what}, {self.rejected} rejected"
        if self.linked:
            text += f", {self.linked} social records linked to customers"
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
) -> list[IngestSummary]:
    """Read each file, store its records (idempotent) and its rejects; return one summary per file.

    With ``strict`` any reject is fatal and nothing from that file is stored.
    """
    from insight.ingest import normalise_identifier, read_source

    run_id = store.start_run(f"ingest {kind}", {"files": paths, "map": mapping, "encoding": encoding,
                                                "rating_scale": list(rating_scale), "strict": strict})
    summaries = []
    try:
        for path in paths:
            batch = read_source(kind, path, mapping=mapping, encoding=encoding, rating_scale=rating_scale,
                                identities=store.identity_map())
            summary = IngestSummary(file=path, kind=kind, rows=batch.rows_read, rejected=len(batch.rejects),
                                    columns=dict(batch.columns), rejects=list(batch.rejects))
            if strict and batch.rejects:
                first = batch.rejects[0]
                raise InputError(
                    f"{first.source_file}:{first.line}: {first.field}: {first.reason} (got {first.value!r}). "
                    f"{len(batch.rejects)} row(s) rejected and --strict is set: fix them or drop --strict "
                    f"to keep them in the rejects table."
                )
            if kind == "customers":
                summary.added = store.upsert_customers(batch.customers, path, run_id)
            elif kind == "identities":
                summary.added = store.upsert_identities(batch.identities)
                summary.linked = store.relink_handles(normalise_identifier)
            else:
                summary.added = store.add_records(batch.records, run_id)
            summary.new_rejects = store.add_rejects(batch.rejects, run_id)
            summaries.append(summary)
    except BaseException:
        store.end_run(run_id, {"files": len(summaries)}, status="failed")
        raise
    store.end_run(run_id, {s.file: {"rows": s.rows, "added": s.added, "rejected": s.rejected} for s in summaries})
    return summaries


def load_config(path: str | Path) -> dict[str, Any]:
    """Read a run config (TOML); relative paths are resolved against the config's folder."""
    import tomllib

    path = Path(path)
    try:
        with path.open("rb") as fh:
            config = tomllib.load(fh)
    except FileNotFoundError:
        raise ConfigError(f"{path}: config file not found. Pass the path of an insight TOML config.") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc}). Fix the file.") from None
    base = path.resolve().parent
    sources = config.get("sources")
    if not isinstance(sources, list) or not sources:
        raise ConfigError(f"{path}: no [[sources]] given (got {sources!r}). Add one [[sources]] table per input file.")
    from insight.ingest import KINDS

    for i, src in enumerate(sources, 1):
        if src.get("kind") not in KINDS:
            raise ConfigError(
                f"{path}: sources[{i}].kind must be one of {', '.join(KINDS)} (got {src.get('kind')!r})."
            )
        if not src.get("path"):
            raise ConfigError(f"{path}: sources[{i}] has no path. Add path = \"FILE\".")
        src["path"] = str((base / src["path"]).resolve()) if not Path(src["path"]).is_absolute() else src["path"]
        mapping = src.get("map", {})
        if not isinstance(mapping, dict):
            raise ConfigError(f"{path}: sources[{i}].map must be a table of field = \"column\" (got {mapping!r}).")
    config["db"] = str((base / config.get("db", "insight.duckdb")).resolve())
    config["out_dir"] = str((base / config.get("out_dir", "insight-out")).resolve())
    return config


# Customers and identities first, so social posts link on the way in.
_ORDER = {"customers": 0, "identities": 1, "reviews": 2, "transcripts": 3, "social": 4}


def run_config(path: str | Path, *, progress: bool = True, db: str | None = None) -> dict[str, Any]:
    """One shot: ingest every source, analyse, write the reports. Returns where things went."""
    from insight import pipeline
    from insight.report import issues as issue_report
    from insight.report import profiles as profile_report

    config = load_config(path)
    db_path = db or config["db"]
    out = Path(config["out_dir"])
    out.mkdir(parents=True, exist_ok=True)
    result: dict[str, Any] = {"db": db_path, "ingest": []}
    with Store(db_path) as store:
        for src in sorted(config["sources"], key=lambda s: _ORDER[s["kind"]]):
            scale = tuple(src.get("rating_scale", (1, 5)))
            for summary in ingest_files(store, src["kind"], [src["path"]], mapping=src.get("map") or None,
                                        encoding=src.get("encoding"), rating_scale=scale,
                                        strict=bool(config.get("strict", False))):
                print(summary.line(), file=sys.stderr)
                result["ingest"].append(summary.line())
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
