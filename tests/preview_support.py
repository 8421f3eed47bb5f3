"""Helpers for the preview server's tests: start a preview on a project, speak raw HTTP to it, wait on builds."""

from __future__ import annotations

import io
import socket
import time
from pathlib import Path

from ecosite.pipeline import Project
from ecosite.preview.builds import PreviewState
from ecosite.commands.serve import Preview

BUILD_TIMEOUT = 30  # seconds a test waits for a rebuild before failing (a build takes one or two)


def start_preview(root: Path, poll: bool = False, drafts: bool = False) -> Preview:
    """A preview of ROOT on a free port, output in ROOT/output, terminal text kept in .out/.err."""
    preview = Preview(Project(root, drafts=drafts), port=0, poll=poll, out=io.StringIO(), err=io.StringIO())
    try:
        return preview.start_in_background()
    except BaseException:
        preview.stop()
        raise


def wait_for_build(preview: Preview, after: int, timeout: float = BUILD_TIMEOUT) -> PreviewState:
    """The first build numbered above `after`; fails the test if none finishes in time."""
    state = preview.session.wait_for_build(after, timeout)
    assert state is not None, f"no build after build {after} within {timeout} s"
    return state


def wait_until_quiet(preview: Preview, after: int, quiet: float = 0.4, timeout: float = BUILD_TIMEOUT) -> PreviewState:
    """The state once a build after `after` finished and nothing more was built or pending for `quiet` s."""
    wait_for_build(preview, after, timeout)
    deadline = time.monotonic() + timeout
    idle_since = None
    while time.monotonic() < deadline:
        if not preview.idle:
            idle_since = None
        elif idle_since is None:
            idle_since = time.monotonic()
        elif time.monotonic() - idle_since >= quiet:
            return preview.session.state
        time.sleep(0.02)
    raise AssertionError("builds never stopped")


def raw_request(port: int, data: bytes, timeout: float = 5) -> bytes:
    """Send bytes as they are, read until the server closes: the answer as bytes."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as connection:
        connection.sendall(data)
        chunks = []
        try:
            while chunk := connection.recv(65536):
                chunks.append(chunk)
        except ConnectionResetError:
            pass
    return b"".join(chunks)


def get(port: int, target: str, host: str = "127.0.0.1", method: str = "GET", headers: str = "") -> tuple[int, dict, bytes]:
    """One request with Connection: close -> (status, lower-cased headers, body)."""
    answer = raw_request(port, f"{method} {target} HTTP/1.1\r\nHost: {host}\r\n{headers}Connection: close\r\n\r\n"
                         .encode("latin-1"))
    return parse_response(answer)


def parse_response(answer: bytes) -> tuple[int, dict, bytes]:
    head, _, body = answer.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return status, headers, body


def write_atomically(path: Path, text: str) -> None:
    """Save the way many editors do: write a temporary file beside it, then rename it over the original."""
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(path)
