"""Faults: a build killed at random moments, a full disk, an unwritable output folder, a page
deleted or renamed, and builds under other time zones, locales and hash seeds.

Incidents elsewhere: half-written sites deployed after a CI runner was killed, generators that
wrote pages in place and left a mix of two builds, stale pages and feed entries of deleted posts
living on for years, and sitemaps that changed with PYTHONHASHSEED or the machine's time zone.
"""

from __future__ import annotations

import gzip
import os
import random
import re
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from .conftest import build_with, make_project, page, read_tree, run_build, run_cli

STAGING_GLOB = ".output.staging-*"


def _bulky_project(tmp_path: Path) -> Path:
    """The real site plus 1,500 small downloads, so that writing output/ takes long enough to be hit."""
    project = make_project(tmp_path, {}, "real")
    bulk = project / "content" / "static" / "bulk"
    bulk.mkdir(parents=True)
    for number in range(1500):
        (bulk / f"file-{number:04d}.txt").write_text(f"download {number}\n" * 20)
    return project


def _cli_build(project: Path, out: Path) -> dict[str, bytes]:
    finished = run_cli(project, out, "--no-search")
    assert finished.returncode == 0, finished.stderr
    return read_tree(out)


def test_a_build_killed_at_random_moments_leaves_the_old_or_the_new_site(tmp_path):
    project = _bulky_project(tmp_path)
    out = tmp_path / "output"
    old = _cli_build(project, out)
    news = project / "content" / "news" / "killed-build.md"
    news.write_text(page("title: Written by the new build\ndate: 2026-01-01", "New.\n"))
    started = time.perf_counter()
    new = _cli_build(project, tmp_path / "reference")
    duration = time.perf_counter() - started
    assert old != new
    chooser = random.Random(8)
    outcomes = []
    for _ in range(8):
        process = subprocess.Popen([*_command(project, out)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(chooser.uniform(0.05, duration * 1.1))
        process.send_signal(signal.SIGKILL)
        process.wait()
        tree = read_tree(out)
        assert tree == old or tree == new, "output/ holds a mix of two builds or a partial site"
        outcomes.append("new" if tree == new else "old")
    final = run_cli(project, out, "--no-search")
    assert final.returncode == 0, final.stderr
    assert read_tree(out) == new
    assert sorted(p.name for p in tmp_path.glob(STAGING_GLOB)) == [], "stale staging folders were not cleaned"


def _command(project: Path, out: Path) -> list[str]:
    import sys

    return [sys.executable, "-m", "ecosite", "build", "--root", str(project), "--out", str(out), "--no-search"]


def test_a_terminated_build_cleans_up_and_says_so(tmp_path):
    project = _bulky_project(tmp_path)
    out = tmp_path / "output"
    started = time.perf_counter()
    old = _cli_build(project, out)
    duration = time.perf_counter() - started
    (project / "content" / "news" / "terminated.md").write_text(page("title: T\ndate: 2026-01-01"))
    process = subprocess.Popen(_command(project, out), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + duration * 5
    while process.poll() is None and time.monotonic() < deadline:  # strike while the new site is being written
        if list(tmp_path.glob(STAGING_GLOB)):
            break
        time.sleep(0.001)
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=60)
    if process.returncode == 0:
        pytest.skip("the build finished before the signal arrived")
    assert process.returncode in (128 + signal.SIGTERM, -signal.SIGTERM)  # handled, or before Python was ready
    assert "Traceback" not in stderr
    assert read_tree(out) == old
    assert list(tmp_path.glob(STAGING_GLOB)) == []


def test_a_stale_staging_folder_of_a_dead_build_is_removed_but_a_live_one_is_kept(tmp_path):
    dead = subprocess.Popen(["true"])
    dead.wait()
    stale = tmp_path / f".output.staging-{dead.pid}"
    (stale / "sub").mkdir(parents=True)
    live = tmp_path / f".output.staging-{os.getppid()}"  # the test runner's parent: alive
    live.mkdir()
    outcome = build_with(tmp_path, {})
    assert outcome.code == 0, outcome.stderr
    assert not stale.exists()
    assert live.exists()


def _mount_tmpfs(folder: Path, options: str) -> bool:
    folder.mkdir(parents=True, exist_ok=True)
    if shutil.which("mount") is None:
        return False
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)], capture_output=True)
    return done.returncode == 0


@pytest.fixture
def small_disk(tmp_path):
    """A 256 KiB file system: the real site does not fit on it. Needs root (CI containers run as root)."""
    disk = tmp_path / "disk"
    if not _mount_tmpfs(disk, "size=256k"):
        pytest.skip("cannot mount a small tmpfs here (needs root and mount)")
    yield disk
    subprocess.run(["umount", "-l", str(disk)], check=False)


def test_a_full_disk_is_one_error_and_keeps_the_old_site(tmp_path, small_disk):
    out = small_disk / "output"
    small = run_build(make_project(tmp_path / "small", {}), out)
    assert small.code == 0, small.stderr
    real = run_build(make_project(tmp_path / "real", {}, "real"), out)
    assert real.code == 1
    assert len(real.errors) == 1
    path, _, problem = real.errors[0].partition(":1: ")
    assert Path(path).is_relative_to(out)  # the file that did not fit, as it would be in output/
    assert problem == ("could not write the site: the disk is full; output/ was left as it was - free some disk "
                       "space, or pass --out with a folder on another disk")
    assert "Traceback" not in real.stderr
    assert read_tree(out) == small.files
    assert list(small_disk.glob(STAGING_GLOB)) == []


def test_a_read_only_output_folder_is_one_error(tmp_path):
    disk = tmp_path / "readonly"
    if not _mount_tmpfs(disk, "ro,size=64k"):
        pytest.skip("cannot mount a read-only tmpfs here (needs root and mount)")
    try:
        outcome = run_build(make_project(tmp_path, {}), disk / "output")
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)
    assert outcome.code == 1
    assert outcome.errors[0].startswith(f"{disk / 'output'}")
    assert outcome.errors[0].endswith(":1: could not write the site: the disk is read-only; output/ was left as it "
                                      "was - pass --out with a folder you can write to")


def test_an_output_folder_under_a_file_is_one_error(tmp_path):
    (tmp_path / "blocker").write_text("not a folder")
    outcome = run_build(make_project(tmp_path, {}), tmp_path / "blocker" / "output")
    assert outcome.code == 1
    assert outcome.errors[0] == (f"{tmp_path / 'blocker'}:1: could not write the site: a file is in the way of a "
                                 "folder; output/ was left as it was - move or rename that file, or pass --out with "
                                 "another folder")
    assert (tmp_path / "blocker").read_text() == "not a folder"


def test_an_output_path_that_is_a_file_is_refused_and_kept(tmp_path):
    (tmp_path / "output").write_text("precious")
    outcome = run_build(make_project(tmp_path, {}), tmp_path / "output")
    assert outcome.code != 0
    assert "is not a folder" in outcome.stderr and "Traceback" not in outcome.stderr
    assert (tmp_path / "output").read_text() == "precious"


def _every_text(files: dict[str, bytes]) -> dict[str, str]:
    """Each output file as text, Pagefind's gzipped fragments and indexes unpacked."""
    texts = {}
    for rel, data in files.items():
        if data[:2] == b"\x1f\x8b":
            data = gzip.decompress(data)
        texts[rel] = data.decode("utf-8", "replace")
    return texts


def test_a_deleted_or_renamed_page_leaves_no_trace(tmp_path):
    """Pages, sitemap, feed, search index: nothing may still name the old page or address."""
    project = make_project(tmp_path, {}, "real")
    out = tmp_path / "output"
    before = run_build(project, out, search=True)
    assert before.code == 0, before.stderr
    deleted_title, deleted_slug = "smartCARE prototype launched in Brussels", "smartcare-prototype"
    renamed_slug = "lancet-workforce-statement"
    assert any(deleted_title in text for text in _every_text(before.files).values())
    assert any(f"/news/{renamed_slug}/" in text for text in _every_text(before.files).values())
    (project / "content" / "news" / f"{deleted_slug}.md").unlink()
    (project / "content" / "news" / f"{renamed_slug}.md").rename(project / "content" / "news" / "lancet-statement.md")
    after = run_build(project, out, search=True)
    assert after.code == 0, after.stderr
    assert not any(rel.startswith((f"news/{deleted_slug}/", f"news/{renamed_slug}/")) for rel in after.files)
    traces = {rel: [needle for needle in (deleted_title, f"/news/{deleted_slug}", f"/news/{renamed_slug}")
                    if needle in text]
              for rel, text in _every_text(after.files).items()}
    assert {rel: found for rel, found in traces.items() if found} == {}
    assert "news/lancet-statement/index.html" in after.files
    assert "/news/lancet-statement/" in after.html("sitemap.xml") and "/news/lancet-statement/" in after.html("news/feed.xml")


def test_time_zone_locale_and_hash_seed_do_not_change_a_byte(tmp_path):
    project = make_project(tmp_path, {}, "real")
    trees = []
    for index, env in enumerate([
        {"TZ": "Pacific/Kiritimati", "PYTHONHASHSEED": "1", "LC_ALL": "C", "LANG": "C"},
        {"TZ": "America/Los_Angeles", "PYTHONHASHSEED": "4242", "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8"},
    ]):
        out = tmp_path / f"output-{index}"
        finished = run_cli(project, out, env=env, timeout=300)
        assert finished.returncode == 0, finished.stderr
        trees.append(read_tree(out))
    assert trees[0].keys() == trees[1].keys()
    assert [rel for rel in trees[0] if trees[0][rel] != trees[1][rel]] == []


def test_a_removed_session_and_edition_leave_no_calendar_trace(tmp_path):
    """Sessions become pages, per-session .ics files and programme calendars: all must forget them."""
    project = make_project(tmp_path, {}, "summit")
    out = tmp_path / "output"
    before = run_build(project, out)
    assert before.code == 0, before.stderr
    assert "summit/2025/sessions/coffee.ics" in before.files and "summit/2024/programme.ics" in before.files
    assert "summit-2025-coffee" in before.html("summit/2025/programme.ics")
    programme = project / "content" / "summit" / "2025.yaml"
    text = programme.read_text()
    start = text.index("  - id: coffee")
    end = text.index("  - id: prevention-spotlight")
    programme.write_text(text[:start] + text[end:])
    (project / "content" / "summit" / "2024.yaml").unlink()
    after = run_build(project, out)
    assert after.code == 0, after.stderr
    assert [rel for rel in after.files if rel.startswith("summit/2024/") or "coffee" in rel] == []
    traces = {rel: text for rel, text in _every_text(after.files).items()
              if "summit-2025-coffee" in text or "#session-coffee" in text or "/summit/2024/" in text}
    assert sorted(traces) == []


class _Killed(BaseException):
    """Stands in for kill -9 at one exact moment of a build (a signal cannot be timed that finely)."""


def _die(*args, **kwargs):
    raise _Killed


def test_files_a_killed_build_left_behind_are_removed_by_the_next_build(tmp_path, monkeypatch):
    """A rebuild killed after writing its pages but before saving its cache leaves pages the cache does
    not know; the next build, with the content changed back, must remove them and repair the rest."""
    from ecosite.commands.build import build
    from ecosite.incremental import cache
    from ecosite.project import Project

    project = make_project(tmp_path, {}, "real")
    out = tmp_path / "output"
    good = _cli_build(project, out)
    fresh = project / "content" / "news" / "fresh.md"
    fresh.write_text(page("title: Fresh\ndate: 2026-01-01"))
    with monkeypatch.context() as patch:
        patch.setattr(cache, "save", _die)
        with pytest.raises(_Killed):
            build(Project(project, out, search=False))
    assert (out / "news" / "fresh" / "index.html").is_file(), "the killed build wrote its pages"
    fresh.unlink()
    assert _cli_build(project, out) == good


def test_new_bytes_a_killed_rebuild_left_beside_a_file_are_removed_even_when_the_file_is_unchanged(
        tmp_path, monkeypatch):
    """Killed between writing a page's new bytes beside it and renaming them in; the edit is then undone,
    so the next build finds the page's bytes as they should be and must still remove the leftover."""
    from ecosite.commands.build import build
    from ecosite.project import Project
    from ecosite.write import in_place

    project = make_project(tmp_path, {}, "real")
    out = tmp_path / "output"
    good = _cli_build(project, out)
    mission = project / "content" / "about" / "mission.md"
    original = mission.read_text()
    mission.write_text(original + "\nAn edit the build dies writing.\n")
    real_replace = os.replace

    def die_on_pages(source, target):
        if str(target).endswith("index.html"):
            raise _Killed()
        real_replace(source, target)

    with monkeypatch.context() as patch:
        patch.setattr(in_place.os, "replace", die_on_pages)
        with pytest.raises(_Killed):
            build(Project(project, out, search=False))
    assert (out / "about" / "mission" / ".index.html.ecosite-new").is_file(), "the killed build left it"
    mission.write_text(original)
    assert _cli_build(project, out) == good


def _missing_assets(tree: dict[str, bytes]) -> list[str]:
    """Every /static/ address a page of the tree names that is not a file of the tree."""
    missing = []
    for name, data in tree.items():
        if name.endswith(".html"):
            for address in re.findall(rb'(?:href|src)="/(static/[^"#?]+)"', data):
                if address.decode() not in tree:
                    missing.append(f"{name} -> {address.decode()}")
    return missing


def test_an_incremental_build_killed_at_random_moments_is_repaired_by_the_next_build(tmp_path):
    """Rebuilds write only what changed, in place. Killed anywhere, no page names a static file that is
    not there (new fingerprinted files are written first, old ones removed last), and the next normal
    build leaves exactly the site a clean build makes."""
    project = make_project(tmp_path, {}, "real")
    out = tmp_path / "output"
    news = project / "content" / "news" / "toggled.md"
    css = project / "content" / "static" / "css" / "site.css"
    source, old_css = page("title: Toggled item\ndate: 2026-01-01", "Toggled.\n"), css.read_text()

    def toggle(on: bool) -> None:
        if on:
            news.write_text(source)
            css.write_text(old_css + "\n/* every page names a new stylesheet */\n")
        else:
            news.unlink(missing_ok=True)
            css.write_text(old_css)

    old = _cli_build(project, out)
    toggle(True)
    started = time.perf_counter()
    new = _cli_build(project, tmp_path / "reference")
    duration = time.perf_counter() - started
    chooser = random.Random(15)
    for _ in range(10):
        if read_tree(out) == new:  # back to the old site, cache warm
            toggle(False)
            assert _cli_build(project, out) == old
            toggle(True)
        process = subprocess.Popen(_command(project, out), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(chooser.uniform(duration * 0.3, duration * 1.1))
        process.kill()
        process.wait()
        tree = read_tree(out)
        assert _missing_assets(tree) == []
        assert _cli_build(project, out) == new, "the build after a killed one left a wrong site"
    assert sorted(p.name for p in tmp_path.glob(STAGING_GLOB)) == []
