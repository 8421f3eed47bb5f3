"""Preview session: the builds of one `ecosite serve`, numbered, and the state browsers are told about.

A rebuild is one call into the engine (`Rebuilder.rebuild`), the same stages as `ecosite build`, so
the preview can never show something a real build would not produce. A failed rebuild leaves the
last good site in output/ (the engine's atomic swap) and records the errors for the overlay.
"""

from __future__ import annotations

import secrets
import sys
import threading
import time
from collections.abc import Iterator
from collections.abc import Set as AbstractSet
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TextIO

from ecosite.errors import BuildError, ContentError
from ecosite.incremental.state import BuildResult
from ecosite.pipeline import Engine
from ecosite.progress import BuildProgress
from ecosite.project import Project, StageCallback
from ecosite.write.staging import OutputRefused

TAB_SHOW_SECONDS = 0.25  # the longest the search index waits for an open tab to show its new page


class Rebuilder:
    """The one way the preview enters the engine: rebuild the project, given what changed.

    It holds one Engine for the whole preview, so its cache stays in memory between saves. A rebuild
    keeps the search index as it was (the open page updates without waiting for Pagefind); `settle_search`
    then brings the index up to date, before the next save is built.
    `changed` names the files the watcher saw change; the engine decides what to reload and re-render.
    Changes seen by a build that failed are handed on to the next one, so fixing one file never hides
    another edit made in the same burst. The first build checks everything.
    """

    def __init__(self, project: Project):
        self.project = project
        self.engine = Engine(project)
        self.unbuilt: frozenset[Path] = frozenset()  # changes that no successful build has seen yet

    def rebuild(self, changed: frozenset[Path], on_stage: StageCallback) -> BuildResult:
        pending = self.unbuilt | changed
        try:
            result = self.engine.rebuild(changed_paths=pending or None, on_stage=on_stage, defer_search=True)
        except BaseException:
            self.unbuilt = pending
            raise
        self.unbuilt = frozenset()
        return result

    def settle_search(self, on_stage: StageCallback) -> BuildResult:
        """Index what the last rebuilds left out: no source changed, so only the search shards are redone."""
        return self.engine.rebuild(changed_paths=frozenset(), on_stage=on_stage)


@dataclass(frozen=True)
class PreviewState:
    """What the last build attempt left: its number, whether it worked, and what is being served."""

    number: int = 0
    ok: bool = False
    errors: tuple[ContentError, ...] = ()
    served: frozenset[str] = frozenset()  # output paths of the last good build
    milliseconds: int = 0
    base_path: str = "/"  # where the site lives on its host, e.g. /eco/ for https://example.org/eco/
    follow_ons: tuple[str, ...] = ()  # "3 more problems in files that use ...": see errors.BuildError

    def as_json(self) -> dict:
        return {"ok": self.ok, "build": self.number,
                "errors": [{"path": e.path, "line": e.line, "message": e.message, "hint": e.hint}
                           for e in self.errors], "follow_ons": list(self.follow_ons)}


@dataclass
class PreviewBuilds:
    """Runs builds one at a time and lets server threads wait for the next one."""

    project: Project
    out: TextIO = field(default_factory=lambda: sys.stdout)
    err: TextIO = field(default_factory=lambda: sys.stderr)

    def __post_init__(self) -> None:
        self.rebuilder = Rebuilder(self.project)
        self.token = secrets.token_hex(8)  # tells a browser tab that the server was restarted
        self._state = PreviewState()
        self._changed = threading.Condition()
        self._building = threading.Lock()
        self._page_shown = threading.Event()
        self.tabs = 0  # event streams open: browser tabs following the builds
        self.closed = False

    @property
    def state(self) -> PreviewState:
        return self._state

    @property
    def building(self) -> bool:
        return self._building.locked()

    def rebuild(self, changed: frozenset[Path] | set[Path] = frozenset()) -> PreviewState:
        """Build once, print the outcome, publish the new state to waiting browsers."""
        with self._building:
            started = time.perf_counter()
            previous = self._state
            follow_ons: tuple[str, ...] = ()
            try:
                with BuildProgress(self.out) as progress:  # a status line on a terminal when a build is slow
                    result = self.rebuilder.rebuild(frozenset(changed), progress.stage)
            except BuildError as failure:
                errors, follow_ons = tuple(failure.errors), tuple(failure.follow_ons)
            except OutputRefused as refused:
                errors = (ContentError(str(self.project.out), 0, str(refused),
                                       "move or remove it, or pass another --out"),)
            except Exception as problem:  # noqa: BLE001 - the preview outlives any one failed build
                errors = (ContentError(str(self.project.out), 0,
                                       f"the build stopped: {type(problem).__name__}: {problem}",
                                       "fix the cause, then save any file to try again"),)
            else:
                milliseconds = int((time.perf_counter() - started) * 1000)
                assert result.site is not None  # the preview never asks for the report alone
                state = PreviewState(previous.number + 1, True, (),
                                   frozenset(result.files) | frozenset(result.copies), milliseconds,
                                   result.site.config.base_path)
                self._page_shown.clear()
                self._publish(state)
                self._report_success(state, result, changed)
                if result.search_owed:
                    self._let_tabs_show()
                    self._settle_search(state)
                return self._state
            state = PreviewState(previous.number + 1, False, errors, previous.served,
                               int((time.perf_counter() - started) * 1000), previous.base_path,
                                 follow_ons)
            self._publish(state)
            self._report_failure(state)
            return state

    def _let_tabs_show(self) -> None:
        """Indexing takes both cores: an open tab fetching and showing its new page meanwhile took 50 ms,
        not 15. So the index waits until a tab says it shows it, for at most TAB_SHOW_SECONDS."""
        if self.tabs:
            self._page_shown.wait(TAB_SHOW_SECONDS)

    def page_shown(self) -> None:
        """A tab says it shows the latest build's page (the live script asks for overlay.SHOWN_PATH)."""
        self._page_shown.set()

    @contextmanager
    def following(self) -> Iterator[None]:
        """Around a tab's event stream: while it is open, the index waits for a tab to show the new page."""
        with self._changed:
            self.tabs += 1
        try:
            yield
        finally:
            with self._changed:
                self.tabs -= 1

    def _settle_search(self, built: PreviewState) -> None:
        """After the browser was told of the build: bring the search index up to date. Its files join what is
        served without a new build number (the open tab need not update for them)."""
        try:
            with BuildProgress(self.out) as progress:
                result = self.rebuilder.settle_search(progress.stage)
        except Exception as problem:  # noqa: BLE001 - reported like any failed build; the pages stay served
            errors = tuple(problem.errors) if isinstance(problem, BuildError) else (
                ContentError(str(self.project.out), 0, f"the search index was not updated: {problem}",
                             "fix the cause, then save any file to try again"),)
            state = PreviewState(built.number + 1, False, errors, built.served, built.milliseconds, built.base_path)
            self._publish(state)
            self._report_failure(state)
            return
        with self._changed:
            self._state = replace(built, served=frozenset(result.files) | frozenset(result.copies))

    def _publish(self, state: PreviewState) -> None:
        with self._changed:
            self._state = state
            self._changed.notify_all()

    def wait_for_build(self, after: int, timeout: float) -> PreviewState | None:
        """The first state newer than build `after`, or None after `timeout` or once closed."""
        with self._changed:
            self._changed.wait_for(lambda: self.closed or self._state.number > after, timeout)
            if self.closed or self._state.number <= after:
                return None
            return self._state

    def close(self) -> None:
        with self._changed:
            self.closed = True
            self._changed.notify_all()

    def _report_success(self, state: PreviewState, result: BuildResult, changed: AbstractSet[Path]) -> None:
        what = _describe(changed, self.project.root)
        print(f"{what}Built {result.counts.pages} pages in {state.milliseconds} ms (build {state.number})",
              file=self.out, flush=True)
        for warning in result.warnings:
            print(f"warning: {warning}", file=self.err, flush=True)

    def _report_failure(self, state: PreviewState) -> None:
        for error in state.errors:
            print(error, file=self.err)
        for line in state.follow_ons:
            print(line, file=self.err)
        count = len(state.errors)
        serving = "still serving the last good site" if state.served else "nothing to serve until it builds"
        print(f"Build {state.number} failed: {count} problem{'s' if count != 1 else ''}; {serving}.",
              file=self.err, flush=True)


def _describe(changed: AbstractSet[Path], root: Path) -> str:
    if not changed:
        return ""
    names = sorted(path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
                   for path in changed)
    shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
    return f"Changed {shown}. "
