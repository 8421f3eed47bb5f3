"""What a content type declares: its model, where its files live, the pages it generates, its scaffold, its checks.

One module per type declares one ContentType (ecosite/content_types/, ecosite/summit/content_type.py)
and ecosite/registry.py lists them; the stages ask the registry instead of knowing the types.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel


@dataclass(frozen=True)
class ContentType:
    name: str  # as editors say it, and as `ecosite new NAME` takes it
    # a Markdown page with front matter, a YAML data file, or an entry added to another type's data file
    kind: Literal["page", "data", "entry"]
    location: str  # page: the section folder ("networks"; "" for any other page); data, entry: a regex of its path
    shown: str  # where its files live, as the docs and hints say it: "summit/<year>.yaml"
    model: type[BaseModel]
    # (config, pages, data, assets, broken) -> site.Generated: pages and files made from this type's records;
    # `broken` names the page files that failed to load (a problem naming one is a follow-on, errors.py)
    generate: Callable[..., Any] | None = None
    # what `generate` reads of the Markdown pages, as dependency keys (render/dependencies.py): its pages are
    # rendered again when one of these changes; the default, every page's front matter, is always safe
    generate_reads: tuple[tuple[str, ...], ...] = (("pages",),)
    scaffold: Callable[..., str] | None = None  # what `ecosite new` writes: a new file, or an entry's block
    # (record, raw YAML, source) -> errors: checks across a whole file, with its lines
    cross_check: Callable[..., list[Any]] | None = None
    # (config) -> what its pages depend on besides files and config (the summit: the build day); joins the
    # build signature, so an incremental build does not reuse pages made on another day
    depends_on: Callable[..., object] | None = None
    # (linked pages, broken) -> errors: what this type's pages name elsewhere in the site (news: its networks)
    check_links: Callable[..., list[Any]] | None = None


def page_type(rel: str, types: Sequence[ContentType]) -> ContentType:
    """A page's type: its section's, except a section's index.md (and any page outside one), a plain page."""
    plain = next(t for t in types if t.kind == "page" and not t.location)
    parts = rel.split("/")
    if len(parts) > 1 and parts[-1] != "index.md":
        return next((t for t in types if t.kind == "page" and t.location == parts[0]), plain)
    return plain


def data_type(rel: str, types: Sequence[ContentType]) -> ContentType | None:
    return next((t for t in types if t.kind == "data" and re.fullmatch(t.location, rel)), None)


def data_locations(types: Sequence[ContentType]) -> str:
    """Where data files may live, for the hint on a data file no type reads."""
    return " or ".join(t.shown for t in types if t.kind == "data")
