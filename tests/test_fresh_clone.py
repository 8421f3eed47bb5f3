"""The commands README.md and EDITING.md print, and those `ecosite new` prints, work as written in a fresh clone.

The clone is of the commit under test. Installing is what `make site` would do first; it is skipped by
giving the clone this test run's environment (its `.venv/bin`, marked as installed), with the clone's own
code first on the path, so every command runs the clone's ecosite exactly as printed.
"""

from __future__ import annotations

import os
import queue
import re
import shlex
import shutil
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from conftest import REPO
from preview_support import get

README = (REPO / "README.md").read_text(encoding="utf-8")
GUIDE = (REPO / "EDITING.md").read_text(encoding="utf-8")
NOT_RUN = {"make test": "it is this test suite, with the test tools installed first"}


def _git(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, timeout=60)


@pytest.fixture
def clone(tmp_path: Path) -> Path:
    if shutil.which("git") is None or shutil.which("make") is None:
        pytest.skip("git or make is not installed; the fresh-clone test needs both")
    if not (Path(sys.executable).parent / "ecosite").is_file():
        pytest.skip(f"the tests do not run from a virtual environment with ecosite installed ({sys.executable})")
    top = _git("rev-parse", "--show-toplevel")
    if top.returncode != 0 or Path(top.stdout.strip()).resolve() != REPO:
        pytest.skip(f"{REPO} is not a git checkout, so there is nothing to clone")
    commit = _git("rev-parse", "HEAD").stdout.strip()
    target = tmp_path / "ecosite"
    assert _git("clone", "--quiet", "--no-checkout", str(REPO), str(target)).returncode == 0
    assert _git("checkout", "--quiet", commit, cwd=target).returncode == 0
    venv = target / ".venv"  # as `make site` leaves it, without installing anything again
    venv.mkdir()
    (venv / "bin").symlink_to(Path(sys.executable).parent)
    for stamp in (".installed-site", ".installed-test"):
        (venv / stamp).touch()
    return target


def _environment(clone: Path) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(clone), "PYTHONDONTWRITEBYTECODE": "1"}


def _run(command: str, clone: Path) -> str:
    done = subprocess.run(shlex.split(command), cwd=clone, env=_environment(clone), capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, f"`{command}` failed:\n{done.stdout}{done.stderr}"
    assert "Traceback" not in done.stderr
    return done.stdout


def _first_screen_commands() -> list[str]:
    block = re.search(r"```sh\n(.*?)```", README, re.S)
    assert block, "README.md shows no commands to start with"
    return [line.split("#")[0].strip() for line in block.group(1).splitlines() if line.strip()]


def _preview_serves(command: str, clone: Path, address: str) -> str:
    """Run a printed preview command (on a free port) until it serves ADDRESS, then stop it as Ctrl-C does."""
    process = subprocess.Popen(shlex.split(command), cwd=clone, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True, start_new_session=True,
                               env={**_environment(clone), "PYTHONUNBUFFERED": "1", "SERVE_FLAGS": "--port 0"})
    lines: queue.Queue[str | None] = queue.Queue()

    def read() -> None:
        for line in process.stdout:
            lines.put(line)
        lines.put(None)  # the command ended

    threading.Thread(target=read, daemon=True).start()
    seen: list[str] = []
    try:
        while not (serving := re.search(r"Serving http://127\.0\.0\.1:(\d+)/", "".join(seen))):
            line = lines.get(timeout=60)
            assert line is not None, f"`{command}` stopped before serving:\n{''.join(seen)}"
            seen.append(line)
        status, _, body = get(int(serving.group(1)), address)
        assert status == 200, f"`{command}` answered {status} for {address}"
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGINT)  # the terminal's Ctrl-C reaches make and the preview alike
        process.wait(30)
    while (line := lines.get(timeout=10)) is not None:
        seen.append(line)
    process.stdout.close()
    assert "Stopped." in "".join(seen) and "Traceback" not in "".join(seen), "".join(seen)
    return body.decode("utf-8")


def test_the_commands_the_readme_and_the_guide_print_work_in_a_fresh_clone(clone: Path):
    where = _run(".venv/bin/python -c 'import ecosite; print(ecosite.__file__)'", clone)
    assert where.startswith(str(clone)), where  # the clone's code runs, not the code under test's folder

    ran = [command for command in _first_screen_commands() if command not in NOT_RUN]
    assert ran == ["make site"], f"README.md's first screen shows {ran}; not run here: {NOT_RUN}"
    assert "Built " in _run("make site", clone) and (clone / "output" / "index.html").is_file()

    new = re.findall(r"`(\.venv/bin/ecosite new [^`]+)`", GUIDE)
    assert len(new) == 4, new  # network, news, page, session
    follow_ups = set()
    for command in new:
        printed = _run(command, clone)
        created = re.match(r"(?:Created|Added the session `[\w-]+` to) (content/\S+?)( as a draft|\s+at line)", printed)
        assert created and (clone / created.group(1)).is_file(), printed
        follow_ups |= {shown for shown in re.findall(r"`([^`]+)`", printed) if shown.startswith(("make ", "ecosite "))}
    assert follow_ups == {"make serve DRAFTS=1"}, follow_ups

    network = clone / "content" / "networks" / "name-of-the-network.md"
    assert "Name of the Network" in _preview_serves("make serve DRAFTS=1", clone, "/networks/name-of-the-network/")

    for draft in (network, clone / "content" / "news" / "headline-of-the-news.md", clone / "content/about/partners.md"):
        draft.write_text(draft.read_text().replace("\ndraft: true", "\ndraft: false", 1))  # as the printout says
    assert "Built " in _run("make site", clone)
    for page in ("networks/name-of-the-network", "news/headline-of-the-news", "about/partners"):
        assert (clone / "output" / page / "index.html").is_file(), page
    assert "HPV elimination" in (clone / "output" / "summit" / "2025" / "index.html").read_text()
