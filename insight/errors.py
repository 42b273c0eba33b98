"""Typed errors. The library raises these; the CLI turns them into one line and exit code 1.

Message template: ``<where>: <what is wrong> (got <value!r>). <what is allowed / what to do>.``
"""

from __future__ import annotations


class InsightError(Exception):
    """Base class for every error insight raises on purpose."""


class InputError(InsightError):
    """An input file, row or field cannot be used as given."""


class ConfigError(InsightError):
    """A configuration file, option or rule is invalid."""


class ModelUnavailableError(InsightError):
    """A model is missing locally; insight never downloads one."""


class StoreError(InsightError):
    """The DuckDB store cannot be opened, read or written."""


class OptionalDependencyError(InsightError):
    """An optional extra (e.g. ray) is needed for this feature but not installed."""
