"""The build, as one list of stages: discover, read, link, render, publish, write.

This is the only place the order is written. The engine (incremental/engine.py) runs the list for every
build and preview rebuild, `generate` runs it without the writing stage, and the progress display and
the timings in BuildResult are taken from it. How each stage reuses the last build is in
incremental/stages.py; what the stages call lives in the stage packages (content/, site/, render/,
outputs/, write/).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ecosite.incremental import stages
from ecosite.incremental.state import Build
from ecosite.project import BuildResult, StageCallback, quiet


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
    finally:
        if build.staged is not None:
            build.staged.abort()  # after a swap it holds the old site; after a failure, the half-written one
    elapsed = int((time.perf_counter() - started) * 1000)
    return BuildResult(build.site, build.files, build.copies, sorted(set(build.site.warnings)), elapsed, timings,
                       len(build.held))
