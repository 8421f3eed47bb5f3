"""Site search: a static Pagefind index built from the rendered pages, in shards, as part of the build.

Pagefind's binary ships inside the `pagefind[bin]` package; it runs over a folder of each shard's pages
(in memory where Linux has /dev/shm, else hard links beside output/), and a full build has it write the
bundles straight into the staging folder, so no bundle is read back and written again. A site of many pages is indexed in shards,
each a Pagefind bundle of its own that the search page merges at query time (Pagefind's
`mergeIndex`): the first shard is `pagefind/` itself, the others `pagefind/shard-<hash of its first page>/`;
`pagefind/shards.json` lists the bundles for the search page, and `pagefind/ecosite-shards.json` which pages
and files each holds, for the next build. Shards are runs of the pages sorted by path, so a section's pages
(the pages one edit re-renders: a page, its neighbours, the summit's pages) share a shard or two; a run ends
where a page's path hashes to a cut, so adding or removing a page changes only the shard it falls in. The
record also holds a digest of what Pagefind read of each page (what_pagefind_reads: not the layout around
`<main>`), so an edit re-indexes only the shards of the pages whose digest it changed, without reading the
old pages back, and keeps every other bundle as it is. The search page then needs no server code at all,
only the browser.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import json
import os
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Mapping
from collections.abc import Set as AbstractSet
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import NamedTuple

from ecosite.errors import BuildError, ContentError
from ecosite.outputs.publication import Publication
from ecosite.project import remove_abandoned, scratch_path
from ecosite.site.model import LIST_KIND
from ecosite.write.staging import put_file, staged_path

BUNDLE_DIR = "pagefind"
MANIFEST = f"{BUNDLE_DIR}/shards.json"  # the bundles, read by the search page
SHARD_STATE = f"{BUNDLE_DIR}/ecosite-shards.json"  # each shard's pages, files and reads, for the next build
SEARCH_TEMPLATE = "search.html"
TIMEOUT_SECONDS = 300
SHARD_PAGES = 400  # pages per shard, about: indexing one shard takes well under a second


def _failure(message: str, hint: str) -> BuildError:
    return BuildError([ContentError("search index", 0, message, hint)])


def shards_of(pages: list[str]) -> dict[str, list[str]]:
    """bundle folder -> the pages it indexes: the sorted pages cut into runs of SHARD_PAGES on average,
    each cut decided by the path after it alone. A run is at least three quarters of that and at most
    twice: an edit re-indexes its page's shard, and with runs of a quarter to four times (a run ended by
    one path in 400) the shard of a page picked at random held 570-690 pages on average, up to 1,430, and
    1,058 pages of a 1,155-page section sat in one; now 380-440, up to 800."""
    runs: list[list[str]] = [[]]
    shortest, longest, one_in = max(1, SHARD_PAGES * 3 // 4), SHARD_PAGES * 2, max(1, SHARD_PAGES // 4)
    for rel in sorted(pages):
        run = runs[-1]
        if len(run) >= longest or len(run) >= shortest and _hash(rel) % one_in == 0:
            runs.append(run := [])
        run.append(rel)
    return {BUNDLE_DIR if number == 0 else f"{BUNDLE_DIR}/shard-{_hash(run[0]):016x}": run
            for number, run in enumerate(runs)}


def _hash(path: str) -> int:
    return int.from_bytes(hashlib.blake2b(path.encode(), digest_size=8).digest(), "big")


def _command() -> list[str]:
    """The Pagefind binary itself (a Python wrapper in front of it costs a second per shard)."""
    try:
        from pagefind_bin import get_executable
        return [str(get_executable())]
    except Exception:  # noqa: BLE001 - no binary package: the module finds one, or says why not
        return [sys.executable, "-m", "pagefind"]


class ShardRecord(NamedTuple):
    """One shard as a build left it: the pages it indexed, its files, and what Pagefind read of each page
    (`reads[i]` the digest of what_pagefind_reads of `pages[i]`; empty in a record without them)."""
    pages: list[str]
    files: list[str]
    reads: list[str]


def read_shard_state(out: Path, damaged: AbstractSet[str] = frozenset()) -> dict[str, ShardRecord]:
    """bundle folder -> its ShardRecord as a previous build left it in `out`, for the shards none of whose
    files is `damaged` (found missing or altered by the build's check of its last output); empty when
    there is no readable record."""
    try:
        state = json.loads((out / SHARD_STATE).read_bytes())
        reads = state.get("reads", {})
        shards = {str(shard): ShardRecord(list(pages), list(state["files"][shard]), _aligned(reads.get(shard), pages))
                  for shard, pages in state["pages"].items()}
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return {}
    return {shard: record for shard, record in shards.items() if damaged.isdisjoint(record.files)}


def _aligned(reads: object, pages: list[str]) -> list[str]:
    """A shard's digests if there is one string for each page, else none (each page then counts as changed)."""
    if isinstance(reads, list) and len(reads) == len(pages) and all(isinstance(read, str) for read in reads):
        return reads
    return []


def _digest(read: bytes) -> str:
    return hashlib.blake2b(read, digest_size=8).hexdigest()


Indexed = tuple[dict[str, bytes], list[str], list[str]]  # what search_bundles returns


def search_bundles(files: Mapping[str, bytes], to_index: list[str], changed: set[str] | None = None,
                   previous: dict[str, ShardRecord] | None = None,
                   on_disk: Callable[[str], Path | None] | None = None, write_to: Path | None = None,
                   scratch: Path | None = None, on_started: Callable[[], None] = lambda: None) -> Indexed:
    """Index the HTML files named in `to_index` (by their `<main>`), shard by shard.

    `changed` (pages whose bytes may differ from what the last index read of them) and `previous`
    (read_shard_state) let a rebuild index only the shards that gained or lost a page or hold a changed
    one whose digest of what Pagefind reads (what_pagefind_reads) differs from the one the last index
    recorded; None indexes all.
    `on_disk(name)` gives the path of a page already written, to hard-link rather than copy into the
    folder Pagefind reads (made beside `scratch`, the output folder, when given). With `write_to` (a full
    build's staging folder) Pagefind writes the bundles there itself. `on_started()` is called (perhaps
    more than once) once as many Pagefind processes run as there are cores, or no shard is left to start.
    Returns the new bundle files in memory (the two records included), the names of those written to
    `write_to`, and the files of the shards kept as they were.
    """
    shards = shards_of(to_index)
    previous = previous or {}
    indexed = {rel: read for record in previous.values() for rel, read in zip(record.pages, record.reads)}
    reads_now: dict[str, str] = {}

    def read_now(rel: str) -> str:
        if rel not in reads_now:
            reads_now[rel] = _digest(what_pagefind_reads(files[rel]))
        return reads_now[rel]

    def read_on_disk(rel: str) -> str:
        """What Pagefind reads of a page linked from output/: for an unchanged one, what the last index read."""
        unchanged = changed is not None and rel not in changed and rel in indexed
        return indexed[rel] if unchanged else read_now(rel)

    kept = set()
    if changed is not None:
        kept = {shard for shard, pages in shards.items() if shard in previous and previous[shard].pages == pages
                and all(rel not in changed or indexed.get(rel) == read_now(rel) for rel in pages)}
    reads: dict[str, list[str]] = {shard: previous[shard].reads for shard in kept}
    bundles: dict[str, bytes] = {}
    ram = _ram_scratch()
    disk = functools.cache(lambda: _scratch(scratch))  # made only once a shard is staged on disk
    done: queue.SimpleQueue[Exited] = queue.SimpleQueue()
    running: dict[str, tuple[Path, Path, subprocess.Popen, int | None]] = {}
    try:
        order = iter(sorted(set(shards) - kept, key=lambda shard: (-len(shards[shard]), shard)))  # largest first
        cores: list[int | None] = [*_cores_to_pin(len(shards) - len(kept))] or [None] * _parallel()

        def stage_next() -> tuple[str, Path] | None:
            shard = next(order, None)
            if shard is None:
                return None
            folder, reads[shard] = _staged(shard.replace("/", "-"), shards[shard], files, on_disk, read_on_disk,
                                           ram, disk)
            return shard, folder
        ahead = stage_next()
        while ahead is not None or running:
            if ahead is not None and len(running) < _parallel():
                shard, temporary = ahead
                bundle = write_to / shard if write_to else temporary / "bundle"
                core = cores.pop(0)  # a core no shard runs on: the one the last shard to finish used
                process = _start(temporary / "site", bundle, core)
                running[shard] = (temporary, bundle, process, core)
                _wait_in_a_thread(shard, process, done)
                ahead = stage_next()  # while the shards started run: a core set free starts the next at once
                continue
            on_started()
            shard, code, out, err = done.get()  # whichever shard finishes first
            temporary, bundle, _, core = running.pop(shard)
            cores.append(core)
            _finish(shard, bundle, code, out, err, None if write_to else bundles)
            if ram is not None and temporary.is_relative_to(ram):  # cheap in memory, and frees it for the next
                shutil.rmtree(temporary, ignore_errors=True)
        on_started()
        bundles = dict(sorted(bundles.items()))  # in one order whichever shard finished first
    finally:
        for _, _, process, _ in running.values():  # a shard failed: the others are not waited for
            process.kill()
        if disk.cache_info().currsize:
            _remove_later(disk())
        if ram is not None:
            shutil.rmtree(ram, ignore_errors=True)
    written = _files_under(write_to, BUNDLE_DIR) if write_to else []
    made = [*bundles, *written]
    shard_files = {shard: previous[shard].files if shard in kept else sorted(
        name for name in made if _in_bundle(name, shard)) for shard in shards}
    state = {"pages": shards, "files": shard_files, "reads": dict(sorted(reads.items()))}
    bundles[MANIFEST] = (json.dumps({"bundles": [shard + "/" for shard in shards]}) + "\n").encode()
    bundles[SHARD_STATE] = (json.dumps(state, separators=(",", ":"), sort_keys=True) + "\n").encode()
    return bundles, written, [name for shard in sorted(kept) for name in shard_files[shard]]


def _files_under(root: Path, folder: str) -> list[str]:
    """The files Pagefind wrote under root/folder, as sorted paths from root. Listed from the folders
    themselves (their entries know their type): a stat per file took 0.15 s for the 10,654 files of a
    10,000-page site, at the end of a cold build, when nothing else runs beside it."""
    found = []
    for at, _, names in os.walk(root / folder):
        prefix = Path(at).relative_to(root).as_posix()
        found += [f"{prefix}/{name}" for name in names]
    return sorted(found)


def _in_bundle(name: str, shard: str) -> bool:
    if shard != BUNDLE_DIR:
        return name.startswith(shard + "/")
    return name.startswith(BUNDLE_DIR + "/") and not name.startswith(f"{BUNDLE_DIR}/shard-")


def _parallel() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))


def _staged(name: str, pages: list[str], files: Mapping[str, bytes], on_disk: Callable[[str], Path | None] | None,
            read_on_disk: Callable[[str], str], ram: Path | None, disk: Callable[[], Path]) -> tuple[Path, list[str]]:
    """A folder holding the shard's pages in `site/`, in memory (`ram`) unless it is full, else on disk;
    and the digest of what Pagefind reads of each page."""
    if ram is not None:
        try:
            return ram / name, _stage(ram / name / "site", pages, files, None, read_on_disk)
        except OSError:  # memory full: this shard goes beside output/ (indexed in another order, as valid)
            shutil.rmtree(ram / name, ignore_errors=True)
    return disk() / name, _stage(disk() / name / "site", pages, files, on_disk, read_on_disk)


def _stage(staging: Path, pages: list[str], files: Mapping[str, bytes],
           on_disk: Callable[[str], Path | None] | None, read_on_disk: Callable[[str], str]) -> list[str]:
    """The shard's pages in a folder of their own, made in sorted order: Pagefind's index depends on the
    order it lists files in, so this is what keeps the index the same from build to build (hard links
    where the page is on disk). Returns the digest of what Pagefind reads of each page.
    Plain os calls on strings, each folder made once: a cold build stages every page while Pagefind
    runs on both cores, and with Path objects staging 10,000 pages took 1.5-1.9 s of the interpreter
    (0.8-1.3 s now)."""
    staging.mkdir(parents=True)
    root = str(staging)
    made = {root}
    reads = []
    for rel in pages:
        source = on_disk(rel) if on_disk else None
        if source is not None and _linked(source, root, rel, made):
            reads.append(read_on_disk(rel))
            continue
        read = what_pagefind_reads(files[rel])
        put_file(root, None, rel, read, made)
        reads.append(_digest(read))
    return reads


def _linked(source: Path, root: str, rel: str, made: set[str]) -> bool:
    """Whether the page could be hard-linked into the folder at root (`made`: its folders made so far)."""
    try:
        os.link(source, staged_path(root, rel, made))
        return True
    except OSError:
        return False


IGNORED_ASIDE = b'data-pagefind-ignore="all"'


def what_pagefind_reads(page: bytes) -> bytes:
    """The page without what Pagefind skips: what `<head>` holds, the body outside `<main>` (its root)
    and the asides inside it marked `data-pagefind-ignore="all"`. Pagefind spends a tenth less time on
    a shard, and makes the same bundle byte for byte (tests/outputs/test_publish.py); a page of any
    other shape is given whole. So two pages that read the same here are indexed the same: a change to
    the layout around `<main>` (the header, the footer, the stylesheet's address) re-indexes nothing.
    Plain searches for the tags, not a regular expression: this runs on every page of every shard."""
    start, end = page.find(b"<main"), page.rfind(b"</main>")
    body = page.rfind(b"<body", 0, start)
    body_end = page.find(b">", body, start) + 1
    if not (0 < body_end <= start < end) or page[start + 5:start + 6] not in b" >" \
            or page.find(b"<main", start + 1) != -1 or page.find(b"</main>", start, end) != -1:
        return page  # one <main> in the body, closed once
    head = page.find(b"<head", 0, body)
    head_end = page.find(b">", head, body) + 1 if head != -1 and page[head + 5:head + 6] in b" >" else 0
    head_close = page.find(b"</head>", head_end, body) if head_end else -1
    kept = [page[:body_end]] if head_close == -1 else [page[:head_end], page[head_close:body_end]]
    at = start
    while (aside := page.find(b"<aside", at, end)) != -1:
        tag_end = page.find(b">", aside, end)
        close = page.find(b"</aside>", tag_end, end)
        if tag_end == -1 or close == -1:
            return page
        if IGNORED_ASIDE in page[aside:tag_end] and page.find(b"<aside", tag_end, close) == -1:
            kept.append(page[at:aside])  # an ignored aside holding no other: left out
            at = close + len(b"</aside>")
        else:
            kept.append(page[at:tag_end])
            at = tag_end
    kept.append(page[at:end])
    kept.append(b"</main></body></html>")
    return b"".join(kept)


_scratch_count = itertools.count()


def _scratch(out: Path | None) -> Path:
    """A fresh folder to stage pages in: beside output/ (the same disk, so pages are hard-linked)."""
    if out is None:
        return Path(tempfile.mkdtemp(prefix="ecosite-search-"))
    folder = scratch_path(out, f"search{next(_scratch_count)}-")
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


RAM_FOLDER = Path("/dev/shm")  # Linux's memory-backed folder
RAM_NEEDED = 256 * 1024 * 1024  # its size, in bytes, for shards to be staged in it (two shards take a few MB)
RAM_PREFIX = "ecosite-search-"


def _ram_scratch() -> Path | None:
    """A folder in memory to stage shards in, or None. A shard is a folder and a file per page: on a disk,
    making and removing them cost a third of re-indexing one (0.5 s for 650 pages, 0.03 s in memory).

    Chosen by the folder's size, not its free space, so that a machine always stages in the same place:
    Pagefind indexes pages in the order it lists them, which is creation order in memory and a hash order
    on most disks (the same on every build there, but not the same as in memory). Named after this
    process: a build finding the folder of a process that died removes it."""
    try:
        size = os.statvfs(RAM_FOLDER)
        if size.f_blocks * size.f_frsize < RAM_NEEDED:
            return None
        remove_abandoned(RAM_FOLDER, f"{RAM_PREFIX}*", keep_own=True)
        folder = RAM_FOLDER / f"{RAM_PREFIX}{next(_scratch_count)}-{os.getpid()}"
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir()
        return folder
    except OSError:  # no such folder, or not ours to write in
        return None


_cleanups: list[threading.Thread] = []


def _remove_later(folder: Path) -> None:
    """Removing a folder per page is slow on some disks (over a second for 400): it runs while the build
    goes on, and the build waits for it at its end (finish_cleanup)."""
    thread = threading.Thread(target=shutil.rmtree, args=(folder,), kwargs={"ignore_errors": True},
                              name="ecosite-search-cleanup")
    thread.start()
    _cleanups.append(thread)


def finish_cleanup() -> None:
    """Wait until the staging folders of the search index are gone (the end of every build)."""
    while _cleanups:
        _cleanups.pop().join()


def _cores_to_pin(shards: int) -> list[int]:
    """The cores to give the shards' Pagefind processes, one each in turn (`taskset`): two processes each
    free to use every core made a cold build of 10,000 pages 3 % slower (pairs taken in turn, 1.020-1.044).
    None for fewer shards than two a core, where one process runs alone much of the time and wants them all."""
    if not hasattr(os, "sched_getaffinity") or not shutil.which("taskset"):
        return []
    cores = sorted(os.sched_getaffinity(0))  # as many as _parallel() runs at once
    return cores if len(cores) > 1 and shards >= 2 * len(cores) else []


def _start(site: Path, bundle: Path, core: int | None = None) -> subprocess.Popen:
    pin = ["taskset", "-c", str(core)] if core is not None else []
    command = [*pin, *_command(), "--site", str(site), "--output-path", str(bundle),
               "--root-selector", "main", "--silent"]
    try:
        return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    except OSError as exc:
        raise _failure(f"Pagefind could not be started ({exc.strerror or exc})",
                       "install it with `pip install 'pagefind[bin]'`, or build with --no-search") from None


Exited = tuple[str, int | None, str, str]  # a Pagefind process's shard, exit code (None: timed out), output, errors


def _wait_in_a_thread(shard: str, process: subprocess.Popen, done: queue.SimpleQueue[Exited]) -> None:
    """Wait for one shard's Pagefind (reading what it prints) beside the others, and tell `done` it exited.
    Waited for in the order they started, with the next shard staged only then, the shards left a core
    without Pagefind for 1.4-1.7 core-seconds of a cold build of 10,000 pages; 0.7-1.2 now."""
    def wait() -> None:
        try:
            out, err = process.communicate(timeout=TIMEOUT_SECONDS)
            done.put((shard, process.returncode, out, err))
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()
            done.put((shard, None, "", ""))
        except BaseException as exc:  # noqa: BLE001 - the build learns of it as a failed shard
            done.put((shard, -1, "", str(exc)))
    threading.Thread(target=wait, name="ecosite-search-wait", daemon=True).start()


def _finish(shard: str, bundle: Path, code: int | None, out: str, err: str, bundles: dict[str, bytes] | None) -> None:
    """Check one finished shard; read its bundle into `bundles` (None: it was written where it belongs)."""
    if code is None:
        raise _failure(f"Pagefind did not finish within {TIMEOUT_SECONDS} seconds",
                       "build with --no-search to publish without search")
    if code != 0 or not (bundle / "pagefind.js").is_file():
        said = (err or out).strip().splitlines()
        detail = said[-1] if said else f"exit code {code}"
        raise _failure(f"Pagefind could not build the search index ({detail})",
                       "install it with `pip install 'pagefind[bin]'`, or build with --no-search")
    if bundles is None:
        return
    for path in sorted(bundle.rglob("*")):
        if path.is_file():
            bundles[f"{shard}/{path.relative_to(bundle).as_posix()}"] = path.read_bytes()
    shutil.rmtree(bundle, ignore_errors=True)


def search_pages(publication: Publication) -> set[str]:
    """The search page itself is not worth finding through search. Only front matter can give a page
    search.html: template_for falls back to home.html, 404.html, SECTION/index.html, SECTION/page.html or
    page.html. Asking a template environment for every page's template took 25 ms of a rebuild at 10,000 pages."""
    return {page.output_path for page in publication.site.pages if page.meta.template == SEARCH_TEMPLATE}


Finish = Callable[[], None]  # waits for an output made alongside the next ones, and adds its files


def publish(publication: Publication) -> Finish | None:
    """The Pagefind index of every page but the hidden ones and pages 2.. of a list; none without a search page.

    With the last build's output known (publication.last), only the shards holding a changed page are
    indexed again; the others are kept as they are. A deferring build (the preview's, before the reload)
    keeps the last index as it is, whatever changed: the build that settles the debt decides again.
    Pagefind runs in a thread while the outputs after this one are made; the Finish returned waits for
    it and adds the bundles to the files (publishing calls it before gzip). This returns once the first
    shards are staged and indexing: staging a shard of 476 pages took 0.35-0.48 s while the feed and the
    sitemap were made beside it (the thread waits for the interpreter after every file), 0.08 s alone."""
    files, last = publication.files, publication.last
    previous = read_shard_state(last.out, last.damaged) if last is not None else {}
    if last is not None and publication.defer_search and previous and (
            MANIFEST in files or (last.out / MANIFEST).is_file()):
        for name in [MANIFEST, SHARD_STATE, *(name for record in previous.values() for name in record.files)]:
            last.keep(name)  # served as it was until the build that settles the debt
        publication.search_debt |= last.touched
        return None
    searching = search_pages(publication)
    if not searching:
        return None
    lists = {page.output_path for page in publication.site.pages if page.source.kind == LIST_KIND}
    skipped = publication.hidden | searching | lists
    to_index = [rel for rel in files if rel.endswith(".html") and rel not in skipped]
    started = threading.Event()

    owed = set(publication.search_debt)

    def index() -> Indexed:
        try:
            if last is None:  # every shard from scratch, in memory
                return search_bundles(files, to_index, on_started=started.set)
            return search_bundles(files, to_index, last.touched | owed, previous, last.path_of,
                                  write_to=last.out if last.writable else None, scratch=publication.project.out,
                                  on_started=started.set)
        finally:
            started.set()  # a failure too: it is raised by finish()
    indexing = _in_a_thread(index)
    started.wait()  # the first shards are staged with no other Python work to share the interpreter with

    def finish() -> None:
        bundles, written, kept = indexing.result()  # raises what the thread raised (a BuildError)
        publication.search_debt = set()
        files.update(bundles)
        if last is not None:
            for name in [*written, *kept]:
                last.keep(name)
    return finish


def _in_a_thread(work: Callable[[], Indexed]) -> Future[Indexed]:
    """search_bundles mostly waits for Pagefind: it runs while the feed and sitemap are made."""
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ecosite-search")
    try:
        return pool.submit(work)
    finally:
        pool.shutdown(wait=False)  # the thread ends with its one task
