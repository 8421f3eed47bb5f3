"""`ecosite build` with nothing changed stops after discovering, and still says what the last build said.

It must never stop early when something would have been done: an output altered or removed by hand,
a static file's copy gone, a source edited, a page whose date has come.
"""

from __future__ import annotations

import datetime
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, SITES, copy_project


def build(project: Path, *args: str) -> subprocess.CompletedProcess:
    done = subprocess.run([sys.executable, "-m", "ecosite", "build", "--root", str(project), "--no-search", *args],
                          capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(REPO), "CI": "true"})
    assert done.returncode == 0, done.stderr
    return done


def tree(out: Path) -> dict[str, bytes]:
    return {path.relative_to(out).as_posix(): path.read_bytes() for path in sorted(out.rglob("*")) if path.is_file()}


def summary(done: subprocess.CompletedProcess) -> str:
    return done.stdout.split(" in ")[0]  # "Built 5 pages and 21 files", without the time


@pytest.fixture
def small(tmp_path: Path) -> Path:
    project = copy_project(SITES / "small", tmp_path / "small")
    first = project / "content/news/first.md"  # a warning the editor must keep seeing
    first.write_text(first.read_text() + "\nSee [the old site](http://example.org/).\n")
    return project


def test_a_build_with_nothing_changed_repeats_the_report_and_touches_nothing(small: Path):
    first = build(small)
    before = tree(small / "output")
    stamps = {path: path.stat().st_mtime_ns for path in (small / "output").rglob("*")}
    again = build(small, "--explain")
    assert summary(again) == summary(first)
    assert again.stderr == first.stderr
    assert "is not secure (http)" in again.stderr
    assert "Nothing was rendered or rewritten" in again.stdout
    assert tree(small / "output") == before
    assert {path: path.stat().st_mtime_ns for path in (small / "output").rglob("*")} == stamps


def test_an_output_changed_or_removed_by_hand_is_still_put_back(small: Path):
    build(small)
    clean = tree(small / "output")
    (small / "output/networks/alpha/index.html").write_text("edited by hand")
    (small / "output/index.html").unlink()
    build(small)
    assert tree(small / "output") == clean


def test_a_static_file_whose_copy_is_gone_is_copied_again(small: Path):
    build(small)
    clean = tree(small / "output")
    [copy] = (small / "output/static/img").glob("logo.*.svg")  # named by its content's digest
    copy.unlink()
    build(small)
    assert tree(small / "output") == clean


def test_an_edit_after_a_build_with_nothing_changed_is_built(small: Path):
    build(small)
    build(small)
    page = small / "content/networks/alpha.md"
    page.write_text(page.read_text() + "\nA sentence added after two builds.\n")
    done = build(small, "--explain")
    assert "A sentence added after two builds." in (small / "output/networks/alpha/index.html").read_text()
    assert "networks/alpha/index.html" in done.stdout


def test_a_page_whose_date_has_come_is_published(small: Path):
    soon = datetime.datetime.now(datetime.UTC) + datetime.timedelta(seconds=3)
    (small / "content/news/later.md").write_text(
        f"---\ntitle: Later news\nsummary: Published when its time comes.\ndate: {soon.isoformat()}\n---\n\nSoon.\n")
    first = build(small)
    assert "held back" in first.stdout
    assert not (small / "output/news/later/index.html").exists()
    while datetime.datetime.now(datetime.UTC) < soon:
        pass
    done = build(small)
    assert "held back" not in done.stdout
    assert (small / "output/news/later/index.html").is_file()
