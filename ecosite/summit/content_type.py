"""Summit editions: `content/summit/<year>.yaml`, checked as a whole programme, with pages and calendars.

A session is an entry of its edition's file, not a file of its own: `ecosite new session YEAR TITLE`
appends the block below to the edition's `sessions:` list.
"""

from __future__ import annotations

from ecosite.content.content_type import ContentType
from ecosite.content.scaffolding import quoted
from ecosite.summit.pages import build_day, summit_pages
from ecosite.summit.programme import SummitEdition, SummitSession


def session_block(session_id: str, title: str, indent: str, network_slugs: list[str]) -> str:
    """One entry of an edition's `sessions:` list: the title, and every other field as a comment."""
    known = ", ".join(network_slugs) or "none yet"
    lines = [
        f"- id: {session_id}",
        "  # Used in the page address (#session-...) and calendar files: keep it once published.",
        f"  title: {quoted(title)}",
        "  # Set to false if the title above only describes the session and its published title is not known.",
        "  exact_title: true",
        "  # The networks behind the session, by file name, e.g. [workforce]. Known networks:",
        f"  # {known}.",
        "  networks: []",
        "  # Web addresses that confirm the session; replace [] with lines `    - https://...`.",
        "  sources: []",
        "  # Add each of these when it is announced, by removing the # (times in quotes, start and end together):",
        "  # day: YYYY-MM-DD",
        '  # start: "09:15"',
        '  # end: "10:30"',
        "  # room: Main room",
        "  # format: plenary  # opening, plenary, forum, spotlight, showcase or break",
        "  # chairs:",
        "  #   - name: A Chair",
        "  #     affiliation: A Member Society",
        "  # description: What the session is about, in Markdown.",
    ]
    return "".join(f"{indent}{line}\n" for line in lines)


SUMMIT_EDITION = ContentType("summit edition", "data", r"summit/\d{4}\.yaml", "summit/<year>.yaml", SummitEdition,
                             generate=summit_pages,
                             # the network pages, and the addresses and heading ids descriptions may link to
                             generate_reads=(("section", "networks"), ("pages-targets",)),
                             cross_check=SummitEdition.cross_check,
                             depends_on=build_day)  # which edition is upcoming changes with the day
SUMMIT_SESSION = ContentType("session", "entry", r"summit/\d{4}\.yaml", "summit/<year>.yaml (sessions:)",
                             SummitSession, scaffold=session_block)
