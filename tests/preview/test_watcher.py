"""The watcher hands over a save as soon as it is whole, and waits out anything that may be half done."""

from __future__ import annotations

import pytest

from ecosite.preview.watch import ChangeWatcher

LONG = 30.0  # far longer than any test waits: a burst handed over sooner ended on a completing event


@pytest.fixture
def page(tmp_path):
    """A page that exists before watching starts."""
    path = tmp_path / "page.md"
    path.write_text("Before.\n")
    return path


@pytest.fixture
def watcher(tmp_path, page):
    watching = ChangeWatcher([tmp_path], quiet=LONG, longest=LONG)
    watching.start()
    yield watching
    watching.stop()


def test_a_file_written_and_closed_is_handed_over_without_waiting_out_the_quiet_period(page, watcher):
    page.write_text("Saved.\n")
    assert watcher.wait(timeout=10) == {page.resolve()}


def test_a_temporary_file_renamed_over_the_page_is_handed_over_as_the_page(page, watcher):
    temporary = page.with_name(".page.md.tmp")
    temporary.write_text("After.\n")
    temporary.replace(page)
    assert watcher.wait(timeout=10) == {page.resolve()}


def test_a_change_that_leaves_no_file_whole_waits_for_the_quiet_period(page, watcher):
    page.unlink()  # a tool that deletes the page before writing it anew
    assert watcher.wait(timeout=1.0) == set()
    assert watcher.pending


def test_a_file_still_open_for_writing_is_not_handed_over(page, watcher):
    with page.open("w") as half_written:
        half_written.write("The first half")
        half_written.flush()
        assert watcher.wait(timeout=1.0) == set()
        half_written.write(" and the rest.\n")
    assert watcher.wait(timeout=10) == {page.resolve()}
