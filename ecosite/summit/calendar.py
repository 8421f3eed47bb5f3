"""iCalendar (RFC 5545) files: events -> the bytes of a .ics file that calendar apps import.

Written by hand because the format is small and the build must be deterministic: times are
written in UTC (the `Z` form, so no VTIMEZONE is needed and daylight-saving changes cannot be
misread), UIDs come from the content, DTSTAMP from the content's own date, never the build clock.
Lines end in CRLF and are folded at 75 octets without splitting a UTF-8 character.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone

PRODUCT_ID = "-//European Cancer Organisation//ecosite//EN"
MAX_OCTETS = 75


@dataclass
class CalendarEvent:
    """One VEVENT; `starts`, `ends` and `stamp` must be time-zone aware."""

    uid: str
    starts: datetime
    ends: datetime
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
             f"DTSTART:{utc_stamp(event.starts)}", f"DTEND:{utc_stamp(event.ends)}",
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


def utc_stamp(moment: datetime) -> str:
    """An aware datetime as an RFC 5545 UTC date-time: 20251026T013000Z."""
    if moment.tzinfo is None:
        raise ValueError("calendar times must be time-zone aware")
    return moment.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def escape_text(text: str) -> str:
    """RFC 5545 TEXT: backslash, semicolon and comma escaped, line breaks as \\n."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def fold(line: str) -> str:
    """Fold a content line into 75-octet pieces, continuation lines starting with one space."""
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
