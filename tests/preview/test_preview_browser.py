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


def test_a_saved_edit_appears_in_the_open_page_without_reloading_by_hand(preview, page: Page):
    mission = preview.project.root / "content" / "about" / "mission.md"
    page.goto(preview.url + "about/mission/")
    expect(page.locator("h1")).to_have_text("Mission and Vision")
    page.evaluate("window.untouchedSinceOpened = true")

    mission.write_text(mission.read_text().replace("## Our Vision", "## Our Vision, Edited Live"))

    expect(page.get_by_role("heading", name="Our Vision, Edited Live")).to_be_visible(timeout=SEEN_WITHIN_MS)
    assert page.evaluate("window.untouchedSinceOpened === undefined")  # the page reloaded itself


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
