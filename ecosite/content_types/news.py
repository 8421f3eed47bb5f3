"""Dated news items: `content/news/<slug>.md` (also listed in the Atom feed)."""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from typing import Any

from ecosite.content.content_type import ContentType
from ecosite.content.models import NewsMeta
from ecosite.content.scaffolding import COMMON_TAIL, HEADER, front_matter, quoted
from ecosite.errors import ContentError


def news_file(title: str, slug: str, day: str, network_slugs: list[str]) -> str:
    known = ", ".join(network_slugs) or "none yet"
    lines = HEADER + [
        "# The headline.",
        f"title: {quoted(title)}",
        f"# Leave empty: the address is /news/{slug}/, from the file name.",
        "slug:",
        "# One or two sentences shown in the list of news.",
        'summary: "TODO: the news in one or two sentences."',
        "# The day of the news (YYYY-MM-DD, optionally followed by a time HH:MM); news is listed newest first.",
        f"date: {day}",
        "# The networks this news concerns, by their slug; replace [] with lines `  - workforce`.",
        f"# Known networks: {known}.",
        "networks: []",
        "# The web address of the original announcement (starting with https://), or leave empty.",
        "source:",
        "# Leave empty: news is ordered by date.",
        "order:",
    ] + COMMON_TAIL
    return front_matter(lines) + "\nTODO: the news, in a few short paragraphs.\n"


def networks_named(pages: Sequence[Any], broken: frozenset[str]) -> list[ContentError]:
    """Every network a page names under `networks:` (news items do) must be a network page, named
    by its file (`workforce` for content/networks/workforce.md), as the templates look it up.

    `pages` are the linked site's (site.model.Page, which content types sit below and do not import)."""
    slugs = {p.rel.removeprefix("networks/").removesuffix(".md") for p in pages
             if p.section == "networks" and not p.is_index and p.source.kind == "page"}
    errors = []
    for page in pages:
        # Only news items have the field; asking any other page's model for it raises inside pydantic, which
        # cost 6 us for every page of the site in every build.
        for n, slug in enumerate(vars(page.meta).get("networks") or []):
            if slug in slugs:
                continue
            close = difflib.get_close_matches(slug, sorted(slugs), n=1)
            cause = f"content/networks/{slug}.md"
            errors.append(ContentError(page.source.shown, page.lines.get(("networks", n), page.lines.get((), 1)),
                                       f"networks: there is no network `{slug}`",
                                       f"did you mean `{close[0]}`?" if close else
                                       f"the networks are: {', '.join(sorted(slugs)) or 'none'}",
                                       cause if cause in broken else ""))
    return errors


NEWS = ContentType("news", "page", "news", "news/<slug>.md", NewsMeta, scaffold=news_file,
                   check_links=networks_named)
