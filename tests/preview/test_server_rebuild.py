"""Saving a file rebuilds the preview: edits, atomic saves, new folders, deletions, renames and mistakes."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import socket
import tempfile
import time
from pathlib import Path

import pytest
from conftest import REPO, copy_project
from preview_support import get, start_preview, wait_for_build, wait_until_quiet, write_atomically

from ecosite.cli import main
from ecosite.commands.serve import Preview
from ecosite.project import Project

NEW_PAGE = "---\ntitle: Preview Test Page\nsummary: A page made by a test.\n---\n\nFreshly written text.\n"


@pytest.fixture(scope="module")
def shared_preview(tmp_path_factory):
    """One preview for the tests below that edit files and put back whatever they break."""
    running = start_preview(copy_project(REPO, tmp_path_factory.mktemp("rebuild") / "project"))
    assert running.session.state.ok, running.session.err.getvalue()
    yield running
    running.stop()


@pytest.fixture
def preview(shared_preview):
    assert shared_preview.session.state.ok, "an earlier test left the shared project broken"
    return shared_preview


@pytest.fixture
def project(shared_preview) -> Path:
    return shared_preview.project.root


def page_text(preview, target: str) -> tuple[int, str]:
    status, _, body = get(preview.server.port, target)
    return status, body.decode("utf-8")


def test_editing_markdown_rebuilds_and_serves_the_new_text(preview, project):
    before = preview.session.state.number
    mission = project / "content" / "about" / "mission.md"
    mission.write_text(mission.read_text() + "\nA sentence added while previewing.\n")
    state = wait_for_build(preview, before)
    assert state.ok
    status, html = page_text(preview, "/about/mission/")
    assert status == 200 and "A sentence added while previewing." in html
    assert f'data-build="{state.number}"' in html
    assert "Changed content/about/mission.md. Built " in preview.session.out.getvalue()


def test_an_atomic_save_is_seen_and_its_temporary_file_is_not_built(preview, project):
    before = preview.session.state.number
    mission = project / "content" / "about" / "mission.md"
    write_atomically(mission, mission.read_text().replace("Our Mission", "Our Renamed Mission"))
    state = wait_until_quiet(preview, before)
    assert state.ok and state.number > before
    assert "Our Renamed Mission" in page_text(preview, "/about/mission/")[1]


def test_a_burst_of_saves_makes_one_rebuild(preview, project):
    before = preview.session.state.number
    news = sorted((project / "content" / "news").glob("*.md"))
    for number, path in enumerate(news):
        path.write_text(path.read_text() + f"\nBurst edit {number}.\n")
    state = wait_until_quiet(preview, before)
    assert state.number == before + 1
    assert all(f"Burst edit {n}." in page_text(preview, f"/news/{p.stem}/")[1]
               for n, p in enumerate(news) if p.stem != "index")


def test_new_folders_deletions_and_renames_change_the_served_site(preview, project):
    before = preview.session.state.number
    folder = project / "content" / "projects"
    folder.mkdir()
    (folder / "index.md").write_text(NEW_PAGE)
    wait_until_quiet(preview, before)
    assert preview.session.state.number > before
    status, html = page_text(preview, "/projects/")
    assert status == 200 and "Freshly written text." in html

    before = preview.session.state.number
    (folder / "index.md").rename(folder / "launch.md")
    wait_until_quiet(preview, before)
    assert preview.session.state.number > before
    assert page_text(preview, "/projects/")[0] == 404
    assert page_text(preview, "/projects/launch/")[0] == 200

    before = preview.session.state.number
    renamed = folder.rename(folder.with_name("programmes"))
    wait_until_quiet(preview, before)
    assert preview.session.state.number > before
    assert page_text(preview, "/projects/launch/")[0] == 404
    assert page_text(preview, "/programmes/launch/")[0] == 200

    before = preview.session.state.number
    (renamed / "launch.md").write_text(NEW_PAGE.replace("Freshly written text.", "Edited inside a renamed folder."))
    wait_until_quiet(preview, before)
    assert "Edited inside a renamed folder." in page_text(preview, "/programmes/launch/")[1]

    before = preview.session.state.number
    shutil.rmtree(renamed)
    wait_until_quiet(preview, before)
    assert preview.session.state.number > before
    assert page_text(preview, "/programmes/launch/")[0] == 404


@pytest.fixture
def values_yaml(project):
    """content/about/values.yaml, put back as it was after the test whatever happens."""
    values = project / "content" / "about" / "values.yaml"
    good = values.read_text()
    yield values
    if values.read_text() != good:
        values.write_text(good)


def test_a_broken_yaml_line_keeps_the_last_good_site_and_shows_the_overlay_until_fixed(preview, values_yaml):
    values = values_yaml
    good = values.read_text()
    before = preview.session.state.number
    values.write_text(good.replace("- name: Cohesiveness", "- name: Cohesiveness: broken"))
    state = wait_for_build(preview, before)
    assert not state.ok
    broken_line = good.splitlines().index("- name: Cohesiveness") + 1
    errors = json.loads(get(preview.server.port, "/__ecosite/status")[2])["errors"]
    assert [(e["path"], e["line"]) for e in errors] == [("content/about/values.yaml", broken_line)]
    where = f"content/about/values.yaml:{broken_line}: "
    status, html = page_text(preview, "/about/values/")
    assert status == 200 and "Patient Centricity" in html  # the last good page, still served
    overlay = re.search(r'<section id="ecosite-overlay".*?</section>', html, re.S).group(0)
    assert where in overlay
    assert where in page_text(preview, "/no/such/page/")[1]  # every HTML page, the 404 page too
    assert f"{where}{errors[0]['message']}" in preview.session.err.getvalue()

    values.write_text(good)
    state = wait_for_build(preview, state.number)
    assert state.ok
    assert "ecosite-overlay" not in page_text(preview, "/about/values/")[1]
    assert json.loads(get(preview.server.port, "/__ecosite/status")[2])["errors"] == []


def test_an_edit_saved_with_a_mistake_appears_once_the_mistake_is_fixed(preview, project, values_yaml):
    mission = project / "content" / "about" / "mission.md"
    values = values_yaml
    good = values.read_text()
    before = preview.session.state.number
    mission.write_text(mission.read_text() + "\nWritten in the same burst as a mistake.\n")
    values.write_text(good.replace("- name: Cohesiveness", "- name: Cohesiveness: broken"))
    state = wait_until_quiet(preview, before)
    assert not state.ok
    values.write_text(good)
    assert wait_for_build(preview, state.number).ok
    assert "Written in the same burst as a mistake." in page_text(preview, "/about/mission/")[1]


def test_a_page_replaced_by_a_link_out_of_the_content_folder_is_refused_as_in_a_build(preview, project):
    mission = project / "content" / "about" / "mission.md"
    good = mission.read_text()
    secret = project / "secret.md"
    secret.write_text(good.replace("Our Mission", "Not For Publication"))
    before = preview.session.state.number
    mission.unlink()
    mission.symlink_to(secret)
    try:
        state = wait_until_quiet(preview, before)
        assert not state.ok
        assert [(e.path, e.message) for e in state.errors] == [
            ("content/about/mission.md", "this symbolic link points outside content/")]
        assert "Not For Publication" not in page_text(preview, "/about/mission/")[1]
    finally:
        mission.unlink()
        mission.write_text(good)
    assert wait_until_quiet(preview, state.number).ok


def test_the_overlay_escapes_what_it_shows(preview, project):
    before = preview.session.state.number
    hostile = project / "content" / "<img src=x onerror=alert(1)>.txt"
    hostile.write_text("not a page")
    try:
        state = wait_for_build(preview, before)
        assert not state.ok
        html = page_text(preview, "/about/")[1]
    finally:
        hostile.unlink()
    assert "<img src=x onerror" not in html
    assert "content/&lt;img src=x onerror=alert(1)&gt;.txt" in html
    assert wait_for_build(preview, state.number).ok


def test_polling_sees_changes_too(tmp_path):
    project = copy_project(REPO, tmp_path / "project")
    running = start_preview(project, poll=True)
    try:
        before = running.session.state.number
        mission = project / "content" / "about" / "mission.md"
        mission.write_text(mission.read_text() + "\nSeen by polling.\n")
        assert wait_for_build(running, before).ok
        assert "Seen by polling." in page_text(running, "/about/mission/")[1]
    finally:
        running.stop()


def test_stopping_leaves_no_staging_folders_and_releases_the_port(tmp_path):
    project = copy_project(REPO, tmp_path / "project")
    running = start_preview(project)
    port = running.server.port
    running.stop()
    assert not list(project.glob(".output.staging-*"))
    assert (project / "output" / "index.html").is_file()
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as a new preview would
        probe.bind(("127.0.0.1", port))
        probe.listen()  # free again


def test_a_site_published_under_a_path_is_previewed_under_that_path(tmp_path):
    project = copy_project(REPO, tmp_path / "project")
    settings = project / "content" / "site.yaml"
    settings.write_text(settings.read_text().replace("base_url: https://www.europeancancer.org/",
                                                     "base_url: https://www.europeancancer.org/eco/"))
    running = start_preview(project)
    try:
        assert running.session.state.ok, running.session.err.getvalue()
        status, html = page_text(running, "/eco/about/mission/")
        assert status == 200 and 'href="/eco/about/values/"' in html
        status, headers, _ = get(running.server.port, "/")
        assert (status, headers["location"]) == (301, "/eco/")
        status, headers, _ = get(running.server.port, "/eco")
        assert (status, headers["location"]) == (301, "/eco/")
        assert page_text(running, "/about/mission/")[0] == 404
    finally:
        running.stop()


def test_a_project_that_does_not_build_yet_is_served_as_an_overlay_until_it_does(tmp_path):
    project = copy_project(REPO, tmp_path / "project")
    values = project / "content" / "about" / "values.yaml"
    good = values.read_text()
    values.write_text(good.replace("- name: Cohesiveness", "- name: Cohesiveness: broken"))
    running = start_preview(project)
    try:
        assert not running.session.state.ok
        status, html = page_text(running, "/about/values/")
        assert status == 503 and "content/about/values.yaml:" in html and "nothing has built yet" in html
        assert "nothing to serve until it builds" in running.session.err.getvalue()
        values.write_text(good)
        assert wait_for_build(running, running.session.state.number).ok
        status, html = page_text(running, "/about/values/")
        assert status == 200 and "Patient Centricity" in html and "ecosite-overlay" not in html
    finally:
        running.stop()


def test_a_preview_stopped_before_it_started_stops_at_once(tmp_path):
    """As when the watcher cannot start: stopping must not wait for a server loop that never ran."""
    preview = Preview(Project(copy_project(REPO, tmp_path / "project")), port=0, out=io.StringIO(), err=io.StringIO())
    started = time.monotonic()
    preview.stop()
    assert time.monotonic() - started < 5


def _writes_into_read_only_folders() -> bool:
    """Whether this process ignores folder permissions (root does)."""
    with tempfile.TemporaryDirectory() as folder:
        os.chmod(folder, 0o555)
        try:
            Path(folder, "probe").touch()
        except PermissionError:
            return False
        finally:
            os.chmod(folder, 0o755)
        return True


READ_ONLY = pytest.mark.skipif(_writes_into_read_only_folders(), reason="this user (root) may write into a read-only "
                                                                        "folder")


@pytest.mark.parametrize("obstacle, what, hint", [
    ("a folder", "a folder is in the way of a file", "move or rename that folder, or pass --out with another folder"),
    ("a file", "a file is in the way of a folder", "move or rename that file, or pass --out with another folder"),
    pytest.param("read-only", "there is no permission to write here",
                 "make the folder writable, or pass --out with another folder", marks=READ_ONLY),
])
def test_a_write_the_system_refuses_is_one_line_as_in_a_build_and_the_last_good_site_stays(tmp_path, capsys,
                                                                                           obstacle, what, hint):
    project = copy_project(REPO, tmp_path / "project")
    running = start_preview(project)
    try:
        out = project / "output"
        blocked = out / "about" / "partners"  # where the page saved below must go
        if obstacle == "a folder":
            blocked = blocked / "index.html"
            blocked.mkdir(parents=True)
        elif obstacle == "a file":
            blocked.write_text("in the way")
        else:
            blocked.parent.chmod(0o555)
            blocked = blocked.parent / "index.html"  # the first file refused: the About page, which lists the new one
        before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
        number = running.session.state.number
        mission = project / "content" / "about" / "mission.md"
        mission.write_text(mission.read_text() + "\nSaved together with the new page.\n")
        (project / "content" / "about" / "partners.md").write_text(NEW_PAGE)
        state = wait_until_quiet(running, number)
        line = f"{blocked}:1: could not write the site: {what}; output/ was left as it was - {hint}"

        assert not state.ok and [str(error) for error in state.errors] == [line]
        assert json.loads(get(running.server.port, "/__ecosite/status")[2])["errors"] == [
            {"path": str(blocked), "line": 0, "message": f"could not write the site: {what}; output/ was left as it was",
             "hint": hint}]
        status, html = page_text(running, "/about/mission/")
        assert status == 200 and "Saved together with the new page." not in html  # the last good page
        overlay = re.search(r'<section id="ecosite-overlay".*?</section>', html, re.S).group(0)
        assert f'<code class="first">{line}</code>' in overlay
        assert page_text(running, "/about/partners/")[0] == 404
        assert f"{line}\nBuild {state.number} failed: 1 problem; still serving the last good site.\n" in \
            running.session.err.getvalue()
        assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before  # no file half-replaced

        assert main(["build", "--root", str(project)]) == 1  # what `ecosite build` says of the same output/
        assert capsys.readouterr().err == f"{line}\nBuild failed: 1 problem; output/ was not changed.\n"

        if obstacle == "read-only":
            (out / "about").chmod(0o755)
        else:
            shutil.rmtree(blocked) if blocked.is_dir() else blocked.unlink()
        mission.write_text(mission.read_text() + "\nThe obstacle is gone.\n")
        assert wait_until_quiet(running, state.number).ok
        assert "The obstacle is gone." in page_text(running, "/about/mission/")[1]
        assert page_text(running, "/about/partners/")[0] == 200
    finally:
        running.stop()
        (project / "output" / "about").chmod(0o755)


def test_the_search_index_after_a_save_waits_until_an_open_tab_shows_the_new_page(preview, project, monkeypatch):
    """Indexing takes both cores: a tab fetching and showing its page meanwhile is slowed by half."""
    from ecosite.preview import builds
    monkeypatch.setattr(builds, "TAB_SHOW_SECONDS", 60)
    tab = socket.create_connection(("127.0.0.1", preview.server.port), timeout=10)
    try:
        tab.sendall(b"GET /__ecosite/events HTTP/1.1\r\nHost: localhost\r\n\r\n")
        deadline = time.monotonic() + 10
        while preview.session.tabs < 1 and time.monotonic() < deadline:  # the tab now follows the builds
            time.sleep(0.01)
        before = preview.session.state.number
        mission = project / "content" / "about" / "mission.md"
        mission.write_text(mission.read_text() + "\nA sentence for the open tab.\n")
        wait_for_build(preview, before)
        time.sleep(1.0)  # far longer than the real site's indexing takes
        assert preview.session.building, "the index is left until the tab says it shows the page"
        assert get(preview.server.port, "/__ecosite/shown")[0] == 204
        deadline = time.monotonic() + 30
        while preview.session.building and time.monotonic() < deadline:
            time.sleep(0.02)
        assert not preview.session.building
    finally:
        preview.session.page_shown()
        tab.close()
