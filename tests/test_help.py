"""`ecosite --help` and every command's help are complete, and the README's command table agrees with them."""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

import pytest

from ecosite.cli import COMMAND_HELP, make_parser

REPO = Path(__file__).resolve().parent.parent


def subcommands() -> dict[str, argparse.ArgumentParser]:
    parser = make_parser()
    (group,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(group.choices)


def options_of(parser: argparse.ArgumentParser) -> set[str]:
    return {flag for action in parser._actions for flag in action.option_strings if flag.startswith("--")} - {"--help"}


def readme_commands() -> dict[str, set[str]]:
    """{command: options} from the README's "Using it" table: a row's options belong to the commands it names."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    table = re.search(r"^## Using it\n(.*?)(?=^## )", readme, flags=re.M | re.S).group(1)
    found: dict[str, set[str]] = {}
    everywhere = set(re.findall(r"Every command accepts `(--[a-z][\w-]*)", table))
    for row in table.split("\n"):
        options = {o for span in re.findall(r"`([^`]*)`", row) for o in re.findall(r"--[a-z][\w-]*", span)}
        for name in re.findall(r"`ecosite ([a-z]+)", row):
            found.setdefault(name, set()).update(options | everywhere)
    return found


def test_top_level_help_lists_every_command_with_its_purpose():
    done = subprocess.run([sys.executable, "-m", "ecosite", "--help"], capture_output=True, text=True, cwd=REPO)
    assert done.returncode == 0
    for name, purpose in COMMAND_HELP.items():
        assert re.search(rf"^\s+{name}\s+{re.escape(purpose[:30])}", done.stdout, flags=re.M), name
    assert set(subcommands()) == set(COMMAND_HELP)
    assert "ecosite COMMAND --help" in done.stdout and "EDITING.md" in done.stdout
    assert (REPO / "EDITING.md").is_file()


@pytest.mark.parametrize("name", sorted(COMMAND_HELP))
def test_every_argument_of_every_command_is_explained(name):
    parser = subcommands()[name]
    unexplained = [a.dest for a in parser._actions if not (a.help and a.help.strip()) or a.help == argparse.SUPPRESS]
    assert unexplained == [], f"`ecosite {name}`: arguments without help text"
    shown = parser.format_help()
    assert shown.startswith(f"usage: ecosite {name}")
    for option in options_of(parser):
        assert option in shown


def test_the_readme_names_every_command_and_option_and_nothing_else():
    documented = readme_commands()
    actual = subcommands()
    assert set(documented) == set(actual), "the README's table and `ecosite --help` list different commands"
    for name, parser in actual.items():
        assert documented[name] <= options_of(parser), f"README shows options `ecosite {name}` does not have"
        assert options_of(parser) <= documented[name], f"README misses options of `ecosite {name}`"
