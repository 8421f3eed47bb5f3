"""Discovery: the content folder -> the list of source files, in a stable order.

Refuses what an editor cannot have meant: symlinks leading out of the project, folders behind
symlinks, and stray files that are neither pages, data nor static files. Files in content/static
are content too: one a browser would run as a page (HTML, XML, an SVG with script) is refused
there, since an editor's account must not be able to put script on the organisation's domain.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from ecosite.errors import ContentError

PAGE_SUFFIXES = {".md"}
DATA_SUFFIXES = {".yaml", ".yml"}
IGNORED_NAMES = {".DS_Store", "Thumbs.db", ".gitkeep", "desktop.ini"}
RUNNABLE_SUFFIXES = {".html", ".htm", ".xhtml", ".xht", ".shtml", ".xml", ".xsl", ".xslt", ".swf"}
_SVG_SCRIPT = re.compile(rb"<script|<foreignobject|<iframe|<embed|\son[a-z]+\s*=|javascript:|<!entity", re.I)


@dataclass(frozen=True)
class Source:
    """One input file: `rel` is relative to its base (content/ or the static folder), with '/'."""

    path: Path
    rel: str
    kind: str  # "page", "data" or "static"
    shown: str  # the path an editor sees in messages: relative to the project root


EDITOR_LEFTOVERS = ("~", ".swp", ".tmp", "___jb_tmp___", "___jb_old___")  # backups, swap files, safe-write files


def is_ignored(name: str) -> bool:
    return name in IGNORED_NAMES or name.startswith((".", "#", "~$")) or name.endswith(EDITOR_LEFTOVERS)


def walk(base: Path, root: Path, errors: list[ContentError], skip: frozenset[Path] = frozenset()
         ) -> list[tuple[Path, str, bool]]:
    """Every file under base as (path, rel, is a link), sorted; a symlink must lead to a regular file inside base.

    Inside base, not merely inside the project: the project also holds .git/config (where CI keeps
    its token), .env files and the output, none of which a content link may publish. Read with
    os.scandir, whose entries know their type without a stat per file (thousands of pages per rebuild).
    """
    found: list[tuple[Path, str, bool]] = []
    resolved_base = base.resolve()
    base_shown = _shown(base, root)
    skipped = {str(path) for path in skip}

    def visit(folder: Path, prefix: str) -> None:
        with os.scandir(folder) as listing:
            entries = sorted((e for e in listing if not is_ignored(e.name)), key=lambda e: e.name)
        folders = []
        for entry in entries:
            if _is_folder(entry):  # follows links: a linked folder is refused, never entered
                if entry.path in skipped:
                    continue
                if entry.is_symlink():
                    errors.append(ContentError(f"{base_shown}/{prefix}{entry.name}", 0, "this folder is a symbolic link",
                                               "move the real folder here instead of linking to it"))
                else:
                    folders.append(entry)
        for entry in entries:
            if _is_folder(entry):
                continue
            rel = prefix + entry.name
            linked = entry.is_symlink()
            if linked:
                problem = _symlink_problem(Path(entry.path), resolved_base, base_shown)
                if problem:
                    errors.append(ContentError(f"{base_shown}/{rel}", 0, problem,
                                               "copy the file here instead of linking to it"))
                    continue
            elif not entry.is_file(follow_symlinks=False):
                errors.append(ContentError(f"{base_shown}/{rel}", 0, "this is not a regular file (a pipe, socket "
                                           "or device)", "delete it; only ordinary files can be published"))
                continue
            found.append((folder / entry.name, rel, linked))  # joining a name: half the cost of Path(entry.path)
        for entry in folders:
            visit(folder / entry.name, f"{prefix}{entry.name}/")

    visit(base, "")
    return found


def _is_folder(entry: os.DirEntry) -> bool:
    try:
        return entry.is_dir()
    except OSError:  # a loop of links: not a folder, and reported as a broken link
        return False


def _symlink_problem(path: Path, base: Path, base_shown: str) -> str | None:
    """Why a symbolic link cannot be read as a source, or None when it leads to a file inside base."""
    try:
        target = path.resolve(strict=True)
    except (OSError, RuntimeError):  # missing target, or a loop of links
        return "this symbolic link is broken (its target is missing or links back to itself)"
    if not target.is_relative_to(base):
        return f"this symbolic link points outside {base_shown}/"
    if not target.is_file():
        return "this symbolic link does not lead to a regular file"
    return None


def _shown(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def discover(root: Path, content_dir: Path, static_dirs: list[Path]) -> tuple[list[Source], list[ContentError]]:
    """Classify every file under content/ (and the static folders) as page, data or static."""
    errors: list[ContentError] = []
    sources: list[Source] = []
    static_resolved = {d.resolve() for d in static_dirs}
    content_shown = _shown(content_dir, root)
    for path, rel, linked in walk(content_dir, root, errors, frozenset(static_dirs)):  # static folders below
        shown = f"{content_shown}/{rel}"
        if rel.split("/")[0] == "static":
            continue
        if linked and any(path.resolve().is_relative_to(d) for d in static_resolved):  # walk() enters no linked folder
            continue
        suffix = path.suffix.lower()
        if rel == "site.yaml":
            continue
        if suffix in PAGE_SUFFIXES:
            sources.append(Source(path, rel, "page", shown))
        elif suffix in DATA_SUFFIXES:
            sources.append(Source(path, rel, "data", shown))
        else:
            errors.append(ContentError(shown, 0, "this file is not a page, a data file or a static file",
                                       "pages end in .md and data in .yaml; put images, CSS and downloads "
                                       "in content/static/, or delete the file"))
    for static_dir in static_dirs:
        if static_dir.is_symlink():  # a linked folder could publish anything on the machine
            errors.append(ContentError(_shown(static_dir, root), 0, "this folder is a symbolic link",
                                       "move the real folder here instead of linking to it"))
            continue
        static_shown = _shown(static_dir, root)
        for path, rel, _ in walk(static_dir, root, errors):
            problem = _runnable(path) if static_dir.is_relative_to(content_dir) else None
            if problem:
                errors.append(ContentError(f"{static_shown}/{rel}", 0, problem,
                                           "content/static holds images, documents, fonts and styles; write pages in "
                                           "Markdown, or ask a developer"))
                continue
            sources.append(Source(path, rel, "static", f"{static_shown}/{rel}"))
    return sources, errors


def _runnable(path: Path) -> str | None:
    """Why a browser opening this static file would run it as a page, or None."""
    suffix = path.suffix.lower()
    if suffix in RUNNABLE_SUFFIXES:
        return f"a browser would open this {suffix} file as a web page, with any script in it"
    if suffix in (".svg", ".svgz") and _SVG_SCRIPT.search(path.read_bytes()):
        return "this SVG image contains script (a <script> element, an on... attribute or a javascript: link)"
    return None
