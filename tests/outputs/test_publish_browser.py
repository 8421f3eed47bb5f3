"""In a real browser: the static search finds a network by its topic, and a site built for a path
(`--base-url https://example.org/eco/`) works when a host serves it under /eco/."""

from __future__ import annotations

import http.server
import threading
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from conftest import REPO, _QuietHandler, serve_directory

from ecosite.commands.build import build
from ecosite.outputs import search
from ecosite.project import Project

PREFIX = "/eco/"


def serve_under_prefix(directory: Path):
    """A host that publishes `directory` at /eco/ and nothing at /: like a project page on GitHub Pages."""
    base = _QuietHandler.make(directory)

    class PrefixHandler(base):
        def translate_path(self, path: str) -> str:
            if not path.startswith(PREFIX):
                return str(directory / "no-such-file")
            return super().translate_path("/" + path[len(PREFIX):])

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), PrefixHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}", server


@pytest.fixture(scope="module")
def prefixed_url(tmp_path_factory):
    out = tmp_path_factory.mktemp("prefixed") / "output"
    build(Project(REPO, out, f"https://example.org{PREFIX}"))
    url, server = serve_under_prefix(out)
    yield url
    server.shutdown()
    server.server_close()


@pytest.fixture
def page(browser):
    """A fresh tab in its own context (built from `browser`, the only Playwright fixture we rely on)."""
    context = browser.new_context()
    yield context.new_page()
    context.close()


@pytest.fixture
def failed_requests(page):
    """Every response of 400 or more that the page receives (broken asset or link)."""
    failures: list[str] = []
    page.on("response", lambda response: failures.append(f"{response.status} {response.url}")
            if response.status >= 400 else None)
    return failures


def search_for(page, query: str):
    page.get_by_role("searchbox").or_(page.locator(".pagefind-ui__search-input")).first.fill(query)
    results = page.locator(".pagefind-ui__result-link")
    results.first.wait_for(timeout=15_000)
    return results


def test_searching_a_networks_topic_finds_its_page(page, site_url: str, failed_requests: list[str]):
    page.goto(f"{site_url}/search/")
    results = search_for(page, "survivorship")
    hrefs = [results.nth(i).get_attribute("href") for i in range(results.count())]
    assert "/networks/survivorship/" in hrefs
    results.filter(has_text="Survivorship").first.click()
    page.wait_for_url(f"{site_url}/networks/survivorship/")
    assert "Survivorship" in page.locator("h1").inner_text()
    assert failed_requests == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_search_page_with_results_has_no_accessibility_violations(browser, site_url: str, scheme: str):
    context = browser.new_context(color_scheme=scheme)
    try:
        page = context.new_page()
        page.goto(f"{site_url}/search/?q=screening")
        page.locator(".pagefind-ui__result-link").first.wait_for(timeout=15_000)
        tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
        results = Axe().run(page, options={"runOnly": {"type": "tag", "values": tags}, "resultTypes": ["violations"]})
        assert [f"{v['id']}: {v['nodes'][0]['target']}" for v in results.response["violations"]] == []
    finally:
        context.close()


def test_without_javascript_the_search_page_says_it_needs_it(browser, site_url: str):
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"{site_url}/search/")
        assert "Search needs JavaScript" in page.locator("main").inner_text()
        assert page.get_by_role("link", name="Networks").first.is_visible()
    finally:
        context.close()


def test_a_site_built_for_a_path_works_under_that_path(page, prefixed_url: str, failed_requests: list[str]):
    page.goto(f"{prefixed_url}{PREFIX}")
    assert page.evaluate("getComputedStyle(document.body).margin") is not None
    assert page.evaluate("document.styleSheets.length") >= 1
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Networks").click()
    page.wait_for_url(f"{prefixed_url}{PREFIX}networks/")
    page.locator("main a[href$='/networks/workforce/']").first.click()
    page.wait_for_url(f"{prefixed_url}{PREFIX}networks/workforce/")
    assert "Workforce" in page.locator("h1").inner_text()
    page.locator("header a.brand").click()  # the wordmark leads home
    page.wait_for_url(f"{prefixed_url}{PREFIX}")
    page.locator("header").get_by_role("link", name="Search").click()
    page.wait_for_url(f"{prefixed_url}{PREFIX}search/")
    search_for(page, "workforce")
    result = page.locator(".pagefind-ui__result-link[href*='/networks/workforce/']").first
    result.wait_for(timeout=15_000)
    assert result.get_attribute("href") == f"{PREFIX}networks/workforce/"
    result.click()
    page.wait_for_url(f"{prefixed_url}{PREFIX}networks/workforce/")
    assert failed_requests == []
    # The host really serves nothing outside the prefix, so a link that forgot it would have failed above.
    assert page.goto(f"{prefixed_url}/networks/workforce/").status == 404


@pytest.fixture(scope="module")
def sharded_url(tmp_path_factory):
    """The real site with its search index in eight shards (as a site of a few thousand pages has)."""
    out = tmp_path_factory.mktemp("sharded") / "output"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(search, "SHARD_PAGES", 5)
        build(Project(REPO, out))
    url, server = serve_directory(out)
    yield url, out
    server.shutdown()
    server.server_close()


def test_a_search_finds_pages_in_every_shard_of_the_index(page, sharded_url, failed_requests: list[str]):
    url, out = sharded_url
    bundles = search.read_shard_state(out)
    assert len(bundles) > 2
    shard_of = {name: shard for shard, (pages, _, _) in bundles.items() for name in pages}
    targets = ["networks/survivorship/index.html", "networks/workforce/index.html", "about/strategy/index.html"]
    assert len({shard_of[name] for name in targets}) > 1, "the pages searched for sit in different shards"
    page.goto(f"{url}/search/")
    for query, name in zip(("survivorship", "workforce", "strategy"), targets):
        results = search_for(page, query)
        wanted = page.locator(f".pagefind-ui__result-link[href='/{name.removesuffix('index.html')}']").first
        wanted.wait_for(timeout=15_000)
        assert results.count() >= 1
    assert failed_requests == []
