"""An incremental build is never wrong: after any sequence of edits it equals a clean build, byte for byte.

Hypothesis applies random edits, renames, deletions, new pages, drafts, data, stylesheet and template
changes to a small site whose templates use every kind of input a page can depend on (other pages'
titles and bodies, sections, the page list, data, assets, includes, a shared template (rendered once per
build and shown on every page: a footer reading titles, a section's size and whether pages exist), bounded section navigation and
paginated lists: two items a page, so adding or deleting a story adds or removes /news/page/2/). After each step the incremental
output folder must hold exactly the files a clean build produces; when the clean build fails, the
rebuild must fail with the same messages and leave output/ as it was. A second property does the same
with the search index built, in shards of two pages, so that kept shards are checked too.
"""

from __future__ import annotations

import posixpath
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from ecosite.commands.build import build, generate
from ecosite.errors import BuildError
from ecosite.incremental import workers as parallel
from ecosite.pipeline import Engine
from ecosite.project import Project

TEMPLATES = {
    "base.html": """<!DOCTYPE html><html lang="{{ site.language }}"><head><title>{{ page.title }}</title>
<link rel="stylesheet" href="{{ asset('css/site.css') }}"></head><body>
<nav>{% for link in navigation %}<a href="{{ link.url }}">{{ link.title }}</a>{% endfor %}</nav>
<ol>{% for title, href in breadcrumbs %}<li><a href="{{ href }}">{{ title }}</a></li>{% endfor %}</ol>
<main>{% block main %}<h1>{{ page.title }}</h1>{{ content }}{% endblock %}</main>
{% for p in pages if p.rel == "guides/beta.md" %}<p>{{ p.title }}</p>{% endfor %}
{% if section("news") %}<a href="/news/">News</a>{% endif %}
{% set gamma = page_at("/guides/gamma/") %}{% if gamma %}<a href="{{ url(gamma) }}">Gamma</a>{% endif %}
{{ shared("footer.html") }}</body></html>
""",
    "footer.html": """<footer>{{ site.title }}{% for link in navigation %} <a href="{{ link.url }}">{{ link.title }}</a>{% endfor %}
{% set gamma = page_at("/guides/gamma/") %}{% if gamma %}{{ gamma.title }}{% endif %} {{ section("news")|length }} stories
{% if has_page("about.md") %}{{ page_of("about.md").title }}{% endif %}</footer>
""",
    "page.html": """{% extends "base.html" %}{% block main %}<h1>{{ page.title }}</h1>
<ul class="toc">{% for h in page.toc %}<li>{{ h.title }}</li>{% endfor %}</ul>{{ content }}
{% set nav = section_nav(page) %}{% if nav %}<ul class="siblings">{% for p in nav.pages %}<li><a href="{{ url(p) }}">{{ p.title }}</a></li>{% endfor %}</ul>
{% if nav.previous %}<a href="{{ url(nav.previous) }}">{{ nav.previous.title }}</a>{% endif %}{% if nav.next %}<a href="{{ url(nav.next) }}">{{ nav.next.title }}</a>{% endif %} of {{ nav.total }}{% endif %}
{% if paginator %}<ul class="list">{% for p in paginator.items %}<li>{{ p.title }}</li>{% endfor %}</ul>{% include "pagination.html" %}{% endif %}
{% endblock %}
""",
    "pagination.html": """{% if paginator.count > 1 %}<p>{{ paginator.number }} of {{ paginator.count }}</p>
{% if paginator.previous %}<a rel="prev" href="{{ url(paginator.previous) }}">Previous</a>{% endif %}
{% if paginator.next %}<a rel="next" href="{{ url(paginator.next) }}">Next</a>{% endif %}{% endif %}
""",
    "news/index.html": """{% extends "base.html" %}{% block main %}<h1>{{ page.title }}</h1>{{ content }}
<ul>{% for p in paginator.items %}<li><a href="{{ url(p) }}">{{ p.title }}</a> {{ p.date|isodate }}</li>{% endfor %}</ul>
{% include "pagination.html" %}{% endblock %}
""",
    "home.html": """{% extends "base.html" %}{% block main %}<h1>{{ page.title }}</h1>{{ content }}
<p>{{ pages|length }} pages</p>
{% set latest = section("news") %}{% if latest %}<article>{{ latest[0].content }}</article>{% endif %}
<dl>{% for value in data["about/values"].values %}<dt>{{ value.name }}</dt>{% endfor %}</dl>
<p><a href="{{ url('about.md') }}">{{ page_of('about.md').title }}</a></p>{% endblock %}
""",
    "news/page.html": """{% extends "page.html" %}{% block main %}<h1>{{ page.title }}</h1>{{ content }}
<p class="date">{{ page.date|isodate }}</p>{% endblock %}
""",
}

CONTENT = {
    "site.yaml": "title: Tiny\nbase_url: https://example.org/\nlanguage: en\ntimezone: Europe/Brussels\n"
                 "nav:\n  - title: Home\n    page: index.md\n  - title: About\n    page: about.md\n"
                 "lists:\n  per_page: 2\n  section_links: 2\n",
    "index.md": "---\ntitle: Home\n---\n\nWelcome. See [about](about.md).\n",
    "about.md": "---\ntitle: About us\n---\n\n## Who\n\nWe are small.\n",
    "about/values.yaml": "values:\n  - name: Openness\n    description: We say what we do.\n",
    "static/css/site.css": "body { color: black; }\n",
    "news/one.md": "---\ntitle: One\ndate: 2024-01-02\n---\n\n## Start\n\nThe first story.\n",
    "news/two.md": "---\ntitle: Two\ndate: 2024-03-04\n---\n\nThe second story, after [one](one.md#start).\n",
    "guides/alpha.md": "---\ntitle: Alpha\n---\n\n## Steps\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\nSee [two](../news/two.md).\n",
    "guides/beta.md": "---\ntitle: Beta\norder: 1\n---\n\n```\ncode\n```\n\n- a\n- b\n",
    "guides/index.md": "---\ntitle: Guides\n---\n\nHow we work.\n",
    "news/index.md": "---\ntitle: News\n---\n\nOur stories.\n",
}

NAMES = ["news/one.md", "news/two.md", "news/three.md", "guides/alpha.md", "guides/beta.md", "guides/gamma.md",
         "guides/delta.md", "about.md", "news/index.md"]
WORDS = st.sampled_from(["Cancer", "Care", "Europe", "Nurses", "Data", "Rights", "Zeta", "Alpha"])


def make_site(root: Path) -> Path:
    for name, text in TEMPLATES.items():
        (root / "templates" / name).parent.mkdir(parents=True, exist_ok=True)
        (root / "templates" / name).write_text(text, encoding="utf-8")
    for name, text in CONTENT.items():
        (root / "content" / name).parent.mkdir(parents=True, exist_ok=True)
        (root / "content" / name).write_text(text, encoding="utf-8")
    return root


def page_text(title: str, body: str, news: bool, extra: str = "") -> str:
    date = "date: 2024-05-06\n" if news else ""
    return f"---\ntitle: {title}\n{date}{extra}---\n\n{body}\n"


edits = st.one_of(
    st.tuples(st.just("body"), st.sampled_from(NAMES), WORDS),
    st.tuples(st.just("heading"), st.sampled_from(NAMES), WORDS),
    st.tuples(st.just("link"), st.sampled_from(NAMES), st.sampled_from(NAMES)),
    st.tuples(st.just("title"), st.sampled_from(NAMES), WORDS),
    st.tuples(st.just("create"), st.sampled_from(NAMES), WORDS),
    st.tuples(st.just("delete"), st.sampled_from(NAMES), st.just("")),
    st.tuples(st.just("rename"), st.sampled_from(NAMES), st.sampled_from(NAMES)),
    st.tuples(st.just("draft"), st.sampled_from(NAMES), st.booleans()),
    st.tuples(st.just("template"), st.sampled_from(sorted(TEMPLATES)), WORDS),
    st.tuples(st.just("new-template"), st.just("guides/page.html"), WORDS),
    st.tuples(st.just("data"), st.just("about/values.yaml"), WORDS),
    st.tuples(st.just("css"), st.just("static/css/site.css"), WORDS),
)


def apply(root: Path, edit: tuple) -> None:
    kind, name, value = edit
    content = root / "content"
    path = content / name
    if kind in ("body", "heading", "link", "title", "draft") and not path.exists():
        kind = "create"
    if kind == "body":
        path.write_text(path.read_text() + f"\n{value} matters.\n")
    elif kind == "heading":
        path.write_text(path.read_text() + f"\n## {value}\n\nMore.\n")
    elif kind == "link":
        target = posixpath.relpath(value, posixpath.dirname(name) or ".")
        path.write_text(path.read_text() + f"\nSee [it]({target}).\n")
    elif kind == "title":
        text = path.read_text()
        path.write_text(text.replace("title: ", f"title: {value} ", 1))
    elif kind == "create":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(page_text(f"{value} page", f"## {value}\n\nAbout {value}.", name.startswith("news/")))
    elif kind == "delete":
        path.unlink(missing_ok=True)
    elif kind == "rename":
        if path.exists() and name != value:
            (content / value).parent.mkdir(parents=True, exist_ok=True)
            text = path.read_text()
            if value.startswith("news/") and "date:" not in text:
                text = text.replace("---\n\n", "date: 2024-07-08\n---\n\n", 1)
            (content / value).write_text(text)
            path.unlink()
    elif kind == "draft":
        text = path.read_text().replace("draft: true\n", "")
        path.write_text(text.replace("---\n\n", "draft: true\n---\n\n", 1) if value else text)
    elif kind in ("template", "new-template"):
        template = root / "templates" / name
        template.parent.mkdir(parents=True, exist_ok=True)
        if kind == "new-template" and not template.exists():
            template.write_text('{% extends "page.html" %}{% block main %}<h1>Guide: {{ page.title }}</h1>'
                                '{{ content }}{% endblock %}\n')
        else:
            template.write_text(template.read_text().replace("</h1>", f"</h1><p>{value}</p>", 1)
                                + f"<!-- {value} -->\n")
    elif kind == "data":
        path.write_text(path.read_text() + f"  - name: {value}\n    description: Also {value}.\n")
    elif kind == "css":
        path.write_text(path.read_text() + f"/* {value} */\n")


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def clean_build(root: Path, search: bool = False) -> dict[str, bytes] | list[str]:
    """What a build from scratch produces: its files, or its error messages."""
    project = Project(root, root / "clean-output")
    project.search = search
    try:
        result = generate(project)
    except BuildError as failure:
        return sorted(str(error) for error in failure.errors)
    files = dict(result.files)
    files.update({name: source.read_bytes() for name, source in result.copies.items()})
    return files


def incremental_build(root: Path, session: Engine | None, search: bool = False) -> list[str] | None:
    project = session.project if session else Project(root, root / "output")
    project.search = search
    try:
        (session or Engine(project)).rebuild()
    except BuildError as failure:
        return sorted(str(error) for error in failure.errors)
    return None


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=st.lists(st.tuples(edits, st.booleans()), min_size=1, max_size=6))
# Always tried, whatever hypothesis draws: one example per kind of dependency.
@example(steps=[(("create", "guides/gamma.md", "Zeta"), False)])  # a section gains a member
@example(steps=[(("body", "news/two.md", "Data"), True)])  # home shows the newest story's body
@example(steps=[(("template", "footer.html", "Care"), True)])  # an included template
@example(steps=[(("data", "about/values.yaml", "Rights"), False)])  # a data file
@example(steps=[(("title", "about.md", "Care"), True)])  # navigation and page_of() read another title
@example(steps=[(("title", "guides/beta.md", "Data"), False)])  # every page reads it through `pages`
@example(steps=[(("delete", "news/one.md", ""), True), (("delete", "news/two.md", ""), False)])  # news empties
@example(steps=[(("css", "static/css/site.css", "Care"), False)])
@example(steps=[(("css", "static/css/site.css", "Care"), False), (("css", "static/css/site.css", "Care"), True)])  # every page's stylesheet address
@example(steps=[(("rename", "news/one.md", "news/three.md"), True),  # breaks a link: both builds fail
                (("rename", "news/three.md", "news/one.md"), False)])  # and the site is whole again
@example(steps=[(("new-template", "guides/page.html", "Data"), True), (("delete", "guides/beta.md", ""), True)])
@example(steps=[(("create", "news/three.md", "Care"), True), (("delete", "news/one.md", ""), False)])  # /news/page/2/ comes and goes
@example(steps=[(("create", "guides/gamma.md", "Data"), True), (("title", "guides/alpha.md", "Zeta"), True),
                (("rename", "guides/gamma.md", "guides/delta.md"), False)])  # neighbours change order and name
@example(steps=[(("create", "news/three.md", "Care"), True), (("title", "news/index.md", "Rights"), True)])  # page 2's title
def test_incremental_output_is_byte_identical_to_a_clean_build(steps):
    with tempfile.TemporaryDirectory() as folder:
        root = make_site(Path(folder))
        project = Project(root, root / "output")
        project.search = False
        session = Engine(project)
        assert incremental_build(root, session) is None
        for edit, same_process in steps:
            apply(root, edit)
            before = tree(root / "output")
            expected = clean_build(root)
            failure = incremental_build(root, session if same_process else None)
            if isinstance(expected, list):
                assert failure == expected, edit
                assert tree(root / "output") == before, "a failed rebuild changed output/"
            else:
                assert failure is None, (edit, failure)
                assert tree(root / "output") == expected, edit


def with_search_page(root: Path) -> Path:
    """The tiny site with a page using search.html, so that its builds make the search index."""
    (root / "templates/search.html").write_text('{% extends "base.html" %}{% block main %}<h1>{{ page.title }}</h1>'
                                                '{% endblock %}\n', encoding="utf-8")
    (root / "content/search.md").write_text("---\ntitle: Search\ntemplate: search.html\n---\n\nFind a page.\n",
                                            encoding="utf-8")
    return root


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=st.lists(st.tuples(edits, st.booleans()), min_size=1, max_size=5))
@example(steps=[(("template", "footer.html", "Care"), True), (("body", "news/two.md", "Data"), True)])  # layout, words
@example(steps=[(("css", "static/css/site.css", "Care"), False)])  # every page's <head>
@example(steps=[(("template", "page.html", "Care"), True)])  # words in the <main> of most pages
@example(steps=[(("title", "guides/beta.md", "Data"), False), (("rename", "guides/beta.md", "guides/delta.md"), True)])
def test_incremental_output_with_its_search_index_is_byte_identical_to_a_clean_build(steps):
    """The same, with the search index in shards of two pages: a shard kept because what Pagefind reads of
    its pages did not change must be the bundle a clean build makes."""
    from ecosite.outputs import search
    shard_pages, search.SHARD_PAGES = search.SHARD_PAGES, 2
    try:
        with tempfile.TemporaryDirectory() as folder:
            root = with_search_page(make_site(Path(folder)))
            session = Engine(Project(root, root / "output"))
            assert incremental_build(root, session, search=True) is None
            assert len(search.read_shard_state(root / "output")) > 3
            for edit, same_process in steps:
                apply(root, edit)
                expected = clean_build(root, search=True)
                failure = incremental_build(root, session if same_process else None, search=True)
                if isinstance(expected, list):
                    assert failure == expected, edit
                else:
                    assert failure is None, (edit, failure)
                    assert tree(root / "output") == expected, edit
    finally:
        search.SHARD_PAGES = shard_pages


@pytest.fixture(scope="module")
def tiny_site():
    with tempfile.TemporaryDirectory() as folder:
        yield make_site(Path(folder))


def test_a_rebuild_rerenders_only_the_pages_that_read_what_changed(tiny_site: Path, tmp_path: Path):
    root = Path(shutil.copytree(tiny_site, tmp_path / "site"))
    project = Project(root, tmp_path / "out")
    project.search = False
    build(project)
    stamps = {p: p.stat().st_mtime_ns for p in (tmp_path / "out").rglob("*.html")}
    (root / "content" / "guides" / "beta.md").write_text(page_text("Beta", "A new body.", False, "order: 1\n"))
    build(project)
    changed = sorted(p.relative_to(tmp_path / "out").as_posix() for p, stamp in stamps.items()
                     if p.stat().st_mtime_ns != stamp)
    assert changed == ["guides/beta/index.html"]  # its siblings list titles only, which did not change
    assert "A new body." in (tmp_path / "out" / "guides/beta/index.html").read_text()


def test_a_large_cold_build_in_worker_processes_equals_the_single_process_build(tiny_site: Path, tmp_path: Path,
                                                                               monkeypatch):
    root = Path(shutil.copytree(tiny_site, tmp_path / "site"))
    for number in range(40):
        (root / "content" / "guides" / f"page-{number}.md").write_text(
            page_text(f"Page {number}", f"## Part {number}\n\nSee [alpha](alpha.md#steps) and [x](https://example.org).",
                      False))
    monkeypatch.setattr(parallel, "POOL_THRESHOLD", 4)  # a tuning constant: use the workers for 50 pages
    monkeypatch.setattr(parallel, "SMALLEST_CHUNK", 1)  # chunks of 9, 7, 6... pages, down to one page
    project = Project(root, tmp_path / "out")
    project.search = False
    Engine(project, persistent=False).rebuild()
    assert tree(tmp_path / "out") == clean_build(root)
