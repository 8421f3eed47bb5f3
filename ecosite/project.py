"""What every stage shares: the project a build reads and writes, and the progress callback."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


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
