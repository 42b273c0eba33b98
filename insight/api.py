"""The Python API: the CLI's commands as methods on one open store.

    import insight
    with insight.open("insight.duckdb") as db:
        db.ingest("reviews", "reviews.csv", map={"text": "body"})
        db.analyze()
        pains = db.issues()        # pandas DataFrame, one row per pain point
        prof = db.profile("CU-1")  # dict, the same JSON as `insight profile`

Each method calls the same library function as its command, so the two cannot drift apart.
Nothing is printed unless ``progress=True``.
"""

from __future__ import annotations

import os
from typing import Any

from insight.store import Store


class Insight:
    """An open insight store. Use as a context manager, or call :meth:`close`."""

    def __init__(self, path: str | os.PathLike = "insight.duckdb", *, read_only: bool = False) -> None:
        self.path = str(path)
        self.store = Store(self.path, read_only=read_only)

    def __enter__(self) -> Insight:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.store.close()

    def __repr__(self) -> str:
        return f"Insight({self.path!r})"

    # -- commands -----------------------------------------------------------------------------
    def ingest(self, kind: str, *paths: str | os.PathLike, map: dict[str, str] | None = None,  # noqa: A002
               encoding: str | None = None, rating_scale: tuple[float, float] = (1, 5), strict: bool = False,
               replace: bool = False, date_format: str | None = None) -> list:
        """``insight ingest KIND FILES...``: one IngestSummary per file (``.line()``, ``.column_lines()``)."""
        from insight.jobs import ingest_files

        return ingest_files(self.store, kind, [str(p) for p in paths], mapping=map or None, encoding=encoding,
                            rating_scale=rating_scale, strict=strict, replace=replace, date_format=date_format)

    def analyze(self, *, rescore: str | None = None, embedder: str | None = None, batch_size: int = 256,
                progress: bool = False, runner: str = "local") -> dict[str, Any]:
        """``insight analyze``: counts per stage (``stale_models`` when an older model scored rows)."""
        from insight.pipeline import Models, analyze

        return analyze(self.store, models=Models(embedder=embedder), batch_size=batch_size, progress=progress,
                       runner=runner, rescore=rescore)

    def issues(self, *, top: int = 15, since: str | None = None, until: str | None = None,
               channel: str | None = None, product: str | None = None, segment: str | None = None):
        """``insight issues``: the ranked pain points as a DataFrame (the report's fields as columns)."""
        import pandas as pd

        from insight.report.issues import build_report

        report = build_report(self.store, since=since, until=until, channel=channel, product=product,
                              segment=segment, top=top)
        return pd.DataFrame(report["pain_points"])

    def issues_report(self, **filters: Any) -> dict[str, Any]:
        """The whole report as ``insight issues --format json`` gives it."""
        from insight.report.issues import build_report

        return build_report(self.store, **filters)

    def profile(self, customer_id: str) -> dict[str, Any]:
        """``insight profile CUSTOMER_ID``: the profile as a dict."""
        from insight.report.profiles import get_profile

        return get_profile(self.store, customer_id)

    def profiles(self):
        """``insight profiles --format csv`` as a DataFrame (CRM attributes and top needs included)."""
        from insight.report.profiles import iter_profiles, profiles_frame

        return profiles_frame(list(iter_profiles(self.store)))

    def assign_topics(self, texts: list[str]) -> list[dict[str, Any]]:
        """``insight topics assign``: each text's saved topic."""
        from insight.jobs import assign_topics

        return assign_topics(self.store, list(texts))

    def enrich_personas(self, personas_file: str | os.PathLike) -> list[dict[str, Any]]:
        """``insight persona enrich FILE --format json``."""
        from insight.jobs import enrich_personas

        return enrich_personas(self.store, personas_file)

    def derive_personas(self, k: int = 4, *, seed: int = 42) -> list[dict[str, Any]]:
        """``insight persona derive --k K``: proposed personas whose rules select exactly their segment."""
        from insight.personas import derive
        from insight.report.profiles import iter_profiles

        return derive(list(iter_profiles(self.store)), k=k, seed=seed)

