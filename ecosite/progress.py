"""Build progress: a live status line and a summary table on a terminal, one plain line elsewhere.

An editor waiting on a long build wants to see it moving; a CI log or a pipe wants stable, plain
lines without cursor tricks. The pipeline only announces stages (`on_stage("rendering", 27)`);
this module decides what, if anything, to show; the steps and their words come from pipeline.STAGES.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from typing import TextIO

from ecosite.pipeline import SHOWN

# A build shorter than this shows no progress line at all (no flicker for quick builds).
PROGRESS_AFTER_SECONDS = 1.0
REFRESH_SECONDS = 0.5  # how often the elapsed time on the status line moves during a long stage
STAGE_ORDER = tuple(stage.name for stage in SHOWN)  # the pipeline's list, in its order
STAGE_WORDS = {stage.name: stage.counts for stage in SHOWN}
CLEAR_LINE = "\r\x1b[K"


def is_interactive(stream: TextIO) -> bool:
    """A person is watching: a terminal, not CI, not a dumb terminal."""
    if os.environ.get("CI", "").lower() in ("true", "1") or os.environ.get("TERM") == "dumb":
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _delay_from_environment() -> float:
    """ECOSITE_PROGRESS_AFTER=0 shows progress for every build (a bad value keeps the default)."""
    try:
        return max(0.0, float(os.environ.get("ECOSITE_PROGRESS_AFTER", PROGRESS_AFTER_SECONDS)))
    except ValueError:
        return PROGRESS_AFTER_SECONDS


class BuildProgress:
    """Receives the pipeline's stage announcements; use as a context manager around the build."""

    def __init__(self, stream: TextIO | None = None, after: float | None = None):
        self.stream = stream or sys.stdout
        self.interactive = is_interactive(self.stream)
        self.after = after if after is not None else _delay_from_environment()
        self.started = time.perf_counter()
        self.current = ""
        self.shown = False
        self.finished = False
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._ticker: threading.Thread | None = None

    def __enter__(self) -> BuildProgress:
        if self.interactive:
            self._ticker = threading.Thread(target=self._tick, name="build-progress", daemon=True)
            self._ticker.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        if self._ticker is not None:
            self._ticker.join(timeout=2)
        with self._lock:
            if self.shown:
                self.stream.write(CLEAR_LINE)
                self.stream.flush()
            self.shown = False
            self.finished = True

    def stage(self, name: str, count: int) -> None:
        """The pipeline's callback: a stage starts with `count` items."""
        number = STAGE_ORDER.index(name) + 1 if name in STAGE_ORDER else len(STAGE_ORDER)
        words = STAGE_WORDS.get(name, "items")
        self.current = f"[{number}/{len(STAGE_ORDER)}] {name.capitalize()} {count} {words}..."
        if self.interactive and time.perf_counter() - self.started >= self.after:
            self._show_current()

    def _tick(self) -> None:
        """After the delay, keep the status line's elapsed time moving until the build ends."""
        if self._stop.wait(self.after):
            return
        while True:
            self._show_current()
            if self._stop.wait(REFRESH_SECONDS):
                return

    def _show_current(self) -> None:
        with self._lock:
            if self.finished or not self.current:
                return
            elapsed = time.perf_counter() - self.started
            self.stream.write(f"{CLEAR_LINE}{self.current} ({elapsed:.1f} s)")
            self.stream.flush()
            self.shown = True

    def summary(self, pages: int, static_files: int, redirects: int, warnings: int, milliseconds: int,
                files: int, out: str, held: int = 0) -> None:
        """The closing report: a table on a terminal, the one-line summary anywhere else.

        `held`: pages dated in the future, left out until their date (--future includes them)."""
        if not self.interactive:
            later = (f"; {held} page{'s' if held != 1 else ''} dated in the future held back (--future includes "
                     f"{'them' if held != 1 else 'it'})") if held else ""
            print(f"Built {pages} pages and {files} files in {milliseconds} ms -> {out}/{later}", file=self.stream)
            return
        rows = [("pages", pages), ("static files", static_files), ("redirects", redirects),
                ("warnings", warnings), ("milliseconds", milliseconds)]
        if held:
            rows.insert(1, ("held back (future date)", held))
        print(summary_table(rows), file=self.stream)
        print(f"Built into {out}/", file=self.stream)


def summary_table(rows: list[tuple[str, int]]) -> str:
    """A small boxed two-column table, drawn with plain ASCII so every terminal shows it."""
    label_width = max(len(label) for label, _ in rows)
    value_width = max(len(f"{value:,}") for _, value in rows)
    rule = f"+-{'-' * label_width}-+-{'-' * value_width}-+"
    lines = [rule]
    lines += [f"| {label:<{label_width}} | {value:>{value_width},} |" for label, value in rows]
    lines.append(rule)
    return "\n".join(lines)
