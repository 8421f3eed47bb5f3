"""What every stage shares: the project a build reads and writes, the progress callback, the build's date."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from ecosite.errors import BuildError, ContentError


@dataclass(init=False)
class Project:
    """Where a build reads and writes, and how."""

    root: Path
    out: Path  # ROOT/output unless given
    base_url: str | None
    drafts: bool
    strict: bool
    search: bool  # build the Pagefind search index (--no-search turns it off)
    minify: bool
    gzip: bool  # precompressed .gz beside text files
    future: bool  # include pages dated in the future (--future); else they wait for their date

    def __init__(self, root: Path, out: Path | None = None, base_url: str | None = None, drafts: bool = False,
                 strict: bool = False, search: bool = True, minify: bool = False, gzip: bool = False,
                 future: bool = False):
        self.root = root.resolve()
        self.out = (out or self.root / "output").resolve()
        self.base_url, self.drafts, self.strict = base_url, drafts, strict
        self.search, self.minify, self.gzip, self.future = search, minify, gzip, future

    @property
    def content_dir(self) -> Path:
        return self.root / "content"

    @property
    def templates_dir(self) -> Path:
        return self.root / "templates"

    @property
    def static_dirs(self) -> list[Path]:
        return [d for d in (self.content_dir / "static", self.root / "static") if d.is_dir()]


# Told when a stage starts and how many items it will handle, e.g. ("rendering", 27): progress display.
StageCallback = Callable[[str, int], None]


def quiet(stage: str, count: int) -> None:
    """The default stage callback: says nothing."""


def source_date_epoch() -> datetime:
    """The reproducible-builds date: SOURCE_DATE_EPOCH if set, else the Unix epoch (never "now")."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not value:
        return datetime.fromtimestamp(0, UTC)
    if not value.isdigit():
        raise BuildError([ContentError("SOURCE_DATE_EPOCH", 0, f"`{value}` is not a number of seconds",
                                       "set it to a Unix time, e.g. SOURCE_DATE_EPOCH=$(git log -1 --format=%ct)")])
    return datetime.fromtimestamp(int(value), UTC)


STAGING_MARK = ".staging-"  # in the names of the folders a build works in beside output/


def scratch_path(out: Path, what: str = "") -> Path:
    """A folder beside output/ for work in progress: on the same disk, so files can be hard-linked and
    renamed into place, and named after this process, so a later build removes it if this one was killed
    (write/staging.remove_stale_staging)."""
    return out.parent / f".{out.name}{STAGING_MARK}{what}{os.getpid()}"


def remove_abandoned(parent: Path, pattern: str, keep_own: bool = False) -> None:
    """Remove the folders in `parent` matching `pattern` whose process (the name's last `-` part) is gone,
    and this process's own unless `keep_own`."""
    for path in parent.glob(pattern):
        owner = path.name.rsplit("-", 1)[-1]
        if not (keep_own and owner == str(os.getpid())) and not owner_alive(owner):
            shutil.rmtree(path, ignore_errors=True)


def owner_alive(pid_text: str) -> bool:
    """Whether the build that named a staging folder is still running (a preview server, say)."""
    if not pid_text.isdigit() or int(pid_text) == os.getpid():
        return False
    try:
        os.kill(int(pid_text), 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists, but belongs to someone else
        return True
    return True
