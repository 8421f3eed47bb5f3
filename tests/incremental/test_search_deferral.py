"""The preview reloads the browser before it indexes: a rebuild may leave the search index as it was, and
the next build without that wish (the preview's own follow-up, or any `ecosite build`, even in a new
process) brings it up to date, so the output ends as a clean build's, byte for byte."""

from __future__ import annotations

from pathlib import Path

from conftest import REPO, copy_project, counting_pagefind, pagefind_runs

from ecosite.commands.build import build
from ecosite.outputs import search
from ecosite.pipeline import Engine
from ecosite.project import Project


def tree(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}


def index_files(out: Path) -> dict[str, bytes]:
    return {name: data for name, data in tree(out).items() if name.startswith(search.BUNDLE_DIR + "/")}


def clean_build(project: Project, tmp_path: Path) -> dict[str, bytes]:
    """What a build from nothing makes of the same sources."""
    build(Project(project.root, tmp_path / "clean"))
    return tree(tmp_path / "clean")


def edited_site(tmp_path: Path) -> tuple[Project, Path]:
    root = copy_project(REPO, tmp_path / "site")
    project = Project(root, root / "output")
    return project, root / "content/about/mission.md"


def test_a_deferred_rebuild_keeps_the_index_and_the_next_build_settles_it(tmp_path: Path):
    project, mission = edited_site(tmp_path)
    engine = Engine(project)
    engine.rebuild()
    before = index_files(project.out)
    mission.write_text(mission.read_text() + "\nA sentence about zebras.\n")
    deferred = engine.rebuild(changed_paths=[mission], defer_search=True)
    assert deferred.search_owed
    assert "zebras" in (project.out / "about/mission/index.html").read_text()
    assert index_files(project.out) == before  # still the old index, served as it was
    settled = engine.rebuild(changed_paths=frozenset())
    assert not settled.search_owed
    assert set(settled.explained) <= {name for name in tree(project.out) if name.startswith("pagefind/")}
    assert index_files(project.out) != before
    assert tree(project.out) == clean_build(project, tmp_path)


def test_a_debt_left_by_a_preview_that_stopped_is_settled_by_the_next_build(tmp_path: Path):
    project, mission = edited_site(tmp_path)
    Engine(project).rebuild()
    mission.write_text(mission.read_text() + "\nA sentence about zebras.\n")
    Engine(project).rebuild(defer_search=True)  # the preview, stopped before its follow-up
    again = build(project)  # a new process: the debt was kept in the build cache
    assert any(name.startswith("pagefind/") for name in again.explained)
    assert tree(project.out) == clean_build(project, tmp_path)


def test_a_build_from_another_process_between_the_reload_and_the_settling_leaves_a_whole_site(tmp_path: Path):
    """The preview saves its cache only once the index is settled; `ecosite build` run in between must not
    trust the older cache for the page the preview wrote, and the preview must then trust that build's."""
    project, mission = edited_site(tmp_path)
    engine = Engine(project)
    engine.rebuild()
    mission.write_text(mission.read_text() + "\nA sentence about zebras.\n")
    assert engine.rebuild(changed_paths=[mission], defer_search=True).search_owed
    other = build(project)  # another process: the older cache and the journal of the preview's write
    assert "about/mission/index.html" in other.explained
    mission.write_text(mission.read_text() + "\nAnd one about okapis.\n")
    engine.rebuild(changed_paths=[mission])
    assert tree(project.out) == clean_build(project, tmp_path)


def test_an_index_file_removed_while_previewing_is_made_again_by_the_build_that_settles_the_index(tmp_path: Path):
    """A deferring build leaves the index unchecked (it is half of the site's files); the settling one checks it."""
    project, mission = edited_site(tmp_path)
    engine = Engine(project)
    engine.rebuild()
    removed = next(name for name in sorted(index_files(project.out)) if name.endswith(".pf_fragment"))
    (project.out / removed).unlink()
    mission.write_text(mission.read_text())  # saved unchanged: no page, so no shard, is indexed again
    engine.rebuild(changed_paths=[mission], defer_search=True)
    settled = engine.rebuild(changed_paths=frozenset())
    assert removed in settled.explained
    assert tree(project.out) == clean_build(project, tmp_path)


def test_a_page_altered_in_output_while_previewing_is_put_back_by_the_build_that_settles_the_index(tmp_path: Path):
    """A deferring build checks no output (a stat per file on every save); the settling one checks them all."""
    project, mission = edited_site(tmp_path)
    engine = Engine(project)
    engine.rebuild()
    altered = project.out / "about/values/index.html"
    altered.write_text("edited by hand")
    mission.write_text(mission.read_text() + "\nA sentence about zebras.\n")
    deferred = engine.rebuild(changed_paths=[mission], defer_search=True)
    assert deferred.search_owed and "about/values/index.html" not in deferred.explained
    settled = engine.rebuild(changed_paths=frozenset())
    assert "about/values/index.html" in settled.explained
    assert tree(project.out) == clean_build(project, tmp_path)


def test_a_save_that_changes_no_page_still_owes_the_check_of_output(tmp_path: Path):
    project, mission = edited_site(tmp_path)
    engine = Engine(project)
    engine.rebuild()
    (project.out / "about/values/index.html").unlink()
    mission.write_text(mission.read_text())  # saved unchanged
    assert engine.rebuild(changed_paths=[mission], defer_search=True).search_owed
    engine.rebuild(changed_paths=frozenset())
    assert (project.out / "about/values/index.html").is_file()


def test_a_layout_change_previewed_indexes_no_page_again_when_the_index_is_settled(tmp_path: Path, monkeypatch):
    """The deferring build writes every page anew and owes them all to the index; the settling build
    compares what Pagefind reads of each with what the index recorded it read, so it indexes nothing."""
    monkeypatch.setattr(search, "SHARD_PAGES", 5)  # the real site's pages in several shards
    log = tmp_path / "pagefind-runs"
    counting_pagefind(monkeypatch, log)
    project, _ = edited_site(tmp_path)
    engine = Engine(project)
    engine.rebuild()
    before = pagefind_runs(log)
    assert before == len(search.read_shard_state(project.out)) > 2
    footer = project.root / "templates/footer.html"
    footer.write_text(footer.read_text().replace('<footer class="site-footer">',
                                                 '<footer class="site-footer"><p>Footer line added.</p>'))
    deferred = engine.rebuild(changed_paths=[footer], defer_search=True)
    assert deferred.search_owed and "about/mission/index.html" in deferred.explained
    settled = engine.rebuild(changed_paths=frozenset())
    assert not settled.search_owed
    assert pagefind_runs(log) == before, "no shard indexed again"
    assert tree(project.out) == clean_build(project, tmp_path)
