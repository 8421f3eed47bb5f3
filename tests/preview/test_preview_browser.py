"""In a real browser: the open page follows the editor's saves, and shows their mistakes until fixed."""

from __future__ import annotations

import pytest
from conftest import REPO, copy_project, require_chromium
from playwright.sync_api import Browser, Page, expect
from preview_support import start_preview

SEEN_WITHIN_MS = 8_000  # "within a few seconds": one rebuild of the real site plus the reload


@pytest.fixture
def preview(tmp_path):
    require_chromium()
    running = start_preview(copy_project(REPO, tmp_path / "project"))
    assert running.session.state.ok, running.session.err.getvalue()
    yield running
    running.stop()


@pytest.fixture
def page(browser: Browser):
    """A fresh tab (pytest-playwright's own `page` fixture pulls in base_url, which pytest 9 warns about)."""
    context = browser.new_context()
    yield context.new_page()
    context.close()


def test_a_saved_edit_appears_in_the_open_page_in_place_where_the_reader_was(preview, page: Page):
    mission = preview.project.root / "content" / "about" / "mission.md"
    page.set_viewport_size({"width": 375, "height": 500})
    page.goto(preview.url + "about/mission/")
    expect(page.locator("h1")).to_have_text("Mission and Vision")
    page.evaluate("window.untouchedSinceOpened = true")
    page.mouse.wheel(0, 400)
    page.wait_for_function("window.scrollY >= 300")
    scrolled = page.evaluate("window.scrollY")

    mission.write_text(mission.read_text().replace("## Our Vision", "## Our Vision, Edited Live"))

    expect(page.get_by_role("heading", name="Our Vision, Edited Live")).to_be_visible(timeout=SEEN_WITHIN_MS)
    assert page.evaluate("window.untouchedSinceOpened") is True, "only the body changed: it was swapped in place"
    assert page.evaluate("window.scrollY") == scrolled

    mission.write_text(mission.read_text().replace("Edited Live", "Edited Twice"))  # the next save too

    expect(page.get_by_role("heading", name="Our Vision, Edited Twice")).to_be_visible(timeout=SEEN_WITHIN_MS)
    assert page.evaluate("window.untouchedSinceOpened") is True


def test_a_changed_stylesheet_reloads_the_open_page(preview, page: Page):
    stylesheet = preview.project.root / "content" / "static" / "css" / "site.css"
    page.goto(preview.url + "about/mission/")
    page.evaluate("window.untouchedSinceOpened = true")

    stylesheet.write_text(stylesheet.read_text() + "\nh1 { color: rgb(1, 2, 3); }\n")

    expect(page.locator("h1")).to_have_css("color", "rgb(1, 2, 3)", timeout=SEEN_WITHIN_MS)
    assert page.evaluate("window.untouchedSinceOpened === undefined"), "its head changed: the page reloaded"


def test_a_broken_yaml_line_shows_the_overlay_until_it_is_fixed(preview, page: Page):
    values = preview.project.root / "content" / "about" / "values.yaml"
    good = values.read_text()
    broken_line = good.splitlines().index("- name: Cohesiveness") + 1
    page.goto(preview.url + "about/values/")
    overlay = page.locator("#ecosite-overlay")
    expect(overlay).to_have_count(0)

    values.write_text(good.replace("- name: Cohesiveness", "- name: Cohesiveness: broken"))

    expect(overlay).to_be_visible(timeout=SEEN_WITHIN_MS)
    expect(overlay).to_contain_text(f"content/about/values.yaml:{broken_line}:")
    expect(page.get_by_text("Patient Centricity").first).to_be_attached()  # the last good page stays

    values.write_text(good)

    expect(overlay).to_have_count(0, timeout=SEEN_WITHIN_MS)


def test_the_overlay_shows_the_first_error_leaves_the_header_visible_and_collapses(preview, page: Page):
    site = preview.project.root / "content/site.yaml"
    values = preview.project.root / "content/about/values.yaml"
    good_site, good = site.read_text(), values.read_text()
    broken_line = good.splitlines().index("- name: Cohesiveness") + 1
    page.set_viewport_size({"width": 375, "height": 700})
    page.goto(preview.url + "about/values/")
    site.write_text(good_site.replace("language: en", "language: English"))  # a second, later error
    values.write_text(good.replace("- name: Cohesiveness", "- name: Cohesiveness: broken"))
    try:
        overlay = page.locator("#ecosite-overlay")
        expect(overlay).to_contain_text("content/site.yaml", timeout=SEEN_WITHIN_MS)
        summary = overlay.locator("summary")
        expect(summary).to_contain_text(f"content/about/values.yaml:{broken_line}:")  # the first error, up front
        header, box = page.locator("header").first.bounding_box(), overlay.bounding_box()
        assert header is not None and box is not None
        assert header["y"] + header["height"] <= box["y"]  # the site's header is not covered
        later = overlay.get_by_text("content/site.yaml")
        expect(later).to_be_visible()
        summary.click()
        expect(later).to_be_hidden()
        expect(summary).to_be_visible()
    finally:
        site.write_text(good_site)
        values.write_text(good)
    expect(page.locator("#ecosite-overlay")).to_have_count(0, timeout=SEEN_WITHIN_MS)
