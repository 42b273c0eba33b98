"""Progress on stderr: moving lines for uncounted steps, one closing line with each step's time;
`insight run` takes --db and prints text or JSON."""

import io
import json
import time

from click.testing import CliRunner

from insight.progress import Progress


class _Terminal(io.StringIO):
    def isatty(self):
        return True


def test_a_step_on_a_pipe_prints_one_line_and_is_timed():
    out = io.StringIO()
    p = Progress(True, stream=out)
    with p.step("topics"):
        pass
    assert out.getvalue() == "topics ...\n"
    assert list(p.seconds) == ["topics"]


def test_a_step_on_a_terminal_moves():
    out = _Terminal()
    p = Progress(True, stream=out, tick=0.01)
    with p.step("profiles"):
        time.sleep(0.1)
    text = out.getvalue()
    assert text.count("\rprofiles ... 0s") >= 2  # redrawn while it runs
    assert text.endswith("\r\033[K")  # and cleared for the summary


def test_quiet_prints_nothing_but_still_times():
    out = io.StringIO()
    p = Progress(False, stream=out)
    with p.step("topics"), p.bar(10, "sentiment") as bar:
        bar.update(10)
    p.done("analyze")
    assert out.getvalue() == "" and set(p.seconds) == {"topics", "sentiment"}


def test_summary_lists_each_step_and_the_total():
    p = Progress(False)
    p.seconds = {"sentences": 1.0, "topics": 2.25, "pain points": 0.5}
    assert p.summary("analyze") == "analyze: sentences 1.0s · topics 2.2s · pain points 0.5s · total 3.8s"


def _fake_run(monkeypatch):
    import insight.jobs

    seen = {}

    def fake_run_config(config, **kw):
        seen.update(kw, config=str(config))
        return {"db": kw["db"] or "from-config.duckdb", "outputs": {"issues_html": "out/issues.html"}}

    monkeypatch.setattr(insight.jobs, "run_config", fake_run_config)
    return seen


def test_run_takes_db_and_prints_json_off_a_terminal(monkeypatch, tmp_path):
    from insight.cli import main

    seen = _fake_run(monkeypatch)
    result = CliRunner().invoke(main, ["run", "c.toml", "--db", str(tmp_path / "x.duckdb"), "--quiet"])
    assert result.exit_code == 0, result.output
    assert seen["db"] == str(tmp_path / "x.duckdb") and seen["progress"] is False
    assert json.loads(result.output) == {"db": str(tmp_path / "x.duckdb"), "issues_html": "out/issues.html"}


def test_run_prints_text_when_asked(monkeypatch):
    from insight.cli import main

    _fake_run(monkeypatch)
    result = CliRunner().invoke(main, ["run", "c.toml", "--format", "text"])
    assert result.output == ("insight run finished:\n  store:             from-config.duckdb\n"
                             "  issues_html:       out/issues.html\n")
