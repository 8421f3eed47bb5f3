"""What summit templates, calendars and JSON-LD see: an edition's days of sessions and its launches,
with networks and links, and the archive of every edition with the upcoming one."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from datetime import date

from ecosite.site.model import Page
from ecosite.summit.programme import Launch, SummitDay, SummitEdition, SummitSession


@dataclass
class ProgrammeSession:
    """A session as templates and calendars see it: with its edition, networks, launches and links."""

    edition: SummitEdition
    session: SummitSession
    networks: list[Page]
    description_html: str
    ics_path: str | None  # site path of its own .ics file; only timed sessions have one
    launches: list[LaunchView] = field(default_factory=list)

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
class LaunchView:
    """A launch with its edition, the session it was launched in (when known) and its networks."""

    edition: SummitEdition
    launch: Launch
    session: ProgrammeSession | None
    networks: list[Page]

    @property
    def network_slugs(self) -> list[str]:
        return [network_slug(p) for p in self.networks]


@dataclass
class ProgrammeDay:
    """One date of the programme (or, with `date` None, the sessions whose day is not published)."""

    date: date | None
    info: SummitDay | None
    sessions: list[ProgrammeSession]

    @property
    def anchor(self) -> str:
        return f"day-{self.date.isoformat()}" if self.date else "day-not-published"

    @property
    def clock_changes(self) -> bool:
        """Do the clocks change during this day? Then times are shown with their zone (CEST/CET)."""
        offsets = {moment.utcoffset() for s in self.sessions if s.session.timed for moment in s.session.times}
        return len(offsets) > 1

    def shows(self, network: str | None) -> bool:
        """Does this day have a session of `network` (or any session, without a network)?"""
        return any(network is None or network in s.network_slugs for s in self.sessions)


@dataclass
class EditionView:
    """One edition with what its pages need: days of sessions, launches, networks and file paths."""

    edition: SummitEdition
    path: str  # /summit/<year>/
    days: list[ProgrammeDay] = field(default_factory=list)
    launches: list[LaunchView] = field(default_factory=list)
    networks: list[Page] = field(default_factory=list)  # networks with sessions or launches here, in network order
    upcoming: bool = False  # its last day is today or later (see SummitArchive.today)

    @property
    def year(self) -> int:
        return self.edition.year

    @property
    def sessions(self) -> list[ProgrammeSession]:
        return [s for day in self.days for s in day.sessions]

    @property
    def timed_sessions(self) -> list[ProgrammeSession]:
        return [s for s in self.sessions if s.session.timed]

    @property
    def calendar_ics(self) -> str | None:
        """The edition's own calendar (all-day, over its days): only when its dates are confirmed."""
        return f"{self.path}european-cancer-summit-{self.year}.ics" if self.edition.dates_known else None

    @property
    def programme_ics(self) -> str | None:
        """Every timed session in one calendar; none when no session has published times."""
        return f"{self.path}programme.ics" if self.timed_sessions else None

    @property
    def sources(self) -> list[str]:
        """Every address the page's facts come from: the edition's, then its sessions', launches' and outcomes'."""
        edition = self.edition
        found = [*edition.sources, *(url for session in edition.sessions for url in session.sources),
                 *(url for launch in edition.launches for url in launch.sources),
                 *(url for outcome in edition.outcomes for url in outcome.sources)]
        return list(dict.fromkeys(found))

    def network_path(self, network: Page) -> str:
        return f"{self.path}{network_slug(network)}/"

    def shows_launches(self, network: str | None) -> bool:
        """Does the edition have a launch of `network` (or any launch, without a network)?"""
        return any(network is None or network in item.network_slugs for item in self.launches)


@dataclass
class SummitArchive:
    """`data.summit` in templates: every edition, newest first, and the day the build counts from."""

    today: date
    editions: list[EditionView] = field(default_factory=list)
    calendar_ics: str | None = None  # every edition with confirmed dates, to subscribe to

    @property
    def latest(self) -> EditionView | None:
        return self.editions[0] if self.editions else None

    @property
    def upcoming(self) -> EditionView | None:
        """The next edition (or the one under way), which the summit index and the home page lead with."""
        coming = [view for view in self.editions if view.upcoming]
        return coming[-1] if coming else None

    @property
    def past(self) -> list[EditionView]:
        return [view for view in self.editions if not view.upcoming]

    def sessions_for(self, network: str) -> list[ProgrammeSession]:
        """A network's sessions across editions, newest edition first, each edition in programme order."""
        return [s for view in self.editions for s in view.sessions if network in s.network_slugs]

    def launches_for(self, network: str) -> list[LaunchView]:
        """A network's launches across editions, newest edition first."""
        return [item for view in self.editions for item in view.launches if network in item.network_slugs]


def network_slug(page: Page) -> str:
    return page.url.rstrip("/").rsplit("/", 1)[-1]
