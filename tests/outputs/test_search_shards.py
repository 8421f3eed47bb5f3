"""How pages are placed in search shards: a site's pages in runs by path, so adding, removing or editing a
page re-indexes the shard it falls in and leaves every other one as it was."""

from __future__ import annotations

import random

from ecosite.outputs import search


def site_paths(count: int, seed: int = 3) -> list[str]:
    chooser = random.Random(seed)
    sections = ["news", "reports", "statements", "summit", "about"]
    return sorted({f"{chooser.choice(sections)}/{chooser.randrange(10**6):06d}/index.html" for _ in range(count)})


def changed_shards(before: dict[str, list[str]], after: dict[str, list[str]]) -> set[str]:
    return {name for name in before.keys() | after.keys() if before.get(name) != after.get(name)}


def test_shards_hold_every_page_once_in_runs_of_bounded_size():
    paths = site_paths(10_000)
    shards = search.shards_of(paths)
    assert sorted(page for pages in shards.values() for page in pages) == paths
    assert list(shards)[0] == search.BUNDLE_DIR  # the search page's own bundle comes first
    sizes = [len(pages) for pages in shards.values()]
    assert all(search.SHARD_PAGES * 3 // 4 <= size <= search.SHARD_PAGES * 2 for size in sizes[:-1]), sizes
    assert 10_000 / search.SHARD_PAGES / 1.25 <= len(shards) <= 10_000 / search.SHARD_PAGES * 1.25
    edited_shard_pages = sum(size * size for size in sizes) / 10_000  # the shard of a page picked at random
    assert edited_shard_pages <= search.SHARD_PAGES * 1.25, edited_shard_pages


def test_adding_or_removing_a_page_changes_only_the_shard_it_falls_in():
    paths = site_paths(10_000)
    before = search.shards_of(paths)
    for added in ("news/000000-first/index.html", "reports/500000/index.html", "zzz/last/index.html"):
        assert len(changed_shards(before, search.shards_of([*paths, added]))) <= 2, added
    for removed in paths[::997]:
        assert len(changed_shards(before, search.shards_of([p for p in paths if p != removed]))) <= 2, removed


def test_a_section_of_a_few_pages_sits_in_one_or_two_shards():
    paths = site_paths(10_000) + [f"summit/2025/{n:02d}/index.html" for n in range(22)]
    shard_of = {page: name for name, pages in search.shards_of(paths).items() for page in pages}
    assert len({shard_of[page] for page in paths if page.startswith("summit/2025/")}) <= 2
