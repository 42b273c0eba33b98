import shutil
import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
sys.path.insert(0, str(TESTS))  # tests/frames.py helpers
MINI = TESTS / "data" / "mini"


@pytest.fixture(scope="session")
def mini_run(tmp_path_factory):
    """The mini corpus run end to end once with the real models: (result, config path, workdir)."""
    from insight.jobs import run_config

    work = tmp_path_factory.mktemp("mini")
    for f in MINI.iterdir():
        shutil.copy(f, work / f.name)
    # a quote that tries to inject markup must come out as text in the HTML report
    with (work / "social.jsonl").open("a", encoding="utf-8") as fh:
        fh.write('{"post_id": "S099", "handle": "@hacker", "platform": "twitter", "text": '
                 '"<script>alert(1)</script> the battery drains overnight and it is awful", '
                 '"created_at": "2026-03-12T10:00:00Z"}\n')
    result = run_config(work / "insight.toml", progress=False)
    return result, work / "insight.toml", work
