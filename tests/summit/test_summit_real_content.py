"""The organisation's real summit content: what the facts confirm is on the pages, with its sources,
and nothing more. Each edition with confirmed dates has a calendar; sessions without published
times get none, and no made-up time anywhere."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import icalendar
import pytest
import yaml
from conftest import REPO
from test_summit_pages import check_schema_terms, sessions_of

from ecosite.commands.build import build
from ecosite.project import Project

SUMMIT = REPO / "content" / "summit"


def edition(year: int) -> dict:
    return yaml.safe_load((SUMMIT / f"{year}.yaml").read_text())


def editions() -> dict[int, dict]:
    return {int(p.stem): edition(int(p.stem)) for p in sorted(SUMMIT.glob("*.yaml"))}


def epoch(*day: int) -> str:
    """SOURCE_DATE_EPOCH for noon UTC on that day."""
    return str(int(datetime(*day, 12, tzinfo=UTC).timestamp()))


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def section(html: str, heading_id: str) -> str:
    """The HTML of the <section> whose heading has this id."""
    start = html.index(f'id="{heading_id}"')
    return html[html.rindex("<section", 0, start):html.index("</section>", start)]


def session_texts(page: Path) -> dict[str, str]:
    return {s["id"]: " ".join(s["text"].split()) for s in sessions_of(page).sessions}


def test_2023_shows_its_confirmed_sessions_by_network_and_what_was_launched(built_site: Path):
    page = built_site / "summit" / "2023" / "index.html"
    sessions = session_texts(page)
    expected = {
        "comprehensive-quality-cancer-care": ("Comprehensive Quality Cancer Care for All", "Quality Cancer Care Network"),
        "pragmatic-clinical-trials": ("Pragmatic Clinical Trials – A crucial building block for health systems and "
                                      "treatment?", "Health Systems and Treatment Optimisation Network"),
        "digital-health": ("Digital Health – A Powerful Ally in the Fight against Cancer", "Digital Health Network"),
        "survivorship-right-to-be-forgotten": ("The European Cancer Survivorship Day and the right to be forgotten",
                                               "Survivorship and Quality of Life Network"),
        "cancer-services-in-crisis-situations": ("Cancer Services in Crisis Situations", "Emergencies and Crises Network"),
    }
    for sid, (title, network) in expected.items():
        assert title in sessions[sid] and network in sessions[sid], sid
        assert "Time not published" in sessions[sid]
    assert "The session's exact title is not published." in sessions["survivorship-right-to-be-forgotten"]
    assert "INTERACT-EUROPE Showcase" in sessions["interact-europe-showcase"]
    html = page.read_text()
    assert "Friday 17 November 2023 (the day after the Summit)" in html
    launches = text_of(section(html, "launches-title"))
    assert "Time to Accelerate – Europe Together Against Cancer Manifesto" in launches
    assert "launched with Commissioner Stella Kyriakides" in launches
    assert "A Cancer Workforce in Crisis Campaign · Workforce Network" in launches
    facts = text_of(html.split('class="facts summit-facts"', 1)[1].split("</dl>", 1)[0])
    assert "Programme co-chairs Winette van der Graaf, Kathy Oliver" in facts
    assert "Participants More than 450" in facts and "Sessions 12" in facts


def test_2023_network_views_show_each_networks_part_without_javascript(built_site: Path):
    view = built_site / "summit" / "2023" / "workforce" / "index.html"
    html = view.read_text()
    assert all(s["hidden"] for s in sessions_of(view).sessions), "no 2023 session is confirmed for Workforce"
    assert '<li class="summit-item launch" data-networks="workforce">' in html
    assert '<li class="summit-item launch" data-networks="" hidden>' in html, "the manifesto names no network"
    digital = sessions_of(built_site / "summit" / "2023" / "digital-health" / "index.html").sessions
    assert [s["id"] for s in digital if not s["hidden"]] == ["digital-health"]


def test_2024_shows_the_inequalities_session_with_its_co_chairs_and_the_launches(built_site: Path):
    page = built_site / "summit" / "2024" / "index.html"
    sessions = session_texts(page)
    assert "Chairs: Nicolò Matteo Luca Battisti; Sarah Collen" in sessions["inequalities"]
    assert "Inequalities Network" in sessions["inequalities"]
    assert "Spotlight" in sessions["men-and-cancer"] and "Inequalities Network" in sessions["men-and-cancer"]
    assert "Spotlight · Luxembourg room" in sessions["interact-europe-spotlight"]
    launches = text_of(section(page.read_text(), "launches-title"))
    assert "Under Pressure Report · Workforce Network" in launches
    assert "European Cancer Screening Policy Index Index · Prevention, Early Detection and Screening Network" in launches
    assert "registration and a welcome breakfast from 08:30 and an opening session at 09:00" in page.read_text()


def test_2025_shows_the_hpv_session_with_its_co_chairs_and_the_three_papers(built_site: Path):
    page = built_site / "summit" / "2025" / "index.html"
    sessions = session_texts(page)
    assert "Chairs: Daniel Kelly; Amil Družić" in sessions["hpv"]
    assert "HPV & HepB Action Network" in sessions["hpv"]
    launches = text_of(section(page.read_text(), "launches-title"))
    for title in ("Harnessing AI for Cancer Care in Europe", "Next Level for Cancer Screening: From Commitments to "
                  "Continued Action for Early Cancer Detection", "A policy paper on cervical cancer (exact title not "
                  "published)"):
        assert title in launches


def test_every_session_launch_and_outcome_keeps_its_source_in_the_yaml_not_on_the_page(built_site: Path):
    """Sources are how editors verify a fact; visitors are not shown lists of bare addresses."""
    for year, data in editions().items():
        html = (built_site / "summit" / str(year) / "index.html").read_text()
        assert 'id="edition-sources"' not in html
        for kind in ("sessions", "launches", "outcomes"):
            for record in data.get(kind, []):
                assert record.get("sources"), f"{year} {kind}: {record}"
                for address in record["sources"]:
                    assert f'href="{address}"' not in html, (year, address)


def test_every_dated_edition_has_a_calendar_with_its_days(built_site: Path):
    subscribed = icalendar.Calendar.from_ical((built_site / "summit" / "european-cancer-summit.ics").read_bytes())
    all_events = {str(e["UID"]): e for e in subscribed.walk("VEVENT")}
    dated = {year: data for year, data in editions().items() if data.get("end_date_known", True)}
    assert sorted(dated) == list(range(2019, 2026)), "2018's last day is not confirmed"
    assert not list((built_site / "summit" / "2018").glob("*.ics"))
    for year, data in dated.items():
        calendar = icalendar.Calendar.from_ical(
            (built_site / "summit" / str(year) / f"european-cancer-summit-{year}.ics").read_bytes())
        (event,) = calendar.walk("VEVENT")
        last = data.get("end_date", data["start_date"])
        assert (event.decoded("DTSTART"), event.decoded("DTEND")) == (data["start_date"], last + timedelta(days=1))
        assert str(event["URL"]) == f"https://www.europeancancer.org/summit/{year}/"
        assert all_events[str(event["UID"])].to_ical() == event.to_ical()
    assert str(all_events["summit-2023@www.europeancancer.org"]["LOCATION"]) == (
        "Radisson Collection Hotel, Grand Place Brussels, Brussels and online")


def test_no_session_has_a_time_so_none_gets_a_calendar_or_a_sub_event(built_site: Path):
    for year in editions():
        folder = built_site / "summit" / str(year)
        assert not (folder / "programme.ics").exists() and not (folder / "sessions").exists()
        page = folder / "index.html"
        event = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page.read_text(), re.S)[1])
        check_schema_terms(event)
        assert "subEvent" not in event
        assert "<time datetime=\"20" not in "".join(s["text"] for s in sessions_of(page).sessions)
    event = json.loads(re.search(r'application/ld\+json">(.*?)</script>',
                                 (built_site / "summit" / "2018" / "index.html").read_text(), re.S)[1])
    assert event["startDate"] == "2018-09-07" and "endDate" not in event


def test_the_summit_index_claims_about_days_and_format_match_every_edition(built_site: Path):
    prose = text_of((built_site / "summit" / "index.html").read_text())
    assert ("Every Summit since 2020 has run over two days; the 2019 Summit ran over three, from 12 to 14 September."
            in prose)
    assert "The 2020 Summit was held online, and since 2021 the Summit has been hybrid" in prose
    assert "Recent editions have been held in Brussels." in prose
    for year, data in editions().items():
        if not data.get("end_date_known", True):
            continue
        days = (data.get("end_date", data["start_date"]) - data["start_date"]).days + 1
        assert days == (3 if year == 2019 else 2) or year < 2019, year
        if year >= 2021:
            assert data["attendance"] == "hybrid", year
        if year >= 2022:
            assert data["city"] == "Brussels", year
    assert edition(2020)["attendance"] == "online"
    assert "two-day" not in (SUMMIT / "index.md").read_text() and "Since 2022" not in (SUMMIT / "index.md").read_text()


def test_the_summit_pages_say_nothing_the_facts_leave_uncertain(built_site: Path):
    pages = "".join(p.read_text() for p in (built_site / "summit").rglob("*.html"))
    for uncertain in ("Vienna", "7–9 September", "Journal of Cancer Policy"):
        assert uncertain not in pages
    oldest = text_of((built_site / "summit" / "2018" / "index.html").read_text())
    assert "From 7 September 2018 (the last day is not confirmed)" in oldest
    latest = (built_site / "summit" / "2025" / "index.html").read_text()
    assert "Radisson" not in latest and "Programme co-chair" not in latest
    assert "Programme co-chair" not in (built_site / "summit" / "2024" / "index.html").read_text()


def test_network_pages_list_their_sessions_and_launches_across_editions(built_site: Path):
    workforce = section((built_site / "networks" / "workforce" / "index.html").read_text(), "network-sessions-title")
    assert "Under Pressure" in workforce and "A Cancer Workforce in Crisis" in workforce
    assert workforce.index("Under Pressure") < workforce.index("A Cancer Workforce in Crisis"), "newest first"
    inequalities = section((built_site / "networks" / "inequalities" / "index.html").read_text(),
                           "network-sessions-title")
    assert re.findall(r'href="/summit/(\d{4})/#session-([a-z-]+)"', inequalities) == [
        ("2024", "inequalities"), ("2024", "men-and-cancer")]
    assert "Chairs: Nicolò Matteo Luca Battisti; Sarah Collen" in text_of(inequalities)
    hpv = text_of(section((built_site / "networks" / "hpv-hepb-action" / "index.html").read_text(),
                          "network-sessions-title"))
    assert "The HPV session European Cancer Summit 2025" in hpv and "A policy paper on cervical cancer" in hpv


def test_the_home_page_leads_with_the_latest_edition_when_none_is_upcoming(built_site: Path):
    home = section((built_site / "index.html").read_text(), "home-summit")
    assert "European Cancer Summit 2025" in home and "Upcoming" not in home and "Register" not in home


def test_an_upcoming_edition_leads_the_summit_index_and_the_home_page(real_project: Path, monkeypatch):
    (real_project / "content" / "summit" / "2027.yaml").write_text(
        "year: 2027\nstart_date: 2027-11-17\nend_date: 2027-11-18\ncity: Brussels\nattendance: hybrid\n"
        "registration_url: https://www.europeancancer.org/summit\n")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch(2027, 6, 1))
    out = real_project / "output"
    build(Project(real_project, out, search=False))
    index = (out / "summit" / "index.html").read_text()
    upcoming = index[index.index("edition--upcoming"):index.index("</section>", index.index("edition--upcoming"))]
    assert "European Cancer Summit 2027" in upcoming and "Upcoming" in upcoming and "Programme to follow." in upcoming
    assert 'href="https://www.europeancancer.org/summit">Register for the European Cancer Summit 2027' in upcoming
    assert index.index("edition--upcoming") < index.index('id="editions"') and ">Past editions<" in index
    home = section((out / "index.html").read_text(), "home-summit")
    assert "European Cancer Summit 2027" in home and "Programme to follow." in home and "Register" in home
    assert "The programme will follow." in (out / "summit" / "2027" / "index.html").read_text()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch(2027, 12, 1))
    build(Project(real_project, out, search=False))  # the same content, a later day: 2027 is now the latest past one
    home = section((out / "index.html").read_text(), "home-summit")
    assert "European Cancer Summit 2027" in home and "Programme to follow." not in home
    assert "edition--upcoming" not in (out / "summit" / "index.html").read_text()


@pytest.mark.parametrize("year", [2023, 2024, 2025])
def test_the_json_ld_of_a_partly_known_edition_is_valid_and_has_no_invented_times(built_site: Path, year: int):
    html = (built_site / "summit" / str(year) / "index.html").read_text()
    event = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)[1])
    check_schema_terms(event)
    assert event["startDate"] == str(edition(year)["start_date"])
    assert "T" not in json.dumps(event).split('"startDate"', 1)[1][:20]
