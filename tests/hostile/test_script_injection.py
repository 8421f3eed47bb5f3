"""Script injection: through Markdown, through front matter and data that reach attributes, meta
tags, JSON-LD, feeds and calendars, and through addresses in site.yaml.

Inputs come from incidents in other generators and Markdown libraries: raw HTML passed through,
`javascript:` hidden by case, entities, percent-encoding, control characters and reference links,
`</script>` breaking out of JSON-LD, and newlines injecting iCalendar properties.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

import icalendar
import pytest

from ecosite.content.typography import typographic

from .conftest import PAYLOAD, active_content, build_with, page, visible_text

UNSAFE_LINKS = [
    f"[x](javascript:{PAYLOAD})",
    f"[x](JaVaScRiPt:{PAYLOAD})",
    f"[x](java&#x09;script:{PAYLOAD})",
    f"[x](&#106;avascript:{PAYLOAD})",
    f"[x](%6Aavascript:{PAYLOAD})",
    f"[x](javascript&colon;{PAYLOAD})",
    f"[x](javascript\\:{PAYLOAD})",
    f"[x](<javascript:{PAYLOAD}>)",
    f"[x](java\u200bscript:{PAYLOAD})",
    f"<javascript:{PAYLOAD}>",
    f"[x]\n\n[x]: javascript:{PAYLOAD}",
    f"[x](vbscript:{PAYLOAD})",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxMzM3KTwvc2NyaXB0Pg==)",
    "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMTMzNyk+)",
    f"![x](javascript:{PAYLOAD})",
    "![x](mailto:someone@example.org)",
    f"Text[^1]\n\n[^1]: [x](javascript:{PAYLOAD})",
]


@pytest.mark.parametrize("body", UNSAFE_LINKS)
def test_a_link_with_an_unsafe_scheme_is_refused_at_its_line(tmp_path, body):
    outcome = build_with(tmp_path, {"content/a.md": page("title: A", body + "\n")})
    assert outcome.code == 1
    assert "uses the unsafe scheme" in outcome.stderr
    assert outcome.errors[0].startswith("content/a.md:5: the link `") or outcome.errors[0].startswith("content/a.md:7: ")
    assert outcome.files == {}


def test_the_unsafe_link_message_names_the_scheme_and_the_fix(tmp_path):
    outcome = build_with(tmp_path, {"content/a.md": page("title: A", "Intro.\n\n[x](JaVaScRiPt:alert(1))\n")})
    assert outcome.errors == ["content/a.md:7: the link `JaVaScRiPt:alert(1)` uses the unsafe scheme `javascript:` - "
                              "link to an https:// address or to another page's .md file"]


RAW_HTML = [
    f"<script>{PAYLOAD}</script>",
    f"<img src=x onerror={PAYLOAD}>",
    f'<a href="javascript:{PAYLOAD}">x</a>',
    f"<svg><script>{PAYLOAD}</script></svg>",
    f'<iframe srcdoc="<script>{PAYLOAD}</script>"></iframe>',
    f"<details open ontoggle={PAYLOAD}>",
    f"Inline <b onmouseover={PAYLOAD}>bold</b> text",
    f"<!-- --><script>{PAYLOAD}</script>",
    f"<style>body{{background:url(javascript:{PAYLOAD})}}</style>",
]


@pytest.mark.parametrize("body", RAW_HTML)
def test_raw_html_in_markdown_is_shown_as_text(tmp_path, body):
    outcome = build_with(tmp_path, {"content/a.md": page("title: A", body + "\n")})
    assert outcome.code == 0, outcome.stderr
    html = outcome.html("a/index.html")
    assert active_content(html) == []
    assert PAYLOAD in visible_text(html)  # the editor sees what they wrote, as text


HOSTILE_TEXT = [
    f'"><script>{PAYLOAD}</script>',
    f"</script><script>{PAYLOAD}</script>",
    f"' onmouseover='{PAYLOAD}' x='",
    f'" onfocus="{PAYLOAD}" autofocus="',
    f"<!--<script>{PAYLOAD}</script>-->",
    f"]]><script>{PAYLOAD}</script>",
    f"&lt;script&gt;{PAYLOAD}&lt;/script&gt;",
]


@pytest.mark.parametrize("text", HOSTILE_TEXT)
def test_front_matter_in_titles_meta_tags_and_json_ld_stays_text(tmp_path, text):
    """The tiny project's template puts the title and summary in <title>, a meta attribute and JSON-LD."""
    quoted = text.replace("'", "''")
    outcome = build_with(tmp_path, {"content/a.md": page(f"title: '{quoted}'\nsummary: '{quoted}'")})
    assert outcome.code == 0, outcome.stderr
    html = outcome.html("a/index.html")
    assert active_content(html) == []
    assert typographic(text) in visible_text(html)  # curly quotes and dashes, as every title gets


@pytest.fixture(scope="module")
def hostile_news_site(tmp_path_factory):
    """The real site and templates with one news item whose title and summary attack every output."""
    title = f'"><script>{PAYLOAD}</script> & <!-- ]]>'
    summary = f"</script><img src=x onerror={PAYLOAD}> ' \" ]]>"
    source = page(f"title: '{title}'\nsummary: '{summary.replace(chr(39), chr(39) * 2)}'\ndate: 2026-01-02\n"
                  "networks:\n  - workforce",
                  f"Body with {PAYLOAD} as text.\n")
    outcome = build_with(tmp_path_factory.mktemp("news"), {"content/news/hostile.md": source}, "real")
    assert outcome.code == 0, outcome.stderr
    return outcome, title, summary


def test_a_hostile_news_item_runs_nowhere_in_the_real_templates(hostile_news_site):
    outcome, title, _ = hostile_news_site
    pages = {rel: data.decode() for rel, data in outcome.files.items() if rel.endswith(".html")}
    assert {rel: active_content(html) for rel, html in pages.items() if active_content(html)} == {}
    showing = [rel for rel, html in pages.items() if title in visible_text(html)]
    assert "news/hostile/index.html" in showing and "news/index.html" in showing


def test_a_hostile_news_item_is_plain_text_in_the_feed(hostile_news_site):
    outcome, title, summary = hostile_news_site
    feed = ET.fromstring(outcome.files["news/feed.xml"])
    atom = "{http://www.w3.org/2005/Atom}"
    entries = {e.findtext(f"{atom}title"): e for e in feed.iter(f"{atom}entry")}
    assert title in entries
    assert entries[title].findtext(f"{atom}summary") == typographic(summary)


def test_a_hostile_news_item_keeps_the_sitemap_well_formed(hostile_news_site):
    outcome, _, _ = hostile_news_site
    sitemap = ET.fromstring(outcome.files["sitemap.xml"])
    locations = [loc.text for loc in sitemap.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert any(loc.endswith("/news/hostile/") for loc in locations)


def test_summit_data_cannot_break_out_of_json_ld(tmp_path):
    """A theme or venue with </script> ends up in the edition page's JSON-LD as a plain string."""
    theme = f"</script><script>{PAYLOAD}</script>"
    venue = f"<!--<script>{PAYLOAD}"
    data = (f"year: 2031\ntheme: '{theme}'\nstart_date: 2031-11-19\nend_date: 2031-11-20\n"
            f"venue: '{venue}'\ncity: Brussels\nattendance: hybrid\n")
    outcome = build_with(tmp_path, {"content/summit/2031.yaml": data}, "real")
    assert outcome.code == 0, outcome.stderr
    html = outcome.html("summit/2031/index.html")
    assert active_content(html) == []
    assert theme in visible_text(html)


def test_a_newline_in_a_session_title_cannot_inject_calendar_lines(tmp_path):
    """A block scalar keeps its line break; the .ics must still hold exactly the sessions written."""
    from .conftest import REPO

    programme = (REPO / "tests/sites/summit/content/summit/2025.yaml").read_text()
    hostile = "Opening of the Summit"
    injected = "title: |-\n          Opening\n          END:VEVENT\n          BEGIN:VEVENT\n          SUMMARY:Injected"
    assert f"title: {hostile}" in programme
    files = {"content/summit/2025.yaml": programme.replace(f"title: {hostile}", injected, 1)}
    outcome = build_with(tmp_path, files, "summit")
    if outcome.code == 1:  # refusing a multi-line title is as good as escaping it
        assert "title" in outcome.stderr and "Traceback" not in outcome.stderr
        return
    calendars = {rel: data for rel, data in outcome.files.items() if rel.endswith(".ics")}
    assert calendars, "the fixture programme should produce calendar files"
    for rel, data in calendars.items():
        calendar = icalendar.Calendar.from_ical(data)
        summaries = [str(event["SUMMARY"]) for event in calendar.walk("VEVENT")]
        assert "Injected" not in summaries, rel
    opening = icalendar.Calendar.from_ical(calendars["summit/2025/sessions/opening.ics"])
    assert [str(e["SUMMARY"]) for e in opening.walk("VEVENT")] == ["Opening\nEND:VEVENT\nBEGIN:VEVENT\nSUMMARY:Injected"]
    everything = b"\n".join(calendars.values()).decode()
    assert "\nSUMMARY:Injected" not in everything.replace("\r\n", "\n")


SITE_ADDRESSES = [
    ("social:\n  - name: x\n    url: 'javascript:alert(1)//https://a'", "content/site.yaml:5: social[0].url"),
    ("social:\n  - name: x\n    url: 'data:text/html,<script>alert(1)</script>'", "content/site.yaml:5: social[0].url"),
    ("nav:\n  - title: x\n    url: 'https://a\"onmouseover=alert(1)'", "content/site.yaml:5: nav[0].url"),
    ("nav:\n  - title: x\n    url: 'https://europeancancer.org@evil.example/'", "content/site.yaml:5: nav[0].url"),
    ("nav:\n  - title: x\n    url: ' javascript:alert(1)'", "content/site.yaml:5: nav[0].url"),
    ("base_url: 'javascript://example.org/%0aalert(1)'", "content/site.yaml:2: base_url"),
    ("base_url: 'https://example.org/\"><script>alert(1)</script>'", "content/site.yaml:2: base_url"),
    ("base_url: 'https://example.org@evil.example/'", "content/site.yaml:2: base_url"),
]


@pytest.mark.parametrize(("yaml", "where"), SITE_ADDRESSES)
def test_site_yaml_addresses_must_be_plain_web_addresses(tmp_path, yaml, where):
    site = "title: T\n" + (yaml if yaml.startswith("base_url") else "base_url: https://example.org/\n" + yaml) + "\n"
    outcome = build_with(tmp_path, {"content/site.yaml": site})
    assert outcome.code == 1
    assert outcome.errors[0].startswith(where + ": `"), outcome.stderr
    assert "address" in outcome.errors[0]


def test_base_url_from_the_command_line_is_checked_too(tmp_path):
    outcome = build_with(tmp_path, {}, "minimal", "--base-url", "https://x.org/\"><script>alert(1)</script>")
    assert outcome.code == 1
    assert "base_url" in outcome.stderr and "is not a site address" in outcome.stderr


CONTENT_ADDRESSES = [
    ("content/networks/x.md", page("title: X\norder: 1\nsummary: S\ncampaigns:\n  - title: C\n    url: 'javascript:alert(1)'"),
     "content/networks/x.md:7: campaigns[0].url: `javascript:alert(1)` is not a web address"),
    ("content/networks/x.md", page("title: X\norder: 1\nsummary: S\nsources:\n  - 'data:text/html,<script>alert(1)</script>'"),
     "content/networks/x.md:6: sources[0]: `data:text/html,<script>alert(1)</script>` is not a web address"),
    ("content/news/x.md", page("title: X\ndate: 2024-01-01\nsource: 'https://europeancancer.org@evil.example/'"),
     "content/news/x.md:4: source: `https://europeancancer.org@evil.example/` is not a web address"),
    ("content/news/x.md", page("title: X\ndate: 2024-01-01\nsource: '//evil.example/'"),
     "content/news/x.md:4: source: `//evil.example/` is not a web address"),
    ("content/summit/2031.yaml", "year: 2031\nstart_date: 2031-11-19\nregistration_url: 'javascript:alert(1)'\n",
     "content/summit/2031.yaml:3: registration_url: `javascript:alert(1)` is not a web address"),
]


@pytest.mark.parametrize(("path", "source", "error"), CONTENT_ADDRESSES)
def test_addresses_in_front_matter_and_data_must_be_web_addresses(tmp_path, path, source, error):
    outcome = build_with(tmp_path, {path: source}, "real")
    assert outcome.code == 1
    assert any(line.startswith(error) for line in outcome.errors), outcome.stderr


RUNNABLE_STATIC = [
    ("content/static/evil.html", f"<script>{PAYLOAD}</script>", "a browser would open this .html file as a web page"),
    ("content/static/docs/login.HTM", "<form action=https://evil.example>", "a browser would open this .htm file"),
    ("content/static/feed.xml", '<?xml-stylesheet type="text/xsl" href="x.xsl"?><x/>', "this .xml file"),
    ("content/static/x.xsl", "<xsl:stylesheet/>", "this .xsl file"),
    ("content/static/logo.svg", f'<svg xmlns="http://www.w3.org/2000/svg" onload="{PAYLOAD}"/>',
     "this SVG image contains script"),
    ("content/static/img/chart.svg", f'<svg xmlns="http://www.w3.org/2000/svg"><script>{PAYLOAD}</script></svg>',
     "this SVG image contains script"),
    ("content/static/a.svg", '<svg xmlns="http://www.w3.org/2000/svg"><a href="javascript:alert(1)"><text>x</text></a></svg>',
     "this SVG image contains script"),
    ("content/static/b.svg", '<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><iframe/></foreignObject></svg>',
     "this SVG image contains script"),
]


@pytest.mark.parametrize(("path", "data", "error"), RUNNABLE_STATIC)
def test_static_files_a_browser_would_run_as_a_page_are_refused(tmp_path, path, data, error):
    """An editor's account must not be able to put a page with script on the organisation's domain."""
    outcome = build_with(tmp_path, {path: data})
    assert outcome.code == 1
    assert outcome.errors[0].startswith(f"{path}:") and error in outcome.errors[0], outcome.stderr
    assert outcome.files == {}


def test_plain_images_styles_and_the_sites_own_files_are_published(tmp_path):
    files = {"content/static/ok.svg": '<svg xmlns="http://www.w3.org/2000/svg"><circle r="1"/></svg>',
             "content/static/report.pdf": b"%PDF-1.4\n", "content/static/style.css": "p{color:red}"}
    outcome = build_with(tmp_path, files)
    assert outcome.code == 0, outcome.stderr
    assert {"static/report.pdf"} <= set(outcome.files)
    assert any(rel.startswith("static/ok.") and rel.endswith(".svg") for rel in outcome.files)
