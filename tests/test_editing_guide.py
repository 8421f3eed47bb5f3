"""EDITING.md and the pre-commit hook: what an editor follows must work as written."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
from pathlib import Path

import yaml
from preview_support import get, start_preview, wait_until_quiet

from ecosite.cli import make_parser

REPO = Path(__file__).resolve().parent.parent
GUIDE = (REPO / "EDITING.md").read_text(encoding="utf-8")


def test_every_file_the_guide_names_exists():
    named = set(re.findall(r"`((?:content|templates|docs|schemas|\.vscode|\.ci)/[^`<*]*)`", GUIDE))
    named -= set(re.findall(r"creates\s+`([^`]+)`", GUIDE))  # files the guide's commands make
    named |= {"EDITING.md", ".pre-commit-config.yaml", "Makefile"}
    missing = sorted(path for path in named if not (REPO / path).exists())
    assert missing == []
    assert len(named) >= 10


def test_every_command_the_guide_shows_exists():
    commands = re.findall(r"ecosite (\w+)((?: --?[\w-]+)*)", GUIDE)
    subcommands = make_parser()._subparsers._group_actions[0].choices
    assert {"serve", "new", "build"} <= {name for name, _ in commands}
    for name, options in commands:
        assert name in subcommands, f"`ecosite {name}` is in EDITING.md but not a command"
        known = {flag for action in subcommands[name]._actions for flag in action.option_strings}
        for option in options.split():
            assert option in known, f"`ecosite {name} {option}` is in EDITING.md but not an option"
    assert re.findall(r"make (\w+)", GUIDE)
    for target in re.findall(r"`make (\w+)`", GUIDE):
        assert re.search(rf"^{target}:", (REPO / "Makefile").read_text(), flags=re.M), target


def test_changing_co_chairs_as_the_guide_says_shows_in_the_preview(real_project):
    """The guide's promise: edit the co-chairs, save, and the preview's network page shows them."""
    network = real_project / "content" / "networks" / "workforce.md"
    text = network.read_text()
    block = "  - name: Jane Doe\n    society: European Society of Example Oncology\n    as_of: 2025\n"
    assert "co_chairs:\n" in text and block in GUIDE  # the example the guide gives, followed to the letter
    preview = start_preview(real_project)
    try:
        status, _, before = get(preview.server.port, "/networks/workforce/")
        assert status == 200 and b"Jane Doe" not in before
        number = preview.session.state.number
        network.write_text(text.replace("co_chairs:\n", "co_chairs:\n" + block, 1))
        assert wait_until_quiet(preview, number).ok
        status, _, after = get(preview.server.port, "/networks/workforce/")
    finally:
        preview.stop()
    assert status == 200 and b"Jane Doe" in after and b"European Society of Example Oncology" in after


def _hook() -> dict:
    config = yaml.safe_load((REPO / ".pre-commit-config.yaml").read_text())
    (hook,) = [h for repo in config["repos"] for h in repo["hooks"] if h["id"] == "ecosite-build"]
    return hook


def _run_hook(project: Path) -> subprocess.CompletedProcess:
    (project / ".venv").symlink_to(REPO / ".venv")
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    return subprocess.run(shlex.split(_hook()["entry"]), cwd=project, capture_output=True, text=True,
                          env=env, timeout=120)


def test_the_pre_commit_hook_runs_on_content_changes_only_as_a_whole_site_build():
    hook = _hook()
    assert hook["language"] == "system" and hook["pass_filenames"] is False
    files = re.compile(hook["files"])
    assert files.search("content/networks/workforce.md") and files.search("templates/page.html")
    assert not files.search("README.md")


def test_the_pre_commit_hook_passes_a_good_site_without_touching_output(real_project):
    done = _run_hook(real_project)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Built ")
    assert not (real_project / "output").exists()


def test_the_pre_commit_hook_stops_a_broken_page(real_project):
    network = real_project / "content" / "networks" / "workforce.md"
    network.write_text(network.read_text().replace("order: 7", "order: seven"))
    done = _run_hook(real_project)
    assert done.returncode == 1
    assert ("content/networks/workforce.md:4: order must be a whole number - write digits only, e.g. `3`"
            in done.stderr.split("\n"))
