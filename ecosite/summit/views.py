"""What summit templates, calendars and JSON-LD see: an edition's days of sessions, with networks and links."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from ecosite.site.model import Page
from ecosite.summit.programme import SummitSession, SummitDay, SummitEdition


@dataclass
class ProgrammeSession:
    """A session as templates and calendars see it: with its edition, networks and links."""

    edition: SummitEdition
    session: SummitSession
    networks: list[Page]
    description_html: str
    ics_path: str  # site path of its own .ics file

    @property
    def anchor(self) -> str:
        return f"session-{self.session.id}"

    @property
    def network_slugs(self) -> list[str]:
        return [network_slug(p) for p in self.networks]

    @property
    def description_text(self) -> str:
        """The description as plain text (links keep their words), for calendars and structured data."""
        text = re.sub(r"</(p|li|h[1-6]|tr)>|<br ?/?>", "\n", self.description_html)
        text = html.unescape(re.sub(r"<[^>]+>", "", text))
        return re.sub(r"\n{3,}", "\n\n", text).strip()


@dataclass
class ProgrammeDay:
    day: SummitDay
    sessions: list[ProgrammeSession]

    @property
    def anchor(self) -> str:
        return f"day-{self.day.date.isoformat()}"

    @property
    def clock_changes(self) -> bool:
        """Do the clocks change during this day? Then times are shown with their zone (CEST/CET)."""
        offsets = {s.session.starts_at.utcoffset() for s in self.sessions if s.session.starts_at}
        offsets |= {s.session.ends_at.utcoffset() for s in self.sessions if s.session.ends_at}
        return len(offsets) > 1

    def shows(self, network: str | None) -> bool:
        """Does this day have a session of `network` (or any session, without a network)?"""
        return any(network is None or network in s.network_slugs for s in self.sessions)


@dataclass
class EditionView:
    """One edition with what its pages need: days of sessions, its networks and file paths."""

    edition: SummitEdition
    path: str  # /summit/<year>/
    days: list[ProgrammeDay] = field(default_factory=list)
    networks: list[Page] = field(default_factory=list)  # networks with sessions here, in network order

    @property
    def year(self) -> int:
        return self.edition.year

    @property
    def sessions(self) -> list[ProgrammeSession]:
        return [s for day in self.days for s in day.sessions]

    @property
    def programme_ics(self) -> str | None:
        return f"{self.path}programme.ics" if self.sessions else None

    def network_path(self, network: Page) -> str:
        return f"{self.path}{network_slug(network)}/"


@dataclass
class SummitArchive:
    """`data.summit` in templates: every edition, newest first."""

    editions: list[EditionView] = field(default_factory=list)

    @property
    def latest(self) -> EditionView | None:
        return self.editions[0] if self.editions else None

    def sessions_for(self, network: str) -> list[ProgrammeSession]:
        """A network's sessions across editions, newest first."""
        found = [s for view in self.editions for s in view.sessions if network in s.network_slugs]
        return sorted(found, key=lambda s: (s.session.starts_at, s.session.id), reverse=True)


def network_slug(page: Page) -> str:
    return page.url.rstrip("/").rsplit("/", 1)[-1]
