"""Builds hold off Python's cycle collector while they run; a long-running preview must get it back after
every build, the failed ones too, or its memory would only ever grow."""

from __future__ import annotations

import gc
import shutil
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
