"""Script injection through the search index, in a real browser.

Pagefind stores each page's text as it reads, so a title written as `<img src=x onerror=...>` is in
the index as those characters. Whether that runs depends on how the search page shows results;
only a browser can tell. Incidents elsewhere: search result excerpts inserted with innerHTML (an
XSS class several static-site search widgets had).
"""

from __future__ import annotations

import functools
import gzip
import http.server
import threading

import pytest

from .conftest import build_with
from .conftest import page as page_source

TRAP = "window.__pwned = (window.__pwned || 0) + 1"
TITLE = f'Searchable"><img src=x onerror="{TRAP}"> zebrafish'
SUMMARY = f"<script>{TRAP}</script> zebrafish summary <svg onload=\"{TRAP}\">"


@pytest.fixture(scope="module")
def hostile_search_site(tmp_path_factory):
    source = page_source(f"title: '{TITLE}'\nsummary: '{SUMMARY}'\ndate: 2026-01-02",
                         f"Body with <img src=x onerror=\"{TRAP}\"> zebrafish text.\n")
    outcome = build_with(tmp_path_factory.mktemp("search"), {"content/news/hostile.md": source}, "real", search=True)
    assert outcome.code == 0, outcome.stderr
    handler = functools.partial(_Quiet, directory=str(outcome.out))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield outcome, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def test_the_index_holds_the_hostile_title_as_data(hostile_search_site):
    outcome, _ = hostile_search_site
    fragments = [gzip.decompress(data).decode() for rel, data in outcome.files.items() if rel.endswith(".pf_fragment")]
    assert any("zebrafish" in fragment for fragment in fragments)


def test_search_results_show_hostile_text_without_running_it(hostile_search_site, browser):
    _, base = hostile_search_site
    context = browser.new_context()
    try:
        _search_and_look(context.new_page(), base)
    finally:
        context.close()


def _search_and_look(page, base: str) -> None:
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(f"{base}/search/?q=zebrafish")
    page.wait_for_selector(".pagefind-ui__result", timeout=15_000)
    page.wait_for_timeout(500)
    assert page.evaluate("window.__pwned || 0") == 0
    assert dialogs == []
    results = page.locator(".pagefind-ui__results").inner_text()
    assert "zebrafish" in results and "<img src=x" in results  # shown to the reader as the text written
    assert page.locator(".pagefind-ui__results img, .pagefind-ui__results svg[onload], "
                        ".pagefind-ui__results script").count() == 0
