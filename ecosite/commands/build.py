"""`ecosite build`: the whole pipeline into output/, incremental from the cache; and `generate`, without writing."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ecosite.commands.options import add_future, add_root
from ecosite.incremental.state import BuildResult
from ecosite.pipeline import Engine
from ecosite.progress import BuildProgress
from ecosite.project import Project, StageCallback, quiet
from ecosite.site.model import Site
from ecosite.write.staging import OutputRefused, check_out_dir


def build(project: Project, on_stage: StageCallback = quiet, only_report: bool = False) -> BuildResult:
    """Every stage, redoing only what changed since the cached build.

    A cold build swaps a new output/ in atomically; a rebuild rewrites only changed files, after every
    stage has succeeded. The preview server keeps one Engine in memory instead. `only_report`: see
    Engine.rebuild (what `ecosite build` does)."""
    return Engine(project).rebuild(on_stage=on_stage, only_report=only_report)


def generate(project: Project, on_stage: StageCallback = quiet) -> BuildResult:
    """Every stage except writing, from nothing: the files a clean build would write; output/ is not touched."""
    return Engine(project, persistent=False).rebuild(on_stage=on_stage, write=False)


def linked_site(project: Project) -> Site:
    """The site read and linked from nothing, neither rendered nor written: every page's source, address
    and link lines, which is what `ecosite check` needs to name a finding's Markdown line, in half the
    time of `generate`."""
    return Engine(project, persistent=False).linked_site()


def add_build_options(parser: argparse.ArgumentParser) -> None:
    add_root(parser)
    parser.add_argument("--out", type=Path, default=None, help="output folder (default: ROOT/output)")
    parser.add_argument("--base-url", default=None, help="address the site is published at, e.g. https://example.org/eco/")
    parser.add_argument("--strict", action="store_true", help="treat warnings as errors")
    parser.add_argument("--drafts", action="store_true", help="include pages marked `draft: true`")
    add_future(parser)


def add_publish_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--no-search", dest="search", action="store_false", help="skip the Pagefind search index")
    parser.add_argument("--minify", action="store_true", help="minify the HTML pages")
    parser.add_argument("--gzip", action="store_true", help="write precompressed .gz beside text files")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_build_options(parser)
    add_publish_options(parser)
    parser.add_argument("--explain", action="store_true",
                        help="list the outputs this build rendered or rewrote and the input that caused each")


def project_from(args: argparse.Namespace) -> Project:
    root = args.root.resolve()
    if not (root / "content").is_dir():
        raise OutputRefused(f"{root} has no content/ folder; pass --root with the project folder")
    out = (args.out if args.out is None or args.out.is_absolute() else Path.cwd() / args.out)
    project = Project(root, out, args.base_url, args.drafts, args.strict)
    project.search = getattr(args, "search", project.search)
    project.minify = getattr(args, "minify", project.minify)
    project.gzip = getattr(args, "gzip", project.gzip)
    project.future = getattr(args, "future", project.future)
    check_out_dir(project.root, project.out)
    return project


def run(args: argparse.Namespace) -> int:
    project = project_from(args)
    with BuildProgress(sys.stdout) as progress:
        result = build(project, progress.stage, only_report=True)
    for warning in result.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    out = project.out
    shown = out.relative_to(Path.cwd()) if out.is_relative_to(Path.cwd()) else out
    counts = result.counts
    progress.summary(pages=counts.pages, static_files=counts.static_files, redirects=counts.redirects,
                     warnings=len(result.warnings), milliseconds=result.milliseconds,
                     files=counts.files, out=str(shown), held=result.held)
    if args.explain:
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
