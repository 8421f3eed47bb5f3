"""Plain pages: any other Markdown file, and every section's index.md."""

from __future__ import annotations

from ecosite.content.content_type import ContentType
from ecosite.content.models import PageMeta
from ecosite.content.scaffolding import COMMON_TAIL, HEADER, front_matter, quoted


def page_file(title: str, url: str) -> str:
    lines = HEADER + [
        "# The page's title, shown as its heading and in the browser tab.",
        f"title: {quoted(title)}",
        f"# Leave empty: the address is {url}, from the file name. Write a slug here only to change it.",
        "slug:",
        "# One sentence describing the page, for search engines and lists of pages; optional.",
        "summary:",
        "# Position among the pages of its section: 1 comes first. Leave empty to sort by title.",
        "order:",
        "# A date for the page (YYYY-MM-DD) if it should show one; leave empty otherwise.",
        "date:",
    ] + COMMON_TAIL
    return front_matter(lines) + "\nTODO: the page, in Markdown. Start headings at `##`.\n"



PAGE = ContentType("page", "page", "", "<path>.md", PageMeta, scaffold=page_file)
