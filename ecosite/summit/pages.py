"""Summit pages, generated from the editions in `content/summit/<year>.yaml`.

For every edition: `/summit/<year>/` (the programme by day, then what was launched) and, for each
network with sessions or launches there, `/summit/<year>/<network>/` (the same page showing that
network's part: a plain link that works without JavaScript). Calendar files are made in
`ecosite.summit.calendar_files`. Templates also receive `data.summit`, a `SummitArchive`: the
editions newest first, the upcoming one, and each network's sessions and launches across editions.
Network slugs are checked here, against the network pages.
"""

from __future__ import annotations

import difflib
import os
import posixpath
from datetime import date, datetime
from zoneinfo import ZoneInfo

from ecosite.content.config import SiteConfig
from ecosite.errors import ContentError
from ecosite.markdown import parser as markdown
from ecosite.project import source_date_epoch
from ecosite.site.model import Asset, Generated, LinkTargets, Page, SiteData
from ecosite.summit.calendar_files import add_calendars
from ecosite.summit.jsonld import edition_event
from ecosite.summit.programme import SummitEdition, SummitSession
from ecosite.summit.views import EditionView, LaunchView, ProgrammeDay, ProgrammeSession, SummitArchive, network_slug

EDITION_TEMPLATE = "summit/edition.html"


def build_day(config: SiteConfig) -> date:
    """The day "upcoming" is counted from: SOURCE_DATE_EPOCH when set (reproducible builds), else today."""
    zone = ZoneInfo(config.timezone)
    if os.environ.get("SOURCE_DATE_EPOCH", "").strip():
        return source_date_epoch().astimezone(zone).date()
    return datetime.now(zone).date()


def summit_pages(config: SiteConfig, pages: list[Page], data: SiteData,
                 assets: dict[str, Asset], broken: frozenset[str] = frozenset()) -> Generated:
    """The generator linking runs: edition pages, network views and calendar files."""
    generated = Generated()
    networks = sorted((p for p in pages if p.section == "networks" and not p.is_index),
                      key=lambda p: (p.meta.order if p.meta.order is not None else 1_000_000, p.url))
    by_slug = {network_slug(p): p for p in networks}
    resolver = _DescriptionLinks(config, pages, assets, generated.warnings, broken)
    archive = SummitArchive(build_day(config))
    editions = sorted((r for key, r in data.items() if isinstance(r, SummitEdition)), key=lambda e: -e.year)
    for edition in editions:
        view = _edition_view(edition, _Networks(by_slug, networks, edition, generated.errors, broken), resolver,
                             generated.errors)
        view.upcoming = edition.last_date >= archive.today
        archive.editions.append(view)
        if not edition.times_resolved:
            continue  # its times did not validate: the build fails with those errors
        _add_pages(view, config, generated)
    add_calendars(archive, config, generated)
    data["summit"] = archive
    return generated


class _Networks:
    """Network slugs of one edition -> pages; an unknown slug is reported with the nearest known one."""

    def __init__(self, by_slug: dict[str, Page], ordered: list[Page], edition: SummitEdition,
                 errors: list[ContentError], broken: frozenset[str] = frozenset()):
        self.by_slug, self.ordered, self.edition, self.errors = by_slug, ordered, edition, errors
        self.broken = broken
        self.used: set[str] = set()

    def pages(self, slugs: list[str], path: tuple, what: str) -> list[Page]:
        found = []
        for n, slug in enumerate(slugs):
            if slug in self.by_slug:
                found.append(self.by_slug[slug])
                self.used.add(slug)
                continue
            close = difflib.get_close_matches(slug, list(self.by_slug), n=1)
            network_file = f"content/networks/{slug}.md"  # a file that failed to load: a follow-on problem
            self.errors.append(ContentError(self.edition.shown, self.edition.line_of(path + ("networks", n)),
                                            f"{what} names the network `{slug}`, which does not exist",
                                            f"did you mean `{close[0]}`?" if close else
                                            f"known networks are: {', '.join(sorted(self.by_slug)) or 'none'}",
                                            network_file if network_file in self.broken else ""))
        return found

    def in_use(self) -> list[Page]:
        return [p for p in self.ordered if network_slug(p) in self.used]


def _edition_view(edition: SummitEdition, networks: _Networks, resolver: _DescriptionLinks,
                  errors: list[ContentError]) -> EditionView:
    view = EditionView(edition, f"/summit/{edition.year}/")
    by_id: dict[str, ProgrammeSession] = {}
    by_day: dict[date | None, list[ProgrammeSession]] = {}
    for s, session in enumerate(edition.sessions):
        path = ("sessions", s)
        pages = networks.pages(session.networks, path, f"session `{session.id}`")
        ics = f"{view.path}sessions/{session.id}.ics" if session.timed else None
        item = ProgrammeSession(edition, session, pages, resolver.render(edition, session, path, errors), ics)
        by_id.setdefault(session.id, item)
        by_day.setdefault(session.day, []).append(item)
    for day, items in sorted(by_day.items(), key=lambda pair: _day_order(pair[0], edition)):
        items = [item for _, item in sorted(enumerate(items), key=_programme_order)]
        view.days.append(ProgrammeDay(day, edition.day_info(day) if day else None, items))
    for n, launch in enumerate(edition.launches):
        launched_in = by_id.get(launch.session) if launch.session else None
        pages = networks.pages(launch.networks, ("launches", n), f"the launch \"{launch.title}\"")
        launched = LaunchView(edition, launch, launched_in, pages or (launched_in.networks if launched_in else []))
        view.launches.append(launched)
        if launched_in:
            launched_in.launches.append(launched)
    view.networks = networks.in_use()
    return view


def _day_order(day: date | None, edition: SummitEdition) -> tuple:
    """The Summit's own days, then sessions whose day is not published, then the showcase day after."""
    if day is None:
        return (1, date.min)
    return (2 if day > edition.last_date else 0, day)


def _programme_order(numbered: tuple[int, ProgrammeSession]) -> tuple:
    """Within a day: timed sessions by start (then room, id), then untimed ones as the file lists them."""
    index, item = numbered
    session = item.session
    if session.timed:
        return (0, session.times[0].timestamp(), session.room or "", session.id, index)
    return (1, 0.0, "", "", index)


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


class _DescriptionLinks:
    """Session descriptions are Markdown: links to pages' .md files and static files are resolved
    like links in pages, relative to the summit folder, and reported at the description's line."""

    def __init__(self, config: SiteConfig, pages: list[Page], assets: dict[str, Asset], warnings: list[ContentError],
                 broken: frozenset[str] = frozenset()):
        self.targets = LinkTargets(config, pages, assets, "content/summit/", broken)
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
