"""Dated news items: `content/news/<slug>.md` (also listed in the Atom feed)."""

from __future__ import annotations

from ecosite.content.content_type import ContentType
from ecosite.content.models import NewsMeta
from ecosite.content.scaffolding import COMMON_TAIL, HEADER, front_matter, quoted


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



NEWS = ContentType("news", "page", "news", "news/<slug>.md", NewsMeta, scaffold=news_file)
