"""iCalendar (RFC 5545) files: events -> the bytes of a .ics file that calendar apps import.

Written by hand because the format is small and the build must be deterministic: times are
written in UTC (the `Z` form, so no VTIMEZONE is needed and daylight-saving changes cannot be
misread), UIDs come from the content, DTSTAMP from the content's own date, never the build clock.
An event given dates instead of times is an all-day event (`VALUE=DATE`, the end day exclusive).
Lines end in CRLF and are folded at 75 octets without splitting a UTF-8 character.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

PRODUCT_ID = "-//European Cancer Organisation//ecosite//EN"
MAX_OCTETS = 75


@dataclass
class CalendarEvent:
    """One VEVENT; `stamp` and datetimes must be time-zone aware. With dates, `ends` is the day after the last."""

    uid: str
    starts: datetime | date
    ends: datetime | date
    summary: str
    stamp: datetime
    description: str = ""
    location: str = ""
    url: str = ""
    categories: list[str] = field(default_factory=list)


def calendar_file(name: str, events: list[CalendarEvent]) -> bytes:
    """A whole VCALENDAR holding `events` (at least one, as RFC 5545 requires)."""
    if not events:
        raise ValueError("an iCalendar file needs at least one event")
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODUCT_ID}", "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
             f"X-WR-CALNAME:{escape_text(name)}"]
    for event in events:
        lines += _event_lines(event)
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines).encode("utf-8")


def _event_lines(event: CalendarEvent) -> list[str]:
    lines = ["BEGIN:VEVENT", f"UID:{escape_text(event.uid)}", f"DTSTAMP:{utc_stamp(event.stamp)}",
             _when("DTSTART", event.starts), _when("DTEND", event.ends),
             f"SUMMARY:{escape_text(event.summary)}"]
    if event.description:
        lines.append(f"DESCRIPTION:{escape_text(event.description)}")
    if event.location:
        lines.append(f"LOCATION:{escape_text(event.location)}")
    if event.url:
        lines.append(f"URL:{event.url}")
    if event.categories:
        lines.append("CATEGORIES:" + ",".join(escape_text(c) for c in event.categories))
    lines.append("END:VEVENT")
    return lines


def _when(name: str, moment: datetime | date) -> str:
    if isinstance(moment, datetime):
        return f"{name}:{utc_stamp(moment)}"
    return f"{name};VALUE=DATE:{moment.strftime('%Y%m%d')}"


def utc_stamp(moment: datetime) -> str:
    """An aware datetime as an RFC 5545 UTC date-time: 20251026T013000Z."""
    if moment.tzinfo is None:
        raise ValueError("calendar times must be time-zone aware")
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def escape_text(text: str) -> str:
    """RFC 5545 TEXT: backslash, semicolon and comma escaped, line breaks as \\n."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def fold(line: str) -> str:
    """Fold a content line into 75-octet pieces, continuation lines starting with one space."""
    if line.isascii():  # most lines: a character is an octet
        step = MAX_OCTETS - 1  # the leading space counts
        return "\r\n ".join([line[:MAX_OCTETS], *(line[at:at + step] for at in range(MAX_OCTETS, len(line), step))])
    pieces, current, size, limit = [], "", 0, MAX_OCTETS
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            pieces.append(current)
            current, size, limit = "", 0, MAX_OCTETS - 1  # the leading space counts
        current += char
        size += width
    pieces.append(current)
    return "\r\n ".join(pieces)
