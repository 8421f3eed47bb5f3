"""The watcher hands over a save as soon as it is whole, and waits out anything that may be half done."""

from __future__ import annotations

from ecosite.preview.watch import ChangeWatcher

LONG = 30.0  # far longer than any test waits: a burst handed over sooner ended on a completing event


def watching(folder) -> ChangeWatcher:
    watcher = ChangeWatcher([folder], quiet=LONG, longest=LONG)
    watcher.start()
    return watcher


def test_a_file_written_and_closed_is_handed_over_without_waiting_out_the_quiet_period(tmp_path):
    page = tmp_path / "page.md"
    watcher = watching(tmp_path)
    try:
        page.write_text("Saved.\n")
        assert watcher.wait(timeout=10) == {page.resolve()}
    finally:
        watcher.stop()


def test_a_temporary_file_renamed_over_the_page_is_handed_over_as_the_page(tmp_path):
    page = tmp_path / "page.md"
    page.write_text("Before.\n")
    watcher = watching(tmp_path)
    try:
        temporary = tmp_path / ".page.md.tmp"
        temporary.write_text("After.\n")
        temporary.replace(page)
        assert watcher.wait(timeout=10) == {page.resolve()}
    finally:
        watcher.stop()


def test_a_change_that_leaves_no_file_whole_waits_for_the_quiet_period(tmp_path):
    page = tmp_path / "page.md"
    page.write_text("Before.\n")
    watcher = watching(tmp_path)
    try:
        page.unlink()  # a tool that deletes the page before writing it anew
        assert watcher.wait(timeout=1.0) == set()
        assert watcher.pending
    finally:
        watcher.stop()


def test_a_file_still_open_for_writing_is_not_handed_over(tmp_path):
    page = tmp_path / "page.md"
    watcher = watching(tmp_path)
    try:
        with page.open("w") as half_written:
            half_written.write("The first half")
            half_written.flush()
            assert watcher.wait(timeout=1.0) == set()
            half_written.write(" and the rest.\n")
        assert watcher.wait(timeout=10) == {page.resolve()}
    finally:
        watcher.stop()
