"""Command line: `ecosite build | ...`; prints every problem as PATH:LINE: message - hint, never a traceback.

Exit codes: 0 success, 1 content or template errors, 2 bad usage.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import signal
import sys
from pathlib import Path

from ecosite.pipeline import build
from ecosite.project import Project
from ecosite.errors import BuildError
from ecosite.write.staging import OutputRefused, check_out_dir
from ecosite.progress import BuildProgress

USAGE_ERROR = 2


def _add_build_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--root", type=Path, default=Path("."), help="project folder (default: current folder)")
    parser.add_argument("--out", type=Path, default=None, help="output folder (default: ROOT/output)")
    parser.add_argument("--base-url", default=None, help="address the site is published at, e.g. https://example.org/eco/")
    parser.add_argument("--strict", action="store_true", help="treat warnings as errors")
    parser.add_argument("--drafts", action="store_true", help="include pages marked `draft: true`")


def _add_publish_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--no-search", dest="search", action="store_false", help="skip the Pagefind search index")
    parser.add_argument("--minify", action="store_true", help="minify the HTML pages")
    parser.add_argument("--gzip", action="store_true", help="write precompressed .gz beside text files")
    parser.add_argument("--explain", action="store_true",
                        help="list the outputs this build rendered or rewrote and the input that caused each")


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ecosite", description="Build the European Cancer Organisation's site.",
                                     epilog="`ecosite` alone means `ecosite build`. Each command explains its options "
                                            "with `ecosite COMMAND --help`; editors start with EDITING.md.")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    build_parser = commands.add_parser("build", help="build content/ into output/")
    _add_build_options(build_parser)
    _add_publish_options(build_parser)
    # Each further command lives in its own module and registers its options here:
    # serve, check, new and schema (ecosite/commands/).
    for name, help_text in COMMAND_HELP.items():
        if name != "build":
            module = importlib.import_module(f"ecosite.{COMMAND_MODULES[name]}")
            module.add_arguments(commands.add_parser(name, help=help_text))
    return parser


def project_from(args: argparse.Namespace) -> Project:
    root = args.root.resolve()
    if not (root / "content").is_dir():
        raise OutputRefused(f"{root} has no content/ folder; pass --root with the project folder")
    out = (args.out if args.out is None or args.out.is_absolute() else Path.cwd() / args.out)
    project = Project(root, out, args.base_url, args.drafts, args.strict)
    project.search = getattr(args, "search", project.search)
    project.minify = getattr(args, "minify", project.minify)
    project.gzip = getattr(args, "gzip", project.gzip)
    check_out_dir(project.root, project.out)
    return project


def run_build(args: argparse.Namespace) -> int:
    project = project_from(args)
    with BuildProgress(sys.stdout) as progress:
        result = build(project, progress.stage)
    for warning in result.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    out = project.out
    shown = out.relative_to(Path.cwd()) if out.is_relative_to(Path.cwd()) else out
    redirects = sum(len(page.meta.aliases) for page in result.site.pages)
    progress.summary(pages=len(result.site.pages), static_files=len(result.copies), redirects=redirects,
                     warnings=len(result.warnings), milliseconds=result.milliseconds,
                     files=len(result.files) + len(result.copies), out=str(shown))
    if getattr(args, "explain", False):
        explain(result.explained)
    return 0


GROUP_OVER = 10  # outputs with one cause: listed one by one up to this many, then counted


def explain(explained: dict[str, str]) -> None:
    """What `--explain` prints: each output rendered or rewritten, and why (one line per cause when many)."""
    if not explained:
        print("Nothing was rendered or rewritten: no input changed since the last build.")
        return
    by_cause: dict[str, list[str]] = {}
    for name, cause in sorted(explained.items()):
        by_cause.setdefault(cause, []).append(name)
    print(f"{len(explained)} output{'s' if len(explained) != 1 else ''} rendered or rewritten:")
    for cause, names in sorted(by_cause.items(), key=lambda item: (-len(item[1]), item[0])):
        if len(names) > GROUP_OVER:
            print(f"  {len(names)} outputs, e.g. {', '.join(names[:3])}: {cause}")
        else:
            for name in names:
                print(f"  {name}: {cause}")


COMMAND_HELP = {"build": "build content/ into output/"}
COMMAND_MODULES: dict[str, str] = {}
# When a module exists it is registered here: name -> (module, help). Each module offers
# add_arguments(parser) and run(args) -> exit code.
_OPTIONAL_COMMANDS = {
    "serve": ("commands.serve", "build, serve on http://127.0.0.1:8000 and rebuild on save"),
    "check": ("commands.check", "check the built output: links, anchors, alt text, titles"),
    "new": ("commands.new", "create a new network, news item or page"),
    "schema": ("commands.schema", "write JSON Schemas of the content models"),
}
for _name, (_module, _help) in _OPTIONAL_COMMANDS.items():
    if importlib.util.find_spec(f"ecosite.{_module}") is not None:
        COMMAND_HELP[_name] = _help
        COMMAND_MODULES[_name] = _module


def _run(name: str, args: argparse.Namespace) -> int:
    if name == "build":
        return run_build(args)
    return importlib.import_module(f"ecosite.{COMMAND_MODULES[name]}").run(args)


def _terminate(signum, frame):  # noqa: ANN001 - signal handler signature
    raise SystemExit(128 + signum)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or (argv[0].startswith("-") and argv[0] not in ("-h", "--help")):
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
        for error in failure.errors:
            print(error, file=sys.stderr)
        count = len(failure.errors)
        print(f"Build failed: {count} problem{'s' if count != 1 else ''}; output/ was not changed.", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("Interrupted; output/ was not changed.", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
