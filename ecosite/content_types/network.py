"""Focused Topic Network pages: `content/networks/<slug>.md`."""

from __future__ import annotations

from ecosite.content.content_type import ContentType
from ecosite.content.models import NetworkMeta
from ecosite.content.scaffolding import COMMON_TAIL, HEADER, front_matter, quoted


def network_file(title: str, slug: str, order: int, year: int) -> str:
    lines = HEADER + [
        "# The network's name, as shown in its heading and in the list of networks.",
        f"title: {quoted(title)}",
        f"# Leave empty: the address is /networks/{slug}/, from the file name. Write a slug here only",
        "# to change it (lower-case letters, digits and hyphens).",
        "slug:",
        "# One or two sentences on what the network works on; shown in the list of networks.",
        'summary: "TODO: what the network works on, in one or two sentences."',
        "# Position in the list of networks: 1 comes first.",
        f"order: {order}",
        "# The co-chairs, in the order shown on the page. For each person: `name`, and optionally",
        "# `society` (their member society) and `as_of` (the year they became co-chair).",
        "co_chairs:",
        '  - name: "TODO: the co-chair\'s name"',
        '    society: "TODO: their member society"',
        f"    as_of: {year}",
        "# Campaigns and projects of the network, newest last. Each has a `title`, and optionally `when`,",
        "# `url` (starting with https://) and `summary`. To add one, replace [] with lines like these",
        "# (without the leading #):",
        "#   - title: A Cancer Workforce in Crisis",
        '#     when: "November 2023"',
        "#     url: https://www.europeancancer.org/workforce-crisis",
        "#     summary: A campaign launched at the European Cancer Summit 2023.",
        "campaigns: []",
        "# Web addresses the facts on this page come from; replace [] with lines `  - https://...`.",
        "sources: []",
        "# A date for the page (YYYY-MM-DD) if it should show one; networks usually leave it empty.",
        "date:",
    ] + COMMON_TAIL
    body = ("\n## What the network works on\n\nTODO: the topics, in a few short paragraphs.\n\n"
            "## How it works\n\nTODO: how the network gathers evidence and campaigns.\n")
    return front_matter(lines) + body



NETWORK = ContentType("network", "page", "networks", "networks/<slug>.md", NetworkMeta, scaffold=network_file)
