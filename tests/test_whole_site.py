"""Whole-site behaviour: golden output, determinism, atomic writes, drafts and deletions."""

from __future__ import annotations

import filecmp
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, SITES, copy_project

from ecosite.commands.build import build
from ecosite.errors import BuildError
from ecosite.project import Project

SMALL = SITES / "small"


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def run_cli(*args: str, cwd: Path = REPO, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ecosite", *args], cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=120)


@pytest.fixture
def small(tmp_path: Path) -> Path:
    return copy_project(SMALL, tmp_path / "small")


def test_small_site_matches_the_golden_tree(tmp_path: Path):
    """The checked-in expected/ tree is the exact output; UPDATE_GOLDEN=1 rewrites it after a deliberate change."""
    out = tmp_path / "out"
    build(Project(copy_project(SMALL, tmp_path / "small"), out))  # a copy: the build cache stays out of tests/
    if os.environ.get("UPDATE_GOLDEN") == "1":
        shutil.rmtree(SMALL / "expected")
        shutil.copytree(out, SMALL / "expected")
    assert tree(out) == tree(SMALL / "expected")


def test_drafts_are_left_out_unless_asked_for(small: Path, tmp_path: Path):
    build(Project(small, tmp_path / "a"))
    assert not (tmp_path / "a/news/draft").exists()
    build(Project(small, tmp_path / "b", drafts=True))
    assert "Not ready." in (tmp_path / "b/news/draft/index.html").read_text()


def test_pages_of_deleted_sources_disappear(small: Path):
    build(Project(small))
    assert (small / "output/news/first/index.html").exists()
    (small / "content/news/first.md").unlink()
    (small / "content/static/img/logo.svg").unlink()
    (small / "content/networks/alpha.md").write_text(
        (small / "content/networks/alpha.md").read_text().replace("![Logo of Alpha](../static/img/logo.svg)", ""))
    build(Project(small))
    assert not (small / "output/news/first").exists()
    assert not list((small / "output/static/img").glob("*")) if (small / "output/static/img").exists() else True


def test_unchanged_files_keep_their_inode_and_time(small: Path):
    build(Project(small))
    page = small / "output/networks/beta-network/index.html"
    before = page.stat()
    (small / "content/news/first.md").write_text((small / "content/news/first.md").read_text() + "\nMore.\n")
    build(Project(small))
    after = page.stat()
    assert (before.st_ino, before.st_mtime_ns) == (after.st_ino, after.st_mtime_ns)
    assert "More." in (small / "output/news/first/index.html").read_text()


def test_a_full_build_over_the_last_output_links_the_files_it_did_not_change(small: Path):
    """Without a cache the whole site is written again, into a staging folder swapped in at the end: a
    file whose bytes are the same is the old output's own, linked, so sync tools see it unchanged."""
    build(Project(small))
    page = small / "output/networks/beta-network/index.html"
    before = page.stat()
    shutil.rmtree(small / ".ecosite-cache")
    (small / "content/news/first.md").write_text((small / "content/news/first.md").read_text() + "\nMore.\n")
    build(Project(small))
    after = page.stat()
    assert (before.st_ino, before.st_mtime_ns) == (after.st_ino, after.st_mtime_ns)
    assert "More." in (small / "output/news/first/index.html").read_text()


def test_two_builds_are_byte_identical_whatever_the_environment(small: Path, tmp_path: Path):
    first = run_cli("build", "--root", str(small), "--out", str(tmp_path / "one"),
                    env={"PYTHONHASHSEED": "1", "TZ": "Pacific/Kiritimati"})
    for path in (small / "content").rglob("*"):
        os.utime(path, (1, 1))
    copy = copy_project(small, tmp_path / "elsewhere")
    second = run_cli("build", "--root", str(copy), "--out", str(tmp_path / "two"), cwd=tmp_path,
                     env={"PYTHONHASHSEED": "4242", "TZ": "America/Anchorage"})
    assert first.returncode == second.returncode == 0, first.stderr + second.stderr
    assert tree(tmp_path / "one") == tree(tmp_path / "two")


def test_a_failing_build_leaves_the_previous_output_exactly_as_it_was(small: Path):
    build(Project(small))
    before = tree(small / "output")
    stamps = {p: p.stat().st_mtime_ns for p in (small / "output").rglob("*")}
    (small / "content/news/first.md").write_text("---\ntitle: Broken\ndate: 2024-13-01\n---\nBody\n")
    (small / "content/networks/beta.md").write_text("---\ntitle: New beta\norder: 1\nsummary: s\n---\nchanged\n")
    with pytest.raises(BuildError):
        build(Project(small))
    assert tree(small / "output") == before
    assert stamps == {p: p.stat().st_mtime_ns for p in (small / "output").rglob("*")}
    assert [p.name for p in small.iterdir() if "staging" in p.name] == []


def test_a_template_error_also_leaves_output_alone(small: Path):
    build(Project(small))
    before = tree(small / "output")
    (small / "templates/page.html").write_text('{% extends "base.html" %}{% block main %}{{ nope }}{% endblock %}\n')
    result = run_cli("build", "--root", str(small))
    assert result.returncode == 1
    assert "templates/page.html:1: 'nope' is undefined" in result.stderr
    assert "Traceback" not in result.stderr
    assert tree(small / "output") == before


def test_stale_staging_folders_from_a_killed_build_are_removed(small: Path):
    stale = small / ".output.staging-99999"
    (stale / "half").mkdir(parents=True)
    build(Project(small))
    assert not stale.exists()


def test_real_site_builds_twice_identically(tmp_path: Path):
    build(Project(REPO, tmp_path / "a"))
    build(Project(REPO, tmp_path / "b"))
    comparison = filecmp.dircmp(tmp_path / "a", tmp_path / "b")
    assert tree(tmp_path / "a") == tree(tmp_path / "b"), comparison.diff_files
