"""Shared fixtures: sample sites, builds in temporary folders, and the real browser.

Browser tests use Debian's Chromium through Playwright. Without /usr/bin/chromium they are skipped
with the reason shown, except under CI=true, where a missing browser is a failure.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SITES = Path(__file__).resolve().parent / "sites"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def copy_project(source: Path, target: Path) -> Path:
    """A writable copy of a project (content/ and templates/) to build in isolation."""
    shutil.copytree(source / "content", target / "content", symlinks=True)
    if (source / "templates").is_dir():
        shutil.copytree(source / "templates", target / "templates", symlinks=True)
    return target


@pytest.fixture
def real_project(tmp_path: Path) -> Path:
    """A copy of the organisation's real site, safe to edit and build."""
    return copy_project(REPO, tmp_path / "project")


def require_chromium() -> None:
    if CHROMIUM.exists():
        return
    if os.environ.get("CI") == "true":
        pytest.fail("CI=true but /usr/bin/chromium is missing: install it with `apt-get install chromium`")
    pytest.skip("Chromium is not installed (apt-get install chromium); browser tests skipped")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """pytest-playwright: use Debian's Chromium, never a downloaded browser."""
    require_chromium()
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": CHROMIUM_FLAGS}


class _QuietHandler:
    """Factory for a static file handler rooted at one folder, that serves 404.html like a host."""

    @staticmethod
    def make(directory: Path):
        import http.server

        class Handler(http.server.SimpleHTTPRequestHandler):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, directory=str(directory), **kwargs)

            def log_message(self, *args):  # keep test output clean
                pass

            def send_error(self, code, message=None, explain=None):
                page = directory / "404.html"
                if code == 404 and page.is_file():
                    body = page.read_bytes()
                    self.send_response(404)
                    self.send_header("Content-Type", "text/html; charset=utf-8")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    if self.command != "HEAD":
                        self.wfile.write(body)
                    return
                super().send_error(code, message, explain)

        return Handler


def serve_directory(directory: Path):
    """Serve a built site over HTTP on 127.0.0.1; returns (base URL, server). Call server.shutdown()."""
    import http.server
    import threading

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _QuietHandler.make(directory))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}", server


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """The organisation's real site, built once per test session into a temporary folder."""
    from ecosite.commands.build import build
    from ecosite.project import Project

    out = tmp_path_factory.mktemp("site") / "output"
    build(Project(REPO, out))
    return out


@pytest.fixture(scope="session")
def site_url(built_site: Path):
    """The real site served over HTTP, for browser tests."""
    url, server = serve_directory(built_site)
    yield url
    server.shutdown()
    server.server_close()  # closes the listening socket (else a ResourceWarning fails the run)


def counting_pagefind(monkeypatch, log: Path) -> None:
    """Pagefind itself, each run noted in `log` first: how many shards a build indexed."""
    from ecosite.outputs import search
    real = search._command()
    script = f"import os, sys\nopen({str(log)!r}, 'a').write('run\\n')\nos.execv({real[0]!r}, {real!r} + sys.argv[1:])\n"
    monkeypatch.setattr(search, "_command", lambda: [sys.executable, "-c", script])


def pagefind_runs(log: Path) -> int:
    return len(log.read_text().splitlines()) if log.exists() else 0
