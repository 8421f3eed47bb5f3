"""What an output is (a row of publishing.OUTPUTS) and what each output sees while the site is published."""

from __future__ import annotations

from collections.abc import Callable, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path

from ecosite.project import Project
from ecosite.site.model import Site


@dataclass
class Publication:
    """The rendered site being published: outputs read it and add to `files` in place."""

    project: Project
    site: Site
    files: MutableMapping[str, bytes]
    copies: dict[str, Path]
    hidden: set[str] = field(default_factory=set)  # outputs kept out of the sitemap and the search index

    def __post_init__(self) -> None:
        self.hidden |= {page.output_path for page in self.site.pages if page.meta.draft}


@dataclass(frozen=True)
class Output:
    name: str
    wanted: Callable[[Project], bool]  # by the build options (--minify, --gzip, --no-search)
    add: Callable[[Publication], None]


def always(project: Project) -> bool:
    return True
