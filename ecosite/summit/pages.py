"""Summit pages and calendars, generated from the editions in `content/summit/<year>.yaml`.

For every edition: `/summit/<year>/` (the programme by day), `/summit/<year>/<network>/` (the same
programme showing one network's sessions: a plain link that works without JavaScript), and when it
has sessions `/summit/<year>/programme.ics` plus one `/summit/<year>/sessions/<id>.ics` per session.
Templates also receive `data.summit`, a `SummitArchive`: editions newest first and each network's
sessions across editions. Network slugs are checked here, against the network pages.
"""

from __future__ import annotations

import difflib
import posixpath
from datetime import datetime, time, timezone

from ecosite.markdown import parser as markdown
from ecosite.summit.calendar import CalendarEvent, calendar_file
from ecosite.content.config import SiteConfig
from ecosite.errors import ContentError
from ecosite.content.models import Record
from ecosite.site.model import Asset, Generated, LinkTargets, Page
from ecosite.summit.programme import SummitSession, SummitEdition
from ecosite.summit.views import EditionView, ProgrammeDay, ProgrammeSession, SummitArchive, network_slug
from ecosite.summit.jsonld import edition_event

EDITION_TEMPLATE = "summit/edition.html"


def summit_pages(config: SiteConfig, pages: list[Page], data: dict[str, Record],
                 assets: dict[str, Asset]) -> Generated:
    """The generator the builder runs: edition pages, network views and calendar files."""
    generated = Generated()
    networks = sorted((p for p in pages if p.section == "networks" and not p.is_index),
                      key=lambda p: (p.meta.order if p.meta.order is not None else 1_000_000, p.url))
    by_slug = {network_slug(p): p for p in networks}
    resolver = _DescriptionLinks(config, pages, assets, generated.warnings)
    archive = SummitArchive()
    editions = sorted((r for key, r in data.items() if isinstance(r, SummitEdition)), key=lambda e: -e.year)
    for edition in editions:
        view = _edition_view(edition, by_slug, networks, resolver, generated.errors)
        archive.editions.append(view)
        if not edition.times_resolved:
            continue  # its times did not validate: the build fails with those errors
        _add_pages(view, config, generated)
    data["summit"] = archive
    return generated


def _edition_view(edition: SummitEdition, by_slug: dict[str, Page], networks: list[Page],
                  resolver: "_DescriptionLinks", errors: list[ContentError]) -> EditionView:
    view = EditionView(edition, f"/summit/{edition.year}/")
    used: set[str] = set()
    for d, day in enumerate(edition.days):
        sessions = []
        for s, session in enumerate(day.sessions):
            path = ("days", d, "sessions", s)
            pages = []
            for n, slug in enumerate(session.networks):
                if slug in by_slug:
                    pages.append(by_slug[slug])
                    used.add(slug)
                    continue
                close = difflib.get_close_matches(slug, list(by_slug), n=1)
                errors.append(ContentError(edition.shown, edition.line_of(path + ("networks", n)),
                                           f"session `{session.id}` names the network `{slug}`, which does not exist",
                                           f"did you mean `{close[0]}`?" if close else
                                           f"known networks are: {', '.join(sorted(by_slug)) or 'none'}"))
            html = resolver.render(edition, session, path, errors)
            sessions.append(ProgrammeSession(edition, session, pages, html,
                                             f"{view.path}sessions/{session.id}.ics"))
        sessions.sort(key=lambda p: (p.session.starts_at or datetime.min.replace(tzinfo=timezone.utc),
                                     p.session.room or "", p.session.id))
        view.days.append(ProgrammeDay(day, sessions))
    view.days.sort(key=lambda d: d.day.date)
    view.networks = [p for p in networks if network_slug(p) in used]
    return view


def _add_pages(view: EditionView, config: SiteConfig, generated: Generated) -> None:
    edition = view.edition
    title = f"European Cancer Summit {edition.year}"
    summary = edition.theme or edition.summary
    json_ld = edition_event(view, config)
    generated.add_page(edition.source, view.path, title, EDITION_TEMPLATE, summary,
                       view=view, network=None, json_ld=json_ld)
    for network in view.networks:
        generated.add_page(edition.source, view.network_path(network),
                           f"{network.title}: sessions at the European Cancer Summit {edition.year}",
                           EDITION_TEMPLATE, summary, view=view, network=network, json_ld=None)
    if not view.sessions:
        return
    events = {s.session.id: _event(s, view, config) for s in view.sessions}
    generated.files[view.programme_ics.lstrip("/")] = calendar_file(title, list(events.values()))
    for item in view.sessions:
        generated.files[item.ics_path.lstrip("/")] = calendar_file(item.session.title, [events[item.session.id]])


def _event(item: ProgrammeSession, view: EditionView, config: SiteConfig) -> CalendarEvent:
    """A session as a calendar event: a stable UID from the year and id, DTSTAMP from the content."""
    session, edition = item.session, view.edition
    host = config.base_url.split("://", 1)[-1].split("/", 1)[0]
    people = [("Chairs", session.chairs), ("Speakers", session.speakers)]
    lines = [f"{label}: " + "; ".join(p.name + (f" ({p.affiliation})" if p.affiliation else "") for p in who)
             for label, who in people if who]
    description = "\n\n".join(part for part in (item.description_text, "\n".join(lines)) if part)
    place = ", ".join(part for part in (session.room, edition.venue, edition.city) if part)
    stamp = datetime.combine(edition.updated or edition.start_date, time(), timezone.utc)
    return CalendarEvent(
        uid=f"summit-{edition.year}-{session.id}@{host}",
        starts=session.starts_at, ends=session.ends_at, summary=session.title, stamp=stamp,
        description=description, location=place,
        url=config.base_url + f"{view.path.lstrip('/')}#{item.anchor}",
        categories=[session.format.capitalize()] + [p.title for p in item.networks])


class _DescriptionLinks:
    """Session descriptions are Markdown: links to pages' .md files and static files are resolved
    like links in pages, relative to the summit folder, and reported at the description's line."""

    def __init__(self, config: SiteConfig, pages: list[Page], assets: dict[str, Asset], warnings: list[ContentError]):
        self.targets = LinkTargets(config, pages, assets, "content/summit/")
        self.warnings = warnings

    def render(self, edition: SummitEdition, session: SummitSession, path: tuple, errors: list[ContentError]) -> str:
        if not session.description:
            return ""
        line = edition.line_of(path + ("description",)) + (1 if "\n" in session.description else 0)
        try:
            parsed = markdown.parse(session.description)
        except markdown.BodyProblem as problem:  # too slow to parse, or a hidden direction control
            errors.append(problem.located(edition.shown, line))
            return ""
        rel = posixpath.join(posixpath.dirname(edition.source.rel), "programme")
        errors += markdown.resolve_links(parsed, rel, edition.shown, line, self.targets.page, self.targets.static,
                                         self.warnings)
        return markdown.render(parsed)
