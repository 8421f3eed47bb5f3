"""Watching: file-system events under the project's inputs -> one set of changed paths per burst.

Editors' tools save in bursts (write a temporary file, rename it over the original, touch the
folder), so events are collected until the tree has been quiet for a moment and then handed over
together: one burst, one rebuild. A burst whose last event leaves a file whole (closed after writing,
or renamed onto its name) is over after a much shorter quiet: that is how a save ends, and waiting
longer only delays the reload. Reading files (as a build does) is never a change, so a rebuild
cannot trigger itself.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.polling import PollingObserver

from ecosite.content.sources import is_ignored  # the same rule discovery uses

CHANGE_EVENTS = {"created", "modified", "deleted", "moved", "closed"}
COMPLETING_EVENTS = {"closed", "moved"}  # a file written and closed, or renamed into place: a save's last step
QUIET_SECONDS = 0.08  # a burst is over when nothing happened for this long
SETTLED_SECONDS = 0.02  # ... or for this long after a completing event (a tool saving several files at once)
LONGEST_BURST_SECONDS = 1.0  # a never-ending stream of events still gets a rebuild this often
POLL_SECONDS = 0.5


class ChangeWatcher:
    """Watches folders recursively; `wait()` returns the paths changed by the next complete burst."""

    def __init__(self, folders: list[Path], poll: bool = False, quiet: float = QUIET_SECONDS,
                 settled: float = SETTLED_SECONDS, longest: float = LONGEST_BURST_SECONDS):
        self.folders = [folder.resolve() for folder in folders if folder.is_dir()]
        self.quiet, self.settled, self.longest = quiet, min(settled, quiet), longest
        self._changed: set[Path] = set()
        self._first_event = 0.0
        self._last_event = 0.0
        self._last_completes = False  # the last event left a file whole (COMPLETING_EVENTS)
        self._lock = threading.Lock()
        self._arrived = threading.Event()
        self._stopped = False
        self._observer = PollingObserver(timeout=POLL_SECONDS) if poll else Observer()
        handler = _Collector(self._record)
        for folder in self.folders:
            self._observer.schedule(handler, str(folder), recursive=True)

    def start(self) -> None:
        self._observer.start()

    def stop(self) -> None:
        self._stopped = True
        self._arrived.set()
        if self._observer.is_alive():
            self._observer.stop()
            self._observer.join(timeout=5)

    @property
    def pending(self) -> bool:
        """Changes seen but not yet handed over."""
        with self._lock:
            return bool(self._changed)

    def _record(self, paths: list[Path], completes: bool = False) -> None:
        now = time.monotonic()
        with self._lock:
            if not self._changed:
                self._first_event = now
            self._changed.update(paths)
            self._last_event = now
            self._last_completes = completes
        self._arrived.set()

    def wait(self, timeout: float | None = None) -> set[Path]:
        """Block until a burst of changes is complete; an empty set after `timeout` or `stop()`."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while not self._stopped:
            remaining = None if deadline is None else deadline - time.monotonic()
            if remaining is not None and remaining <= 0:
                return set()
            # A bounded wait keeps the main thread responsive to Ctrl-C.
            if not self._arrived.wait(0.5 if remaining is None else min(0.5, remaining)):
                continue
            burst = self._take_complete_burst()
            if burst:
                return burst
            time.sleep(self.settled / 4)
        return set()

    def _take_complete_burst(self) -> set[Path]:
        now = time.monotonic()
        with self._lock:
            if not self._changed:
                self._arrived.clear()
                return set()
            quiet_enough = now - self._last_event >= (self.settled if self._last_completes else self.quiet)
            too_long = now - self._first_event >= self.longest
            if not (quiet_enough or too_long):
                return set()
            burst, self._changed = self._changed, set()
            self._arrived.clear()
            return burst


class _Collector(FileSystemEventHandler):
    """Turns watchdog events into changed paths, skipping editors' swap and backup files."""

    def __init__(self, record: Callable[[list[Path], bool], None]):
        self.record = record

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type not in CHANGE_EVENTS:
            return
        paths = [Path(_text(event.src_path))]
        if event.event_type == "moved":
            paths.append(Path(_text(event.dest_path)))
        wanted = [path for path in paths if not is_ignored(path.name)]
        if event.is_directory and event.event_type == "modified":
            return  # a folder's own timestamp; the file events inside it say what changed
        if wanted:
            self.record(wanted, event.event_type in COMPLETING_EVENTS)


def _text(path: str | bytes) -> str:
    return path.decode("utf-8", "surrogateescape") if isinstance(path, bytes) else path
