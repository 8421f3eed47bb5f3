"""A page dated in the future waits for its date: out of the build, the lists and the feed, unless --future."""

from __future__ import annotations

import datetime
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import REPO, SITES, copy_project
from test_invalid_content import build_errors

from ecosite.commands.build import build
from ecosite.project import Project

LATER = "---\ntitle: Coming soon\ndate: 2999-01-01\nsummary: Not yet.\n---\n\nLater.\n"


@pytest.fixture
def small(tmp_path: Path) -> Path:
    site = copy_project(SITES / "small", tmp_path / "small")
    (site / "content/news/coming.md").write_text(LATER)
    return site


def run_build(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ecosite", "build", "--root", str(root), *args], capture_output=True,
                          text=True, timeout=120, cwd=root, env={**os.environ, "PYTHONPATH": str(REPO)})


def test_a_page_dated_in_the_future_is_held_back_and_counted(small: Path):
    result = run_build(small)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("-> output/; 1 page dated in the future held back (--future includes it)")
    out = small / "output"
    assert not (out / "news/coming").exists()
    assert "Coming soon" not in (out / "news/feed.xml").read_text()
    assert "news/coming/" not in (out / "sitemap.xml").read_text()
    again = run_build(small)  # the rebuild, from the cache, still knows it is waiting
    assert again.stdout.strip().endswith("1 page dated in the future held back (--future includes it)")


def test_future_includes_it(small: Path):
    result = run_build(small, "--future")
    assert result.returncode == 0, result.stderr
    assert "held back" not in result.stdout
    assert "Coming soon" in (small / "output/news/coming/index.html").read_text()
    assert "Coming soon" in (small / "output/news/feed.xml").read_text()


def test_a_link_to_a_page_not_yet_due_says_so(small: Path):
    (small / "content/x.md").write_text("---\ntitle: X\n---\n\n[soon](news/coming.md)\n")
    assert build_errors(small) == (1, [
        "content/x.md:5: the link points to content/news/coming.md, which is dated in the future - it is published "
        "on its date (build with --future to see it now); remove the link until then"])


def test_a_page_whose_date_has_come_is_published_by_the_next_build_without_an_edit(small: Path):
    soon = datetime.datetime.now(datetime.UTC) + datetime.timedelta(seconds=3)
    (small / "content/news/coming.md").write_text(LATER.replace("2999-01-01", f"{soon:%Y-%m-%d %H:%M:%S}+00:00"))
    project = Project(small, small / "output", search=False)
    assert build(project).held == 1
    time.sleep(max(0.0, (soon - datetime.datetime.now(datetime.UTC)).total_seconds()) + 0.5)
    result = build(project)  # same sources, same cache: only the clock moved
    assert result.held == 0
    assert (small / "output/news/coming/index.html").is_file()
    assert "Coming soon" in (small / "output/news/feed.xml").read_text()
