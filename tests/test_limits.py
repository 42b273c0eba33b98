"""Resource limits and hostile inputs: a reject for the line, or one clear error, never a traceback."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from insight import store as store_module
from insight.cli import main
from insight.errors import ConfigError, InputError
from insight.ingest import formats, read_source
from insight.jobs import ingest_files, load_config
from insight.personas import load_personas
from insight.store import Store

CSV = "review_id,created_at,text\nR1,2026-01-01,fine\nR2,2026-01-02,also fine\n"


def _write(tmp_path: Path, name: str, data: str | bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return str(path)


def test_overlong_line_is_rejected_without_losing_the_next_rows(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(formats, "MAX_LINE_BYTES", 200)
    body = CSV + "R3,2026-01-03," + "x" * 5000 + "\nR4,2026-01-04,after\n"
    batch = read_source("reviews", _write(tmp_path, "r.csv.gz", gzip.compress(body.encode())))
    assert [r.source_id for r in batch.records] == ["R1", "R2", "R4"]
    assert [(r.line, r.field, r.reason) for r in batch.rejects] == [(4, "record", "line too long")]


def test_overlong_jsonl_line_is_rejected(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(formats, "MAX_LINE_BYTES", 200)
    lines = [json.dumps({"text": "x" * 500, "date": "2026-01-01"}), json.dumps({"text": "ok", "date": "2026-01-01"})]
    batch = read_source("reviews", _write(tmp_path, "r.jsonl", "\n".join(lines) + "\n"))
    assert [r.text for r in batch.records] == ["ok"]
    assert [(r.line, r.reason) for r in batch.rejects] == [(1, "line too long")]


def test_quoted_field_over_too_many_lines_is_bad_quoting(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(formats, "MAX_FIELD_LINES", 3)
    body = 'review_id,created_at,text\nR1,2026-01-01,"a\nb\nc\nd\ne"\n'
    batch = read_source("reviews", _write(tmp_path, "r.csv", body))
    assert (batch.rejects[0].line, batch.rejects[0].reason) == (2, "bad quoting")


def test_big_json_is_refused_with_a_hint_for_jsonl(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(formats, "MAX_JSON_BYTES", 100)
    rows = [{"text": "x" * 50, "date": "2026-01-01"}] * 5
    with pytest.raises(InputError, match=r"JSON file too large to parse whole .*Convert it to JSON Lines"):
        read_source("reviews", _write(tmp_path, "r.json.gz", gzip.compress(json.dumps(rows).encode())))


def test_deep_nesting_and_huge_numbers_in_jsonl_are_rejects(tmp_path) -> None:
    deep = "[" * 200_000 + "]" * 200_000
    lines = ['{"text": ' + deep + ', "date": "2026-01-01"}', '{"text": "big", "rating": ' + "9" * 5000 + "}",
             '{"text": "ok", "date": "2026-01-01"}']
    batch = read_source("reviews", _write(tmp_path, "r.jsonl", "\n".join(lines) + "\n"))
    assert [r.text for r in batch.records] == ["ok"]
    assert [(r.line, r.reason) for r in batch.rejects] == [(1, "invalid json"), (2, "invalid json")]


def test_deep_nesting_in_json_is_one_error(tmp_path) -> None:
    with pytest.raises(InputError, match="nested too deeply"):
        read_source("reviews", _write(tmp_path, "r.json", "[" * 200_000 + "]" * 200_000))


@pytest.mark.parametrize("codec", ["rot13", "base64", "zlib", "hex"])
def test_transform_codecs_are_not_encodings(tmp_path, codec) -> None:
    with pytest.raises(InputError, match=rf"not a text encoding \(got '{codec}'\)"):
        read_source("reviews", _write(tmp_path, "r.csv", CSV), encoding=codec)


def test_cli_bad_encoding_is_one_line(tmp_path) -> None:
    result = CliRunner().invoke(main, ["ingest", "reviews", _write(tmp_path, "r.csv", CSV), "--encoding", "rot13",
                                       "--db", str(tmp_path / "t.duckdb")])
    assert result.exit_code == 1
    assert result.output.count("\n") == 1 and "Traceback" not in result.output


def test_strict_failure_after_several_chunks_stores_nothing(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(store_module, "INGEST_CHUNK", 2)
    rows = "".join(f"R{i},2026-01-01,text {i}\n" for i in range(10)) + "R99,not a date,bad\n"
    with Store(tmp_path / "t.duckdb") as store:
        with pytest.raises(InputError, match="unparseable date"):
            ingest_files(store, "reviews", [_write(tmp_path, "r.csv", "review_id,created_at,text\n" + rows)], strict=True)
        assert store.scalar("SELECT count(*) FROM records") == 0
        assert store.scalar("SELECT count(*) FROM rejects") == 0


def test_chunked_ingest_stores_everything_once(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(store_module, "INGEST_CHUNK", 3)
    rows = "".join(f"R{i},2026-01-01,text {i}\n" for i in range(10)) + "R3,2026-01-01,text 3\nR9,bad,x\n"
    with Store(tmp_path / "t.duckdb") as store:
        (s,) = ingest_files(store, "reviews", [_write(tmp_path, "r.csv", "review_id,created_at,text\n" + rows)])
        assert (s.rows, s.added, s.duplicates, s.rejected) == (12, 10, 1, 1)
        assert store.scalar("SELECT count(*) FROM records") == 10


def test_yaml_alias_bomb_is_refused(tmp_path) -> None:
    bomb = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    for x, y in zip("bcdefghi", "abcdefgh", strict=True):
        bomb += f"{x}: &{x} [*{y},*{y},*{y},*{y},*{y},*{y},*{y},*{y},*{y}]\n"
    bomb += "personas: [{name: x, rules: *i}]\n"
    with pytest.raises(ConfigError, match="aliases"):
        load_personas(_write(tmp_path, "p.yaml", bomb))


@pytest.mark.parametrize("rule", ["(" * 900 + "plan == 1" + ")" * 900, "not " * 900 + "plan == 1",
                                  "not " * 40 + "plan == 1"])
def test_deep_persona_rules_are_one_config_error(rule) -> None:
    from insight.rules import compile_rule

    with pytest.raises(ConfigError, match="persona 'p', rule '.{1,80}': (rule too long|rule nested too deeply|not a valid rule)"):
        compile_rule(rule, persona="p", fields={"plan": "number"})


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('strict = "false"\n[[sources]]\nkind = "reviews"\npath = "r.csv"\n', r"strict must be true or false \(unquoted\) \(got 'false'\)"),
        ('[[sources]]\nkind = "reviews"\npath = 3\n', r"sources\[1\]\.path must be a path in quotes \(got 3\)"),
        ('[[sources]]\nkind = "reviews"\npath = "r.csv"\nmap = { text = 3 }\n', r"sources\[1\]\.map must be a table"),
        ('[[sources]]\nkind = "reviews"\npath = "r.csv"\nrating_scale = "ten"\n', r"rating_scale must be two numbers"),
        ('sources = ["r.csv"]\n', r"sources\[1\] must be a table"),
        ('db = 5\n[[sources]]\nkind = "reviews"\npath = "r.csv"\n', r"db must be a path in quotes \(got 5\)"),
        ('[[sources]]\nkind = "reviews"\npath = "r.csv"\nstrict = true\n',
         r"sources\[1\]: unknown key \(got 'strict'\)\. Allowed: kind, path, map, encoding, rating_scale, date_format"),
        ('stric = true\n[[sources]]\nkind = "reviews"\npath = "r.csv"\n',
         r"unknown key \(got 'stric'\)\. Allowed: db, out_dir, strict, sources"),
    ],
)
def test_wrongly_typed_toml_values_are_config_errors(tmp_path, toml, message) -> None:
    with pytest.raises(ConfigError, match=message):
        load_config(_write(tmp_path, "c.toml", toml))


def test_rating_scale_in_toml_accepts_list_and_text(tmp_path) -> None:
    config = load_config(_write(tmp_path, "c.toml", '[[sources]]\nkind = "reviews"\npath = "r.csv"\nrating_scale = "1-10"\n'))
    assert config["sources"][0]["rating_scale"] == (1.0, 10.0)
