"""Site search: a static Pagefind index built from the rendered pages, in shards, as part of the build.

Pagefind's binary ships inside the `pagefind[bin]` package; it runs over a staging copy of the pages
to index (hard links where the page is already on disk). A site of many pages is indexed in shards,
each a Pagefind bundle of its own that the search page merges at query time (Pagefind's
`mergeIndex`): shard 0 is `pagefind/` itself, shard N is `pagefind/shard-N/`; `pagefind/shards.json`
lists the bundles for the search page, and `pagefind/ecosite-shards.json` which pages and files each holds,
for the next build. A page belongs to a shard by a hash of its path, so an
edit re-indexes only the shards of the pages it changed and keeps every other bundle as it is. The
search page then needs no server code at all, only the browser.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path

from ecosite.errors import BuildError, ContentError
from ecosite.outputs.publication import Publication
from ecosite.render.templates import make_environment, template_for
from ecosite.site.model import LIST_KIND

BUNDLE_DIR = "pagefind"
MANIFEST = f"{BUNDLE_DIR}/shards.json"  # the bundles, read by the search page
SHARD_STATE = f"{BUNDLE_DIR}/ecosite-shards.json"  # the pages and files of each shard, read by the next build
SEARCH_TEMPLATE = "search.html"
TIMEOUT_SECONDS = 300
SHARD_PAGES = 400  # pages per shard, about: indexing one shard takes well under a second


def _failure(message: str, hint: str) -> BuildError:
    return BuildError([ContentError("search index", 0, message, hint)])


def shard_count(pages: int) -> int:
    """A power of two, so the count (and with it every page's shard) changes only when the site doubles."""
    count = 1
    while count * SHARD_PAGES < pages:
        count *= 2
    return count


def shard_of(path: str, count: int) -> int:
    return int.from_bytes(hashlib.blake2b(path.encode(), digest_size=8).digest(), "big") % count


def bundle_dir(shard: int) -> str:
    return BUNDLE_DIR if shard == 0 else f"{BUNDLE_DIR}/shard-{shard}"


def _command() -> list[str]:
    """The Pagefind binary itself (a Python wrapper in front of it costs a second per shard)."""
    try:
        from pagefind_bin import get_executable
        return [str(get_executable())]
    except Exception:  # noqa: BLE001 - no binary package: the module finds one, or says why not
        return [sys.executable, "-m", "pagefind"]


def read_shard_state(out: Path) -> dict[int, tuple[list[str], list[str]]]:
    """shard -> (the pages it indexed, its files) as a previous build left them in `out`, for the shards
    whose files are all still there (empty when there is no readable record)."""
    try:
        state = json.loads((out / SHARD_STATE).read_bytes())
        shards = {int(shard): (list(pages), list(state["files"][shard])) for shard, pages in state["pages"].items()}
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return {}
    return {shard: record for shard, record in shards.items() if all((out / name).is_file() for name in record[1])}


def search_bundles(files: Mapping[str, bytes], to_index: list[str], changed: set[str] | None = None,
                   previous: dict[int, tuple[list[str], list[str]]] | None = None,
                   on_disk: Callable[[str], Path | None] | None = None) -> tuple[dict[str, bytes], list[str]]:
    """Index the HTML files named in `to_index` (by their `<main>`), shard by shard.

    `changed` (pages whose bytes may differ from the last build) and `previous` (read_shard_state) let
    a rebuild index only the shards that hold a changed page or gained or lost one; None indexes all.
    `on_disk(name)` gives the path of a page already written, to hard-link instead of copying.
    Returns the new bundle files (the two records included) and the files of the shards kept as they were.
    """
    count = shard_count(len(to_index))
    shards: dict[int, list[str]] = {shard: [] for shard in range(count)}
    for rel in sorted(to_index):
        shards[shard_of(rel, count)].append(rel)
    previous = previous or {}
    kept = set()
    if changed is not None:
        kept = {shard for shard, pages in shards.items()
                if shard in previous and previous[shard][0] == pages and changed.isdisjoint(pages)}
    bundles: dict[str, bytes] = {}
    with tempfile.TemporaryDirectory(prefix="ecosite-search-") as folder:
        running = []
        for shard in sorted(set(shards) - kept):
            staging, bundle = Path(folder) / f"site-{shard}", Path(folder) / f"bundle-{shard}"
            _stage(staging, shards[shard], files, on_disk)
            running.append((shard, bundle, _start(staging, bundle)))
            if len(running) >= _parallel():
                _finish(*running.pop(0), bundles)
        for job in running:
            _finish(*job, bundles)
    shard_files = {shard: previous[shard][1] if shard in kept else sorted(
        name for name in bundles if _in_bundle(name, shard)) for shard in range(count)}
    state = {"pages": {str(s): pages for s, pages in shards.items()}, "files": {str(s): shard_files[s] for s in shards}}
    bundles[MANIFEST] = (json.dumps({"bundles": [bundle_dir(s) + "/" for s in range(count)]}) + "\n").encode()
    bundles[SHARD_STATE] = (json.dumps(state, separators=(",", ":"), sort_keys=True) + "\n").encode()
    return bundles, [name for shard in sorted(kept) for name in shard_files[shard]]


def _in_bundle(name: str, shard: int) -> bool:
    if shard:
        return name.startswith(bundle_dir(shard) + "/")
    return name.startswith(BUNDLE_DIR + "/") and not name.startswith(f"{BUNDLE_DIR}/shard-")


def _parallel() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))


def _stage(staging: Path, pages: list[str], files: Mapping[str, bytes],
           on_disk: Callable[[str], Path | None] | None) -> None:
    staging.mkdir(parents=True)
    for rel in pages:
        target = staging / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        source = on_disk(rel) if on_disk else None
        try:
            if source is not None:
                os.link(source, target)
                continue
        except OSError:
            pass
        target.write_bytes(files[rel])


def _start(staging: Path, bundle: Path) -> subprocess.Popen:
    command = [*_command(), "--site", str(staging), "--output-path", str(bundle), "--root-selector", "main",
               "--silent"]
    try:
        return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    except OSError as exc:
        raise _failure(f"Pagefind could not be started ({exc.strerror or exc})",
                       "install it with `pip install 'pagefind[bin]'`, or build with --no-search") from None


def _finish(shard: int, bundle: Path, process: subprocess.Popen, bundles: dict[str, bytes]) -> None:
    try:
        out, err = process.communicate(timeout=TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        raise _failure(f"Pagefind did not finish within {TIMEOUT_SECONDS} seconds",
                       "build with --no-search to publish without search") from None
    if process.returncode != 0 or not (bundle / "pagefind.js").is_file():
        said = (err or out).strip().splitlines()
        detail = said[-1] if said else f"exit code {process.returncode}"
        raise _failure(f"Pagefind could not build the search index ({detail})",
                       "install it with `pip install 'pagefind[bin]'`, or build with --no-search")
    prefix = bundle_dir(shard)
    for path in sorted(bundle.rglob("*")):
        if path.is_file():
            bundles[f"{prefix}/{path.relative_to(bundle).as_posix()}"] = path.read_bytes()
    shutil.rmtree(bundle, ignore_errors=True)


def search_bundle(files: Mapping[str, bytes], to_index: list[str]) -> dict[str, bytes]:
    """Every shard indexed from scratch: {pagefind/...: bytes}."""
    return search_bundles(files, to_index)[0]


def search_pages(publication: Publication) -> set[str]:
    """The search page itself is not worth finding through search."""
    env = make_environment(publication.project.templates_dir)
    return {page.output_path for page in publication.site.pages if template_for(page, env) == SEARCH_TEMPLATE}


def publish(publication: Publication) -> None:
    """The Pagefind index of every page but the hidden ones and pages 2.. of a list; none without a search page.

    With the last build's output known (publication.last), only the shards holding a changed page are
    indexed again; the others are kept as they are."""
    searching = search_pages(publication)
    if not searching:
        return
    files = publication.files
    lists = {page.output_path for page in publication.site.pages if page.source.kind == LIST_KIND}
    skipped = publication.hidden | searching | lists
    to_index = [rel for rel in files if rel.endswith(".html") and rel not in skipped]
    last = publication.last
    if last is None:  # every shard from scratch
        files.update(search_bundle(files, to_index))
        return
    bundles, kept = search_bundles(files, to_index, last.touched, read_shard_state(last.out), last.path_of)
    files.update(bundles)
    for name in kept:
        last.keep(name)
