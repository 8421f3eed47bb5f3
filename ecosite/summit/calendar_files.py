"""Calendar files for the Summit, made only from what is known.

- `/summit/european-cancer-summit.ics`: every edition with confirmed dates, as all-day events; a
  stable address people subscribe to, so next year's edition appears in their calendar by itself.
- `/summit/<year>/european-cancer-summit-<year>.ics`: that edition alone.
- `/summit/<year>/programme.ics` and `/summit/<year>/sessions/<id>.ics`: sessions with published
  times. A session without times gets no calendar entry: it would need invented ones.

UIDs come from the year (and session id), DTSTAMP from the content's own dates, so calendar apps
update an entry instead of duplicating it, and two builds give the same bytes.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from ecosite.content.config import SiteConfig
from ecosite.site.model import Generated
from ecosite.summit.calendar import CalendarEvent, calendar_file
from ecosite.summit.views import EditionView, ProgrammeSession, SummitArchive

ALL_EDITIONS_ICS = "/summit/european-cancer-summit.ics"
CALENDAR_NAME = "European Cancer Summit"


def add_calendars(archive: SummitArchive, config: SiteConfig, generated: Generated) -> None:
    """Every calendar file of the archive, into `generated.files`."""
    dated = [(view, ics) for view in reversed(archive.editions) if (ics := view.calendar_ics)]  # oldest first
    for view, ics in dated:
        generated.files[ics.lstrip("/")] = calendar_file(
            f"{CALENDAR_NAME} {view.year}", [edition_calendar_event(view, config)])
    if dated:
        archive.calendar_ics = ALL_EDITIONS_ICS
        generated.files[ALL_EDITIONS_ICS.lstrip("/")] = calendar_file(
            CALENDAR_NAME, [edition_calendar_event(view, config) for view, _ in dated])
    for view in archive.editions:
        programme = view.programme_ics
        if not programme or not view.edition.times_resolved:
            continue
        title = f"{CALENDAR_NAME} {view.year}"
        events = {item.session.id: session_event(item, view, config) for item in view.timed_sessions}
        generated.files[programme.lstrip("/")] = calendar_file(title, list(events.values()))
        for item in view.timed_sessions:
            assert item.ics_path is not None  # every timed session has its own file
            generated.files[item.ics_path.lstrip("/")] = calendar_file(item.session.title, [events[item.session.id]])


def edition_calendar_event(view: EditionView, config: SiteConfig) -> CalendarEvent:
    """An edition as an all-day event over its days, at its venue when that is known."""
    edition = view.edition
    place = ", ".join(part for part in (edition.venue, edition.city) if part)
    if edition.attendance == "hybrid":
        place = f"{place} and online" if place else "Online and in person"
    elif edition.attendance == "online":
        place = "Online"
    return CalendarEvent(
        uid=f"summit-{edition.year}@{_host(config)}",
        starts=edition.start_date, ends=edition.last_date + timedelta(days=1),
        summary=f"{CALENDAR_NAME} {edition.year}", stamp=_stamp(view),
        description=edition.theme or "", location=place,
        url=config.base_url + view.path.lstrip("/"))


def session_event(item: ProgrammeSession, view: EditionView, config: SiteConfig) -> CalendarEvent:
    """A timed session as a calendar event: a stable UID from the year and id."""
    session, edition = item.session, view.edition
    starts, ends = session.times
    people = [("Chairs", session.chairs), ("Speakers", session.speakers)]
    lines = [f"{label}: " + "; ".join(p.name + (f" ({p.affiliation})" if p.affiliation else "") for p in who)
             for label, who in people if who]
    description = "\n\n".join(part for part in (item.description_text, "\n".join(lines)) if part)
    place = ", ".join(part for part in (session.room, edition.venue, edition.city) if part)
    categories = ([session.format.capitalize()] if session.format else []) + [p.title for p in item.networks]
    return CalendarEvent(
        uid=f"summit-{edition.year}-{session.id}@{_host(config)}",
        starts=starts, ends=ends, summary=session.title, stamp=_stamp(view),
        description=description, location=place,
        url=config.base_url + f"{view.path.lstrip('/')}#{item.anchor}", categories=categories)


def _host(config: SiteConfig) -> str:
    return config.base_url.split("://", 1)[-1].split("/", 1)[0]


def _stamp(view: EditionView) -> datetime:
    """DTSTAMP: when the programme last changed, as the content says (else its first day)."""
    edition = view.edition
    return datetime.combine(edition.updated or edition.start_date, time(), UTC)
