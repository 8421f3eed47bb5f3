"""The build cache (.ecosite-cache/): a damaged or foreign cache is ignored, deletions reach output/."""

from __future__ import annotations

import importlib.metadata
import shutil
from pathlib import Path

import pytest
from test_incremental import clean_build, make_site, page_text, tree

from ecosite.cli import main
from ecosite.commands.build import build
from ecosite.incremental import cache, stages
from ecosite.pipeline import Engine
from ecosite.project import Project


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return make_site(tmp_path / "site")


def project_of(root: Path) -> Project:
    project = Project(root, root / "output")
    project.search = False
    return project


def poisoned_state(root: Path) -> object:
    """The cached state of a real build, with one page's cached body replaced."""
    state = cache.load(root)
    assert state is not None
    state.pages = {**state.pages, "guides/beta.md": state.pages["guides/beta.md"][:-1] + ("<p>POISON</p>",)}
    return state


def write_cache(root: Path, header: bytes, state: object) -> None:
    """Save the state as a build would, then give the state file the header given."""
    cache.save(root, state)
    with cache.cache_file(root).open("rb") as stream:
        stream.readline(), stream.readline()
        rest = stream.read()
    cache.cache_file(root).write_bytes(header + rest)


def test_a_damaged_cache_is_ignored_and_rewritten(site: Path):
    build(project_of(site))
    cache.cache_file(site).write_bytes(cache.MAGIC + b"garbage\n" + b"\x80\x05not a pickle")
    (site / "content" / "guides" / "beta.md").write_text(page_text("Beta", "Changed while the cache was broken.", False))
    build(project_of(site))
    assert tree(site / "output") == clean_build(site)
    assert cache.load(site) is not None  # the next build has a usable cache again


@pytest.mark.parametrize("truncate", [10, 200])
def test_a_truncated_cache_is_ignored(site: Path, truncate: int):
    build(project_of(site))
    data = cache.cache_file(site).read_bytes()
    cache.cache_file(site).write_bytes(data[:truncate])
    shutil.rmtree(site / "output")
    build(project_of(site))
    assert tree(site / "output") == clean_build(site)


def test_a_cache_from_another_version_of_the_generator_is_not_trusted(site: Path):
    build(project_of(site))
    state = poisoned_state(site)
    shutil.rmtree(site / "output")
    write_cache(site, cache.MAGIC + b"0123456789abcdef-another-version\n", state)
    build(project_of(site))
    assert b"POISON" not in (site / "output" / "guides/beta/index.html").read_bytes()
    assert tree(site / "output") == clean_build(site)


def test_a_cache_of_this_version_is_trusted(site: Path):
    """The counterpart of the test above: proves the poisoned state would show if it were read."""
    build(project_of(site))
    state = poisoned_state(site)
    shutil.rmtree(site / "output")
    write_cache(site, cache.MAGIC + cache.engine_fingerprint().encode() + b"\n", state)
    build(project_of(site))
    assert b"POISON" in (site / "output" / "guides/beta/index.html").read_bytes()


def test_a_cache_made_with_another_version_of_a_library_shaping_the_output_is_not_trusted(site: Path, monkeypatch):
    """A newer Markdown parser, say: the pages a rebuild kept would be the old one's, the others the new one's."""
    build(project_of(site))
    state = poisoned_state(site)
    shutil.rmtree(site / "output")
    write_cache(site, cache.MAGIC + cache.engine_fingerprint().encode() + b"\n", state)  # trusted as it is (above)
    real = importlib.metadata.version
    monkeypatch.setattr(importlib.metadata, "version",
                        lambda name: "99.0" if name == "markdown-it-py" else real(name))
    monkeypatch.setattr(cache, "_engine_fingerprint", None)  # worked out again, as by the next process
    build(project_of(site))
    assert b"POISON" not in (site / "output" / "guides/beta/index.html").read_bytes()
    assert tree(site / "output") == clean_build(site)


def test_deleting_the_cache_gives_the_same_site(site: Path):
    build(project_of(site))
    first = tree(site / "output")
    shutil.rmtree(site / ".ecosite-cache")
    build(project_of(site))
    assert tree(site / "output") == first


def test_deleting_a_page_removes_its_output_and_mentions_of_it(site: Path):
    build(project_of(site))
    assert (site / "output" / "guides" / "beta" / "index.html").is_file()
    (site / "content" / "guides" / "beta.md").unlink()
    build(project_of(site))
    assert not (site / "output" / "guides" / "beta").exists()
    assert b"/guides/beta/" not in (site / "output" / "guides" / "alpha" / "index.html").read_bytes()
    assert b"/guides/beta/" not in (site / "output" / "sitemap.xml").read_bytes()
    assert tree(site / "output") == clean_build(site)


def test_a_changed_stylesheet_replaces_the_old_fingerprinted_copy(site: Path):
    build(project_of(site))
    old = sorted(p.name for p in (site / "output" / "static" / "css").iterdir())
    (site / "content" / "static" / "css" / "site.css").write_text("body { color: navy; }\n")
    build(project_of(site))
    new = sorted(p.name for p in (site / "output" / "static" / "css").iterdir())
    assert len(old) == len(new) == 1 and old != new
    assert f"/static/css/{new[0]}".encode() in (site / "output" / "index.html").read_bytes()


@pytest.mark.parametrize("checked_in", ["the building process", "a child"])
@pytest.mark.parametrize("only_report", [False, True], ids=["build", "build that may stop early"])
def test_a_file_altered_in_output_is_put_back(site: Path, monkeypatch, checked_in: str, only_report: bool):
    if checked_in == "a child":  # as at 4,000 outputs and more
        monkeypatch.setattr(stages, "BACKGROUND_CHECK", 0)
    build(project_of(site))
    page = site / "output" / "guides" / "alpha" / "index.html"
    good = page.read_bytes()
    page.write_bytes(b"edited by hand")
    (site / "output" / "sitemap.xml").unlink()
    build(project_of(site), only_report=only_report)
    assert page.read_bytes() == good
    assert tree(site / "output") == clean_build(site)


def test_a_rebuild_with_nothing_changed_touches_nothing(site: Path, capsys):
    assert main(["build", "--root", str(site), "--no-search"]) == 0
    first = capsys.readouterr().out
    stamps = {p: p.stat().st_mtime_ns for p in [*site.joinpath("output").rglob("*"), cache.cache_file(site)]}
    assert main(["build", "--root", str(site), "--no-search"]) == 0
    second = capsys.readouterr().out
    assert {p: p.stat().st_mtime_ns for p in stamps} == stamps
    counts = first.split(" in ")[0]
    assert counts.startswith("Built ") and second.startswith(counts)  # same page and file counts


def bucket_files(root: Path) -> set[str]:
    return {path.name for path in (root / cache.CACHE_DIR).glob(f"{cache.BUCKET_PREFIX}*")}


def test_an_edit_to_one_page_rewrites_one_bucket_of_the_cache(site: Path):
    build(project_of(site))
    before = bucket_files(site)
    (site / "content" / "guides" / "beta.md").write_text(page_text("Beta", "A body edited once.", False))
    build(project_of(site))
    after = bucket_files(site)
    assert len(after - before) == 1 and len(before - after) == 1, "one new bucket, and the one it replaces gone"
    state = cache.load(site)
    assert state is not None and "A body edited once." in state.pages["guides/beta.md"][-1]


def test_damaged_buckets_of_the_cache_have_their_pages_compiled_again_and_the_next_save_mends_them(site: Path):
    build(project_of(site))
    for bucket in (site / cache.CACHE_DIR).glob(f"{cache.BUCKET_PREFIX}*"):
        bucket.write_bytes(b"\x80\x05not a pickle")
    (site / "content" / "guides" / "beta.md").write_text(page_text("Beta", "Changed while the cache was broken.", False))
    build(project_of(site))
    assert tree(site / "output") == clean_build(site)
    assert cache.load(site) is not None


def test_buckets_left_by_a_save_killed_before_its_state_file_are_removed_by_the_next(site: Path):
    build(project_of(site))
    left = site / cache.CACHE_DIR / f"{cache.BUCKET_PREFIX}00-0123456789abcdef.pickle"
    left.write_bytes(b"a bucket no state file names")
    (site / "content" / "guides" / "beta.md").write_text(page_text("Beta", "Edited after the kill.", False))
    build(project_of(site))
    assert not left.exists()
    assert tree(site / "output") == clean_build(site)


def test_the_saved_cache_is_the_state_the_build_left_with_what_writing_added(site: Path):
    """Most of the state file is pickled while Pagefind indexes, before the files are written: loaded back,
    it is the state the engine kept, with the files written, their stamps and the counts of this build."""
    engine = Engine(project_of(site))
    engine.rebuild()
    (site / "content" / "guides" / "beta.md").write_text(page_text("Beta", "A sentence about zebras.", False))
    (site / "content" / "guides" / "gamma.md").write_text(page_text("Gamma", "A page added since.", False))
    engine.rebuild()
    loaded = cache.load(site)
    assert loaded == engine.state
    assert "guides/gamma/index.html" in loaded.outputs and loaded.counts.pages == engine.state.counts.pages


def bulk_files(root: Path) -> set[str]:
    return {path.name for path in (root / cache.CACHE_DIR).glob(f"{cache.BULK_PREFIX}*")}


def test_a_save_leaves_one_bulk_file_and_removes_one_a_killed_save_left(site: Path):
    """The bulk of the state is written while Pagefind indexes: a build killed after that leaves a file no
    state file names, which the next save removes, as it does the last save's bulk."""
    build(project_of(site))
    first = bulk_files(site)
    assert len(first) == 1
    left = site / cache.CACHE_DIR / f"{cache.BULK_PREFIX}0123456789abcdef.pickle"
    left.write_bytes(b"the bulk of a save killed before its state file")
    (site / "content" / "guides" / "beta.md").write_text(page_text("Beta", "Edited after the kill.", False))
    build(project_of(site))
    now = bulk_files(site)
    assert len(now) == 1 and now != first and not left.exists()
    assert tree(site / "output") == clean_build(site)


def test_a_state_file_naming_a_missing_bulk_is_a_cold_build(site: Path):
    build(project_of(site))
    for bulk in bulk_files(site):
        (site / cache.CACHE_DIR / bulk).unlink()
    assert cache.load(site) is None
    (site / "content" / "guides" / "beta.md").write_text(page_text("Beta", "Changed while the bulk was gone.", False))
    build(project_of(site))
    assert tree(site / "output") == clean_build(site)
    assert cache.load(site) is not None
