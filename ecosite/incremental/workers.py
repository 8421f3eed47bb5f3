"""Work spread over all cores: compiling pages and rendering them, in forked worker processes.

Only worth it for many pages: starting workers costs tens of milliseconds, so a small site, or a
rebuild that touches a few pages, runs in the calling process. Workers are forked, so they inherit
the linked site instead of receiving it pickled; they send back only HTML bytes and what each page read.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import signal
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from typing import Any, Generic, TypeVar

from ecosite.incremental import collector

T = TypeVar("T")
R = TypeVar("R")

POOL_THRESHOLD = 300  # items; below this one process is faster than starting workers
SHARE = 3  # each chunk is 1/(SHARE * workers) of the items still to hand out
SMALLEST_CHUNK = 40  # items; the last chunks are this small, so no worker finishes long before the other

_job: tuple[Callable, list] | None = None  # what forked workers run, set just before forking


def worker_count() -> int:
    """The cores this process may use; ECOSITE_JOBS=1 forces a single process (for comparison)."""
    if os.environ.get("ECOSITE_JOBS", "").isdigit():
        return max(1, int(os.environ["ECOSITE_JOBS"]))
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def _run_chunk(bounds: tuple[int, int]) -> Any:
    assert _job is not None, "map_chunks sets the job before forking"
    function, items = _job
    collector.before_chunk()  # the last chunk's cycles, its result sent
    return function(items[bounds[0]:bounds[1]])


def map_chunks(function: Callable[[list[T]], R], items: list[T]) -> Iterator[R]:
    """function(chunk) for each chunk of items, in order, as each is ready; in workers when there are
    enough items (a result is handed over as soon as it arrives, so they need not all fit in memory).

    `function` and `items` reach the workers by fork, so they may hold anything (the whole Site).
    """
    workers = worker_count()
    if len(items) < POOL_THRESHOLD or workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
        yield function(items)
        return
    global _job
    bounds = chunk_bounds(len(items), workers)
    _job = (function, items)
    try:
        with collector.frozen_for_fork(), ProcessPoolExecutor(
                workers, mp_context=multiprocessing.get_context("fork"), initializer=collector.in_worker) as pool:
            yield from pool.map(_run_chunk, bounds)
    finally:
        _job = None


def chunk_bounds(count: int, workers: int) -> list[tuple[int, int]]:
    """(start, end) of each chunk: large first, then smaller and smaller (guided scheduling), so the chunk
    still running when the other worker runs out is small. With twelve chunks of one size, a cold build
    of 10,000 pages left a core idle for 0.24-0.34 core-seconds of reading; with these 27 chunks,
    0.10-0.17 (the rendering stage's idle time, 0.2-0.3, is mostly the workers starting and ending)."""
    bounds, start = [], 0
    while start < count:
        size = max(SMALLEST_CHUNK, -(-(count - start) // (SHARE * workers)))
        bounds.append((start, min(start + size, count)))
        start += size
    return bounds


class InBackground(Generic[R]):
    """function() in a forked child while the caller goes on, for work that mostly waits on the kernel
    (a stat of every file in output/): a thread would run it only between the caller's own turns at the
    interpreter. Where fork is missing, `forked` is False or the child fails, `result()` runs it in the
    caller instead, so the answer is the same either way."""

    def __init__(self, function: Callable[[], R], forked: bool = True):
        self.function = function
        self.pid: int | None = None
        self.pipe = -1
        self.answer: tuple[R] | None = None
        if forked and "fork" in multiprocessing.get_all_start_methods():
            self._fork()

    def _fork(self) -> None:
        read_end, write_end = os.pipe()
        try:
            pid = os.fork()
        except OSError:  # no process to spare: result() does the work
            os.close(read_end)
            os.close(write_end)
            return
        if pid == 0:  # the child: answer through the pipe and leave at once (no exit handlers, no buffers)
            code = 1
            try:
                os.close(read_end)
                with os.fdopen(write_end, "wb") as pipe:
                    pipe.write(pickle.dumps(self.function(), pickle.HIGHEST_PROTOCOL))
                code = 0
            finally:
                os._exit(code)
        os.close(write_end)
        self.pid, self.pipe = pid, read_end

    def result(self) -> R:
        """The function's result: waits for the child, once."""
        if self.answer is None:
            self.answer = (self._collect(),)
        return self.answer[0]

    def _collect(self) -> R:
        if self.pid is None:
            return self.function()
        with os.fdopen(self.pipe, "rb") as pipe:
            data = pipe.read()
        _, status = os.waitpid(self.pid, 0)
        self.pid = None
        return pickle.loads(data) if status == 0 and data else self.function()

    def close(self) -> None:
        """Stop a child whose result no one will ask for (the build failed first), and reap it."""
        if self.pid is not None:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            os.waitpid(self.pid, 0)
            os.close(self.pipe)
            self.pid = None
