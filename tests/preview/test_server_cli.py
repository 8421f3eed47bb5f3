"""`ecosite serve` / `python build.py serve` as an editor runs it: start, warnings, port clashes, Ctrl-C."""

from __future__ import annotations

import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import REPO, copy_project
from preview_support import get

from ecosite.cli import main

START_TIMEOUT = 60


@pytest.fixture
def project(tmp_path) -> Path:
    return copy_project(REPO, tmp_path / "project")


class Running:
    """`python build.py serve ...` in a subprocess, its output lines collected as they come."""

    def __init__(self, *args: str):
        self.process = subprocess.Popen([sys.executable, str(REPO / "build.py"), "serve", *args],
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                        env={**os.environ, "PYTHONUNBUFFERED": "1"})
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        for stream in (self.process.stdout, self.process.stderr):
            threading.Thread(target=self._read, args=(stream,), daemon=True).start()

    def _read(self, stream) -> None:
        for line in stream:
            self.lines.put(line)

    def wait_for(self, pattern: str, timeout: float = START_TIMEOUT) -> re.Match:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in self.seen:
                if found := re.search(pattern, line):
                    return found
            try:
                self.seen.append(self.lines.get(timeout=max(0.0, deadline - time.monotonic())))
            except queue.Empty:
                break
        raise AssertionError(f"no line matching {pattern!r} in {self.seen}")

    def interrupt(self, timeout: float = 30) -> int:
        self.process.send_signal(signal.SIGINT)
        code = self.process.wait(timeout)
        time.sleep(0.1)  # let the reader threads collect the last lines
        while not self.lines.empty():
            self.seen.append(self.lines.get())
        return code

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.process.stdout.close()
        self.process.stderr.close()


def test_serve_builds_serves_and_stops_cleanly_on_ctrl_c(project):
    running = Running("--root", str(project), "--port", "0")
    try:
        port = int(running.wait_for(r"Serving http://127\.0\.0\.1:(\d+)/").group(1))
        status, _, body = get(port, "/about/mission/")
        assert status == 200 and b"Mission and Vision" in body

        mission = project / "content" / "about" / "mission.md"
        mission.write_text(mission.read_text() + "\nAdded from the command-line test.\n")
        running.wait_for(r"Changed content/about/mission\.md\. Built \d+ pages in \d+ ms \(build 2\)")
        assert b"Added from the command-line test." in get(port, "/about/mission/")[2]

        mission.write_text(mission.read_text() + "\nOne more.\n")
        time.sleep(0.3)  # the rebuild has started: Ctrl-C now interrupts it
        assert running.interrupt() == 0
    finally:
        running.kill()
    assert "Stopped." in "".join(running.seen)
    assert "Traceback" not in "".join(running.seen)
    assert not [path.name for path in project.iterdir() if ".staging-" in path.name]
    assert (project / "output" / "about" / "mission" / "index.html").is_file()
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as a new preview would
        probe.bind(("127.0.0.1", port))
        probe.listen()  # the port is free again


def test_listening_beyond_this_machine_prints_a_warning(project):
    running = Running("--root", str(project), "--port", "0", "--host", "0.0.0.0")
    try:
        running.wait_for(r"warning: listening on 0\.0\.0\.0: other machines on the network can see this preview")
        port = int(running.wait_for(r"Serving http://127\.0\.0\.1:(\d+)/").group(1))
        assert get(port, "/about/")[0] == 200
        assert get(port, "/about/", host="evil.example")[0] == 403
        assert running.interrupt() == 0
    finally:
        running.kill()


def test_a_port_in_use_gives_a_clear_message_and_exit_1(project, capsys):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code = main(["serve", "--root", str(project), "--port", str(port)])
    assert code == 1
    assert capsys.readouterr().err == (f"ecosite: port {port} on 127.0.0.1 is already in use (is another preview "
                                       f"running?); stop it or choose another port, e.g. --port {port + 1}\n")
    assert not (project / "output").exists()  # nothing was built


def test_an_output_folder_that_would_overwrite_content_is_refused_before_serving(project, capsys):
    code = main(["serve", "--root", str(project), "--out", str(project / "content"), "--port", "0"])
    assert code == 2
    assert "would overwrite content/" in capsys.readouterr().err


@pytest.mark.parametrize("port", ["70000", "-1", "eighty"])
def test_a_port_that_is_not_a_port_number_is_bad_usage(project, port, capsys):
    with pytest.raises(SystemExit) as stopped:
        main(["serve", "--root", str(project), "--port", port])
    assert stopped.value.code == 2
    assert "is not a port number (0 to 65535)" in capsys.readouterr().err


def test_an_unknown_host_name_is_a_clear_message_and_exit_1(project, capsys):
    code = main(["serve", "--root", str(project), "--host", "no-such-host.invalid", "--port", "0"])
    assert code == 1
    assert capsys.readouterr().err == ("ecosite: cannot listen on no-such-host.invalid: no such address on this "
                                       "machine; try --host 127.0.0.1\n")
