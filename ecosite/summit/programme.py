"""The European Cancer Summit: an edition's programme (`content/summit/<year>.yaml`) and its checks.

Sessions are written in the local time of the event (`timezone`, Europe/Brussels by default) as
`HH:MM` on a dated day. Validation turns them into exact instants, so a daylight-saving change
inside a day is handled, and refuses what would make the programme lie about time: an end not
after its start, a session outside its day, two sessions in one room at once, a repeated id.
Network slugs are checked later, when the network pages are known (see `summit_pages`).
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, timezone
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, available_timezones

from pydantic import AfterValidator, Field, PrivateAttr

from ecosite.errors import ContentError
from ecosite.content.models import Day, ExternalUrl, Person, Record, Slug, Text
from ecosite.content.yamlsafe import KeyPath, YamlData

DEFAULT_TIMEZONE = "Europe/Brussels"
FORMATS = ("opening", "plenary", "forum", "spotlight", "showcase", "break")
_CLOCK_RE = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)(?:([+-])(\d\d):(\d\d))?$")


def _clock(value: str) -> str:
    if not _CLOCK_RE.match(value):
        raise ValueError(f"`{value}` is not a time of day | write the local time as HH:MM on a 24-hour clock, "
                         "e.g. 09:30 (quoting it is fine)")
    return value


def _zone(value: str) -> str:
    if value not in available_timezones():
        raise ValueError(f"`{value}` is not a known time zone | write an IANA name such as Europe/Brussels")
    return value


Clock = Annotated[str, AfterValidator(_clock)]


class Speaker(Record):
    """A chair or speaker of a session."""

    name: Text
    affiliation: Text | None = None


class SummitSession(Record):
    """One session of a summit day; `start`/`end` are local clock times on the day's date."""

    id: Slug
    start: Clock
    end: Clock
    title: Text
    room: Text | None = None
    format: Literal[FORMATS]  # type: ignore[valid-type]
    networks: list[Slug] = []
    chairs: list[Speaker] = []
    speakers: list[Speaker] = []
    description: Text | None = None

    _starts_at: datetime | None = PrivateAttr(default=None)
    _ends_at: datetime | None = PrivateAttr(default=None)
    _path: KeyPath = PrivateAttr(default=())

    @property
    def starts_at(self) -> datetime:
        """The exact start, in the event's time zone (after validation)."""
        return self._starts_at

    @property
    def ends_at(self) -> datetime:
        return self._ends_at

    @property
    def minutes(self) -> int:
        """Real duration in minutes, daylight-saving changes included."""
        return int((self.ends_at - self.starts_at).total_seconds() // 60)


class SummitDay(Record):
    """A day of the programme; `opens`/`closes`, when given, bound its sessions."""

    date: Day
    title: Text | None = None
    opens: Clock | None = None
    closes: Clock | None = None
    sessions: list[SummitSession] = []


class SummitEdition(Record):
    """One European Cancer Summit edition (`content/summit/<year>.yaml`)."""

    year: int
    theme: Text | None = None
    start_date: Day
    end_date: Day | None = None
    venue: Text | None = None
    city: Text | None = None
    attendance: Literal["in-person", "online", "hybrid"] | None = None
    co_chairs: list[Person] = []
    summary: Text | None = None
    registration_url: ExternalUrl | None = None
    sources: list[ExternalUrl] = []
    timezone: Annotated[str, AfterValidator(_zone)] = DEFAULT_TIMEZONE
    updated: Day | None = None  # when the programme last changed: calendar apps see it as DTSTAMP
    days: list[SummitDay] = Field(default=[])

    _lines: YamlData = PrivateAttr(default_factory=lambda: YamlData(None))
    _source: object = PrivateAttr(default=None)  # the sources.Source it was read from

    @property
    def last_date(self) -> date:
        return self.end_date or self.start_date

    @property
    def sessions(self) -> list[SummitSession]:
        """Every session of the edition, in file order."""
        return [s for day in self.days for s in day.sessions]

    @property
    def times_resolved(self) -> bool:
        """Did every session's start and end become an exact instant (no time errors)?"""
        return all(s.starts_at is not None and s.ends_at is not None for s in self.sessions)

    @property
    def shown(self) -> str:
        """The file an editor sees in messages."""
        return self._source.shown

    @property
    def source(self):  # noqa: ANN201 - sources.Source
        return self._source

    def line_of(self, path: KeyPath) -> int:
        return self._lines.line_of(path)

    def cross_check(self, raw: YamlData, source) -> list[ContentError]:  # noqa: ANN001 - sources.Source
        """Resolve local times to instants and check the programme as a whole, with file lines."""
        self._lines, self._source = raw, source
        checker = _ProgrammeCheck(self)
        checker.run(source.rel)
        return checker.errors


class _ProgrammeCheck:
    """The whole-programme checks, collecting every problem with the line it is on."""

    def __init__(self, edition: SummitEdition):
        self.edition = edition
        self.zone = ZoneInfo(edition.timezone)
        self.errors: list[ContentError] = []

    def error(self, path: KeyPath, message: str, hint: str) -> None:
        self.errors.append(ContentError(self.edition.shown, self.edition.line_of(path), message, hint))

    def run(self, rel: str) -> None:
        edition = self.edition
        named_year = rel.rsplit("/", 1)[-1].split(".")[0]
        if named_year != str(edition.year):
            self.error(("year",), f"year is {edition.year} but the file is named {named_year}.yaml",
                       f"rename the file to {edition.year}.yaml or correct `year:`")
        if edition.last_date < edition.start_date:
            self.error(("end_date",), f"end_date {edition.last_date} is before start_date {edition.start_date}",
                       "correct one of the two dates")
        seen_dates: dict[date, int] = {}
        for d, day in enumerate(edition.days):
            if day.date in seen_dates:
                self.error(("days", d, "date"), f"the day {day.date} is already given on line {seen_dates[day.date]}",
                           "put all sessions of one date under a single day")
            seen_dates.setdefault(day.date, edition.line_of(("days", d, "date")))
            if not edition.start_date <= day.date <= edition.last_date:
                self.error(("days", d, "date"), f"the day {day.date} is outside the summit's dates "
                           f"({edition.start_date} to {edition.last_date})",
                           "correct the day's date, or start_date/end_date")
            for s, session in enumerate(day.sessions):
                self.place(day, d, session, s)
        self.unique_ids()
        self.rooms_free()

    def place(self, day: SummitDay, d: int, session: SummitSession, s: int) -> None:
        """Turn a session's clock times into instants and check it fits its day."""
        path = ("days", d, "sessions", s)
        session._path = path
        starts = self.instant(day.date, session.start, path + ("start",))
        ends = self.instant(day.date, session.end, path + ("end",))
        if starts is None or ends is None:
            return
        session._starts_at, session._ends_at = starts, ends
        if ends <= starts:
            hint = ("a session must end on the day it starts; split it over two days"
                    if _wall(session.end) < _wall(session.start) else "make `end` later than `start`")
            self.error(path + ("end",), f"session `{session.id}` ends at {session.end}, "
                       f"which is not after its start at {session.start}", hint)
        for bound, clock, before in (("opens", day.opens, True), ("closes", day.closes, False)):
            if clock is None:
                continue
            limit = self.instant(day.date, clock, ("days", d, bound))
            if limit is None:
                continue
            if before and starts < limit:
                self.error(path + ("start",), f"session `{session.id}` starts at {session.start}, "
                           f"before its day opens at {clock}", "move the session into the day, or change `opens:`")
            if not before and ends > limit:
                self.error(path + ("end",), f"session `{session.id}` ends at {session.end}, "
                           f"after its day closes at {clock}", "move the session into the day, or change `closes:`")

    def instant(self, day: date, clock: str, path: KeyPath) -> datetime | None:
        """`HH:MM` (or `HH:MM+01:00` where a clock time happens twice) on `day` -> an aware datetime."""
        match = _CLOCK_RE.match(clock)
        local = datetime.combine(day, time(int(match[1]), int(match[2])))
        candidates = {local.replace(fold=fold, tzinfo=self.zone).utcoffset() for fold in (0, 1)}
        valid = sorted(o for o in candidates
                       if local.replace(tzinfo=timezone(o)).astimezone(self.zone).replace(tzinfo=None) == local)
        if match[3]:
            sign = 1 if match[3] == "+" else -1
            offset = sign * timedelta(hours=int(match[4]), minutes=int(match[5]))
            if offset not in valid:
                self.error(path, f"{clock[:5]} on {day} is never at UTC{_offset(offset)} in {self.zone.key}",
                           f"use {' or '.join(_offset(o) for o in valid) or 'another time'}, or drop the offset")
                return None
            return local.replace(tzinfo=timezone(offset)).astimezone(self.zone)
        if not valid:
            self.error(path, f"{clock} does not exist on {day} in {self.zone.key}: the clocks go forward that night",
                       "choose a time outside the skipped hour")
            return None
        if len(valid) > 1:
            first, second = valid[1], valid[0]
            self.error(path, f"{clock} happens twice on {day} in {self.zone.key}: the clocks go back that night",
                       f"say which one: `{clock}{_offset(first)}` (the first) or `{clock}{_offset(second)}` (the second)")
            return None
        return local.replace(tzinfo=timezone(valid[0])).astimezone(self.zone)

    def unique_ids(self) -> None:
        first: dict[str, int] = {}
        for session in self._all():
            line = self.edition.line_of(session._path + ("id",))
            if session.id in first:
                self.error(session._path + ("id",), f"the session id `{session.id}` is already used on line "
                           f"{first[session.id]}", "give every session of the edition its own id")
            first.setdefault(session.id, line)

    def rooms_free(self) -> None:
        """Two sessions may not be in one room at the same time; the later one names the earlier."""
        by_room: dict[str, list[SummitSession]] = {}
        for session in self._all():
            if session.room and session.starts_at and session.ends_at and session.ends_at > session.starts_at:
                by_room.setdefault(session.room.casefold(), []).append(session)
        for sessions in by_room.values():
            sessions.sort(key=lambda s: (s.starts_at, self.edition.line_of(s._path)))
            for index, later in enumerate(sessions):
                for earlier in sessions[:index]:
                    if earlier.ends_at > later.starts_at:
                        self.error(later._path + ("start",),
                                   f"session `{later.id}` ({later.start}-{later.end}) overlaps session "
                                   f"`{earlier.id}` (line {self.edition.line_of(earlier._path + ('start',))}, "
                                   f"{earlier.start}-{earlier.end}) in the room {later.room}",
                                   "change the time or the room of one of the two sessions")

    def _all(self) -> list[SummitSession]:
        return self.edition.sessions


def _wall(clock: str) -> tuple[int, int]:
    return int(clock[:2]), int(clock[3:5])


def _offset(offset: timedelta) -> str:
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"

