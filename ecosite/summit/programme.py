"""The European Cancer Summit: an edition's programme (`content/summit/<year>.yaml`) and its checks.

A programme holds what is known and no more. A session needs an id and a title; its day, times,
room, format, networks, people and description are each optional, because sources often confirm a
session long before (or without ever) publishing its time. Launches (reports, manifestos, indexes)
and outcomes are records of their own, linked to a session and networks where known.

Times are written in the local time of the event (`timezone`, Europe/Brussels by default) as
`HH:MM` on the session's `day`. Validation turns them into exact instants, so a daylight-saving
change inside a day is handled, and refuses what would make the programme lie about time: a start
without an end, an end not after its start, a session outside its day or the edition's dates, two
sessions in one room at once, a repeated id, a launch in a session that does not exist.
Network slugs are checked later, when the network pages are known (see `ecosite.summit.pages`).
"""

from __future__ import annotations

import difflib
import re
from datetime import date, datetime, time, timedelta, timezone
from typing import Annotated, Literal
from zoneinfo import ZoneInfo

from pydantic import AfterValidator, BeforeValidator, Field, PrivateAttr, StrictBool

from ecosite.content.models import Day, ExternalUrl, Person, Record, Slug, Text, TimeZoneName, TypographicText
from ecosite.content.sources import Source
from ecosite.content.yamlsafe import KeyPath, YamlData
from ecosite.errors import ContentError

DEFAULT_TIMEZONE = "Europe/Brussels"
FORMATS = ("opening", "plenary", "forum", "spotlight", "showcase", "break")
LAUNCH_KINDS = ("report", "manifesto", "index", "campaign", "paper", "commission", "declaration")
_CLOCK_RE = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)(?:([+-])(\d\d):(\d\d))?$")


def _clock(value: str) -> str:
    if not _CLOCK_RE.match(value):
        raise ValueError(f"`{value}` is not a time of day | write the local time as HH:MM on a 24-hour clock, "
                         "e.g. 09:30 (quoting it is fine)")
    return value


Clock = Annotated[str, AfterValidator(_clock)]


class Speaker(Record):
    """A chair or speaker of a session."""

    name: Text
    affiliation: Text | None = None


class SummitSession(Record):
    """One session of an edition. Only `id` and `title` are required: the rest is given when known.

    `start` and `end` are local clock times on `day`; they come together or not at all.
    """

    id: Slug
    title: Text
    exact_title: StrictBool = True  # false: `title` describes the session; its published title is not known
    day: Day | None = None
    start: Clock | None = None
    end: Clock | None = None
    room: Text | None = None
    format: Literal[FORMATS] | None = None  # type: ignore[valid-type]
    networks: list[Slug] = []
    chairs: list[Speaker] = []
    speakers: list[Speaker] = []
    description: Text | None = None
    sources: list[ExternalUrl] = []

    _starts_at: datetime | None = PrivateAttr(default=None)
    _ends_at: datetime | None = PrivateAttr(default=None)
    _path: KeyPath = PrivateAttr(default=())

    @property
    def starts_at(self) -> datetime | None:
        """The exact start, in the event's time zone (after validation); None when not published."""
        return self._starts_at

    @property
    def ends_at(self) -> datetime | None:
        return self._ends_at

    @property
    def timed(self) -> bool:
        """Are its start and end known (and valid)? Only timed sessions get calendar files and times."""
        return self._starts_at is not None and self._ends_at is not None

    @property
    def times(self) -> tuple[datetime, datetime]:
        """Start and end of a timed session; asking an untimed one is a programming error."""
        if self._starts_at is None or self._ends_at is None:
            raise ValueError(f"session `{self.id}` has no published times")
        return self._starts_at, self._ends_at

    @property
    def minutes(self) -> int:
        """Real duration in minutes, daylight-saving changes included."""
        starts, ends = self.times
        return int((ends - starts).total_seconds() // 60)


class Launch(Record):
    """A report, manifesto, index... launched at an edition, in one of its sessions when known."""

    title: Text
    exact_title: StrictBool = True
    kind: Literal[LAUNCH_KINDS]  # type: ignore[valid-type]
    session: Slug | None = None  # the id of the session it was launched in
    networks: list[Slug] = []  # when empty, the networks of its session
    url: ExternalUrl | None = None
    summary: Text | None = None
    sources: list[ExternalUrl] = []


class Outcome(Record):
    """Something an edition achieved (a resolution, a declaration, a report), in a sentence."""

    text: Text
    sources: list[ExternalUrl] = []


def _no_nested_sessions(value: object) -> object:
    if isinstance(value, dict) and "sessions" in value:
        raise ValueError("sessions are not listed under their day | move them to the edition's `sessions:` list "
                         "and give each one `day: " + str(value.get("date", "YYYY-MM-DD")) + "`")
    return value


class SummitDay(Record):
    """What is known about one day as a whole: a title, and `opens`/`closes` that bound its sessions."""

    date: Day
    title: Text | None = None
    opens: Clock | None = None
    closes: Clock | None = None


class SummitEdition(Record):
    """One European Cancer Summit edition (`content/summit/<year>.yaml`)."""

    year: int
    theme: TypographicText | None = None
    start_date: Day
    end_date: Day | None = None
    end_date_known: StrictBool = True  # false: the sources confirm the first day only
    venue: Text | None = None
    city: Text | None = None
    attendance: Literal["in-person", "online", "hybrid"] | None = None
    co_chairs: list[Person] = []
    participants: Text | None = None  # as the sources put it, e.g. "more than 450"
    session_count: int | None = None  # how many sessions the edition had, even if few are listed
    summary: TypographicText | None = None
    programme_note: Text | None = None  # what is known of the programme's shape, e.g. the day layout
    registration_url: ExternalUrl | None = None
    sources: list[ExternalUrl] = []
    timezone: TimeZoneName = DEFAULT_TIMEZONE
    updated: Day | None = None  # when the programme last changed: calendar apps see it as DTSTAMP
    days: list[Annotated[SummitDay, BeforeValidator(_no_nested_sessions)]] = Field(default=[])
    sessions: list[SummitSession] = []
    launches: list[Launch] = []
    outcomes: list[Outcome] = []

    _lines: YamlData = PrivateAttr(default_factory=lambda: YamlData(None))
    _source: object = PrivateAttr(default=None)  # the sources.Source it was read from

    @property
    def last_date(self) -> date:
        return self.end_date or self.start_date

    @property
    def dates_known(self) -> bool:
        """Are all its days confirmed? Only then does it get a calendar file."""
        return self.end_date_known

    def day_info(self, day: date) -> SummitDay | None:
        return next((d for d in self.days if d.date == day), None)

    @property
    def times_resolved(self) -> bool:
        """Did every session's start and end that was given become an exact instant (no time errors)?"""
        return all(s.timed or (s.start is None and s.end is None) for s in self.sessions)

    @property
    def shown(self) -> str:
        """The file an editor sees in messages."""
        return self._source.shown

    @property
    def source(self) -> Source:
        return self._source

    def line_of(self, path: KeyPath) -> int:
        return self._lines.line_of(path)

    def cross_check(self, raw: YamlData, source: Source) -> list[ContentError]:
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
        if not edition.end_date_known and edition.end_date is not None:
            self.error(("end_date_known",), "end_date_known is false but end_date is given",
                       "remove `end_date_known: false` once the last day is confirmed, or remove `end_date:`")
        seen_dates: dict[date, int] = {}
        for d, day in enumerate(edition.days):
            if day.date in seen_dates:
                self.error(("days", d, "date"), f"the day {day.date} is already given on line {seen_dates[day.date]}",
                           "describe each date once under `days:`")
            seen_dates.setdefault(day.date, edition.line_of(("days", d, "date")))
            if not edition.start_date <= day.date <= edition.last_date:
                self.error(("days", d, "date"), f"the day {day.date} is outside the summit's dates "
                           f"({edition.start_date} to {edition.last_date})",
                           "correct the day's date, or start_date/end_date")
        for s, session in enumerate(edition.sessions):
            self.place(session, ("sessions", s))
        self.unique_ids()
        self.rooms_free()
        self.launch_sessions()

    def place(self, session: SummitSession, path: KeyPath) -> None:
        """Check a session's day, then turn its clock times into instants that fit the day."""
        session._path = path
        edition = self.edition
        latest = edition.last_date + timedelta(days=1 if session.format == "showcase" else 0)  # the showcase day after
        if session.day is not None and not edition.start_date <= session.day <= latest:
            self.error(path + ("day",), f"session `{session.id}` is on {session.day}, outside the summit's dates "
                       f"({edition.start_date} to {edition.last_date})",
                       "correct `day:`, or start_date/end_date (only a showcase may be on the day after)")
            return
        given = [key for key in ("start", "end") if getattr(session, key) is not None]
        if len(given) == 1:
            missing = "end" if given == ["start"] else "start"
            article = "a start" if missing == "end" else "an end"
            self.error(path + (given[0],), f"session `{session.id}` has {article} but no {missing}",
                       f"add `{missing}:` too, or remove `{given[0]}:` until both times are published")
            return
        if not given:
            return
        if session.day is None:
            self.error(path + ("start",), f"session `{session.id}` has times but no day",
                       "add `day:` with the session's date (YYYY-MM-DD)")
            return
        starts = self.instant(session.day, session.start, path + ("start",))
        ends = self.instant(session.day, session.end, path + ("end",))
        if starts is None or ends is None:
            return
        session._starts_at, session._ends_at = starts, ends
        if ends <= starts:
            hint = ("a session must end on the day it starts; split it over two days"
                    if _wall(session.end) < _wall(session.start) else "make `end` later than `start`")
            self.error(path + ("end",), f"session `{session.id}` ends at {session.end}, "
                       f"which is not after its start at {session.start}", hint)
        day = edition.day_info(session.day)
        d = edition.days.index(day) if day else -1
        for bound, clock, before in (("opens", day and day.opens, True), ("closes", day and day.closes, False)):
            if clock is None:
                continue
            limit = self.instant(session.day, clock, ("days", d, bound))
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
            if session.room and session.timed and session.times[1] > session.times[0]:
                by_room.setdefault(session.room.casefold(), []).append(session)
        for sessions in by_room.values():
            sessions.sort(key=lambda s: (s.times[0], self.edition.line_of(s._path)))
            for index, later in enumerate(sessions):
                for earlier in sessions[:index]:
                    if earlier.times[1] > later.times[0]:
                        self.error(later._path + ("start",),
                                   f"session `{later.id}` ({later.start}-{later.end}) overlaps session "
                                   f"`{earlier.id}` (line {self.edition.line_of(earlier._path + ('start',))}, "
                                   f"{earlier.start}-{earlier.end}) in the room {later.room}",
                                   "change the time or the room of one of the two sessions")

    def launch_sessions(self) -> None:
        """A launch's `session:` must be the id of a session of this edition."""
        ids = [session.id for session in self.edition.sessions]
        for n, launch in enumerate(self.edition.launches):
            if launch.session is None or launch.session in ids:
                continue
            close = difflib.get_close_matches(launch.session, ids, n=1)
            self.error(("launches", n, "session"), f"the launch \"{launch.title}\" names the session "
                       f"`{launch.session}`, which is not in this edition",
                       f"did you mean `{close[0]}`?" if close else
                       f"use the `id:` of one of its sessions ({', '.join(ids) or 'none yet'}), or remove `session:`")

    def _all(self) -> list[SummitSession]:
        return self.edition.sessions


def _wall(clock: str) -> tuple[int, int]:
    return int(clock[:2]), int(clock[3:5])


def _offset(offset: timedelta) -> str:
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"

