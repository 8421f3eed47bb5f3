"""Builds hold off Python's cycle collector while they run; a long-running preview must get it back after
every build, the failed ones too, or its memory would only ever grow."""

from __future__ import annotations

import gc
import shutil
import weakref
from pathlib import Path

import pytest

from ecosite.errors import BuildError
from ecosite.pipeline import Engine
from ecosite.project import Project

REPO = Path(__file__).resolve().parents[2]


def test_the_collector_runs_again_after_each_build_good_or_failed(tmp_path: Path):
    root = tmp_path / "site"
    shutil.copytree(REPO / "content", root / "content")
    shutil.copytree(REPO / "templates", root / "templates")
    project = Project(root, tmp_path / "output")
    project.search = False
    engine = Engine(project)
    assert gc.isenabled()
    engine.rebuild()
    assert gc.isenabled()
    page = root / "content" / "contact.md"
    page.write_text("---\ntitle: [unclosed\n---\n\nBody.\n")
    with pytest.raises(BuildError):
        engine.rebuild(changed_paths=[page])
    assert gc.isenabled()
    assert gc.get_freeze_count() == 0, "nothing may stay frozen: its cycles would never be collected"


class _Cycle:
    """An object that refers to itself: only the cycle collector can free it."""

    def __init__(self) -> None:
        self.me = self


_left_by_last_chunk: list = []  # in each worker process: a weak reference to the cycle its last chunk made


def _make_a_cycle_and_report_the_last(chunk: list[int]) -> list[bool]:
    alive = [ref() is not None for ref in _left_by_last_chunk]
    _left_by_last_chunk[:] = [weakref.ref(_Cycle())]
    return alive


def test_worker_processes_free_the_cycles_of_one_chunk_before_the_next(monkeypatch: pytest.MonkeyPatch):
    from ecosite.incremental import collector, workers
    monkeypatch.setenv("ECOSITE_JOBS", "2")
    with collector.paused():  # as in a build: the workers inherit a paused collector
        reports = [alive for part in workers.map_chunks(_make_a_cycle_and_report_the_last, list(range(1000)))
                   for alive in part]
    assert len(reports) >= 2, "each worker ran more than one chunk"
    assert not any(reports), "a worker kept an earlier chunk's garbage: its memory would grow with the site"
