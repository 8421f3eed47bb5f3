"""What the operating system refuses while writing output/ is one clean line naming the path."""

from __future__ import annotations

import errno
import os
import pickle
import re
import resource
import shutil
import signal
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
    (errno.EISDIR, "a folder is in the way of a file - move or rename that folder, or pass --out with another folder"),
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


ENV = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONDONTWRITEBYTECODE": "1", "ECOSITE_JOBS": "1"}


def _limit_file_size() -> None:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit then fails with EFBIG, as Python has it
    resource.setrlimit(resource.RLIMIT_FSIZE, (16_000, 16_000))


def _files(folder: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def _built(tmp_path: Path) -> tuple[Path, list[str]]:
    """A copy of the real site, built once with no limits: (project, the command that built it)."""
    project = copy_project(REPO, tmp_path / "project")
    command = [sys.executable, "-m", "ecosite", "build", "--root", str(project), "--no-search"]
    built = subprocess.run(command, capture_output=True, text=True, cwd=project, env=ENV, timeout=300)
    assert built.returncode == 0, built.stderr
    return project, command


def _assert_one_clean_line(result: subprocess.CompletedProcess, line: str) -> None:
    assert (result.returncode, result.stderr) == (1, f"{line}\nBuild failed: 1 problem; output/ was not changed.\n")


@pytest.mark.parametrize("cold", [False, True], ids=["in place", "staged"])
def test_a_file_too_large_for_the_limit_is_one_error_and_the_old_site_stays(tmp_path: Path, cold: bool):
    project, command = _built(tmp_path)
    before = _files(project / "output")
    page = project / "content/about/mission.md"
    page.write_text(page.read_text() + "\n" + "A long paragraph of new text. " * 1000 + "\n")
    if cold:  # no record of the last build: the whole site is written into a staging folder beside output/
        (project / ".ecosite-cache/state.pickle").unlink()
    result = subprocess.run(command, capture_output=True, text=True, cwd=project, env=ENV, timeout=300,
                            preexec_fn=_limit_file_size)
    _assert_one_clean_line(result, f"{project}/output/about/mission/index.html:1: could not write the site: the file "
                                   f"is larger than this file system or account allows; output/ was left as it was - "
                                   f"ask for the limit to be raised (ulimit -f), or pass --out with a folder on another "
                                   f"disk")
    assert _files(project / "output") == before
    assert not list(project.glob(".output.staging-*"))


# Python itself needs a few files open to start, and a build then reads one file at a time; the limit is
# lowered once ecosite is imported, as if the rest of a busy process held every other descriptor.
WITH_OPEN_FILES_LIMIT = """\
import resource, sys
from ecosite.cli import main, make_parser
make_parser()
limit = int(sys.argv.pop(1))
resource.setrlimit(resource.RLIMIT_NOFILE, (limit, limit))
sys.exit(main())
"""


def test_too_many_open_files_while_copying_a_static_file_is_one_error_and_the_old_site_stays(tmp_path: Path):
    project, command = _built(tmp_path)
    before = _files(project / "output")
    style = project / "content/static/css/site.css"
    style.write_text(style.read_text() + "\n/* changed */\n")
    limited = [sys.executable, "-c", WITH_OPEN_FILES_LIMIT, "4", *command[3:]]  # a copy holds two files open
    result = subprocess.run(limited, capture_output=True, text=True, cwd=project, env=ENV, timeout=300)
    copied = re.search(r"/static/css/(site\.\w+\.css):1: ", result.stderr)  # the name of the new bytes
    assert copied and not (project / "output/static/css" / copied.group(1)).exists(), result.stderr
    _assert_one_clean_line(result, f"{project}/output/static/css/{copied.group(1)}:1: could not write the site: too "
                                   f"many files are open at once; output/ was left as it was - close other programs or "
                                   f"raise the limit (ulimit -n 4096), then build again")
    assert _files(project / "output") == before


def test_too_many_open_files_while_reading_is_one_error_naming_the_file(tmp_path: Path):
    project, command = _built(tmp_path)
    before = _files(project / "output")
    limited = [sys.executable, "-c", WITH_OPEN_FILES_LIMIT, "3", *command[3:]]  # only the standard streams
    result = subprocess.run(limited, capture_output=True, text=True, cwd=project, env=ENV, timeout=300)
    _assert_one_clean_line(result, f"{project}/content/site.yaml:1: could not read it: too many files are open at "
                                   f"once; output/ was left as it was - close other programs or raise the limit "
                                   f"(ulimit -n 4096), then build again")
    assert _files(project / "output") == before


def _no_file_may_grow() -> None:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (1, 1))


def test_compiled_templates_that_cannot_be_kept_do_not_fail_the_build(tmp_path: Path):
    """Keeping compiled templates is only an optimisation. A full build of unchanged content writes no page
    bytes (each is hard-linked from the last output), so under a one-byte file limit only the compiled
    templates are refused: the build must still succeed, not blame every template."""
    project = copy_project(REPO, tmp_path / "site")
    out = project / "output"
    first = subprocess.run([sys.executable, "-m", "ecosite", "build", "--root", str(project), "--no-search"],
                           capture_output=True, text=True, timeout=120)
    assert first.returncode == 0, first.stderr
    before = _files(out)
    shutil.rmtree(project / ".ecosite-cache")  # a cold build, as after an upgrade
    again = subprocess.run([sys.executable, "-m", "ecosite", "build", "--root", str(project), "--no-search"],
                           capture_output=True, text=True, timeout=120, preexec_fn=_no_file_may_grow)
    assert again.returncode == 0, again.stderr
    assert "Built " in again.stdout and again.stderr == ""
    assert _files(out) == before
    left = sorted(p.name for p in (project / ".ecosite-cache").rglob(".*"))
    assert left == [], f"the refused writes left temporaries in .ecosite-cache/: {left}"
