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
import re
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import chain, islice
from pathlib import Path
from typing import Any, BinaryIO

from insight.errors import InputError
from insight.ingest.values import (
    BAD_QUOTING,
    DUPLICATE_KEY,
    INVALID_JSON,
    INVALID_UTF8,
    LINE_TOO_LONG,
    TOO_MANY_FIELDS,
    WRONG_TYPE,
    RowProblem,
    value_str,
)

TEXT_FORMATS = ("csv", "tsv", "json", "jsonl", "ndjson")
FORMATS = TEXT_FORMATS + ("parquet",)
# Keys under which a JSON object file may hold its list of rows.
JSON_LIST_KEYS = ("records", "data", "items", "reviews", "posts", "conversations", "rows")
_SAMPLE = 1000
_PARQUET_BATCH = 2048
# Bounds that keep memory flat whatever the input: a physical line (or a CSV row spanning
# lines) longer than MAX_LINE_BYTES is rejected without being held whole; a quoted CSV field may
# span at most MAX_FIELD_LINES lines; a JSON (not JSONL) file is parsed whole only up to
# MAX_JSON_BYTES once decompressed.
MAX_LINE_BYTES = 4 * 1024 * 1024
MAX_FIELD_LINES = 1000
MAX_JSON_BYTES = 64 * 1024 * 1024
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
    encoding = check_encoding(path, encoding)
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


@dataclass(frozen=True)
class LongLine:
    """A physical line longer than MAX_LINE_BYTES: only its head is kept (the rest is skipped)."""

    number: int
    head: bytes


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


def check_encoding(path: str, encoding: str | None) -> str | None:
    """The codec's canonical name; InputError for unknown codecs and for bytes-to-bytes or
    text-to-text transforms (rot13, base64, zlib), which are not file encodings."""
    if encoding is None:
        return None
    try:
        info = codecs.lookup(encoding)
    except (LookupError, TypeError, ValueError):
        raise InputError(
            f"{path}: unknown encoding (got {encoding!r}). Use a Python codec name such as "
            f"utf-8, latin-1 or cp1252."
        ) from None
    if not getattr(info, "_is_text_encoding", True):
        raise InputError(
            f"{path}: not a text encoding (got {encoding!r}). --encoding names how the file's bytes "
            f"map to characters, such as utf-8, latin-1, cp1252 or utf-16."
        )
    return info.name


def _sniff_wide(path: str, head: bytes, encoding: str | None) -> None:
    """UTF-16/32 read as UTF-8 fails on line 1 with a confusing byte: say what the file is."""
    if encoding is not None:
        return
    for bom, name in ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
                      (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):  # fmt: skip
        if head.startswith(bom):
            raise InputError(
                f"{path}:1: the file is {name.upper()} (got byte-order mark {bom!r}). "
                f"Re-run with --encoding {name}, or re-save the file as UTF-8."
            )
    first = head.split(b"\n", 1)[0]
    if b"\x00" in first:
        guess = "utf-16-le" if first[1:2] == b"\x00" else "utf-16-be"
        raise InputError(
            f"{path}:1: the header is full of NUL bytes (got {first[:16]!r}): probably UTF-16 without "
            f"a byte-order mark. Re-run with --encoding {guess}, or re-save the file as UTF-8."
        )


def _binary_lines(fh: Any) -> Iterator[tuple[int, bytes | LongLine]]:
    """Physical lines, each at most MAX_LINE_BYTES; a longer one is skipped to its end (bounded
    memory) and reported as a LongLine."""
    number = 0
    while True:
        raw = fh.readline(MAX_LINE_BYTES + 1)
        if not raw:
            return
        number += 1
        if len(raw) > MAX_LINE_BYTES and not raw.endswith(b"\n"):
            head = raw[:200]
            while raw and not raw.endswith(b"\n"):
                raw = fh.readline(MAX_LINE_BYTES)
            yield number, LongLine(number, head)
            continue
        yield number, raw


def _decoded_lines(path: str, gz: bool, encoding: str | None) -> Iterator[tuple[int, str | LongLine]]:
    """``(line, text)``: line endings kept, a BOM dropped. Bytes that do not decode are kept as
    surrogate escapes (U+DC80–U+DCFF), so the row holding them can be rejected alone."""
    enc = encoding or "utf-8"
    if enc.startswith(_WIDE_ENCODINGS):
        yield from _wide_lines(path, gz, enc)
        return
    try:
        with _open_binary(path, gz) as fh:
            _sniff_wide(path, fh.peek(64)[:64] if hasattr(fh, "peek") else b"", encoding)
            for number, raw in _binary_lines(fh):
                if isinstance(raw, LongLine):
                    yield number, raw
                    continue
                text = raw.decode(enc, "surrogateescape")
                if number == 1:
                    if text.startswith("\ufeff"):
                        text = text[1:]
                    if _ESCAPED_RE.search(text):  # a header that does not decode: the whole file is off
                        bad = _ESCAPED_RE.search(text).group().encode(enc, "surrogateescape")
                        raise _encoding_error(path, 1, bad, encoding)
                yield number, text
    except (OSError, EOFError, zlib.error) as exc:  # gzip.BadGzipFile is an OSError
        raise InputError(f"{path}: cannot read the file ({exc}). Check it is not truncated or corrupt.") from None


def _wide_lines(path: str, gz: bool, enc: str) -> Iterator[tuple[int, str | LongLine]]:
    number = 0
    limit = MAX_LINE_BYTES // 2
    try:
        with io.TextIOWrapper(_open_binary(path, gz), encoding=enc, newline="") as fh:
            while True:
                text = fh.readline(limit + 1)
                if not text:
                    return
                number += 1
                if len(text) > limit and not text.endswith("\n"):
                    head = text[:200].encode("utf-8", "surrogatepass")
                    while text and not text.endswith("\n"):
                        text = fh.readline(limit)
                    yield number, LongLine(number, head)
                    continue
                yield number, (text.lstrip("\ufeff") if number == 1 else text)
    except UnicodeDecodeError as exc:
        raise _encoding_error(path, number + 1, exc.object[exc.start : exc.end], enc) from None
    except (OSError, EOFError, zlib.error) as exc:
        raise InputError(f"{path}: cannot read the file ({exc}). Check it is not truncated or corrupt.") from None


_ESCAPED_RE = re.compile("[\udc80-\udcff]+")


def undecodable(text: str) -> bool:
    """True when ``text`` holds bytes that did not decode (kept as surrogate escapes)."""
    return _ESCAPED_RE.search(text) is not None


def raw_bytes(text: str) -> bytes:
    """The original bytes of a line or cell that did not decode (for the reject's value)."""
    return text.encode("utf-8", "surrogateescape")


# -- CSV / TSV ---------------------------------------------------------------------------------


class _RowTooBig(Exception):
    """Raised into csv.reader when a row grows past its limits, to stop it mid-row."""

    def __init__(self, reason: str, last: int, head: Any) -> None:
        super().__init__(reason)
        self.reason, self.last, self.head = reason, last, head


class _Lines:
    """The line stream csv.reader pulls from: counts physical lines, remembers the lines of the
    row being read (so a broken quote can be re-read from the next line), and stops a row that
    spans too many lines or bytes."""

    def __init__(self, lines: Iterator[tuple[int, str | LongLine]]) -> None:
        self.source = lines
        self.pushed: list[tuple[int, str]] = []  # lines to read again, next one last
        self.row: list[tuple[int, str]] = []
        self.row_bytes = 0
        self.delimiter = ","

    def start_row(self) -> None:
        self.row = []
        self.row_bytes = 0

    def push_back(self, lines: list[tuple[int, str]]) -> None:
        self.pushed.extend(reversed(lines))

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        if self.pushed:
            number, text = self.pushed.pop()
        else:
            number, text = next(self.source)
        if isinstance(text, LongLine):
            raise _RowTooBig(LINE_TOO_LONG, number, text.head)
        self.row.append((number, text))
        self.row_bytes += len(text)
        if len(self.row) > MAX_FIELD_LINES or self.row_bytes > MAX_LINE_BYTES:
            raise _RowTooBig(BAD_QUOTING, number, self.row[0][1])
        return text


def _csv_rows(
    path: str, lines: Iterator[tuple[int, str | LongLine]], delimiter: str | None
) -> tuple[list[str], Iterator[tuple[int, Row]]]:
    if csv.field_size_limit() < MAX_LINE_BYTES:
        csv.field_size_limit(MAX_LINE_BYTES)
    stream = _Lines(lines)
    try:
        first_number, first = next(lines)
    except StopIteration:
        raise InputError(f"{path}: the file is empty (got 0 lines). Give a header row and at least one row.") from None
    if "\r" in (first.head.decode("latin-1") if isinstance(first, LongLine) else first.rstrip("\r\n")):
        raise InputError(
            f"{path}:1: lines end in a bare carriage return (old Mac style), so the file reads as one line "
            f"(got {(first.head if isinstance(first, LongLine) else first)[:40]!r}). "
            f"Convert the line endings to LF or CRLF (e.g. tr '\\r' '\\n')."
        )
    if isinstance(first, LongLine):
        raise InputError(
            f"{path}:1: the header line is longer than {MAX_LINE_BYTES} bytes (got {first.head[:40]!r}...). "
            f"Check the file is really CSV, with one row per line."
        )
    if delimiter is None:
        delimiter = ";" if first.count(";") > first.count(",") else ","
    stream.push_back([(first_number, first)])
    stream.delimiter = delimiter
    reader = csv.reader(stream, delimiter=delimiter, strict=True)
    try:
        header = next(reader)
    except (csv.Error, _RowTooBig) as exc:
        raise InputError(f"{path}:1: cannot parse the header ({exc}). Fix the header row.") from None
    columns = _header_names(path, header)
    return columns, _csv_body(path, reader, stream, columns)


def _header_names(path: str, header: list[str]) -> list[str]:
    """Stripped names; an empty one becomes ``column_N``; a repeated one is an error (the second
    column would silently replace the first)."""
    columns = [h.strip() or f"column_{i}" for i, h in enumerate(header, start=1)]
    seen: dict[str, str] = {}
    for name in columns:
        key = name.casefold()
        if key in seen:
            raise InputError(
                f"{path}:1: duplicate column name (got {name!r} and {seen[key]!r}). Rename one of the "
                f"columns so that every column has its own name."
            )
        seen[key] = name
    return columns


def _lines_label(first: int, last: int) -> str:
    return f"lines {first}-{last}" if last > first else f"line {first}"


def _csv_body(path: str, reader: Any, stream: _Lines, columns: list[str]) -> Iterator[tuple[int, Row]]:
    width = len(columns)
    while True:
        stream.start_row()
        try:
            cells = next(reader)
        except StopIteration:
            return
        except (csv.Error, _RowTooBig) as exc:
            yield from _broken_row(stream, exc, width)
            continue
        start, last = stream.row[0][0], stream.row[-1][0]
        span = last if last > start else None
        if not cells or not any(c.strip() for c in cells):
            continue
        if last > start and len(cells) != width and _rows_inside(stream.row[1:], width, stream.delimiter):
            # A quote opened a field that swallowed the rows after it: reject the row with its
            # line range and read the swallowed lines again as rows of their own.
            yield start, RowProblem("record", stream.row[0][1].rstrip("\r\n"), BAD_QUOTING, last_line=last)
            stream.push_back(stream.row[1:])
            continue
        if len(cells) > width:
            raw = "".join(text for _, text in stream.row).rstrip("\r\n")
            yield start, RowProblem(f"record ({len(cells)} fields, header has {width})", raw, TOO_MANY_FIELDS, last_line=span)
            continue
        bad = next((i for i, c in enumerate(cells) if undecodable(c)), None)
        if bad is not None:
            yield start, RowProblem(columns[bad], raw_bytes(cells[bad]), INVALID_UTF8, last_line=span)
            continue
        yield start, {col: (cells[i] if i < len(cells) else None) for i, col in enumerate(columns)}


def _rows_inside(lines: list[tuple[int, str]], width: int, delimiter: str) -> bool:
    """Whether lines swallowed by an open quote hold rows of their own: then they are read again,
    else they belong to the rejected row. They do when, read on their own, they parse as rows
    (strictly, with no quote left open) of which one has exactly ``width`` cells, and no line has
    an odd number of quotes (such a line closes or opens a quoted field: it is no row)."""
    if any(text.count('"') % 2 for _, text in lines):
        return False
    try:
        rows = list(csv.reader([text for _, text in lines], delimiter=delimiter, strict=True))
    except csv.Error:
        return False
    return any(len(cells) == width for cells in rows)


def _broken_row(stream: _Lines, exc: Exception, width: int) -> Iterator[tuple[int, Row]]:
    """A row csv cannot parse (bad quoting, an unclosed quote, a line too long): one reject with
    its line range; the lines it swallowed after its first are read again when they hold rows."""
    row = stream.row
    if isinstance(exc, _RowTooBig) and exc.reason == LINE_TOO_LONG:
        if row:  # a quoted field ran into the long line: the row it started is broken too
            last = row[-1][0]
            yield row[0][0], RowProblem("record", row[0][1].rstrip("\r\n"), BAD_QUOTING,
                                        last_line=last if last > row[0][0] else None)
            if _rows_inside(row[1:], width, stream.delimiter):
                stream.push_back(row[1:])
        yield exc.last, RowProblem("record", exc.head, LINE_TOO_LONG)
        return
    if not row:
        return
    first, last = row[0][0], row[-1][0]
    yield first, RowProblem("record", row[0][1].rstrip("\r\n"), BAD_QUOTING, last_line=last if last > first else None)
    if _rows_inside(row[1:], width, stream.delimiter):
        stream.push_back(row[1:])


# -- JSON / JSONL ------------------------------------------------------------------------------


def _json_rows(path: str, gz: bool, encoding: str | None) -> Iterator[tuple[int, Row]]:
    """A JSON file is parsed whole, so it is refused above MAX_JSON_BYTES (JSONL streams)."""
    try:
        with _open_binary(path, gz) as fh:
            raw = fh.read(MAX_JSON_BYTES + 1)
    except (OSError, EOFError, zlib.error) as exc:
        raise InputError(f"{path}: cannot read the file ({exc}). Check it is not truncated or corrupt.") from None
    if len(raw) > MAX_JSON_BYTES:
        raise InputError(
            f"{path}: JSON file too large to parse whole (got more than {MAX_JSON_BYTES // 2**20} MiB"
            f"{' once decompressed' if gz else ''}). Convert it to JSON Lines, one object per line "
            f"(e.g. jq -c '.[]' file.json > file.jsonl), which is read as a stream."
        )
    _sniff_wide(path, raw[:64], encoding)
    enc = encoding or "utf-8-sig"
    try:
        text = raw.decode(enc)
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise _encoding_error(path, line, raw[exc.start : exc.end], encoding) from None
    del raw
    text = text.lstrip("\ufeff")
    hook = _PairsHook()
    try:
        data = json.loads(text, object_pairs_hook=hook)
    except json.JSONDecodeError as exc:
        near = text[exc.pos : exc.pos + 20]
        raise InputError(
            f"{path}:{exc.lineno}: invalid JSON, {exc.msg} at column {exc.colno} (got {near!r}). "
            f"Fix the file, or use .jsonl for one object per line."
        ) from None
    except (RecursionError, ValueError) as exc:  # nesting too deep; an integer of 4,300+ digits
        raise InputError(
            f"{path}: JSON that cannot be read safely ({_json_problem(exc)}, got {text[:20]!r}). "
            f"Fix the file, or use .jsonl so that only the bad line is rejected."
        ) from None
    items = _json_items(path, data)
    return _json_items_rows(items, hook)


def _json_problem(exc: BaseException) -> str:
    if isinstance(exc, RecursionError):
        return "nested too deeply"
    return str(exc).split(";")[0].split(":")[0].strip() or type(exc).__name__


def _json_items(path: str, data: Any) -> list[Any]:
    if isinstance(data, list):
        return data
    if isinstance(data, dict):
        lists = [key for key in data if str(key).lower() in JSON_LIST_KEYS and isinstance(data[key], list)]
        if len(lists) > 1:  # reading one would drop the others without a word
            raise InputError(
                f"{path}: JSON object holds several lists of rows (got {', '.join(map(repr, lists))}). "
                f"Put each list in a file of its own."
            )
        if lists:
            return data[lists[0]]
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


class _Repeated(dict):
    """A JSON object that repeated a key (``key``); json keeps only the last value, so the row is
    rejected instead of silently losing the others."""

    key = ""


class _PairsHook:
    """``object_pairs_hook`` that marks objects with a repeated key; ``seen`` says whether any had one."""

    def __init__(self) -> None:
        self.seen = False

    def __call__(self, pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        obj = dict(pairs)
        if len(obj) == len(pairs):
            return obj
        keys: set[str] = set()
        marked = _Repeated(obj)
        marked.key = next(k for k, _ in pairs if k in keys or keys.add(k))
        self.seen = True
        return marked


def _repeated_key(item: Any) -> str | None:
    """The first repeated key anywhere inside ``item`` (iterative: parsed nesting may be deep)."""
    stack = [item]
    while stack:
        value = stack.pop()
        if isinstance(value, _Repeated):
            return value.key
        if isinstance(value, dict):
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
    return None


def _checked(item: dict[str, Any], hook: _PairsHook, raw: Any) -> Row:
    key = _repeated_key(item) if hook.seen else None
    return item if key is None else RowProblem(value_str(key)[:100], raw, DUPLICATE_KEY)  # a key is data too


def _json_items_rows(items: list[Any], hook: _PairsHook) -> Iterator[tuple[int, Row]]:
    for index, item in enumerate(items, start=1):
        if isinstance(item, dict):
            yield index, _checked(item, hook, item)
        else:
            yield index, RowProblem("record", item, WRONG_TYPE)


def _jsonl_rows(path: str, lines: Iterable[tuple[int, str | LongLine]]) -> Iterator[tuple[int, Row]]:
    for number, line in lines:
        if isinstance(line, LongLine):
            yield number, RowProblem("record", line.head, LINE_TOO_LONG)
            continue
        if undecodable(line):
            yield number, RowProblem("record", raw_bytes(line.strip()), INVALID_UTF8)
            continue
        if not line.strip():
            continue
        hook = _PairsHook()
        try:
            item = json.loads(line, object_pairs_hook=hook)
        except (ValueError, RecursionError):  # JSONDecodeError, huge integers, deep nesting
            yield number, RowProblem("record", line.strip(), INVALID_JSON)
            continue
        if isinstance(item, dict):
            yield number, _checked(item, hook, line.strip())
        else:
            yield number, RowProblem("record", item, WRONG_TYPE)


# -- Parquet -----------------------------------------------------------------------------------


def _parquet_rows(path: str, encoding: str | None) -> tuple[list[str], Iterator[tuple[int, Row]]]:
    import pyarrow.parquet as pq  # heavy: imported only for parquet files

    try:
        pf = pq.ParquetFile(path)
    except Exception as exc:  # pyarrow raises ArrowInvalid/OSError for non-parquet bytes
        raise InputError(f"{path}: cannot read as Parquet ({exc}). Check the file is a Parquet file.") from None
    names = list(pf.schema_arrow.names)
    _header_names(path, names)  # a repeated name would keep only one column's values
    return names, _parquet_body(path, pf, encoding)


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
