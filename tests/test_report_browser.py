"""The HTML issue report in a real browser: charts draw, no console errors, quotes stay text."""

import shutil

import pytest

from insight.report import issues as report
from insight.store import Store

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]

HOSTILE = "<script>window.__alerted = true</script> the battery <b>drains</b> overnight"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="Debian chromium is not installed (apt-get install chromium); "
                                                  ".ci/run installs it"),
]


@pytest.fixture(scope="module")
def page_report(mini_run, tmp_path_factory):
    from playwright.sync_api import sync_playwright

    result, _, _ = mini_run
    with Store(result["db"], read_only=True) as store:
        data = report.build_report(store)
    # customer text is untrusted: a quote carrying markup must render as text, never run
    data["pain_points"][0]["quotes"][0]["quote"] = HOSTILE
    data["pain_points"][0]["records"][0]["text"] = HOSTILE
    html = report.render_html(data)
    out = tmp_path_factory.mktemp("html") / "issues.html"
    out.write_text(html, encoding="utf-8")
    messages = []
    with sync_playwright() as p:
        ctx = p.chromium.launch_persistent_context(str(tmp_path_factory.mktemp("profile")), executable_path=CHROMIUM,
                                                   args=FLAGS, headless=True)
        page = ctx.new_page()
        page.on("console", lambda m: messages.append(f"{m.type}: {m.text}"))
        page.on("pageerror", lambda e: messages.append(f"pageerror: {e}"))
        page.goto(out.as_uri())
        page.wait_for_load_state("load")
        data = {
            "bars": page.evaluate("[...document.querySelectorAll('svg.chart rect.bar')].map(r => r.getBoundingClientRect().height)"),
            "timelines": page.evaluate("document.querySelectorAll('svg.timeline').length"),
            "sections": page.evaluate("document.querySelectorAll('section.pain').length"),
            "scripts": page.evaluate("document.querySelectorAll('script').length"),
            "quotes": page.evaluate("[...document.querySelectorAll('blockquote.quote, details td')].map(q => q.textContent)"),
            "alerted": page.evaluate("window.__alerted === true"),
        }
        ctx.close()
    return data, messages


def test_charts_draw(page_report):
    data, _ = page_report
    assert data["sections"] >= 2 and data["timelines"] == data["sections"]
    assert sum(1 for h in data["bars"] if h > 0) >= data["sections"]


def test_no_console_errors(page_report):
    _, messages = page_report
    assert [m for m in messages if m.startswith(("error", "pageerror"))] == []


def test_script_in_a_quote_is_shown_as_text(page_report):
    data, _ = page_report
    assert data["scripts"] == 0 and data["alerted"] is False
    assert sum(1 for q in data["quotes"] if q.startswith(HOSTILE)) == 2
