"""The summit pages people read: the programme by day, network views, the archive, network pages,
and the schema.org Event they carry, built from the fixture programme and from the real content."""

from __future__ import annotations

import json
import re
from datetime import UTC
from html.parser import HTMLParser
from pathlib import Path

import pytest
from summit_site import build_summit_site, summit_project

from ecosite.commands.build import generate
from ecosite.project import Project

# Every schema.org type and property the structured data may use (checked against schema.org).
SCHEMA_TYPES = {"Event", "Place", "PostalAddress", "VirtualLocation", "Organization", "Person", "Thing", "Offer"}
SCHEMA_PROPERTIES = {"name", "alternateName", "url", "description", "startDate", "endDate", "eventStatus",
                     "eventAttendanceMode", "location", "address", "addressLocality", "organizer", "contributor",
                     "performer", "affiliation", "subEvent", "superEvent", "about", "offers"}
SCHEMA_ENUMS = {"https://schema.org/EventScheduled", "https://schema.org/MixedEventAttendanceMode",
                "https://schema.org/OnlineEventAttendanceMode", "https://schema.org/OfflineEventAttendanceMode"}


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    return build_summit_site(tmp_path_factory.mktemp("summit"))


class Sessions(HTMLParser):
    """Collects the programme's sessions: id, whether hidden, and the text of each."""

    def __init__(self):
        super().__init__()
        self.sessions: list[dict] = []
        self.current: dict | None = None
        self.links: list[str] = []
        self.depth = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        if tag == "li" and "session" in (attrs.get("class") or "").split():
            self.current = {"id": attrs["id"].removeprefix("session-"), "hidden": "hidden" in attrs, "text": ""}
            self.sessions.append(self.current)
            self.depth = 0
        elif tag == "li" and self.current is not None:
            self.depth += 1

    def handle_endtag(self, tag):
        if tag == "li" and self.current is not None:
            if self.depth == 0:
                self.current = None
            else:
                self.depth -= 1

    def handle_data(self, data):
        if self.current is not None:
            self.current["text"] += data


def sessions_of(path: Path) -> Sessions:
    parser = Sessions()
    parser.feed(path.read_text())
    return parser


def visible(path: Path) -> list[str]:
    return [s["id"] for s in sessions_of(path).sessions if not s["hidden"]]


def json_ld(path: Path) -> dict:
    found = re.findall(r'<script type="application/ld\+json">(.*?)</script>', path.read_text(), re.S)
    assert len(found) == 1
    return json.loads(found[0])


def test_the_programme_lists_every_session_by_day_in_time_order(site: Path):
    page = site / "summit" / "2025" / "index.html"
    assert visible(page) == ["opening", "workforce-plenary", "digital-forum", "coffee", "prevention-spotlight",
                             "across-the-change", "second-two-fifteen", "sunday-morning", "showcase"]
    html = page.read_text()
    days = re.findall(r'<h3 class="programme-day__title"[^>]*>([^<]*)</h3>', html)
    assert days == ["Saturday 25 October 2025: Day one", "Sunday 26 October 2025: The night the clocks go back",
                    "Monday 27 October 2025"]
    plenary = next(s for s in sessions_of(page).sessions if s["id"] == "workforce-plenary")
    text = " ".join(plenary["text"].split())
    assert "09:15–10:30" in text and "Plenary · Main hall" in text
    assert "Workforce Network Prevention Network" in text
    assert "Chair: Carla Chair (Nursing Society)" in text
    assert "Speakers: Dan Speaker (University of Somewhere); Eve Speaker" in text


def test_times_on_the_night_the_clocks_go_back_show_their_zone(site: Path):
    html = (site / "summit" / "2025" / "index.html").read_text()
    assert ('<time datetime="2025-10-26T01:30:00+02:00">01:30 CEST</time>–'
            '<time datetime="2025-10-26T03:30:00+01:00">03:30 CET</time>') in html
    assert '<time datetime="2025-10-26T02:15:00+01:00">02:15 CET</time>' in html
    assert '<time datetime="2025-10-25T09:00:00+02:00">09:00</time>' in html  # no zone on an ordinary day


def test_descriptions_are_markdown_with_links_resolved(site: Path):
    html = (site / "summit" / "2025" / "index.html").read_text()
    assert '<a href="/networks/prevention/#aims">Prevention Network</a>' in html


def test_every_session_has_an_add_to_calendar_link_to_its_file(site: Path):
    page = site / "summit" / "2025" / "index.html"
    calendar_links = [link for link in sessions_of(page).links if link.endswith(".ics")]
    assert calendar_links[:2] == ["/summit/2025/european-cancer-summit-2025.ics", "/summit/2025/programme.ics"]
    assert sorted(calendar_links[2:]) == sorted(f"/summit/2025/sessions/{s}.ics" for s in visible(page))
    for link in calendar_links:
        assert (site / link.lstrip("/")).is_file()
    assert page.read_text().count(">Add to calendar<") == 9


@pytest.mark.parametrize("network, expected", [
    ("workforce", ["workforce-plenary", "across-the-change", "showcase"]),
    ("prevention", ["workforce-plenary", "prevention-spotlight", "sunday-morning"]),
    ("digital-health", ["digital-forum", "second-two-fifteen", "showcase"]),
])
def test_each_network_view_is_a_plain_page_showing_only_its_sessions(site: Path, network: str, expected: list[str]):
    page = site / "summit" / "2025" / network / "index.html"
    assert visible(page) == expected
    html = page.read_text()
    assert f'<a href="/summit/2025/{network}/" data-network="{network}" aria-current="page">' in html
    assert '<a href="/summit/2025/" data-network="">All networks</a>' in html
    filter_links = re.findall(r'<a href="([^"]+)" data-network=', html)
    assert all((site / link.lstrip("/") / "index.html").is_file() for link in filter_links)


def test_a_day_without_the_networks_sessions_is_hidden_in_its_view(site: Path):
    html = (site / "summit" / "2025" / "prevention" / "index.html").read_text()
    assert 'id="day-2025-10-27" aria-labelledby="day-2025-10-27-title" data-programme-day hidden>' in html
    assert 'id="day-2025-10-26" aria-labelledby="day-2025-10-26-title" data-programme-day>' in html


def test_no_view_for_a_network_without_sessions_in_that_edition(site: Path):
    assert (site / "summit" / "2024" / "workforce" / "index.html").is_file()
    assert not (site / "summit" / "2024" / "digital-health").exists()


def test_the_summit_index_shows_the_latest_edition_and_the_archive(site: Path):
    html = (site / "summit" / "index.html").read_text()
    titles = re.findall(r'<h3 class="edition__title"[^>]*><a href="([^"]+)">([^<]+)</a>( <span class="badge">Latest)?', html)
    assert titles == [("/summit/2025/", "European Cancer Summit 2025", ' <span class="badge">Latest'),
                      ("/summit/2024/", "European Cancer Summit 2024", "")]


def test_an_edition_under_way_leads_the_index_with_its_programme_and_registration(tmp_path: Path, monkeypatch):
    """On 26 October 2025 (its second day) the 2025 edition is upcoming; 2024 is the archive."""
    from datetime import datetime

    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(datetime(2025, 10, 26, 12, tzinfo=UTC).timestamp())))
    out = build_summit_site(tmp_path)
    html = (out / "summit" / "index.html").read_text()
    upcoming = html[html.index('class="edition edition--upcoming"'):html.index("</section>")]
    assert '<a href="/summit/2025/">European Cancer Summit 2025</a> <span class="badge">Upcoming</span>' in upcoming
    assert '<a class="more" href="https://summit.example.org/register">Register' in upcoming
    assert '<a href="/summit/2025/#programme-title">The programme</a>' in upcoming
    assert re.findall(r'<h3 class="edition__title"[^>]*><a href="([^"]+)">', html) == ["/summit/2024/"]
    edition = (out / "summit" / "2025" / "index.html").read_text()
    assert '<span class="badge">Upcoming</span>' in edition and "Register for the European Cancer Summit 2025" in edition
    assert "Register for" not in (out / "summit" / "2024" / "index.html").read_text()


def test_a_network_page_lists_its_sessions_across_editions_newest_first(site: Path):
    html = (site / "networks" / "workforce" / "index.html").read_text()
    section = html.split('id="network-sessions-title"', 1)[1].split("</section>", 1)[0]
    assert re.findall(r'<a href="/summit/(\d{4})/#session-([a-z0-9-]+)">', section) == [
        ("2025", "workforce-plenary"), ("2025", "across-the-change"), ("2025", "showcase"), ("2024", "workforce-2024"),
        ("2024", "workforce-data")]
    assert 'href="/summit/2024/sessions/workforce-2024.ics"' in section


def check_schema_terms(node, where="$"):
    """Every key is JSON-LD syntax or an allowed schema.org property; every @type an allowed type."""
    if isinstance(node, list):
        for index, item in enumerate(node):
            check_schema_terms(item, f"{where}[{index}]")
        return
    if not isinstance(node, dict):
        if isinstance(node, str) and node.startswith("https://schema.org/"):
            assert node in SCHEMA_ENUMS, f"{where}: {node} is not an allowed schema.org enumeration member"
        return
    if "@type" in node:
        assert node["@type"] in SCHEMA_TYPES, f"{where}: unknown type {node['@type']}"
    for key, value in node.items():
        assert key in {"@context", "@type", "@id"} or key in SCHEMA_PROPERTIES, f"{where}: unknown property {key}"
        check_schema_terms(value, f"{where}.{key}")


def test_the_edition_page_carries_an_event_with_its_sessions_as_sub_events(site: Path):
    event = json_ld(site / "summit" / "2025" / "index.html")
    check_schema_terms(event)
    assert event["@context"] == "https://schema.org" and event["@type"] == "Event"
    assert (event["name"], event["startDate"], event["endDate"]) == ("European Cancer Summit 2025", "2025-10-25", "2025-10-27")
    assert event["eventAttendanceMode"] == "https://schema.org/MixedEventAttendanceMode"
    assert [loc["@type"] for loc in event["location"]] == ["Place", "VirtualLocation"]
    subs = {sub["@id"].rsplit("#session-", 1)[1]: sub for sub in event["subEvent"]}
    assert len(subs) == 9
    night = subs["across-the-change"]
    assert (night["startDate"], night["endDate"]) == ("2025-10-26T01:30:00+02:00", "2025-10-26T03:30:00+01:00")
    assert night["superEvent"] == {"@id": "https://summit.example.org/summit/2025/#summit"}
    assert subs["workforce-plenary"]["performer"][1] == {
        "@type": "Person", "name": "Dan Speaker",
        "affiliation": {"@type": "Organization", "name": "University of Somewhere"}}


def test_network_views_carry_no_second_event(site: Path):
    assert "application/ld+json" not in (site / "summit" / "2025" / "workforce" / "index.html").read_text()


def test_generated_pages_are_part_of_the_site_like_any_page(tmp_path: Path):
    """Sitemaps, feeds and link checks iterate site.pages: the summit pages must be in it."""
    result = generate(Project(summit_project(tmp_path / "project")))
    urls = {page.url for page in result.site.pages}
    assert {"/summit/2025/", "/summit/2025/workforce/", "/summit/2024/"} <= urls
    assert "summit/2025/programme.ics" in result.files


def test_a_rebuild_after_editing_a_programme_updates_every_page_that_shows_it(tmp_path: Path):
    from ecosite.commands.build import build

    project = summit_project(tmp_path / "project")
    out = tmp_path / "out"
    build(Project(project, out))
    programme = project / "content" / "summit" / "2025.yaml"
    programme.write_text(programme.read_text().replace("Digital tools in the clinic", "Digital tools at the bedside"))
    build(Project(project, out))
    for rel in ("summit/2025/index.html", "summit/2025/digital-health/index.html",
                "networks/digital-health/index.html", "summit/2025/sessions/digital-forum.ics"):
        text = (out / rel).read_text()
        assert "Digital tools at the bedside" in text and "Digital tools in the clinic" not in text, rel


def test_a_programme_linking_to_a_page_follows_its_new_address_but_not_its_new_title(tmp_path: Path):
    """Session descriptions link into the site: a rebuild after the page they link to is retitled, then
    moved, gives the clean build's programme each time (it fails when a rebuild keeps the link targets
    of the last build after an address changed)."""
    from ecosite.commands.build import build

    project = summit_project(tmp_path / "project")
    guide = project / "content" / "guide.md"
    guide.write_text("---\ntitle: Guide\n---\n\n## Steps\n\nWhat to do.\n")
    programme = project / "content" / "summit" / "2025.yaml"
    programme.write_text(programme.read_text().replace("../networks/prevention.md#aims", "../guide.md#steps"))
    out = tmp_path / "out"
    build(Project(project, out))
    for edit, href in (("title: Guide for all", "/guide/#steps"), ("title: Handbook\nslug: handbook", "/handbook/#steps")):
        guide.write_text(guide.read_text().replace(guide.read_text().split("\n")[1], edit, 1))
        build(Project(project, out))
        page = (out / "summit" / "2025" / "index.html").read_text()
        assert f'<a href="{href}">Prevention Network</a>' in page, edit
        clean = generate(Project(project, tmp_path / "clean", search=False))
        assert page == clean.files["summit/2025/index.html"].decode(), edit
