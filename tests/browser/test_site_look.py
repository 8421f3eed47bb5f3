"""How the site looks and behaves in Chromium: screenshots for reviewers, the phone header, the menu.

Screenshots of the home page and a network page at 375 and 1280 px are written to
test-artifacts/screenshots/ (git-ignored) on every run, so a reviewer can look at the design.
"""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent.parent
SHOTS = REPO / "test-artifacts" / "screenshots"
PHONE, DESKTOP = 375, 1280
HEADER_MAX = 72  # px: one row, the wordmark and the menu button; the old wrapping menu took 200


@pytest.fixture
def context_at(browser):
    """context_at(width, js=True): a fresh browser context of that width, closed after the test."""
    contexts = []

    def make(width: int, js: bool = True):
        context = browser.new_context(viewport={"width": width, "height": 900}, java_script_enabled=js)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.mark.parametrize("width", [PHONE, DESKTOP])
def test_screenshots_of_the_home_page_and_a_network_page(context_at, site_url, width):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = context_at(width)
    for path, name in (("/", "home"), ("/networks/workforce/", "network-workforce")):
        page.goto(site_url + path)
        shot = SHOTS / f"{name}-{width}.png"
        page.screenshot(path=shot, full_page=True)
        assert shot.stat().st_size > 20_000, f"{shot.name} looks blank"


@pytest.mark.parametrize("path", ["/", "/networks/workforce/", "/summit/2025/"])
def test_the_phone_header_is_one_short_row(context_at, site_url, path):
    page = context_at(PHONE, js=False)
    page.goto(site_url + path)
    height = page.locator(".site-header").bounding_box()["height"]
    assert height <= HEADER_MAX, f"the header takes {height}px of the first screen at {PHONE}px"
    assert page.locator("h1").bounding_box()["y"] < 200, "the page's title is in the first screen"


def test_the_phone_menu_opens_and_closes_without_javascript(context_at, site_url):
    page = context_at(PHONE, js=False)
    page.goto(site_url + "/networks/workforce/")
    nav = page.get_by_role("navigation", name="Main")
    toggle = page.locator("summary.menu__toggle")
    assert toggle.is_visible() and not nav.is_visible()
    toggle.focus()
    page.keyboard.press("Enter")
    assert nav.is_visible()
    links = nav.get_by_role("link")
    assert links.count() >= 5 and all(links.nth(i).is_visible() for i in range(links.count()))
    assert page.locator(".site-header").bounding_box()["height"] <= HEADER_MAX, "the open menu covers, not pushes"
    nav.get_by_role("link", name="Contact").click()
    page.wait_for_url(site_url + "/contact/")
    assert page.locator("h1").inner_text() == "Contact us"
    page.go_back()
    page.locator("summary.menu__toggle").click()
    page.locator("summary.menu__toggle").click()
    assert not page.get_by_role("navigation", name="Main").is_visible()


def test_the_desktop_menu_is_always_shown_without_a_toggle(context_at, site_url):
    page = context_at(DESKTOP, js=False)
    page.goto(site_url + "/")
    assert not page.locator("summary.menu__toggle").is_visible()
    nav = page.get_by_role("navigation", name="Main")
    assert nav.is_visible() and nav.get_by_role("link", name="Networks").is_visible()
    assert page.locator(".site-header").bounding_box()["height"] <= HEADER_MAX


def test_desktop_pages_use_the_width_with_a_second_column(context_at, site_url):
    page = context_at(DESKTOP)
    for path in ("/networks/workforce/", "/about/governance/", "/news/smartcare-prototype/"):
        page.goto(site_url + path)
        aside = page.locator("main aside").bounding_box()
        assert aside and aside["x"] > DESKTOP / 2, f"{path}: no second column beside the text"
