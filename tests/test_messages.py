"""File-level messages say what the file is: UTF-16 with or without a BOM, no rows."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from insight.errors import InputError
from insight.ingest import read_source

CSV = "id,text,date\na,fine,2026-01-01\n"


@pytest.mark.parametrize("bom", [codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE])
def test_utf16_with_bom_says_utf16(tmp_path: Path, bom: bytes) -> None:
    path = tmp_path / "r.csv"
    enc = "utf-16-le" if bom == codecs.BOM_UTF16_LE else "utf-16-be"
    path.write_bytes(bom + CSV.encode(enc))
    with pytest.raises(InputError) as info:
        read_source("reviews", path)
    assert str(info.value).startswith(f"{path}:1: the file is UTF-16 (got byte-order mark")
    assert "Re-run with --encoding utf-16" in str(info.value) and "latin-1" not in str(info.value)


def test_utf16_with_bom_reads_with_the_encoding(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_bytes(CSV.encode("utf-16"))
    assert [r.text for r in read_source("reviews", path, encoding="utf-16").records] == ["fine"]


def test_nul_filled_header_says_utf16_without_bom(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_bytes(CSV.encode("utf-16-le"))
    with pytest.raises(InputError, match=r"r\.csv:1: the header is full of NUL bytes .* --encoding utf-16-le"):
        read_source("reviews", path)


def test_utf16_json_says_utf16(tmp_path: Path) -> None:
    path = tmp_path / "r.json"
    path.write_bytes('[{"text": "a", "date": "2026-01-01"}]'.encode("utf-16"))
    with pytest.raises(InputError, match="the file is UTF-16"):
        read_source("reviews", path)


@pytest.mark.parametrize("size", [2, 300_000])
def test_bare_carriage_return_line_endings_say_so(tmp_path: Path, size: int) -> None:
    path = tmp_path / "r.csv"
    path.write_bytes(("id,text,date\r" + "a,fine,2026-01-01\r" * size).encode("utf-8"))
    with pytest.raises(InputError, match=r"r\.csv:1: lines end in a bare carriage return .* LF or CRLF"):
        read_source("reviews", path)


def test_several_lists_of_rows_in_one_json_object_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "r.json"
    path.write_text('{"reviews": [{"text": "a", "date": "2026-01-01"}], "posts": [{"text": "b", "date": "2026-01-01"}]}',
                    encoding="utf-8")
    with pytest.raises(InputError, match=r"several lists of rows \(got 'reviews', 'posts'\)"):
        read_source("reviews", path)
