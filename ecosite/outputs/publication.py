"""What an output is (a row of publishing.OUTPUTS) and what each output sees while the site is published."""

from __future__ import annotations

from collections.abc import Callable, MutableMapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from ecosite.project import Project
from ecosite.site.model import Site


class LastOutput(Protocol):
    """What a build's files know of the last build's output (write/in_place.OutputFiles offers it), so an
    output can keep what it made last time for the parts that did not change (the search index's shards)."""

    touched: set[str]  # files whose bytes may differ from the last build's
    out: Path  # where the files not touched already are
    writable: bool  # whether an output may write its files straight into `out` (a full build's staging folder)
    damaged: AbstractSet[str]  # the last build's files found missing or altered on disk

    def keep(self, name: str) -> None: ...  # list a file of the last build's output as produced again

    def path_of(self, name: str) -> Path | None: ...  # an unchanged file on disk, to link rather than copy


@dataclass
class Publication:
    """The rendered site being published: outputs read it and add to `files` in place."""

    project: Project
    site: Site
    files: MutableMapping[str, bytes]
    copies: dict[str, Path]
    hidden: set[str] = field(default_factory=set)  # outputs kept out of the sitemap and the search index
    last: LastOutput | None = None  # None: everything is made from scratch
    # The preview reloads the browser before it indexes: with `defer_search` the search index is kept as it
    # was and the pages it is out of date for are added to `search_debt`, which a later build settles.
    defer_search: bool = False
    search_debt: set[str] = field(default_factory=set)
    running: list[Callable[[], None]] = field(default_factory=list)  # outputs still being made (the search index)

    def __post_init__(self) -> None:
        self.hidden |= {page.output_path for page in self.site.pages if page.meta.draft}

    def finish(self) -> None:
        """Wait for the outputs still being made and add their files; raises the first one's failure."""
        while self.running:
            self.running.pop(0)()

    def abandon(self) -> None:
        """After another failure: wait for them all the same, so none is left writing into a folder the
        failed build removes, and keep quiet about their own failures (the first one is the one reported)."""
        while self.running:
            try:
                self.running.pop(0)()
            except BaseException:  # noqa: BLE001 - see above
                pass


@dataclass(frozen=True)
class Output:
    name: str
    wanted: Callable[[Project], bool]  # by the build options (--minify, --gzip, --no-search)
    add: Callable[[Publication], Callable[[], None] | None]  # may return a function that waits for it to finish
    waits: bool = False  # needs every output before it finished (gzip compresses their files)


def always(project: Project) -> bool:
    return True
