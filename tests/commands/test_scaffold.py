"""`ecosite new`: every new file is valid, explained field by field, a draft, and never overwrites."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from ecosite.pipeline import Project, build
from ecosite.cli import main
from ecosite.content.documents import load_document
from ecosite.content.models import NetworkMeta, NewsMeta, PageMeta, Person
from ecosite.commands.new import slugify


def new(project: Path, *args: str) -> int:
    return main(["new", *args, "--root", str(project)])


def front_matter(path: Path) -> dict:
    return load_document(path, path.name).meta.value


def assert_every_field_is_explained(path: Path) -> None:
    """Each top-level field has a comment line right above it."""
    lines = path.read_text().split("\n")
    for number in range(1, lines.index("---", 1)):
        if lines[number][:1].isalpha():
            assert lines[number - 1].startswith("#"), f"no comment above `{lines[number]}`"


@pytest.mark.parametrize("name, slug", [
    ("Digital Health Network", "digital-health-network"),
    ("Santé & Équité", "sante-and-equite"),
    ("Łódź: Straße der Ærø", "lodz-strasse-der-aero"),
    ("  HPV -- and   HepB!  ", "hpv-and-hepb"),
    ("Cancer 2030", "cancer-2030"),
])
def test_slugs_are_ascii_lower_case_words_joined_by_hyphens(name, slug):
    assert slugify(name) == slug


def test_new_network_is_a_complete_draft_that_builds(real_project, tmp_path, capsys):
    assert new(real_project, "network", "Santé Numérique") == 0
    path = real_project / "content" / "networks" / "sante-numerique.md"
    assert capsys.readouterr().out.startswith("Created content/networks/sante-numerique.md as a draft.\n")
    meta = front_matter(path)
    assert set(meta) == set(NetworkMeta.model_fields)
    assert set(meta["co_chairs"][0]) == set(Person.model_fields)
    assert meta["title"] == "Santé Numérique" and meta["draft"] is True
    existing = [front_matter(p).get("order") for p in path.parent.glob("*.md") if p != path]
    assert meta["order"] == max(o for o in existing if isinstance(o, int)) + 1
    assert_every_field_is_explained(path)

    build(Project(real_project, tmp_path / "with-drafts", drafts=True))
    assert "Santé Numérique" in (tmp_path / "with-drafts" / "networks" / "sante-numerique" / "index.html").read_text()
    build(Project(real_project, tmp_path / "published"))
    assert not (tmp_path / "published" / "networks" / "sante-numerique").exists()


def test_new_news_is_dated_today_lists_the_networks_and_builds(real_project, tmp_path, capsys):
    assert new(real_project, "news", "Łódź hosts the 2026 conference") == 0
    path = real_project / "content" / "news" / "lodz-hosts-the-2026-conference.md"
    meta = front_matter(path)
    assert set(meta) == set(NewsMeta.model_fields)
    assert_every_field_is_explained(path)
    assert abs(datetime.date.fromisoformat(meta["date"]) - datetime.date.today()) <= datetime.timedelta(days=1)
    assert "# Known networks: digital-health, " in path.read_text()
    build(Project(real_project, tmp_path / "out", drafts=True, strict=True))
    assert (tmp_path / "out" / "news" / "lodz-hosts-the-2026-conference" / "index.html").is_file()


@pytest.mark.parametrize("path, rel, url, title", [
    ("about/Our Partners", "about/our-partners.md", "about/our-partners/index.html", "Our Partners"),
    ("events/index", "events/index.md", "events/index.html", "Events"),
    ("careers.md", "careers.md", "careers/index.html", "Careers"),
])
def test_new_page_is_a_complete_draft_that_builds(real_project, tmp_path, path, rel, url, title):
    assert new(real_project, "page", path) == 0
    meta = front_matter(real_project / "content" / rel)
    assert set(meta) == set(PageMeta.model_fields)
    assert_every_field_is_explained(real_project / "content" / rel)
    assert meta["title"] == title
    build(Project(real_project, tmp_path / "out", drafts=True))
    assert f"{title}</h1>" in (tmp_path / "out" / url).read_text()


def test_new_page_takes_a_title(real_project):
    assert new(real_project, "page", "about/partners", "--title", "Partners & friends") == 0
    assert front_matter(real_project / "content" / "about" / "partners.md")["title"] == "Partners & friends"


def test_an_existing_file_is_never_overwritten(real_project, capsys):
    path = real_project / "content" / "networks" / "workforce.md"
    before = path.read_bytes()
    assert new(real_project, "network", "Workforce") == 1
    assert capsys.readouterr().err == ("content/networks/workforce.md:1: this file already exists, so nothing was "
                                       "created - edit the existing file, or choose another name\n")
    assert path.read_bytes() == before


@pytest.mark.parametrize("args, message", [
    (["network", "!!!"], "ecosite new: no web address can be made from `!!!` - use a name with letters or "
                         "digits, e.g. `Digital Health Network`\n"),
    (["page", "../outside"], "ecosite new: the page path `../outside` must stay inside content/ - give a path "
                             "relative to content/, e.g. `about/partners`\n"),
    (["page", "networks/genomics"], "ecosite new: pages in content/networks/ need the fields of a network, not "
                                    "of a plain page - use `ecosite new network NAME`\n"),
])
def test_impossible_names_are_bad_usage_with_a_hint(real_project, capsys, args, message):
    before = sorted(p for p in (real_project / "content").rglob("*"))
    assert new(real_project, *args) == 2
    assert capsys.readouterr().err == message
    assert sorted(p for p in (real_project / "content").rglob("*")) == before


def test_a_folder_without_content_is_bad_usage(tmp_path, capsys):
    assert new(tmp_path, "news", "Hello") == 2
    assert "has no content/ folder; pass --root" in capsys.readouterr().err
