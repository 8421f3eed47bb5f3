"""Paths: slugs and file names that try to leave output/, symlinks in content and static files,
and two sources that would write the same URL or file.

Incidents elsewhere: `slug: ../../` writing outside the site (several Jekyll and Hexo plugins),
`permalink` with `..`, symlinked content publishing /etc/passwd or the CI token in .git/config
(GitHub Pages refused symlinks for this reason), case-only duplicate names colliding on macOS
and Windows, and a page silently overwritten by a static file of the same name.
"""

from __future__ import annotations

import os
import re

import pytest

from .conftest import build_with, hang_guard, make_project, page, run_build

ESCAPING_SLUGS = ["../../etc", "..", "a/b", "%2e%2e", "/abs", ".hidden", "A", "ａｂｃ", "a b", "a\\\\b", "-a", "a--b-"]


@pytest.mark.parametrize("slug", ESCAPING_SLUGS)
def test_a_slug_can_only_name_one_folder(tmp_path, slug):
    outcome = build_with(tmp_path, {"content/a.md": page(f'title: A\nslug: "{slug}"')})
    assert outcome.code == 1
    shown = slug.replace("\\\\", "\\")
    assert outcome.errors == [f"content/a.md:3: slug: `{shown}` is not a valid slug - use lower-case letters, "
                              "digits and hyphens, e.g. `digital-health`"]
    assert outcome.files == {}


@pytest.mark.parametrize("name", ["a b.md", "a%2F..%2Fb.md", "x\\y.md", "ü.md", "a_b.md", "a..b.md", "a.b.md"])
def test_a_file_name_that_cannot_be_an_address_is_refused(tmp_path, name):
    outcome = build_with(tmp_path, {f"content/{name}": page("title: A")})
    assert outcome.code == 1
    assert len(outcome.errors) == 1
    assert outcome.errors[0].startswith(f"content/{name}:")
    assert "cannot be part of a web address - rename the file or folder" in outcome.errors[0]


@pytest.mark.parametrize("alias", ["/../x/", "//evil.example/", "/a/../../x/", "/x/%2e%2e/", "\\\\evil.example",
                                   "/a b/", "https://evil.example/", "/x/..", "x/"])
def test_an_alias_must_be_a_path_inside_the_site(tmp_path, alias):
    outcome = build_with(tmp_path, {"content/a.md": page(f'title: A\naliases:\n  - "{alias}"')})
    assert outcome.code == 1
    assert outcome.errors[0].startswith("content/a.md:4: aliases[0]: `"), outcome.stderr
    assert "is not a site path" in outcome.errors[0]


COLLISIONS = [
    ({"content/a.md": page("title: A"), "content/a/index.md": page("title: A index")}, "/a/"),
    ({"content/A.md": page("title: Upper"), "content/a.md": page("title: Lower")}, "/a/"),
    ({"content/ＡＢＣ.md": page("title: Wide"), "content/abc.md": page("title: Narrow")}, "/abc/"),
    ({"content/x.md": page("title: X\nslug: b"), "content/b.md": page("title: B")}, "/b/"),
    ({"content/x.md": page("title: X\naliases:\n  - /b/"), "content/b.md": page("title: B")}, "/b/"),
    ({"content/static.md": page("title: S"), "static/index.html": "<p>asset</p>"}, "/static/"),
    ({"content/x.md": page("title: X\naliases:\n  - /static/css/"),
      "static/css/index.html": "<p>asset</p>"}, "/static/css/"),
]


@pytest.mark.parametrize(("files", "address"), COLLISIONS)
def test_two_sources_cannot_share_an_address(tmp_path, files, address):
    """static/ here is the top-level folder developers keep; content/static may not hold .html at all."""
    outcome = build_with(tmp_path, files)
    assert outcome.code == 1
    assert any(f"the address {address}" in error and "is also produced by" in error for error in outcome.errors), \
        outcome.stderr
    assert outcome.files == {}


def _build_with_links(tmp_path, make_links):
    project = make_project(tmp_path, {})
    (project / ".git").mkdir()
    (project / ".git" / "config").write_text("[http]\n\textraheader = AUTHORIZATION: basic SECRET-TOKEN\n")
    (project / ".env").write_text("DEPLOY_KEY=SECRET-TOKEN\n")
    (project / "content" / "static").mkdir(exist_ok=True)
    make_links(project)
    return run_build(project, tmp_path / "output")


SYMLINKS = {
    "static file to .git/config": (lambda p: os.symlink("../../.git/config", p / "content/static/config.txt"),
                                   "content/static/config.txt: this symbolic link points outside content/static/"),
    "static file to .env": (lambda p: os.symlink(p / ".env", p / "content/static/env.txt"),
                            "content/static/env.txt: this symbolic link points outside content/static/"),
    "page to /etc/passwd": (lambda p: os.symlink("/etc/passwd", p / "content/passwd.md"),
                            "content/passwd.md: this symbolic link points outside content/"),
    "page to a template": (lambda p: os.symlink("../templates/page.html", p / "content/t.md"),
                           "content/t.md: this symbolic link points outside content/"),
    "static folder to /etc": (lambda p: (os.rmdir(p / "content/static"), os.symlink("/etc", p / "content/static")),
                              "content/static: this folder is a symbolic link"),
    "content folder to the project": (lambda p: os.symlink("..", p / "content/up"),
                                      "content/up: this folder is a symbolic link"),
    "broken link": (lambda p: os.symlink("nowhere.md", p / "content/gone.md"),
                    "content/gone.md: this symbolic link is broken (its target is missing or links back to itself)"),
    "loop of links": (lambda p: (os.symlink("b.md", p / "content/a.md"), os.symlink("a.md", p / "content/b.md")),
                      "content/a.md: this symbolic link is broken (its target is missing or links back to itself)"),
    "named pipe": (lambda p: os.mkfifo(p / "content/static/pipe.css"),
                   "content/static/pipe.css: this is not a regular file (a pipe, socket or device)"),
}


@pytest.mark.parametrize("case", sorted(SYMLINKS))
def test_symlinks_and_special_files_never_publish_what_is_outside(tmp_path, case):
    make_links, error = SYMLINKS[case]
    with hang_guard(30):  # reading a named pipe blocks forever: a regression must fail, not hang the suite
        outcome = _build_with_links(tmp_path, make_links)
    assert outcome.code == 1
    without_line = [re.sub(r"^([^:]+):\d+: ", r"\1: ", line) for line in outcome.errors]  # file-level: line 0 or 1
    assert any(line.startswith(error) for line in without_line), outcome.stderr
    assert "SECRET-TOKEN" not in outcome.everything
    assert outcome.files == {}


def test_a_symlink_inside_content_to_another_content_file_is_fine(tmp_path):
    def link(project):
        (project / "content" / "static" / "logo.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
        os.symlink("index.md", project / "content" / "home-copy.md")
    outcome = _build_with_links(tmp_path, link)
    assert outcome.code == 0, outcome.stderr
    assert "home-copy/index.html" in outcome.files


def test_a_failed_build_leaves_the_previous_output_exactly_as_it_was(tmp_path):
    good = build_with(tmp_path, {"content/a.md": page("title: A")})
    assert good.code == 0
    bad = build_with(tmp_path, {"content/b.md": page('title: B\nslug: "../../etc"')})
    assert bad.code == 1
    assert bad.files == good.files


def test_a_flood_of_aliases_is_refused_before_writing_thousands_of_redirects(tmp_path):
    aliases = "".join(f"  - /old/a{i}/\n" for i in range(5000))
    outcome = build_with(tmp_path, {"content/a.md": page("title: A\naliases:\n" + aliases)})
    assert outcome.code == 1
    assert outcome.errors == ["content/a.md:3: aliases has 5000 items, over the limit of 50 - "
                              "keep only the ones still linked to"]
    assert outcome.files == {}
