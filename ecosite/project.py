"""What every stage shares: the project a build reads and writes, the result it returns, the progress callback."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from ecosite.errors import ContentError

if TYPE_CHECKING:  # for annotations only: the site model sits above this module
    from ecosite.site.model import Site


@dataclass
class Project:
    """Where a build reads and writes, and how."""

    root: Path
    out: Path | None = None
    base_url: str | None = None
    drafts: bool = False
    strict: bool = False
    search: bool = True  # build the Pagefind search index (--no-search turns it off)
    minify: bool = False
    gzip: bool = False  # precompressed .gz beside text files

    def __post_init__(self) -> None:
        self.root = self.root.resolve()
        self.out = (self.out or self.root / "output").resolve()

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
    files: dict[str, bytes]
    copies: dict[str, Path]
    warnings: list[ContentError] = field(default_factory=list)
    milliseconds: int = 0
    explained: dict[str, str] = field(default_factory=dict)  # output rendered or written -> the input that caused it


# Told when a stage starts and how many items it will handle, e.g. ("rendering", 27): progress display.
StageCallback = Callable[[str, int], None]


def quiet(stage: str, count: int) -> None:
    """The default stage callback: says nothing."""
