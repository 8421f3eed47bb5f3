"""What every stage shares: the project a build reads and writes, the result it returns, the progress callback."""

from __future__ import annotations

from collections.abc import Callable, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ecosite.errors import ContentError

if TYPE_CHECKING:  # for annotations only: the site model sits above this module
    from ecosite.site.model import Site


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


@dataclass
class BuildResult:
    site: Site
    files: MutableMapping[str, bytes]  # name -> bytes; unchanged files are read from output/ when asked
    copies: dict[str, Path]
    warnings: list[ContentError] = field(default_factory=list)
    milliseconds: int = 0
    timings: dict[str, int] = field(default_factory=dict)  # stage -> milliseconds, in pipeline order
    held: int = 0  # pages left out because they are dated in the future


# Told when a stage starts and how many items it will handle, e.g. ("rendering", 27): progress display.
StageCallback = Callable[[str, int], None]


def quiet(stage: str, count: int) -> None:
    """The default stage callback: says nothing."""
