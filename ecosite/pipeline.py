"""The build, as one list of stages: discover, read, link, render, publish, write.

This is the only place the order is written. The Engine below runs the list for every build and
preview rebuild (`generate` runs it without the writing stage), and the progress display and the
timings in BuildResult are taken from it. How each stage reuses the last build is in
incremental/stages.py; what the stages call lives in the stage packages (content/, site/, render/,
outputs/, write/).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ecosite.content.sources import Source
from ecosite.incremental import cache, collector, stages
from ecosite.incremental.build_record import record_build
from ecosite.incremental.state import Build, BuildResult, LastBuild
from ecosite.outputs import search
from ecosite.project import Project, StageCallback, quiet
from ecosite.site.model import Site
from ecosite.write.failures import os_failure
from ecosite.write.in_place import Journal, Stamp, stamp

JOURNAL_FILE = "writing.json"  # in the cache folder: see ecosite.write.in_place.Journal


@dataclass(frozen=True)
class Stage:
    name: str  # as progress shows it: "reading"
    counts: str | None  # what its item count is of ("source files"); None: not shown as a step
    size: Callable[[Build], int]  # its item count, known when it starts
    run: Callable[[Build], None]  # does the work, leaving the result on the build


STAGES: tuple[Stage, ...] = (
    Stage("discovering", None, lambda build: 0, stages.discovering),
    Stage("reading", "source files", lambda build: len(build.sources), stages.reading),
    Stage("linking", "pages", lambda build: len(build.pages), stages.linking),
    Stage("rendering", "pages", lambda build: len(build.site.pages), stages.rendering),
    Stage("publishing", "files", lambda build: len(build.files), stages.publishing),
    Stage("writing", "files", lambda build: len(build.files) + len(build.copies), stages.writing),
)
SHOWN = tuple(stage for stage in STAGES if stage.counts)  # the steps progress numbers [1/5]...[5/5]


def run(build: Build, stage_list: Sequence[Stage] = STAGES, on_stage: StageCallback = quiet) -> BuildResult:
    """Run the stages in order, announcing each shown one with its item count; time every stage."""
    started = time.perf_counter()
    timings: dict[str, int] = {}
    try:
        for stage in stage_list:
            if stage.counts:
                on_stage(stage.name, stage.size(build))
            began = time.perf_counter()
            stage.run(build)
            timings[stage.name] = int((time.perf_counter() - began) * 1000)
            if stage.name == "discovering" and stages.nothing_to_do(build):
                old = build.old
                assert old.counts is not None
                return BuildResult(None, {}, {}, list(old.reported), int((time.perf_counter() - started) * 1000),
                                   timings, len(old.held), {}, counts=old.counts)
    except OSError as refused:  # too many open files, say, while reading: one line naming the file
        raise os_failure(refused, build.project.out) from None
    finally:
        search.finish_cleanup()
        if build.output_check is not None:
            build.output_check.close()  # a build that failed before it asked
        if build.staged is not None:
            build.staged.abort()  # after a swap it holds the old site; after a failure, the half-written one
    elapsed = int((time.perf_counter() - started) * 1000)
    state = build.state  # a build that wrote has already counted what it reports, for the next one
    counts, reported = ((state.counts, list(state.reported)) if state is not None and state.counts is not None
                        else (stages.counts_of(build), stages.reported(build)))
    return BuildResult(build.site, build.files, build.copies, reported, elapsed, timings, len(build.held),
                       build.explained, bool(build.search_debt) or build.unchecked, counts)


class Engine:
    """One project's builds: runs the stage list, remembering each build so the next redoes only what changed.

    `Engine(project).rebuild(changed_paths=None)` builds the site into project.out. The engine keeps
    the last build's state (incremental/state.py: LastBuild) in memory -- the preview server holds one
    Engine and calls `rebuild` after every save -- and, unless `persistent=False`, in `.ecosite-cache/`
    for the next process (`ecosite build` uses a fresh Engine each run). A clean build is the same run
    with nothing remembered. What each stage reuses (incremental/stages.py):

    1. discovering re-reads only sources whose bytes changed (a stat says so, or a digest when the stat
       is too recent to trust); `changed_paths` narrows that check to the paths a watcher reported;
    2. reading compiles those pages (front matter, Markdown) plus the pages whose links point at a page
       whose address or headings changed; linking links the whole site;
    3. rendering re-renders exactly the outputs whose recorded inputs (render/dependencies.py) changed,
       and those whose file in output/ is missing or was altered, or which a killed write may have left
       wrong (the journal, write/in_place.py);
    4. publishing reruns (feed, sitemap, search...) when any output changed, and writing writes in place
       only the files whose bytes differ and removes the outputs of deleted sources.

    Anything that changes every output (site.yaml, the build options, the set of templates, the
    generator's own code) makes the build cold, exactly like a first build. Large cold builds use every
    core (incremental/workers.py).
    """

    def __init__(self, project: Project, persistent: bool = True):
        self.project = project
        self.persistent = persistent
        self.state: LastBuild | None = None
        self.cache_stamp: Stamp | None = None  # the cache file as this engine last left it
        self.journal = Journal(None)  # what an unfinished write touched (on disk beside the cache when persistent)
        self.unsaved: set[str] = set()  # journal names that self.state knows as written, its cache save skipped
        self.walked: list[Source] | None = None  # the sources the last discovery found: a watcher's edits keep them

    def rebuild(self, changed_paths: Iterable[Path] | None = None, on_stage: StageCallback = quiet,
                write: bool = True, defer_search: bool = False, only_report: bool = False) -> BuildResult:
        """Run the pipeline's stages (all but writing when `write` is False); remember what a write left.

        `defer_search` (the preview) keeps the search index as it was; `result.search_owed` then says a
        later build (any build without it) must bring the index up to date, which it does first.
        `only_report` (`ecosite build`): when nothing changed since the last build, stop after discovering
        with its report (`result.site` is then None); at 10,000 pages that is most of a no-op's time."""
        if self.persistent:  # read again: another process may have left one
            self.journal = Journal(self.project.root / cache.CACHE_DIR / JOURNAL_FILE)
        build = Build(self.project, self.previous, self.state is not None, self.persistent, write, changed_paths,
                      self.journal, self.walked)
        build.defer_search, build.only_report = defer_search, only_report
        with collector.paused():
            try:
                return self._run(build, write, on_stage)
            except BaseException:
                self.unsaved = set()  # a failed write may have touched them again: the next build checks
                raise
            finally:
                self.walked = build.walked

    def linked_site(self) -> Site:
        """The site discovered, read and linked, and nothing more: no rendering, publishing or writing."""
        build = Build(self.project, self.previous, False, False, False, None, self.journal, None)
        with collector.paused():
            try:
                for stage in STAGES:
                    stage.run(build)
                    if stage.name == "linking":
                        break
            except OSError as refused:
                raise os_failure(refused, build.project.out) from None
        return build.site

    def _run(self, build: Build, write: bool, on_stage: StageCallback) -> BuildResult:
        result = run(build, STAGES if write else STAGES[:-1], on_stage)
        if build.state is not None:
            # A preview build that owes the search index is followed at once by the build that settles it,
            # which saves the cache: saving it before the reload too only delays the reload. Until then the
            # journal keeps the names written, as after a kill, so no other process trusts the older cache.
            self.remember(build.state, changed=bool(build.dirty or build.republish or build.stamps != build.old.stamps
                                                    or build.pending), save=not result.search_owed)
            if self.persistent:  # for `ecosite check`: what the folder it is asked about was built with
                record_build(self.project.root, self.project.out,
                             {"drafts": self.project.drafts, "future": self.project.future,
                              "base_url": build.config.base_url, "started_ns": build.started_ns})
        return result

    def remember(self, state: LastBuild, changed: bool, save: bool = True) -> None:
        """Keep the state for the next build and save it; only then may the journal forget what was written."""
        self.state = state
        recorded = True
        if self.persistent and changed:
            recorded = save
            try:
                if save:
                    cache.save(self.project.root, state)
            except OSError:
                recorded = False  # a read-only project still builds; the next build is just cold
        if recorded:
            self.journal.clear()  # the cache now vouches for every file written
        self.unsaved = set() if recorded else set(self.journal.names)
        self.cache_stamp = self._cache_stamp()

    def _cache_stamp(self) -> Stamp | None:
        return stamp(cache.cache_file(self.project.root)) if self.persistent else None

    def previous(self, signature: str) -> LastBuild:
        state = self.state
        if state is not None and self._cache_stamp() != self.cache_stamp:
            state = None  # another build (`ecosite build` beside a preview) wrote output/ since: trust its record
            self.unsaved = set()
        self.journal.vouched = self.unsaved  # what the state in memory knows it wrote, when that state is used
        if state is None and self.persistent:
            state = cache.load(self.project.root)
        if not isinstance(state, LastBuild) or state.signature != signature:
            return LastBuild(signature)
        return state

