"""Structured data for a summit edition: a schema.org `Event` with its sessions as `subEvent`s.

Search engines and calendar tools read it from the edition page. Only schema.org terms are used
(the tests keep an allow-list); times carry the event's UTC offset, so a session on the night the
clocks change is still exact.
"""

from __future__ import annotations

from ecosite.content.config import SiteConfig
from ecosite.summit.views import EditionView, ProgrammeSession

ATTENDANCE_MODES = {
    "in-person": "https://schema.org/OfflineEventAttendanceMode",
    "online": "https://schema.org/OnlineEventAttendanceMode",
    "hybrid": "https://schema.org/MixedEventAttendanceMode",
}


def edition_event(view: "EditionView", config: SiteConfig) -> dict:
    """The JSON-LD object for `/summit/<year>/` (render it with `|tojson`)."""
    edition = view.edition
    page_url = config.base_url + view.path.lstrip("/")
    event: dict = {
        "@context": "https://schema.org",
        "@type": "Event",
        "@id": page_url + "#summit",
        "name": f"European Cancer Summit {edition.year}",
        "url": page_url,
        "startDate": edition.start_date.isoformat(),
        "endDate": edition.last_date.isoformat(),
        "eventStatus": "https://schema.org/EventScheduled",
        "organizer": {"@type": "Organization", "name": config.title, "url": config.base_url},
    }
    if edition.theme:
        event["alternateName"] = edition.theme
    if edition.summary or edition.theme:
        event["description"] = edition.summary or edition.theme
    if edition.attendance:
        event["eventAttendanceMode"] = ATTENDANCE_MODES[edition.attendance]
    locations = []
    if edition.venue or edition.city:
        place: dict = {"@type": "Place", "name": edition.venue or edition.city}
        if edition.city:
            place["address"] = {"@type": "PostalAddress", "addressLocality": edition.city}
        locations.append(place)
    if edition.attendance in ("online", "hybrid"):
        locations.append({"@type": "VirtualLocation", "url": page_url})
    if locations:
        event["location"] = locations[0] if len(locations) == 1 else locations
    if edition.co_chairs:
        event["contributor"] = [{"@type": "Person", "name": p.name} for p in edition.co_chairs]
    if edition.registration_url:
        event["offers"] = {"@type": "Offer", "url": edition.registration_url}
    sessions = [_session_event(item, page_url, edition.venue, edition.city) for item in view.sessions]
    if sessions:
        event["subEvent"] = sessions
    return event


def _session_event(item: "ProgrammeSession", page_url: str, venue: str | None, city: str | None) -> dict:
    session = item.session
    event: dict = {
        "@type": "Event",
        "@id": f"{page_url}#{item.anchor}",
        "name": session.title,
        "url": f"{page_url}#{item.anchor}",
        "startDate": session.starts_at.isoformat(),
        "endDate": session.ends_at.isoformat(),
        "superEvent": {"@id": page_url + "#summit"},
    }
    if session.room:
        place: dict = {"@type": "Place", "name": ", ".join(p for p in (session.room, venue) if p)}
        if city:
            place["address"] = {"@type": "PostalAddress", "addressLocality": city}
        event["location"] = place
    if item.description_text:
        event["description"] = item.description_text
    people = [*session.chairs, *session.speakers]
    if people:
        event["performer"] = [_person(p) for p in people]
    if item.networks:
        event["about"] = [{"@type": "Thing", "name": network.title} for network in item.networks]
    return event


def _person(person) -> dict:  # noqa: ANN001 - summit.Speaker
    result: dict = {"@type": "Person", "name": person.name}
    if person.affiliation:
        result["affiliation"] = {"@type": "Organization", "name": person.affiliation}
    return result
