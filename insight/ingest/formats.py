"""Open a file by its extension and stream its rows as ``(line, row)`` pairs.

``line`` is what a person needs to find the row: the 1-based line where a CSV/TSV row starts
(header is line 1), the JSONL line, the JSON array position (record N), the Parquet row + 1.
A row is a dict, or a :class:`RowProblem` when the row itself cannot be read (bad JSON line,
an array element that is not an object); the normaliser turns those into rejects.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import json
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import chain, islice
from pathlib import Path
from typing import Any, BinaryIO

from insight.errors import InputError
from insight.ingest.values import RowProblem

TEXT_FORMATS = ("csv", "tsv", "json", "jsonl", "ndjson")
FORMATS = TEXT_FORMATS + ("parquet",)
# Keys under which a JSON object file may hold its list of rows.
JSON_LIST_KEYS = ("records", "data", "items", "reviews", "posts", "conversations", "rows")
_SAMPLE = 1000
_PARQUET_BATCH = 2048
_CSV_FIELD_LIMIT = 64 * 1024 * 1024
_WIDE_ENCODINGS = ("utf-16", "utf-32")

Row = dict[str, Any] | RowProblem


@dataclass
class RowSource:
    """The columns of a file and a stream over its rows (the first rows are also in ``sample``)."""

    path: str
    format: str
    columns: list[str]
    sample: list[Row]
    rows: Iterator[tuple[int, Row]]


def detect_format(path: str) -> tuple[str, bool]:
    """``("csv", True)`` for ``x.csv.gz``; raise InputError for anything else we cannot read."""
    suffixes = [s.lower() for s in Path(path).suffixes]
    gz = bool(suffixes) and suffixes[-1] == ".gz"
    if gz:
        suffixes = suffixes[:-1]
    fmt = suffixes[-1].lstrip(".") if suffixes else ""
    if fmt in TEXT_FORMATS or (fmt == "parquet" and not gz):
        return fmt, gz
    got = "".join(Path(path).suffixes) or Path(path).name
    raise InputError(
        f"{path}: unknown file format (got {got!r}). Use .csv, .tsv, .json, .jsonl, .ndjson or "
        f".parquet (the text formats may be gzipped, e.g. .csv.gz)."
    )


def open_rows(path: str, *, encoding: str | None = None) -> RowSource:
    """Open ``path`` and return its columns and a stream of ``(line, row)``."""
    fmt, gz = detect_format(path)
    p = Path(path)
    if not p.is_file():
        what = "is a directory, not a file" if p.is_dir() else "file not found"
        raise InputError(f"{path}: {what} (got {path!r}). Check the path and try again.")
    if encoding is not None:
        try:
            encoding = codecs.lookup(encoding).name
        except LookupError:
            raise InputError(
                f"{path}: unknown encoding (got {encoding!r}). Use a Python codec name such as "
                f"utf-8, latin-1 or cp1252."
            ) from None
    if fmt == "parquet":
        columns, rows = _parquet_rows(path, encoding)
        return _with_sample(path, fmt, columns, rows, from_sample=False)
    if fmt in ("csv", "tsv"):
        lines = _decoded_lines(path, gz, encoding)
        columns, rows = _csv_rows(path, lines, "\t" if fmt == "tsv" else None)
        return _with_sample(path, fmt, columns, rows, from_sample=False)
    if fmt == "json":
        rows = _json_rows(path, gz, encoding)
        return _with_sample(path, fmt, [], rows, from_sample=True)
    rows = _jsonl_rows(path, _decoded_lines(path, gz, encoding))
    return _with_sample(path, fmt, [], rows, from_sample=True)


def _with_sample(
    path: str, fmt: str, columns: list[str], rows: Iterator[tuple[int, Row]], *, from_sample: bool
) -> RowSource:
    head = list(islice(rows, _SAMPLE))
    sample = [row for _, row in head]
    if from_sample:
        seen: dict[str, None] = {}
        for row in sample:
            if isinstance(row, dict):
                seen.update(dict.fromkeys(str(k) for k in row))
        columns = list(seen)
    return RowSource(path, fmt, columns, sample, chain(head, rows))


# -- bytes → text ------------------------------------------------------------------------------


def _open_binary(path: str, gz: bool) -> BinaryIO:
    return gzip.open(path, "rb") if gz else open(path, "rb")  # noqa: SIM115 (closed by caller)


def _encoding_error(path: str, line: int, bad: bytes, encoding: str | None) -> InputError:
    if encoding is None or encoding == "utf-8":
        hint = (
            "Re-run with --encoding latin-1 (or cp1252, or the file's real encoding), "
            "or re-save the file as UTF-8"
        )
        return InputError(f"{path}:{line}: not valid UTF-8 (got {bad!r}). {hint}.")
    return InputError(
        f"{path}:{line}: not valid {encoding} (got {bad!r}). Pass the file's real encoding "
        f"with --encoding."
    )


def _decoded_lines(path: str, gz: bool, encoding: str | None) -> Iterator[str]:
    """Decoded lines (line endings kept); a BOM is dropped; bad bytes raise InputError."""
    enc = encoding or "utf-8"
    if enc.startswith(_WIDE_ENCODINGS):
        yield from _wide_lines(path, gz, enc)
        return
    try:
        with _open_binary(path, gz) as fh:
            for number, raw in enumerate(fh, start=1):
                try:
                    text = raw.decode(enc)
                except UnicodeDecodeError as exc:
                    raise _encoding_error(path, number, raw[exc.start : exc.end], encoding) from None
                if number == 1 and text.startswith("\ufeff"):
                    text = text[1:]
                yield text
    except (OSError, EOFError) as exc:  # gzip.BadGzipFile is an OSError
        raise InputError(f"{path}: cannot read the file ({exc}). Check it is not truncated or corrupt.") from None


def _wide_lines(path: str, gz: bool, enc: str) -> Iterator[str]:
    number = 0
    try:
        with io.TextIOWrapper(_open_binary(path, gz), encoding=enc, newline="") as fh:
            for number, text in enumerate(fh, start=1):  # noqa: B007
                yield text.lstrip("\ufeff") if number == 1 else text
    except UnicodeDecodeError as exc:
        raise _encoding_error(path, number + 1, exc.object[exc.start : exc.end], enc) from None
    except (OSError, EOFError) as exc:
        raise InputError(f"{path}: cannot read the file ({exc}). Check it is not truncated or corrupt.") from None


# -- CSV / TSV ---------------------------------------------------------------------------------


def _csv_rows(path: str, lines: Iterator[str], delimiter: str | None) -> tuple[list[str], Iterator[tuple[int, Row]]]:
    if csv.field_size_limit() < _CSV_FIELD_LIMIT:
        csv.field_size_limit(min(_CSV_FIELD_LIMIT, sys.maxsize))
    first = next(lines, None)
    if first is None:
        raise InputError(f"{path}: the file is empty (got 0 lines). Give a header row and at least one row.")
    if delimiter is None:
        delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(chain([first], lines), delimiter=delimiter)
    try:
        header = next(reader)
    except csv.Error as exc:
        raise InputError(f"{path}:1: cannot parse the header ({exc}). Fix the header row.") from None
    columns = [h.strip() for h in header]
    return columns, _csv_body(path, reader, columns)


def _csv_body(path: str, reader: Any, columns: list[str]) -> Iterator[tuple[int, Row]]:
    start = reader.line_num + 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise InputError(f"{path}:{start}: cannot parse the row ({exc}). Fix the quoting on that row.") from None
        if cells and any(c.strip() for c in cells):
            yield start, {col: (cells[i] if i < len(cells) else None) for i, col in enumerate(columns)}
        start = reader.line_num + 1


# -- JSON / JSONL ------------------------------------------------------------------------------


def _json_rows(path: str, gz: bool, encoding: str | None) -> Iterator[tuple[int, Row]]:
    """A JSON file is parsed whole (JSON has no streaming form without a dependency)."""
    try:
        with _open_binary(path, gz) as fh:
            raw = fh.read()
    except (OSError, EOFError) as exc:
        raise InputError(f"{path}: cannot read the file ({exc}). Check it is not truncated or corrupt.") from None
    enc = encoding or "utf-8-sig"
    try:
        text = raw.decode(enc)
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise _encoding_error(path, line, raw[exc.start : exc.end], encoding) from None
    text = text.lstrip("\ufeff")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        near = text[exc.pos : exc.pos + 20]
        raise InputError(
            f"{path}:{exc.lineno}: invalid JSON, {exc.msg} at column {exc.colno} (got {near!r}). "
            f"Fix the file, or use .jsonl for one object per line."
        ) from None
    items = _json_items(path, data)
    return _json_items_rows(items)


def _json_items(path: str, data: Any) -> list[Any]:
    if isinstance(data, list):
        return data
    if isinstance(data, dict):
        for key in data:
            if str(key).lower() in JSON_LIST_KEYS and isinstance(data[key], list):
                return data[key]
        if any(isinstance(v, list) and str(k).lower() in ("turns", "messages") for k, v in data.items()):
            return [data]  # a single conversation object
        keys = ", ".join(repr(k) for k in list(data)[:10])
        raise InputError(
            f"{path}: JSON object has no list of rows (got keys {keys}). Put the rows in an array, "
            f"or under one of: {', '.join(JSON_LIST_KEYS)}."
        )
    raise InputError(
        f"{path}: JSON top level must be an array or an object (got {type(data).__name__}). "
        f"Put the rows in an array."
    )


def _json_items_rows(items: list[Any]) -> Iterator[tuple[int, Row]]:
    for index, item in enumerate(items, start=1):
        if isinstance(item, dict):
            yield index, item
        else:
            yield index, RowProblem("record", item, "wrong type")


def _jsonl_rows(path: str, lines: Iterable[str]) -> Iterator[tuple[int, Row]]:
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError:
            yield number, RowProblem("record", line.strip(), "invalid json")
            continue
        if isinstance(item, dict):
            yield number, item
        else:
            yield number, RowProblem("record", item, "wrong type")


# -- Parquet -----------------------------------------------------------------------------------


def _parquet_rows(path: str, encoding: str | None) -> tuple[list[str], Iterator[tuple[int, Row]]]:
    import pyarrow.parquet as pq  # heavy: imported only for parquet files

    try:
        pf = pq.ParquetFile(path)
    except Exception as exc:  # pyarrow raises ArrowInvalid/OSError for non-parquet bytes
        raise InputError(f"{path}: cannot read as Parquet ({exc}). Check the file is a Parquet file.") from None
    return list(pf.schema_arrow.names), _parquet_body(path, pf, encoding)


def _parquet_body(path: str, pf: Any, encoding: str | None) -> Iterator[tuple[int, Row]]:
    index = 0
    try:
        for batch in pf.iter_batches(batch_size=_PARQUET_BATCH):
            for row in batch.to_pylist():
                index += 1
                if encoding:
                    row = {k: _decode_bytes(v, encoding) for k, v in row.items()}
                yield index, row
    except OSError as exc:
        raise InputError(f"{path}: cannot read Parquet row group after row {index} ({exc}).") from None


def _decode_bytes(value: Any, encoding: str) -> Any:
    if isinstance(value, bytes):
        try:
            return value.decode(encoding)
        except UnicodeDecodeError:
            return value
    return value
