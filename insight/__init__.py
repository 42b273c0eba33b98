"""insight: offline-first feedback-insight analyzer (reviews, support transcripts, social posts)."""

__version__ = "0.1.0"


def open(path="insight.duckdb", *, read_only=False):  # noqa: A001 - insight.open mirrors the CLI's --db
    """Open (or create) an insight store: ``with insight.open("insight.duckdb") as db: db.analyze()``.
    See :class:`insight.api.Insight` for the methods (ingest, analyze, issues, profile, profiles, ...)."""
    from insight.api import Insight

    return Insight(path, read_only=read_only)
