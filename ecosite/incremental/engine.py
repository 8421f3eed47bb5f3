"""The build engine: runs the pipeline's stages, redoing only what the last build cannot vouch for.

`Engine(project).rebuild(changed_paths=None) -> BuildResult` runs the pipeline's stages and builds the
site into project.out. The engine keeps the last build's state in memory (the preview server holds one Engine
and calls `rebuild` after every save) and, unless `persistent=False`, in `.ecosite-cache/` for the
next process (`ecosite build` uses a fresh Engine each run). A clean build is the same run with
nothing remembered; what each stage reuses is in stages.py, what a build
knows in state.py:

1. discovering re-reads only sources whose bytes changed (a stat says so, or a digest when the stat
   is too recent to trust); `changed_paths` narrows that check to the paths a watcher reported;
2. reading compiles those pages (front matter, Markdown) plus the pages whose links point at a page
   whose address or headings changed; linking links the whole site;
3. rendering re-renders exactly the outputs whose recorded inputs (render/dependencies.py) changed,
   and those whose file in output/ is missing or was altered;
4. publishing reruns (feed, sitemap, search...) when any output changed, and writing writes only the
   files whose bytes differ and removes the outputs of deleted sources.

Anything that changes every output (site.yaml, the build options, the set of templates, the generator's
own code) makes the build cold, exactly like a first build. Large cold builds use every core
(workers.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from ecosite import pipeline
from ecosite.incremental import cache
from ecosite.incremental.build_record import record_build
from ecosite.incremental.state import Build, LastBuild
from ecosite.project import BuildResult, Project, StageCallback, quiet
from ecosite.write.in_place import Stamp, stamp


class Engine:
    """One project's builds; see the module docstring."""

    def __init__(self, project: Project, persistent: bool = True):
        self.project = project
        self.persistent = persistent
        self.state: LastBuild | None = None
        self.cache_stamp: Stamp | None = None  # the cache file as this engine last left it

    def rebuild(self, changed_paths: Iterable[Path] | None = None, on_stage: StageCallback = quiet,
                write: bool = True) -> BuildResult:
        """Run the pipeline's stages (all but writing when `write` is False); remember what a write left."""
        build = Build(self.project, self.previous, self.state is not None, self.persistent, write, changed_paths)
        stages = pipeline.STAGES if write else pipeline.STAGES[:-1]
        result = pipeline.run(build, stages, on_stage)
        if build.state is not None:
            self.remember(build.state, changed=bool(build.dirty or build.republish or build.stamps != build.old.stamps))
            if self.persistent:  # for `ecosite check`: what the folder it is asked about was built with
                record_build(self.project.root, self.project.out,
                             {"drafts": self.project.drafts, "future": self.project.future,
                              "base_url": build.config.base_url, "started_ns": build.started_ns})
        return result

    def remember(self, state: LastBuild, changed: bool) -> None:
        self.state = state
        if self.persistent and changed:
            try:
                cache.save(self.project.root, state)
            except OSError:
                pass  # a read-only project still builds; the next build is just cold
        self.cache_stamp = self._cache_stamp()

    def _cache_stamp(self) -> Stamp | None:
        return stamp(cache.cache_file(self.project.root)) if self.persistent else None

    def previous(self, signature: str) -> LastBuild:
        state = self.state
        if state is not None and self._cache_stamp() != self.cache_stamp:
            state = None  # another build (`ecosite build` beside a preview) wrote output/ since: trust its record
        if state is None and self.persistent:
            state = cache.load(self.project.root)
        if not isinstance(state, LastBuild) or state.signature != signature:
            return LastBuild(signature)
        return state

