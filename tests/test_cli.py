"""The command line: build.py is `ecosite build`, exit codes 0/1/2, one summary line, no tracebacks."""

from __future__ import annotations

import importlib.metadata
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, SITES, copy_project


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], cwd=cwd, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(REPO), "CI": "true"})


@pytest.fixture
def small(tmp_path: Path) -> Path:
    return copy_project(SITES / "small", tmp_path / "small")


def test_build_py_builds_the_current_folder_with_one_summary_line(small: Path):
    result = run(str(REPO / "build.py"), cwd=small)
    assert result.returncode == 0, result.stderr
    assert re.fullmatch(r"Built 5 pages and \d+ files in \d+ ms -> output/\n", result.stdout), result.stdout
    assert (small / "output/index.html").is_file()


def test_build_py_passes_its_arguments_to_the_same_command_line(small: Path, tmp_path: Path):
    result = run(str(REPO / "build.py"), "build", "--root", str(small), "--out", str(tmp_path / "elsewhere"),
                 "--base-url", "https://example.org/eco/", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    html = (tmp_path / "elsewhere/networks/alpha/index.html").read_text()
    assert 'href="https://example.org/eco/networks/alpha/"' in html
    assert 'href="/eco/static/css/site.' in html
    same = run(str(REPO / "build.py"), "--root", str(small), "--out", str(tmp_path / "again"),
               "--base-url", "https://example.org/eco/", cwd=tmp_path)
    assert same.returncode == 0
    assert (tmp_path / "again/networks/alpha/index.html").read_text() == html


def test_bad_usage_exits_2(small: Path):
    result = run("-m", "ecosite", "build", "--no-such-option", cwd=small)
    assert result.returncode == 2
    assert "unrecognized arguments: --no-such-option" in result.stderr


def test_a_folder_without_content_is_bad_usage(tmp_path: Path):
    result = run("-m", "ecosite", "build", cwd=tmp_path)
    assert result.returncode == 2
    assert "has no content/ folder" in result.stderr


def test_content_errors_exit_1_with_a_count_and_no_traceback(small: Path):
    (small / "content/x.md").write_text("---\ntitle: [unclosed\n---\n")
    result = run("-m", "ecosite", "build", cwd=small)
    assert result.returncode == 1
    assert result.stderr.splitlines()[-1] == "Build failed: 1 problem; output/ was not changed."
    assert "Traceback" not in result.stderr


def test_template_syntax_errors_name_the_template_and_line(small: Path):
    (small / "templates/page.html").write_text('{% extends "base.html" %}\n{% block main %}\n{% if %}\n{% endblock %}\n')
    result = run("-m", "ecosite", "build", cwd=small)
    assert result.returncode == 1
    assert result.stderr.startswith("templates/page.html:3: template syntax error: Expected an expression, got 'end of statement block'")


def test_version_prints_the_installed_version():
    result = subprocess.run([sys.executable, "-m", "ecosite", "--version"], capture_output=True, text=True,
                            cwd=REPO, timeout=60)
    assert (result.returncode, result.stdout.strip()) == (0, f"ecosite {importlib.metadata.version('ecosite')}")


@pytest.mark.parametrize("variables, command", [([], ".venv/bin/ecosite serve"),
                                                (["DRAFTS=1"], ".venv/bin/ecosite serve --drafts")])
def test_make_serve_takes_drafts_without_a_path_into_the_venv(variables: list[str], command: str):
    result = subprocess.run(["make", "-n", "-W", "pyproject.toml", "serve", *variables], capture_output=True,
                            text=True, cwd=REPO, timeout=60)
    assert command in [line.strip() for line in result.stdout.splitlines()]
