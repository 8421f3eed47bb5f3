"""Command line: `ecosite build | ...`; prints every problem as PATH:LINE: message - hint, never a traceback.

Exit codes: 0 success, 1 content or template errors, 2 bad usage.
"""

from __future__ import annotations

import argparse
import importlib
import os
import signal
import sys
from types import FrameType, ModuleType
from typing import NoReturn

from ecosite import __version__
from ecosite.errors import BuildError
from ecosite.write.staging import OutputRefused

USAGE_ERROR = 2


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ecosite", description="Build the European Cancer Organisation's site.",
                                     epilog="`ecosite` alone means `ecosite build`. Each command explains its options "
                                            "with `ecosite COMMAND --help`; editors start with EDITING.md.")
    parser.add_argument("--version", action="version", version=f"ecosite {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    # Each command lives in its own module (ecosite/commands/) and registers its options here.
    for name, (module_name, help_text) in COMMANDS.items():
        _command(module_name).add_arguments(commands.add_parser(name, help=help_text))
    return parser


# Each command is a module in ecosite/commands/ with add_arguments(parser) and run(args) -> exit code.
COMMANDS = {
    "build": ("build", "build content/ into output/"),
    "serve": ("serve", "build, serve on http://127.0.0.1:8000 and rebuild on save"),
    "check": ("check", "check the built output: links, anchors, alt text, titles"),
    "new": ("new", "create a new network, news item or page, or add a summit session"),
    "schema": ("schema", "write JSON Schemas of the content models"),
}
COMMAND_HELP = {name: help_text for name, (_, help_text) in COMMANDS.items()}


def _command(module_name: str) -> ModuleType:
    return importlib.import_module(f"ecosite.commands.{module_name}")


def _run(name: str, args: argparse.Namespace) -> int:
    return _command(COMMANDS[name][0]).run(args)


def _terminate(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or (argv[0].startswith("-") and argv[0] not in ("-h", "--help", "--version")):
        argv = ["build", *argv]  # `ecosite` alone, or with build options, means `ecosite build`
    args = make_parser().parse_args(argv)
    command = args.command
    signal.signal(signal.SIGTERM, _terminate)
    try:
        return _run(command, args)
    except OutputRefused as refused:
        print(f"ecosite: {refused}", file=sys.stderr)
        return USAGE_ERROR
    except BuildError as failure:
        for line in failure.lines:
            print(line, file=sys.stderr)
        count = len(failure.errors)
        print(f"Build failed: {count} problem{'s' if count != 1 else ''}; output/ was not changed.", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("Interrupted; output/ was not changed.", file=sys.stderr)
        return 130


def run(argv: list[str] | None = None) -> NoReturn:
    """The `ecosite` program: main(), then an exit without tearing down the interpreter.

    Freeing a large site's objects one at a time at shutdown took 0.9 s after a 10,000-page rebuild
    that itself took 2.5 s; the operating system takes the whole process back at once. Every build has
    finished its work by the time main() returns (its threads joined, its worker processes gone)."""
    code = main(argv)
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except OSError:  # a reader that went away (`ecosite build | head`): nothing more to say
        pass
    os._exit(code)


if __name__ == "__main__":
    run()
