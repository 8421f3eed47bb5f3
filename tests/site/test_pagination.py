"""Long lists come a page at a time and section navigation is bounded, so a page's cost does not grow with
its section: the real site's templates with 45 generated news items and a 30-page section."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from ecosite.commands.build import build, generate
from ecosite.commands.check import check_output
from ecosite.errors import BuildError
from ecosite.project import Project

REPO = Path(__file__).resolve().parents[2]
NEWS = 45
REPORTS = 30


def make_project(root: Path, settings: str = "") -> Project:
    shutil.copytree(REPO / "content", root / "content")
    shutil.copytree(REPO / "templates", root / "templates")
    news = root / "content" / "news"
    for number in range(NEWS):
        networks = "networks:\n  - workforce\n" if number % 2 == 0 else ""
        (news / f"story-{number:02d}.md").write_text(
            f"---\ntitle: Story {number:02d}\ndate: 2020-01-{1 + number % 28:02d}T{number % 24:02d}:00:00\n"
            f"{networks}---\n\nThe story numbered {number}.\n", encoding="utf-8")
    reports = root / "content" / "reports"
    reports.mkdir()
    (reports / "index.md").write_text("---\ntitle: Reports\n---\n\nEvery report.\n", encoding="utf-8")
    for number in range(REPORTS):
        (reports / f"report-{number:02d}.md").write_text(
            f"---\ntitle: Report {number:02d}\norder: {number}\n---\n\nReport {number}.\n", encoding="utf-8")
    if settings:
        with (root / "content" / "site.yaml").open("a", encoding="utf-8") as file:
            file.write(settings)
    project = Project(root, root / "output")
    project.search = False
    return project


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    project = make_project(tmp_path_factory.mktemp("paginated"))
    build(project)
    return project.out


def read(out: Path, path: str) -> str:
    return (out / path).read_text(encoding="utf-8")


def listed_news(html: str) -> list[str]:
    return re.findall(r'class="news-list__title"><a href="/news/([^/]+)/">', html)


def steps(html: str) -> dict[str, str]:
    return {rel: href for href, rel in re.findall(r'<a href="([^"]+)" rel="(prev|next)"', html)}


def test_the_news_list_is_split_at_stable_addresses_first_page_unchanged(built: Path):
    real_news = len(list((REPO / "content" / "news").glob("*.md"))) - 1
    total = NEWS + real_news
    first, second, third = (read(built, p) for p in ("news/index.html", "news/page/2/index.html",
                                                     "news/page/3/index.html"))
    assert not (built / "news/page/4/index.html").exists() and not (built / "news/page/1").exists()
    pages = [listed_news(html) for html in (first, second, third)]
    assert [len(p) for p in pages] == [20, 20, total - 40]
    everything = [slug for page in pages for slug in page]
    assert len(set(everything)) == total  # each story on exactly one page
    assert "Page 1 of 3" in first and "Page 2 of 3" in second and "Page 3 of 3" in third
    assert steps(first) == {"next": "/news/page/2/"}
    assert steps(second) == {"prev": "/news/", "next": "/news/page/3/"}
    assert steps(third) == {"prev": "/news/page/2/"}
    assert "<title>News, page 2 of 3 |" in second
    assert '<link rel="canonical" href="https://www.europeancancer.org/news/page/2/">' in second


def test_the_sitemap_lists_every_page_of_a_list(built: Path):
    sitemap = read(built, "sitemap.xml")
    for address in ("news/", "news/page/2/", "news/page/3/", "reports/page/2/", "networks/workforce/page/2/"):
        assert f"<loc>https://www.europeancancer.org/{address}</loc>" in sitemap


def test_a_page_lists_a_bounded_part_of_its_section_with_its_neighbours(built: Path):
    html = read(built, "reports/report-15/index.html")
    nav = html[html.index('<nav class="section-links"'):]
    nav = nav[: nav.index("</nav>")]
    listed = re.findall(r'<li><a href="/reports/(report-\d+)/"', nav)
    assert listed == [f"report-{n:02d}" for n in range(10, 20)]  # ten, this one in the middle
    assert 'href="/reports/report-15/" aria-current="page"' in nav
    assert 'Previous: <a href="/reports/report-14/">Report 14</a>' in nav
    assert 'Next: <a href="/reports/report-16/">Report 16</a>' in nav
    assert '<a href="/reports/">All pages of Reports</a>' in nav
    first = read(built, "reports/report-00/index.html")
    assert "Previous:" not in first and re.findall(r'<li><a href="/reports/(report-\d+)/"', first)[:1] == ["report-00"]


def test_the_section_index_pages_through_its_section(built: Path):
    index, second = read(built, "reports/index.html"), read(built, "reports/page/2/index.html")
    assert index.count('<li><a href="/reports/report-') == 20 and second.count('<li><a href="/reports/report-') == 10
    assert "Every report." in index and "Every report." not in second
    assert steps(second) == {"prev": "/reports/"}


def test_a_network_pages_through_its_news_and_shows_its_profile_on_the_first_page_only(built: Path):
    first, second = read(built, "networks/workforce/index.html"), read(built, "networks/workforce/page/2/index.html")
    stories = lambda html: re.findall(r'<a href="/news/(story-\d+)/">', html)  # noqa: E731
    assert len(stories(first)) + len(stories(second)) >= (NEWS + 1) // 2
    assert not set(stories(first)) & set(stories(second))
    assert "Co-chair" in first and "Co-chair" not in second
    assert "Workforce" in second and steps(second)["prev"] == "/networks/workforce/"


def test_the_page_sizes_are_settings(tmp_path: Path):
    project = make_project(tmp_path, "lists:\n  per_page: 50\n  sections:\n    news: 10\n  section_links: 4\n")
    result = generate(project)
    assert sorted(name for name in result.files if name.startswith("news/page/")) == [
        f"news/page/{n}/index.html" for n in range(2, 7)]
    assert "reports/page/2/index.html" not in result.files
    nav = result.files["reports/report-15/index.html"].decode()
    assert len(re.findall(r'<li><a href="/reports/report-', nav)) == 4


def test_a_page_size_of_zero_is_refused_with_its_line(tmp_path: Path):
    project = make_project(tmp_path, "lists:\n  per_page: 0\n")
    line = (tmp_path / "content" / "site.yaml").read_text().split("\n").index("  per_page: 0") + 1
    with pytest.raises(BuildError) as failure:
        generate(project)
    messages = [str(error) for error in failure.value.errors]
    assert any(m.startswith(f"content/site.yaml:{line}: ") and "per_page" in m for m in messages), messages


def test_check_passes_the_paginated_site_and_catches_a_broken_chain(built: Path, tmp_path: Path):
    out = Path(shutil.copytree(built, tmp_path / "out"))
    errors = [e for e in check_output(out, None).errors if "pagefind" not in str(e)]
    assert errors == []
    second = out / "news/page/2/index.html"
    second.write_text(second.read_text().replace('<a href="/news/" rel="prev">', '<a href="/news/page/3/" rel="prev">'))
    found = sorted(str(e) for e in check_output(out, None).errors if "pagefind" not in str(e))
    assert any(e.startswith("out/news/index.html:") and
               'the rel="next" page /news/page/2/ has no rel="prev" link back to this page' in e for e in found), found
