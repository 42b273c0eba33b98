"""The profile page (`insight profile ID --format html`) in a real browser: template order, timeline,
no scripts or console errors, customer text stays text."""

import shutil

import pytest
from frames import no_aspects, records_from, voice, voice_row

from insight.report.profiles import PAGE_SECTIONS, render_profile_html
from insight.stages.painpoints import find_pain_points
from insight.stages.profiles import build_profiles

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]
HOSTILE = "<script>window.__alerted = true</script> the login <b>code</b> never arrives <img src=x onerror=alert(1)>"
LOGIN = dict(topic=3, topic_label="login code never arrives")


def _profile():
    rows = [
        voice_row("a1", "ra", "C1", "review", "2026-01-01", "Great camera, love it.", 0.9, rating=5),
        voice_row("a2", "rb", "C1", "support", "2026-01-10", HOSTILE, -0.8, conversation="T1", **LOGIN),
        voice_row("a3", "rc", "C1", "support", "2026-01-10 00:05", "That worked, thanks!", 0.8, conversation="T1"),
        voice_row("a4", "rd", "C1", "social", "2026-02-10", "The login code never arrives again.", -0.9, **LOGIN),
        voice_row("b1", "re", "C2", "review", "2026-01-05", "Login code never arrives, awful.", -0.9, rating=2, **LOGIN),
    ]
    v = voice(rows)
    pains, mentions = find_pain_points(v, no_aspects())
    frame = build_profiles(records_from(v), v, no_aspects(), mentions, pains,
                           attributes={"C1": {"plan": "premium", "segment": "consumer", "name": "Ada Example",
                                              "email": "ada@example.com", "lifetime_value": 420.5}})
    return next(r.profile for r in frame.itertuples() if r.customer_id == "C1")


def test_page_is_self_contained_and_escapes_customer_text():
    html = render_profile_html(_profile())
    assert "<script" not in html.replace("&lt;script", "") and "&lt;script&gt;" in html
    assert "http://" not in html and "https://" not in html  # nothing fetched
    assert "Ada Example" not in html and "ada@example.com" not in html  # identifying CRM fields stay off
    assert [html.index(f'id="{sid}"') for sid, _ in PAGE_SECTIONS] == sorted(html.index(f'id="{sid}"') for sid, _ in PAGE_SECTIONS)


@pytest.mark.browser
@pytest.mark.skipif(CHROMIUM is None, reason="Debian chromium is not installed (apt-get install chromium); "
                                              ".ci/run installs it")
def test_page_in_the_browser(tmp_path):
    from playwright.sync_api import sync_playwright

    out = tmp_path / "profile.html"
    out.write_text(render_profile_html(_profile()), encoding="utf-8")
    messages = []
    with sync_playwright() as p:
        ctx = p.chromium.launch_persistent_context(str(tmp_path / "chrome"), executable_path=CHROMIUM, args=FLAGS,
                                                   headless=True)
        page = ctx.new_page()
        page.on("console", lambda m: messages.append(f"{m.type}: {m.text}"))
        page.on("pageerror", lambda e: messages.append(f"pageerror: {e}"))
        page.goto(out.as_uri())
        page.wait_for_load_state("load")
        data = page.evaluate("""() => ({
            sections: [...document.querySelectorAll('main > section')].map(s => s.id),
            dots: [...document.querySelectorAll('#timeline circle.contact')].map(c => c.getBoundingClientRect().height),
            statuses: [...document.querySelectorAll('#pains .status')].map(s => s.textContent),
            cases: [...document.querySelectorAll('#support-cases tr')].slice(1).map(r => r.textContent),
            scripts: document.querySelectorAll('script').length,
            images: document.querySelectorAll('img').length,
            quotes: [...document.querySelectorAll('blockquote')].map(q => q.textContent).join(' '),
            alerted: window.__alerted === true,
        })""")
        ctx.close()
    assert data["sections"] == [sid for sid, _ in PAGE_SECTIONS]
    assert len(data["dots"]) == 3 and all(h > 0 for h in data["dots"])  # review, chat, post
    assert data["statuses"] == ["open"]  # raised again on social after the chat
    assert len(data["cases"]) == 1 and "open" in data["cases"][0] and "raised again in social" in data["cases"][0]
    assert data["scripts"] == 0 and data["images"] == 0 and not data["alerted"]
    assert "<script>window.__alerted = true</script>" in data["quotes"]
    assert not messages
