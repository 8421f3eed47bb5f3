"""Build progress: a live status line and a summary table on a terminal; plain lines in pipes and CI."""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import pytest

CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f]")


@pytest.fixture
def tiny_project(tmp_path: Path) -> Path:
    """The smallest project that builds: a home page, one news item, one alias, one static file."""
    root = tmp_path / "project"
    (root / "content" / "static").mkdir(parents=True)
    (root / "templates").mkdir()
    (root / "content" / "site.yaml").write_text("title: Tiny\n")
    (root / "content" / "index.md").write_text("---\ntitle: Home\n---\n\nHello.\n")
    (root / "content" / "about.md").write_text("---\ntitle: About\naliases:\n  - /old-about/\n---\n\nUs.\n")
    (root / "content" / "static" / "site.css").write_text("body { margin: 0 }\n")
    (root / "templates" / "page.html").write_text("<title>{{ page.title }}</title>{{ content }}\n")
    return root


def _environment(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "ECOSITE_PROGRESS_AFTER")}
    env.update(TERM="xterm", **extra)
    return env


def run_in_terminal(args: list[str], env: dict[str, str]) -> tuple[int, str]:
    """Run the command line with a pseudo-terminal as stdout and stderr, as an editor would."""
    controller, terminal = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "ecosite", *args], stdin=subprocess.DEVNULL,
                               stdout=terminal, stderr=terminal, env=env)
    os.close(terminal)
    chunks = []
    while True:
        try:
            chunk = os.read(controller, 4096)
        except OSError:  # the terminal closes when the process ends
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(controller)
    return process.wait(timeout=60), b"".join(chunks).decode()


def test_a_terminal_sees_stages_with_counts_and_a_summary_table(tiny_project, tmp_path):
    code, text = run_in_terminal(["build", "--root", str(tiny_project), "--out", str(tmp_path / "out")],
                                 _environment(ECOSITE_PROGRESS_AFTER="0"))
    assert code == 0, text
    assert "[1/5] Reading 3 source files..." in text
    assert "[3/5] Rendering 2 pages..." in text
    assert re.search(r"\[5/5\] Writing \d+ files\.\.\.", text)
    assert "\r\x1b[K" in text  # the status line is rewritten in place, then cleared
    rows = dict(re.findall(r"^\| (\w[\w ]*?) +\| +([\d,]+) \|", text.replace("\r", ""), flags=re.M))
    assert {k: v for k, v in rows.items() if k != "milliseconds"} == {
        "pages": "2", "static files": "1", "redirects": "1", "warnings": "0"}
    assert int(rows["milliseconds"].replace(",", "")) > 0


def test_a_quick_build_on_a_terminal_shows_no_progress_line_but_the_table(tiny_project, tmp_path):
    code, text = run_in_terminal(["build", "--root", str(tiny_project), "--out", str(tmp_path / "out")],
                                 _environment(ECOSITE_PROGRESS_AFTER="30"))
    assert code == 0, text
    assert "Reading" not in text and "\x1b" not in text
    assert re.search(r"^\| pages +\| +2 \|", text, flags=re.M)


@pytest.mark.parametrize("ci", [None, "true"])
def test_piped_output_is_one_plain_line(tiny_project, tmp_path, ci):
    env = _environment(ECOSITE_PROGRESS_AFTER="0", **({"CI": ci} if ci else {}))
    done = subprocess.run([sys.executable, "-m", "ecosite", "build", "--root", str(tiny_project),
                           "--out", str(tmp_path / "out")], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    assert re.fullmatch(r"Built 2 pages and \d+ files in \d+ ms -> \S+/\n", done.stdout)
    assert not CONTROL.search(done.stdout + done.stderr)


def test_ci_on_a_terminal_stays_plain(tiny_project, tmp_path):
    code, text = run_in_terminal(["build", "--root", str(tiny_project), "--out", str(tmp_path / "out")],
                                 _environment(ECOSITE_PROGRESS_AFTER="0", CI="true"))
    assert code == 0, text
    assert re.fullmatch(r"Built 2 pages and \d+ files in \d+ ms -> \S+/\r\n", text)


def test_a_failed_build_on_a_terminal_clears_the_status_line_before_the_errors(tiny_project, tmp_path):
    (tiny_project / "content" / "about.md").write_text("---\ntitle: About\ndraft: maybe\n---\n")
    code, text = run_in_terminal(["build", "--root", str(tiny_project), "--out", str(tmp_path / "out")],
                                 _environment(ECOSITE_PROGRESS_AFTER="0"))
    assert code == 1
    last_lines = text.replace("\r\x1b[K", "\n").split("\n")
    assert any(line.startswith("content/about.md:3: draft must be true or false - ") for line in last_lines)
    assert "| pages" not in text
