"""Calendar files, read back with the `icalendar` library and checked against the YAML programme,
including the night the clocks go back in Brussels (26 October 2025)."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest
import yaml

from ecosite.summit.calendar import fold
from summit_site import SUMMIT_SITE, build_summit_site

BRUSSELS = ZoneInfo("Europe/Brussels")


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    return build_summit_site(tmp_path_factory.mktemp("summit-ics"))


def expected_sessions(year: int) -> dict[str, tuple[datetime, datetime, dict]]:
    """Each session's start and end computed independently from the YAML: id -> (start, end, raw)."""
    programme = yaml.safe_load((SUMMIT_SITE / "content" / "summit" / f"{year}.yaml").read_text())
    found = {}
    for day in programme["days"]:
        for session in day["sessions"]:
            found[session["id"]] = (at(day["date"], session["start"]), at(day["date"], session["end"]), session)
    return found


def at(day: date, clock: str) -> datetime:
    hours, minutes = int(clock[:2]), int(clock[3:5])
    if len(clock) > 5:  # an explicit offset, as written for the hour that happens twice
        sign = 1 if clock[5] == "+" else -1
        offset = timezone(sign * timedelta(hours=int(clock[6:8]), minutes=int(clock[9:11])))
        return datetime(day.year, day.month, day.day, hours, minutes, tzinfo=offset)
    return datetime(day.year, day.month, day.day, hours, minutes, tzinfo=BRUSSELS)


def events_of(path: Path) -> dict[str, icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(path.read_bytes())
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def test_the_programme_calendar_has_every_session_at_the_right_instant(site: Path):
    events = events_of(site / "summit" / "2025" / "programme.ics")
    expected = expected_sessions(2025)
    assert sorted(events) == sorted(f"summit-2025-{sid}@summit.example.org" for sid in expected)
    for sid, (start, end, raw) in expected.items():
        event = events[f"summit-2025-{sid}@summit.example.org"]
        assert event.decoded("DTSTART") == start, sid
        assert event.decoded("DTEND") == end, sid
        assert str(event["SUMMARY"]) == raw["title"]


def test_a_session_across_the_clock_change_lasts_its_real_duration(site: Path):
    event = events_of(site / "summit" / "2025" / "sessions" / "across-the-change.ics")[
        "summit-2025-across-the-change@summit.example.org"]
    utc = timezone.utc
    assert event.decoded("DTSTART") == datetime(2025, 10, 25, 23, 30, tzinfo=utc)  # 01:30 CEST
    assert event.decoded("DTEND") == datetime(2025, 10, 26, 2, 30, tzinfo=utc)  # 03:30 CET
    assert event.decoded("DTEND") - event.decoded("DTSTART") == timedelta(hours=3)
    second = events_of(site / "summit" / "2025" / "sessions" / "second-two-fifteen.ics")
    (only,) = second.values()
    assert only.decoded("DTSTART") == datetime(2025, 10, 26, 1, 15, tzinfo=utc)  # the second 02:15, in CET


def test_each_session_file_holds_that_session_with_the_programmes_uid(site: Path):
    programme = events_of(site / "summit" / "2025" / "programme.ics")
    for sid in expected_sessions(2025):
        single = events_of(site / "summit" / "2025" / "sessions" / f"{sid}.ics")
        assert list(single) == [f"summit-2025-{sid}@summit.example.org"]
        (event,) = single.values()
        twin = programme[f"summit-2025-{sid}@summit.example.org"]
        assert event.to_ical() == twin.to_ical()


def test_dtstamp_comes_from_the_content_not_the_build_clock(site: Path):
    for event in events_of(site / "summit" / "2025" / "programme.ics").values():
        assert event.decoded("DTSTAMP") == datetime(2025, 9, 1, tzinfo=timezone.utc)  # `updated:`
    (event,) = events_of(site / "summit" / "2024" / "programme.ics").values()
    assert event.decoded("DTSTAMP") == datetime(2024, 11, 20, tzinfo=timezone.utc)  # no `updated:`: start_date


def test_text_survives_escaping_and_folding(site: Path):
    raw = (site / "summit" / "2025" / "sessions" / "workforce-plenary.ics").read_bytes()
    assert raw.endswith(b"END:VCALENDAR\r\n")
    assert b"\n" not in raw.replace(b"\r\n", b"")
    assert max(len(line) for line in raw.split(b"\r\n")) <= 75
    (event,) = events_of(site / "summit" / "2025" / "sessions" / "workforce-plenary.ics").values()
    assert str(event["SUMMARY"]) == "Workforce in crisis; what next, and who pays?"
    description = str(event["DESCRIPTION"])
    assert "commas, semicolons; a backslash \\ and a link to the Prevention Network." in description
    assert "Speakers: Dan Speaker (University of Somewhere); Eve Speaker" in description
    assert str(event["LOCATION"]) == "Main hall, Sample Conference Centre, Brussels"
    assert str(event["URL"]) == "https://summit.example.org/summit/2025/#session-workforce-plenary"
    assert [str(c) for c in event["CATEGORIES"].cats] == ["Plenary", "Workforce Network", "Prevention Network"]


def test_folding_never_splits_a_character():
    line = "DESCRIPTION:" + "Sécurité sociale – ÉQUIPE " * 12
    folded = fold(line).encode("utf-8")
    pieces = folded.split(b"\r\n")
    assert len(pieces) > 1 and all(len(piece) <= 75 for piece in pieces)
    assert all(piece.decode("utf-8") for piece in pieces)  # each piece is whole UTF-8
    assert re.sub(rb"\r\n ", b"", folded).decode("utf-8") == line


def test_calendars_are_byte_identical_across_builds(site: Path, tmp_path: Path):
    again = build_summit_site(tmp_path)
    for path in sorted((site / "summit").rglob("*")):
        if path.is_file():
            assert path.read_bytes() == (again / path.relative_to(site)).read_bytes(), path
