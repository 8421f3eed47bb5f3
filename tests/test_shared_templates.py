"""Shared templates: `shared("footer.html")` renders the footer once per build and shows it on every page.

What an editor and a template author see: the pages are exactly what including the footer would give;
an edit to something the footer shows reaches every page; a shared template that reads the page it is
shown on is stopped at its line, with the reason.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ecosite.commands.build import build
from ecosite.errors import BuildError
from ecosite.project import Project

REPO = Path(__file__).resolve().parents[1]


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def project_at(root: Path, out: Path) -> Project:
    project = Project(root, out)
    project.search = False
    return project


def test_the_real_footer_shown_as_shared_is_the_footer_included_on_each_page(tmp_path: Path):
    for copy in ("shared", "included"):
        shutil.copytree(REPO / "content", tmp_path / copy / "content")
        shutil.copytree(REPO / "templates", tmp_path / copy / "templates")
    base = tmp_path / "included" / "templates" / "base.html"
    assert '{{ shared("footer.html") }}' in base.read_text()
    base.write_text(base.read_text().replace('{{ shared("footer.html") }}', '{% include "footer.html" %}\n'))
    shared = build(project_at(tmp_path / "shared", tmp_path / "out-shared"))
    build(project_at(tmp_path / "included", tmp_path / "out-included"))
    pages = [page.output_path for page in shared.site.pages]
    assert len(pages) > 30
    assert tree(tmp_path / "out-shared") == tree(tmp_path / "out-included")
    home = (tmp_path / "out-shared" / "index.html").read_text()
    assert home.count('<footer class="site-footer">') == 1 and 'aria-label="Footer"' in home


SITE = {
    "content/site.yaml": "title: Tiny\nbase_url: https://example.org/\ntimezone: Europe/Brussels\n"
                         "nav:\n  - title: Home\n    page: index.md\n  - title: About\n    page: about.md\n",
    "content/index.md": "---\ntitle: Home\n---\n\nWelcome.\n",
    "content/about.md": "---\ntitle: About us\n---\n\nWho we are.\n",
    "content/guides/alpha.md": "---\ntitle: Alpha\n---\n\nA guide.\n",
    "content/guides/beta.md": "---\ntitle: Beta\n---\n\nAnother guide.\n",
    "templates/page.html": "<!DOCTYPE html><html lang=\"en\"><head><title>{{ page.title }}</title></head><body>\n"
                           "<main><h1>{{ page.title }}</h1>{{ content }}</main>\n{{ shared(\"footer.html\") }}</body></html>\n",
    "templates/footer.html": "<footer>{% for link in navigation %}<a href=\"{{ link.url }}\">{{ link.title }}</a>"
                             "{% endfor %}\n<p>{{ page_of(\"about.md\").title }}: {{ section(\"guides\")|length }} guides</p>"
                             "</footer>\n",
}


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)


@pytest.fixture
def tiny(tmp_path: Path) -> Project:
    write(tmp_path / "site", SITE)
    project = project_at(tmp_path / "site", tmp_path / "output")
    build(project)
    return project


def footer(project: Project, page: str) -> str:
    html = (project.out / page).read_text()
    return html[html.index("<footer>"):html.index("</footer>")]


def test_an_edit_to_what_the_shared_footer_shows_reaches_every_page(tiny: Project, tmp_path: Path):
    pages = ["index.html", "about/index.html", "guides/alpha/index.html", "guides/beta/index.html"]
    assert all("About us: 2 guides" in footer(tiny, page) for page in pages)
    assert 'aria-current' not in footer(tiny, "about/index.html")  # no page is current in a shared template

    about = tiny.root / "content" / "about.md"
    about.write_text(about.read_text().replace("About us", "About the organisation"))
    result = build(tiny)
    assert all("About the organisation: 2 guides" in footer(tiny, page) for page in pages)
    assert set(result.explained) == set(pages)  # each page shows it: each is rendered again

    write(tiny.root, {"content/guides/gamma.md": "---\ntitle: Gamma\n---\n\nA third guide.\n"})
    build(tiny)
    assert all("3 guides" in footer(tiny, page) for page in [*pages, "guides/gamma/index.html"])

    body = tiny.root / "content" / "guides" / "beta.md"
    body.write_text(body.read_text() + "\nMore on beta.\n")  # nothing the footer shows
    assert set(build(tiny).explained) == {"guides/beta/index.html"}

    clean = project_at(tiny.root, tmp_path / "clean")
    build(clean)
    assert tree(tiny.out) == tree(clean.out)


def test_a_shared_template_that_reads_the_page_is_stopped_at_its_line(tiny: Project):
    before = tree(tiny.out)
    write(tiny.root, {"templates/footer.html": "<footer>\n<p>{{ page.title }}</p>\n</footer>\n"})
    with pytest.raises(BuildError) as failure:
        build(tiny)
    message = str(failure.value.errors[0])
    assert message.startswith("templates/footer.html:2: `page` is undefined in footer.html: a shared template is "
                              "rendered once for every page"), message
    assert "move what reads `page` back into the page's template" in message
    assert tree(tiny.out) == before
