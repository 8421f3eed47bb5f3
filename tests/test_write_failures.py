"""What the operating system refuses while writing output/ is one clean line naming the path."""

from __future__ import annotations

import errno
import os
import pickle
import resource
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, copy_project

from ecosite.write.failures import write_failure

OUT = Path("/site/output")


@pytest.mark.parametrize("code, expected", [
    (errno.ENOSPC, "the disk is full - free some disk space, or pass --out with a folder on another disk"),
    (errno.EDQUOT, "your disk quota is used up - delete files you no longer need or ask for a larger quota, "
                   "or pass --out with a folder on another disk"),
    (errno.EFBIG, "the file is larger than this file system or account allows - ask for the limit to be raised "
                  "(ulimit -f), or pass --out with a folder on another disk"),
    (errno.EROFS, "the disk is read-only - pass --out with a folder you can write to"),
    (errno.EMFILE, "too many files are open at once - close other programs or raise the limit (ulimit -n 4096), "
                   "then build again"),
])
def test_each_refusal_is_named_with_the_file_as_it_would_be_in_output(code: int, expected: str):
    staging = Path("/site/.output.staging-123")
    failure = write_failure(OSError(code, os.strerror(code), str(staging / "news/index.html")), OUT, staging)
    message, _, hint = expected.partition(" - ")
    assert failure.lines == [f"/site/output/news/index.html:1: could not write the site: {message}; output/ was "
                             f"left as it was - {hint}"]


def test_the_error_survives_the_trip_back_from_a_worker_process():
    failure = write_failure(OSError(errno.ENOSPC, "No space left on device", "/site/output/a.html"), OUT)
    assert pickle.loads(pickle.dumps(failure)).lines == failure.lines


def _limit_file_size() -> None:
    resource.setrlimit(resource.RLIMIT_FSIZE, (16_000, 16_000))  # Python ignores SIGXFSZ: writes fail with EFBIG


def test_a_file_too_large_for_the_limit_is_one_error_and_the_old_site_stays(tmp_path: Path):
    project = copy_project(REPO, tmp_path / "project")
    command = [sys.executable, "-m", "ecosite", "build", "--root", str(project), "--no-search"]
    env = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONDONTWRITEBYTECODE": "1", "ECOSITE_JOBS": "1"}
    assert subprocess.run(command, capture_output=True, cwd=project, env=env, timeout=300).returncode == 0
    before = {p: p.read_bytes() for p in (project / "output").rglob("*") if p.is_file()}
    page = project / "content/about/mission.md"
    page.write_text(page.read_text() + "\n" + "A long paragraph of new text. " * 1000 + "\n")
    result = subprocess.run(command, capture_output=True, text=True, cwd=project, env=env, timeout=300,
                            preexec_fn=_limit_file_size)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert lines[0].startswith(str(project / "output")) and ":1: could not write the site: the file is larger " \
        "than this file system or account allows; output/ was left as it was - " in lines[0], lines
    assert lines[1:] == ["Build failed: 1 problem; output/ was not changed."]
    assert {p: p.read_bytes() for p in (project / "output").rglob("*") if p.is_file()} == before

