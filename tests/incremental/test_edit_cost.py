"""An edit costs what it changes: how many outputs a body edit and a title edit render on a generated site
(the real site, 60 news items and a 30-page section), counted from what `ecosite build --explain` lists."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ecosite.commands.build import build
from ecosite.project import Project

REPO = Path(__file__).resolve().parents[2]
REPORTS = 30


@pytest.fixture
def site(tmp_path: Path) -> Project:
    root = tmp_path / "site"
    shutil.copytree(REPO / "content", root / "content")
    shutil.copytree(REPO / "templates", root / "templates")
    for number in range(60):
        (root / "content" / "news" / f"item-{number:02d}.md").write_text(
            f"---\ntitle: Item {number:02d}\ndate: 2019-02-{1 + number % 28:02d}\n---\n\n## Part\n\nItem {number}.\n")
    reports = root / "content" / "reports"
    reports.mkdir()
    (reports / "index.md").write_text("---\ntitle: Reports\n---\n\nEvery report.\n")
    for number in range(REPORTS):
        (reports / f"report-{number:02d}.md").write_text(
            f"---\ntitle: Report {number:02d}\norder: {number}\n---\n\n## Findings\n\nReport {number}.\n")
    project = Project(root, tmp_path / "output")
    project.search = False
    build(project)
    return project


def edit(project: Project, rel: str, old: str, new: str) -> None:
    path = project.root / "content" / rel
    path.write_text(path.read_text().replace(old, new, 1))


def summit_pages(project: Project) -> set[str]:
    """Pages made from the summit data files, which read the network pages and every page's address."""
    return {p.relative_to(project.out).as_posix() for p in (project.out / "summit").glob("*/**/index.html")}


def test_a_body_edit_renders_only_that_page(site: Project):
    edit(site, "reports/report-15.md", "Report 15.", "Report 15, revised.")
    assert build(site).explained == {"reports/report-15/index.html": "content/reports/report-15.md changed"}


def latest_news(project: Project) -> Path:
    return max((p for p in (project.root / "content" / "news").glob("*.md") if p.name != "index.md"),
               key=lambda p: (p.read_text().split("date: ", 1)[1][:10], p.name))


def test_an_old_news_items_body_edit_renders_that_page_only(site: Project):
    """The feed carries the 20 newest items: an older one's text is not in it."""
    edit(site, "news/item-30.md", "Item 30.", "Item 30, revised.")
    assert set(build(site).explained) == {"news/item-30/index.html"}


def test_the_latest_news_items_body_edit_rewrites_the_feed_that_carries_its_text(site: Project):
    latest = latest_news(site)
    latest.write_text(latest.read_text() + "\nOne more sentence.\n")
    explained = build(site).explained
    assert {f"news/{latest.stem}/index.html", "news/feed.xml"} <= set(explained)
    assert len(explained) < 5, sorted(explained)


def test_a_title_edit_renders_the_pages_that_show_that_title(site: Project):
    edit(site, "reports/report-15.md", "title: Report 15", "title: Report fifteen")
    explained = build(site).explained
    # Report 15 is named by the ten pages whose "In this section" window holds it (reports 11 to 20),
    # and the first page of the reports list.
    window = {f"reports/report-{n:02d}/index.html" for n in range(11, 21)}
    assert set(explained) == window | {"reports/index.html"}
    pages = sum(1 for _ in site.out.rglob("*.html"))
    assert len(explained) < pages / 3, (len(explained), pages)  # a title edit is not a whole-site rebuild
    assert explained["reports/report-12/index.html"] == (
        "the front matter or address of content/reports/report-15.md changed")


def test_an_old_news_title_is_rendered_again_only_where_it_is_shown(site: Project):
    """Every news page shows the latest few items: an old item's title is not among them."""
    edit(site, "news/item-30.md", "title: Item 30", "title: Item thirty")
    explained = build(site).explained
    assert {name for name in explained if name.startswith("news/") and "/page/" not in name} == {
        "news/item-30/index.html"}
    assert not any(name.startswith(("summit/", "networks/")) for name in explained), sorted(explained)


def test_the_latest_news_title_is_rendered_again_on_every_page_that_shows_it(site: Project):
    latest = latest_news(site)
    text = latest.read_text()
    latest.write_text(text.replace("\ntitle: ", "\ntitle: Edited ", 1))
    explained = build(site).explained
    news_pages = {f"news/{p.stem}/index.html" for p in latest.parent.glob("*.md") if p.name != "index.md"}
    assert news_pages - {f"news/{latest.stem}/index.html"} <= set(explained)  # its "More news" panel
    assert "index.html" in explained  # the home page's latest news
    assert explained["news/item-30/index.html"].startswith(f"the front matter or address of content/news/{latest.name}")


def test_a_network_title_is_rendered_again_on_the_summit_pages(site: Project):
    edit(site, "networks/workforce.md", "\ntitle: ", "\ntitle: The ")
    explained = build(site).explained
    assert "summit/2023/workforce/index.html" in explained
    assert "summit/2023/index.html" in explained


def test_adding_a_page_touches_its_neighbours_and_its_list_only(site: Project):
    (site.root / "content" / "reports" / "report-99.md").write_text(
        "---\ntitle: Report 99\norder: 99\n---\n\nThe last report.\n")
    explained = build(site).explained
    # The new page; the pages whose window now reaches it (reports 26 to 29, at the end of the order);
    # the pages of the reports list (its item count changed); the sitemap; the summit pages.
    window = {f"reports/report-{n:02d}/index.html" for n in range(26, 30)}
    lists = {"reports/index.html", "reports/page/2/index.html"}
    assert set(explained) == {"reports/report-99/index.html", "sitemap.xml"} | window | lists | summit_pages(site)
    untouched = {f"reports/report-{n:02d}/index.html" for n in range(0, 26)}
    assert untouched.isdisjoint(explained), sorted(untouched & set(explained))
    assert len(explained) < 30


def test_adding_a_news_item_leaves_the_pages_that_only_ask_whether_there_is_news(site: Project):
    """Every page's header links to the news when there is any: that is one fact, not the item count."""
    (site.root / "content" / "news" / "item-99.md").write_text(
        "---\ntitle: Item 99\ndate: 2019-01-01\n---\n\nThe oldest item.\n")
    explained = build(site).explained
    assert "news/item-99/index.html" in explained
    assert not any(name.startswith(("about/", "reports/")) for name in explained), sorted(explained)
    assert len(explained) < 30, sorted(explained)


def test_deleting_a_page_touches_its_neighbours_and_its_list_only(site: Project):
    (site.root / "content" / "reports" / "report-29.md").unlink()
    explained = build(site).explained
    untouched = {f"reports/report-{n:02d}/index.html" for n in range(0, 24)}
    assert untouched.isdisjoint(explained), sorted(untouched & set(explained))
    assert "reports/report-28/index.html" in explained and "sitemap.xml" in explained
    assert not (site.out / "reports/report-29/index.html").exists()
    assert len(explained) < 30


def test_explain_on_the_command_line_names_each_output_and_its_cause(site: Project):
    edit(site, "reports/report-15.md", "Report 15.", "Report 15, revised.")
    finished = subprocess.run([sys.executable, "-m", "ecosite", "build", "--root", str(site.root), "--out",
                               str(site.out), "--no-search", "--explain"], capture_output=True, text=True, timeout=120)
    assert finished.returncode == 0, finished.stderr
    assert finished.stdout.splitlines()[-2:] == [
        "1 output rendered or rewritten:", "  reports/report-15/index.html: content/reports/report-15.md changed"]
    again = subprocess.run([sys.executable, "-m", "ecosite", "build", "--root", str(site.root), "--out",
                            str(site.out), "--no-search", "--explain"], capture_output=True, text=True, timeout=120)
    assert again.stdout.splitlines()[-1] == "Nothing was rendered or rewritten: no input changed since the last build."
