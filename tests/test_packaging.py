"""The wheel carries models and demo as package data; loaders look there first, the checkout second."""

import hashlib
import importlib.util
import json
import os
from pathlib import Path

from click.testing import CliRunner

from insight import paths

ROOT = Path(__file__).resolve().parents[1]


def _setup_module():
    spec = importlib.util.spec_from_file_location("insight_setup", ROOT / "setup.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # __name__ is not "__main__": setup() does not run
    return module


def test_installed_package_data_comes_first(monkeypatch, tmp_path):
    monkeypatch.delenv("INSIGHT_MODELS_DIR", raising=False)
    (tmp_path / "models").mkdir()
    (tmp_path / "demo").mkdir()
    monkeypatch.setattr(paths, "PACKAGE_DATA", tmp_path)
    assert paths.models_root() == tmp_path / "models"
    assert paths.demo_dir() == tmp_path / "demo"


def test_checkout_is_the_fallback(monkeypatch, tmp_path):
    monkeypatch.delenv("INSIGHT_MODELS_DIR", raising=False)
    monkeypatch.setattr(paths, "PACKAGE_DATA", tmp_path / "absent")
    assert paths.models_root() == ROOT / "models"
    assert paths.demo_dir() == ROOT / "corpora" / "demo"
    from insight.modelling._loading import models_root
    from insight.resources import models_dir

    assert models_root() == models_dir() == ROOT / "models"


def test_env_overrides_both(monkeypatch, tmp_path):
    monkeypatch.setenv("INSIGHT_MODELS_DIR", str(tmp_path))
    assert paths.models_root() == tmp_path


def _fake_checkout(root: Path) -> None:
    model = root / "models" / "m"
    model.mkdir(parents=True)
    (model / "insight_model.json").write_text(json.dumps({"name": "m.v1", "version": "abc"}))
    (model / "model.int8.onnx").write_bytes(b"\x00\x01weights")
    demo = root / "corpora" / "demo"
    demo.mkdir(parents=True)
    (demo / "insight.toml").write_text('db = "x"\n')


def test_build_stages_models_and_demo_with_sha256(tmp_path):
    setup = _setup_module()
    _fake_checkout(tmp_path / "src")
    package = tmp_path / "build" / "insight"
    n = setup.stage_data(tmp_path / "src", package, os.link)
    assert n == 3
    meta = json.loads((package / "_data" / "models" / "m" / "insight_model.json").read_text())
    assert meta["name"] == "m.v1"
    assert meta["sha256"] == {"model.int8.onnx": hashlib.sha256(b"\x00\x01weights").hexdigest()}
    assert (package / "_data" / "demo" / "insight.toml").read_text() == 'db = "x"\n'


def test_rebuild_never_writes_into_the_checkout(tmp_path):
    """A second build over hard links must replace the staged metadata, not write through the link."""
    setup = _setup_module()
    _fake_checkout(tmp_path / "src")
    source_meta = tmp_path / "src" / "models" / "m" / "insight_model.json"
    before = source_meta.read_text()
    package = tmp_path / "build" / "insight"
    staged = package / "_data" / "models" / "m" / "insight_model.json"
    staged.parent.mkdir(parents=True)
    os.link(source_meta, staged)  # what an earlier hard-linking build could leave behind
    setup.stage_data(tmp_path / "src", package, os.link)
    assert source_meta.read_text() == before
    assert "sha256" in json.loads(staged.read_text())


def test_demo_writes_under_the_current_directory(monkeypatch, tmp_path):
    import insight.jobs
    from insight.cli import main

    seen = {}

    def fake_run_config(config, **kw):
        seen.update(kw, config=config)
        out = Path(kw["out_dir"])
        return {"db": kw["db"], "outputs": {"issues_html": str(out / "issues.html")}}

    monkeypatch.setattr(insight.jobs, "run_config", fake_run_config)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["demo", "--quiet"])
    assert result.exit_code == 0, result.output
    assert seen["db"] == os.path.join("out", "demo", "insight.duckdb")
    assert seen["config"] == paths.demo_dir() / "insight.toml"
    result = CliRunner().invoke(main, ["demo", "--quiet", "--out", "elsewhere"])
    assert seen["db"] == os.path.join("elsewhere", "insight.duckdb") and str(seen["out_dir"]) == "elsewhere"
    assert "elsewhere/issues.html" in result.output


def test_run_config_out_dir_overrides_the_config(tmp_path):
    """The demo config's out_dir points into the package: run_config(out_dir=...) must win."""
    import pytest

    from insight.errors import InsightError
    from insight.jobs import run_config

    config = tmp_path / "c.toml"
    config.write_text('out_dir = "inside"\n[[sources]]\nkind = "reviews"\npath = "missing.csv"\n')
    with pytest.raises(InsightError, match="missing.csv"):  # the output folder is made before the ingest
        run_config(config, progress=False, db=str(tmp_path / "x.duckdb"), out_dir=tmp_path / "chosen")
    assert (tmp_path / "chosen").is_dir() and not (tmp_path / "inside").exists()


def _model_tree(root: Path, *, sums: bool, corrupt: bool = False) -> None:
    for folder, name in (("sentiment-e5", "sentiment.e5.v9"), ("aspects-minilm", "aspects.v2"),
                         ("sentiment-minilm", "sentiment.minilm.v3")):
        (root / folder).mkdir()
        weights = b"weights of " + folder.encode()
        meta = {"name": name, "version": "v" + folder[:3]}
        if sums:
            meta["sha256"] = {"model.int8.onnx": hashlib.sha256(weights).hexdigest()}
        (root / folder / "model.int8.onnx").write_bytes(weights + (b"!" if corrupt and folder == "aspects-minilm" else b""))
        (root / folder / "insight_model.json").write_text(json.dumps(meta))


def test_models_lists_and_verifies_the_recorded_sha256(monkeypatch, tmp_path):
    from insight.cli import main

    _model_tree(tmp_path, sums=True)
    monkeypatch.setenv("INSIGHT_MODELS_DIR", str(tmp_path))
    result = CliRunner().invoke(main, ["models", "--verify"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        f"{'sentiment':<10} {'sentiment.e5.v9@vsen':<32} {tmp_path / 'sentiment-e5'}  [ok]",
        f"{'aspects':<10} {'aspects.v2@vasp':<32} {tmp_path / 'aspects-minilm'}  [ok]",
        f"{'aspects':<10} {'sentiment.minilm.v3@vsen':<32} {tmp_path / 'sentiment-minilm'}  [ok]",
    ]


def test_models_verify_names_a_changed_file(monkeypatch, tmp_path):
    from insight.cli import main

    _model_tree(tmp_path, sums=True, corrupt=True)
    monkeypatch.setenv("INSIGHT_MODELS_DIR", str(tmp_path))
    result = CliRunner().invoke(main, ["models", "--verify"])
    assert result.exit_code == 1
    assert "[MISMATCH: model.int8.onnx]" in result.output and "does not match its recorded sha256" in result.output


def test_models_in_a_checkout_have_no_recorded_sums(monkeypatch, tmp_path):
    from insight.cli import main

    _model_tree(tmp_path, sums=False)
    monkeypatch.setenv("INSIGHT_MODELS_DIR", str(tmp_path))
    result = CliRunner().invoke(main, ["models", "--verify"])
    assert result.exit_code == 0 and result.output.count("[not recorded]") == 3
