"""InBackground: work done in a forked child gives the same answer as in the caller, and is never left running."""

from __future__ import annotations

import os
import time

import pytest

from ecosite.incremental.workers import InBackground


def test_the_work_runs_in_another_process_and_its_result_comes_back():
    caller = os.getpid()
    work = InBackground(lambda: (os.getpid(), {"news/index.html", "sitemap.xml"}))
    child, names = work.result()
    assert child != caller
    assert names == {"news/index.html", "sitemap.xml"}
    assert work.result() == (child, names)  # asked again: the same answer, no second child


def test_unforked_it_runs_in_the_caller():
    assert InBackground(os.getpid, forked=False).result() == os.getpid()


def test_a_child_that_fails_leaves_the_work_to_the_caller():
    calls = []

    def work() -> int:
        calls.append(os.getpid())
        if os.getpid() != caller:
            raise OSError("the child cannot do it")
        return 7

    caller = os.getpid()
    assert InBackground(work).result() == 7
    assert calls == [caller]  # (the child's attempt was in its own memory)


def test_closing_stops_and_reaps_a_child_no_one_asked():
    work = InBackground(lambda: time.sleep(60))
    pid = work.pid
    assert pid is not None
    started = time.monotonic()
    work.close()
    assert time.monotonic() - started < 5
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)  # reaped: no zombie left behind
