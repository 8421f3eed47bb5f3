"""The organisation's pages as they come out of the build: the wording, the people, the structure.

These read the built HTML (stdlib parser, no browser) and compare it with the content files, so a
template that drops a field, invents one or leaves an empty heading behind fails here.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from ecosite.pipeline import Project, build

REPO = Path(__file__).resolve().parent.parent
SEED = Path("/work/shared/seeds/focused-topic-networks.txt")
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Element:
    def __init__(self, tag: str, attrs: dict[str, str | None], parent: Element | None = None):
        self.tag, self.attrs, self.parent = tag, attrs, parent
        self.children: list[Element | str] = []

    def text(self) -> str:
        parts = [c if isinstance(c, str) else c.text() for c in self.children]
        return " ".join("".join(parts).split())

    def iter(self):
        for child in self.children:
            if isinstance(child, Element):
                yield child
                yield from child.iter()

    def has(self, name: str, value: str) -> bool:
        actual = self.attrs.get(name)
        if name == "class":
            return value in (actual or "").split()
        return actual == value

    def find_all(self, tag: str, **attrs: str) -> list[Element]:
        """Descendants by tag and attributes (class_ matches one class; aria_label means aria-label)."""
        return [e for e in self.iter() if e.tag == tag
                and all(e.has(k.rstrip("_").replace("_", "-"), v) for k, v in attrs.items())]

    def find(self, tag: str, **attrs: str) -> Element:
        found = self.find_all(tag, **attrs)
        assert found, f"no <{tag} {attrs}>"
        return found[0]

    def following_siblings(self) -> list[Element]:
        siblings = [c for c in self.parent.children if isinstance(c, Element)]
        return siblings[siblings.index(self) + 1:]


class TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = self.current = Element("#document", {})

    def handle_starttag(self, tag, attrs):
        element = Element(tag, dict(attrs), self.current)
        self.current.children.append(element)
        if tag not in VOID:
            self.current = element

    def handle_endtag(self, tag):
        node = self.current
        while node.parent is not None and node.tag != tag:
            node = node.parent
        if node.parent is not None:
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


def parse(html: str) -> Element:
    builder = TreeBuilder()
    builder.feed(html)
    return builder.root


def squash(text: str) -> str:
    return " ".join(text.split())


def front_matter(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])


@pytest.fixture(scope="module")
def doc(built_site: Path):
    cache: dict[str, Element] = {}

    def load(path: str) -> Element:
        if path not in cache:
            rel = path.lstrip("/") if path.endswith(".html") else path.lstrip("/") + "index.html"
            file = built_site / rel
            cache[path] = parse(file.read_text(encoding="utf-8"))
        return cache[path]

    return load


def main_of(page: Element) -> Element:
    return page.find("main")


NETWORK_FILES = sorted(p for p in (REPO / "content" / "networks").glob("*.md") if p.name != "index.md")


# The organisation's own wording -------------------------------------------------------------------


def seed_section(start: str, end: str) -> list[str]:
    text = SEED.read_text(encoding="utf-8")
    body = text.split(start, 1)[1].split(end, 1)[0]
    return [squash(paragraph) for paragraph in body.split("\n\n") if paragraph.strip()]


@pytest.mark.skipif(not SEED.exists(), reason="the organisation's seed text is not on this machine")
def test_networks_index_carries_the_seed_introduction_verbatim(doc):
    intro = seed_section("Focused Topic Networks\n", "Mission and Vision")
    assert len(intro) == 3
    shown = [squash(p.text()) for p in main_of(doc("/networks/")).find("div").find_all("p")]
    assert shown == intro


@pytest.mark.skipif(not SEED.exists(), reason="the organisation's seed text is not on this machine")
def test_mission_and_vision_use_the_seed_wording(doc):
    text = main_of(doc("/about/mission/")).text()
    for paragraph in seed_section("Our Mission\n", "Our Values"):
        if paragraph != "Our Vision":
            assert paragraph in text


def test_values_are_listed_as_name_and_description(doc):
    values = yaml.safe_load((REPO / "content" / "about" / "values.yaml").read_text())["values"]
    listing = main_of(doc("/about/values/")).find("dl", class_="values")
    assert [dt.text() for dt in listing.find_all("dt")] == [v["name"] for v in values]
    assert [dd.text() for dd in listing.find_all("dd")] == [v["description"] for v in values]
    assert len(values) == 6


def test_home_page_gives_the_mission_nine_networks_the_summit_and_news(doc):
    home = main_of(doc("/"))
    mission = front_matter(REPO / "content" / "index.md")["summary"]
    assert mission in home.find("p", class_="hero__mission").text()
    network_links = [a.attrs["href"] for a in home.find("section", aria_labelledby="home-networks").find_all("a")]
    assert len([h for h in network_links if re.fullmatch(r"/networks/[a-z-]+/", h)]) == 9
    latest_year = max(int(p.stem) for p in (REPO / "content" / "summit").glob("*.yaml"))
    assert home.find("h2", id="home-summit").text() == f"European Cancer Summit {latest_year}"
    news = home.find("section", aria_labelledby="home-news").find_all("time")
    assert len(news) == 3
    assert [t.attrs["datetime"] for t in news] == sorted((t.attrs["datetime"] for t in news), reverse=True)


# Networks: people, campaigns, sources; optional parts left out cleanly ------------------------------


@pytest.mark.parametrize("source", NETWORK_FILES, ids=lambda p: p.stem)
def test_each_network_page_shows_its_co_chairs_campaigns_and_sources(doc, source: Path):
    meta = front_matter(source)
    main = main_of(doc(f"/networks/{source.stem}/"))
    assert main.find("h1").text() == meta["title"]
    assert main.find("p", class_="lead").text() == squash(meta["summary"])
    people = [li.text() for li in main.find("ul", class_="people").find_all("li")] if meta.get("co_chairs") else []
    assert len(people) == len(meta.get("co_chairs", []))
    for shown, person in zip(people, meta.get("co_chairs", [])):
        expected = person["name"]
        if person.get("society"):
            expected += f", {person['society']}"
        if person.get("as_of"):
            expected += f" (named co-chair in {person['as_of']})"
        assert shown == expected
    campaigns = main.find_all("li", class_="entry")
    assert len(campaigns) == len(meta.get("campaigns", []))
    for item, campaign in zip(campaigns, meta.get("campaigns", [])):
        assert item.find("h3").text() == squash(campaign["title"])
        if campaign.get("url"):
            assert item.find("a").attrs["href"] == campaign["url"]
        if campaign.get("when"):
            assert item.find("p", class_="meta").text() == campaign["when"]
    source_links = [a.attrs["href"] for a in main.find_all("a") if a.attrs.get("href") in meta.get("sources", [])]
    assert set(source_links) >= set(meta.get("sources", []))


def test_a_network_without_campaigns_has_no_campaign_heading(doc):
    meta = front_matter(REPO / "content" / "networks" / "health-systems.md")
    assert not meta.get("campaigns"), "the test relies on this network having no campaigns"
    main = main_of(doc("/networks/health-systems/"))
    headings = [h.text() for h in main.find_all("h2")]
    assert "Campaigns and outputs" not in headings
    assert "Co-chair" in headings


def test_a_network_with_only_its_required_fields_renders_without_empty_parts(real_project: Path, tmp_path: Path):
    (real_project / "content" / "networks" / "bare.md").write_text(
        "---\ntitle: Bare Network\nsummary: A network with nothing but a name and a scope.\norder: 99\n---\n")
    out = tmp_path / "out"
    build(Project(real_project, out))
    main = main_of(parse((out / "networks" / "bare" / "index.html").read_text()))
    assert [h.text() for h in main.find_all("h2")] == []
    assert main.find_all("ul", class_="people") == [] and main.find_all("section") == []
    index = parse((out / "networks" / "index.html").read_text())
    card = [li for li in index.find_all("li", class_="card") if "Bare Network" in li.text()][0]
    assert "Co-chairs" not in card.text()


def test_no_page_has_an_empty_heading_list_or_paragraph(built_site: Path):
    problems = []
    for file in sorted(built_site.rglob("*.html")):
        page = parse(file.read_text(encoding="utf-8"))
        for element in page.iter():
            empty_text = element.tag in ("h1", "h2", "h3", "h4", "p", "li", "dt", "dd", "a") and not element.text()
            empty_list = element.tag in ("ul", "ol", "dl") and not [c for c in element.children if isinstance(c, Element)]
            if (empty_text and not element.find_all("svg")) or empty_list:
                problems.append(f"{file.relative_to(built_site)}: empty <{element.tag} {element.attrs}>")
    assert problems == []


# Navigation, breadcrumbs, head --------------------------------------------------------------------


@pytest.mark.parametrize("path, marked, state", [
    ("/", "Home", "page"),
    ("/networks/", "Networks", "page"),
    ("/networks/workforce/", "Networks", "true"),
    ("/about/strategy/", "Strategy", "page"),
    ("/about/values/", "About", "true"),
    ("/news/smartcare-prototype/", "News", "true"),
    ("/summit/", "Summit", "page"),
])
def test_the_main_navigation_marks_where_the_visitor_is(doc, path, marked, state):
    nav = doc(path).find("nav", aria_label="Main")
    current = [(a.text(), a.attrs["aria-current"]) for a in nav.find_all("a") if "aria-current" in a.attrs]
    assert current == [(marked, state)]


def test_breadcrumbs_lead_home_through_the_section(doc):
    crumbs = doc("/networks/workforce/").find("nav", aria_label="Breadcrumb")
    assert [li.text() for li in crumbs.find_all("li")] == ["Home", "Focused Topic Networks", "Workforce Network"]
    assert [a.attrs["href"] for a in crumbs.find_all("a")] == ["/", "/networks/"]
    assert crumbs.find("span", aria_current="page").text() == "Workforce Network"
    assert doc("/").find_all("nav", aria_label="Breadcrumb") == []


def test_head_carries_title_description_canonical_and_opengraph(doc, built_site: Path):
    meta = front_matter(REPO / "content" / "networks" / "workforce.md")
    head = doc("/networks/workforce/").find("head")
    assert head.find("title").text() == "Workforce Network | European Cancer Organisation"
    assert head.find("meta", name="description").attrs["content"] == meta["summary"]
    canonical = "https://www.europeancancer.org/networks/workforce/"
    assert head.find("link", rel="canonical").attrs["href"] == canonical
    assert head.find("meta", property="og:url").attrs["content"] == canonical
    assert head.find("meta", property="og:title").attrs["content"] == "Workforce Network"
    assert head.find("meta", property="og:description").attrs["content"] == meta["summary"]
    icon = head.find("link", rel="icon").attrs["href"]
    assert (built_site / icon.lstrip("/")).is_file()
    assert doc("/").find("title").text() == "European Cancer Organisation"


def test_home_page_describes_the_organisation_in_json_ld(doc):
    scripts = doc("/").find_all("script", type="application/ld+json")
    assert len(scripts) == 1
    data = json.loads(scripts[0].text())
    config = yaml.safe_load((REPO / "content" / "site.yaml").read_text())
    assert data["@context"] == "https://schema.org" and data["@type"] == "Organization"
    assert data["name"] == config["organisation"]["legal_name"]
    assert data["url"] == config["base_url"]
    assert data["address"]["addressLocality"] == config["organisation"]["city"]
    assert data["sameAs"] == [link["url"] for link in config["social"]]
    assert not {"telephone", "email", "logo", "numberOfEmployees", "foundingDate"} & set(data)
    assert doc("/networks/").find_all("script", type="application/ld+json") == []


def test_footer_gives_the_organisations_details_and_social_links(doc):
    footer = doc("/news/").find("footer")
    config = yaml.safe_load((REPO / "content" / "site.yaml").read_text())
    text = footer.text()
    assert config["organisation"]["transparency_register"] in text
    assert "Brussels, Belgium" in text
    links = [a.attrs["href"] for a in footer.find_all("a")]
    assert all(link["url"] in links for link in config["social"])


# News and summit ------------------------------------------------------------------------------------


def test_news_items_carry_machine_readable_dates_newest_first(doc):
    times = [t.attrs["datetime"] for t in main_of(doc("/news/")).find_all("time")]
    items = sorted((REPO / "content" / "news").glob("*.md"))
    dates = sorted((str(front_matter(p)["date"]) for p in items if p.name != "index.md"), reverse=True)
    assert times == dates
    item = main_of(doc("/news/smartcare-prototype/"))
    published = item.find("time")
    assert (published.attrs["datetime"], published.text()) == ("2024-11-22", "22 November 2024")
    assert item.find("a", href="/networks/survivorship/").text() == "Survivorship and Quality of Life Network"


def test_summit_lists_every_edition_newest_first_with_only_known_facts(doc):
    main = main_of(doc("/summit/"))
    years = sorted((int(p.stem) for p in (REPO / "content" / "summit").glob("*.yaml")), reverse=True)
    titles = [h.text() for h in main.find_all("h3", class_="edition__title")]
    assert titles[0] == f"European Cancer Summit {years[0]} Latest"
    assert [t.removesuffix(" Latest") for t in titles] == [f"European Cancer Summit {y}" for y in years]
    oldest = main.find_all("li", class_="edition")[-1]
    labels = [dt.text() for dt in oldest.find_all("dt")]
    assert labels == ["Dates"], "2018 has only a start date: no venue, format or co-chairs may be shown"
    assert oldest.find("time").attrs["datetime"] == "2018-09-07"
    latest = main.find("li", class_="edition--latest")
    assert [t.attrs["datetime"] for t in latest.find_all("time")] == ["2025-11-19", "2025-11-20"]
    assert "19–20 November 2025" in latest.text()


# Design: one small stylesheet, no framework, no script --------------------------------------------


def test_the_stylesheet_is_small_hand_written_and_covers_schemes_motion_and_print():
    css = (REPO / "content" / "static" / "css" / "site.css").read_text(encoding="utf-8")
    assert len(css.encode()) < 30 * 1024
    for feature in ("prefers-color-scheme: dark", "prefers-reduced-motion", "@media print", ":focus-visible",
                    "system-ui"):
        assert feature in css
    assert "@import" not in css and "url(" not in css, "no framework, web font or remote file"


@pytest.mark.parametrize("path", ["/", "/networks/", "/networks/workforce/", "/about/values/", "/summit/",
                                  "/news/", "/news/smartcare-prototype/", "/404.html"])
def test_core_pages_need_no_javascript(doc, path):
    scripts = doc(path).find_all("script")
    assert all(s.attrs.get("type") == "application/ld+json" for s in scripts)


def test_the_404_page_works_at_any_depth(doc):
    page = doc("/404.html")
    links = [a.attrs["href"] for a in page.find_all("a")] + [l.attrs["href"] for l in page.find_all("link")]
    assert all(href.startswith(("/", "https://", "http://", "#")) for href in links), links
    assert page.find("meta", name="robots").attrs["content"] == "noindex"
