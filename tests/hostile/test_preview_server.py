"""The preview server, as a black box: `ecosite serve` in its own process, spoken to over raw
sockets so every request arrives exactly as written.

It runs next to the editor's browser, which also visits hostile pages. Incidents elsewhere:
traversal through overlong UTF-8 and `..;` (Tomcat), double decoding (IIS), symlinks in the served
folder (many static servers), DNS rebinding onto dev servers (webpack-dev-server, Vite),
permissive CORS on local tools, slowloris, and watchers that rebuilt once per event in a storm.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from .conftest import make_project, page

SECRET = "SECRET-hostile-preview-4b1d"


class Served:
    """A running `ecosite serve` and the folders around it."""

    def __init__(self, project: Path, process: subprocess.Popen, port: int):
        self.project, self.process, self.port = project, process, port
        self.out = project / "output"
        self.drains: list[threading.Thread] = []

    def request(self, raw: bytes, timeout: float = 10) -> bytes:
        with socket.create_connection(("127.0.0.1", self.port), timeout=timeout) as sock:
            sock.sendall(raw)
            return _read_all(sock)

    def get(self, target: str, host: str = "127.0.0.1", extra: str = "") -> tuple[int, str, bytes]:
        answer = self.request(f"GET {target} HTTP/1.1\r\nHost: {host}\r\n{extra}Connection: close\r\n\r\n"
                              .encode("latin-1"))
        return _parse(answer)


def _read_all(sock: socket.socket) -> bytes:
    chunks = []
    while True:
        try:
            chunk = sock.recv(65536)
        except (ConnectionResetError, TimeoutError):
            break
        if not chunk:
            break
        chunks.append(chunk)
    return b"".join(chunks)


def _parse(answer: bytes) -> tuple[int, str, bytes]:
    head, _, body = answer.partition(b"\r\n\r\n")
    match = re.match(rb"HTTP/1\.[01] (\d{3})", head)
    assert match, f"no status line in {answer[:200]!r}"
    return int(match.group(1)), head.decode("latin-1"), body


def start_serving(project: Path) -> Served:
    process = subprocess.Popen([sys.executable, "-m", "ecosite", "serve", "--root", str(project), "--port", "0",
                                "--no-search"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               cwd=project)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        match = re.search(r"Serving http://127\.0\.0\.1:(\d+)/", line or "")
        if match:
            running = Served(project, process, int(match.group(1)))
            running.drains = [threading.Thread(target=pipe.read, daemon=True) for pipe in (process.stdout, process.stderr)]
            for drain in running.drains:  # keep the pipes from filling up
                drain.start()
            return running
        if process.poll() is not None:
            said = process.stderr.read()
            process.stdout.close()
            process.stderr.close()
            raise AssertionError(f"ecosite serve exited: {said}")
    process.kill()
    raise AssertionError("ecosite serve did not say where it serves within 120 s")


def stop_serving(served: Served) -> None:
    served.process.send_signal(signal.SIGINT)
    try:
        served.process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        served.process.kill()
        served.process.wait()
    for drain in served.drains:
        drain.join(timeout=10)
    served.process.stdout.close()
    served.process.stderr.close()


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    root = tmp_path_factory.mktemp("preview")
    project = make_project(root, {"content/about.md": page("title: About", "About us.\n")})
    (project / "secret.txt").write_text(SECRET)
    (root / "secret.txt").write_text(SECRET)
    running = start_serving(project)
    yield running
    stop_serving(running)


def test_the_preview_serves_the_built_site(served):
    status, _, body = served.get("/about/")
    assert status == 200 and b"About us." in body


TRAVERSALS = [
    "/..;/secret.txt",
    "/%2e%2e;/secret.txt",
    "/..%c0%af..%c0%afsecret.txt",
    "/%e0%80%ae%e0%80%ae/secret.txt",
    "/%ef%bc%8e%ef%bc%8e/secret.txt",
    "/%u002e%u002e/secret.txt",
    "/.%2e/secret.txt",
    "/%2e./secret.txt",
    "/....//secret.txt",
    "/..%252f..%252fsecret.txt",
    "/%252e%252e%255csecret.txt",
    "/about/%2e%2e/%2e%2e/secret.txt",
    "/about/..%2F..%2Fsecret.txt",
    "/?x=/../../secret.txt",
    "/#/../../secret.txt",
    "/output/../secret.txt",
    "/%2fetc%2fpasswd",
    "/%5c..%5c..%5csecret.txt",
    "/..%09/secret.txt",
    "/ /../secret.txt",
    "//127.0.0.1/../secret.txt",
    "/\u2025/secret.txt",
]


@pytest.mark.parametrize("target", TRAVERSALS)
def test_traversal_in_other_encodings_never_reaches_a_file_outside_output(served, target):
    status, _, body = served.get(target.encode("utf-8").decode("latin-1"))
    assert SECRET.encode() not in body
    assert status in (200, 301, 400, 404), status
    if status == 200:  # only ever a page of the site
        assert b"Hostile test site" in body


ODD_REQUESTS = [
    b"GET /\r\n\r\n",
    b"GET  /  HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
    b"get / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
    b"GET / HTTP/9.9\r\nHost: 127.0.0.1\r\n\r\n",
    b"GET http://evil.example/ HTTP/1.1\r\nHost: evil.example\r\n\r\n",
    b"CONNECT 127.0.0.1:22 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
    b"OPTIONS * HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
    b"TRACE / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
    b"GET /%ff%fe HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
    b"GET /\xff\xfe HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
    b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nHost: evil.example\r\n\r\n",
    b"GET / HTTP/1.1\r\nHost : 127.0.0.1\r\n\r\n",
    b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n folded: header\r\n\r\n",
    b"\r\n\r\n\r\n",
    b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03",  # a TLS hello
    b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
]


@pytest.mark.parametrize("raw", ODD_REQUESTS)
def test_odd_requests_get_an_answer_or_a_closed_connection_and_the_server_lives_on(served, raw):
    answer = served.request(raw, timeout=3)  # a kept-alive or still-waiting connection is not a failure
    if answer:
        status, _, body = _parse(answer)
        assert 200 <= status < 600 and SECRET.encode() not in body
        assert b"Traceback" not in body
    assert served.get("/about/")[0] == 200
    assert served.process.poll() is None


@pytest.mark.parametrize("link", ["secret-file", "secret-folder", "root-folder", "etc-passwd"])
def test_symlinks_placed_inside_output_are_not_followed_out(served, link):
    """Even a built page replaced by a link to a secret is not served through the link."""
    target = served.out / "about" / "index.html"
    original = target.read_bytes()
    folder = served.out / "about"
    try:
        if link == "secret-file":
            target.unlink()
            os.symlink(served.project / "secret.txt", target)
        elif link == "etc-passwd":
            target.unlink()
            os.symlink("/etc/passwd", target)
        else:
            decoy = served.project.parent / "decoy"
            (decoy / "about").mkdir(parents=True, exist_ok=True)
            (decoy / "about" / "index.html").write_text(SECRET)
            (decoy / "index.html").write_text(SECRET)
            folder.rename(served.out / "about-saved")
            os.symlink(decoy / ("about" if link == "secret-folder" else ""), folder)
        status, _, body = served.get("/about/")
        assert SECRET.encode() not in body and b"root:" not in body
        assert status == 404
    finally:
        if folder.is_symlink() or target.is_symlink():
            (folder if folder.is_symlink() else target).unlink()
        if (served.out / "about-saved").exists():
            (served.out / "about-saved").rename(folder)
        if not target.exists():
            target.write_bytes(original)
    assert served.get("/about/")[0] == 200


@pytest.mark.parametrize("host", ["evil.example", "127.0.0.1.nip.io", "localtest.me", "localhost.evil.example",
                                  "0x7f.1", "2130706433", "127.1", "evil.example:80@127.0.0.1", "", "[::ffff:7f00:1]x"])
def test_foreign_host_names_are_refused_so_dns_rebinding_reads_nothing(served, host):
    status, _, body = served.get("/about/", host=host)
    assert status in (400, 403)
    assert b"About us." not in body


def test_a_foreign_origin_is_never_granted_cross_origin_reads(served):
    answer = served.request(b"GET /about/ HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: https://evil.example\r\n"
                            b"Sec-Fetch-Site: cross-site\r\nConnection: close\r\n\r\n")
    status, head, _ = _parse(answer)
    assert status == 200
    assert "access-control-allow-origin" not in head.lower()
    assert "access-control-allow-credentials" not in head.lower()


FOREIGN = ["Origin: https://evil.example", "Origin: null", "Sec-Fetch-Site: cross-site", "Sec-Fetch-Site: same-site",
           "Origin: http://127.0.0.1:1"]


@pytest.mark.parametrize("path", ["/__ecosite/status", "/__ecosite/events", "/__ecosite/live.js"])
@pytest.mark.parametrize("header", FOREIGN)
def test_the_previews_own_endpoints_refuse_other_sites(served, path, header):
    """The status and the event stream hold build errors (file names, lines): only the preview's pages may ask."""
    answer = served.request(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{header}\r\nConnection: close\r\n\r\n"
                            .encode())
    status, _, body = _parse(answer)
    assert status == 403
    assert b"errors" not in body and b"event:" not in body


def test_the_previews_own_pages_may_ask(served):
    port = served.port
    answer = served.request(f"GET /__ecosite/status HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nOrigin: "
                            f"http://127.0.0.1:{port}\r\nSec-Fetch-Site: same-origin\r\nConnection: close\r\n\r\n"
                            .encode())
    assert _parse(answer)[0] == 200


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH", "OPTIONS"])
def test_requests_that_could_change_something_are_refused_whatever_the_origin(served, method):
    before = sorted(p.relative_to(served.project).as_posix() for p in served.project.rglob("*"))
    body = "title: pwned"
    answer = served.request(f"{method} /content/about.md HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: https://evil.example"
                            f"\r\nContent-Type: text/plain\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n"
                            f"{body}".encode())
    status, head, _ = _parse(answer)
    assert status in (400, 405, 501)
    assert "access-control-allow" not in head.lower()
    assert sorted(p.relative_to(served.project).as_posix() for p in served.project.rglob("*")) == before


@pytest.mark.parametrize("raw", [
    b"GET /" + b"a" * 100_000 + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
    b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + b"b" * 100_000 + b"\r\n\r\n",
    b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n" + b"X-Many: 1\r\n" * 5_000 + b"\r\n",
    b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: " + b"c=" + b"x" * 9_000 + b"\r\n\r\n",
])
def test_oversized_requests_are_refused_quickly(served, raw):
    started = time.monotonic()
    status, _, _ = _parse(served.request(raw))
    assert status in (400, 414, 431)
    assert time.monotonic() - started < 10
    assert served.get("/about/")[0] == 200


def test_a_huge_declared_body_is_not_waited_for(served):
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", served.port), timeout=10) as sock:
        sock.sendall(b"GET /about/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 10000000000\r\n\r\npartial")
        sock.settimeout(10)
        first = sock.recv(65536)
    assert first.startswith(b"HTTP/1.1 ")
    assert time.monotonic() - started < 10


def test_slow_clients_do_not_hold_up_the_editor(served):
    """Ten clients trickling a request one byte at a time; a normal request is still answered at once."""
    stop = threading.Event()
    slow: list[socket.socket] = []

    def trickle(sock: socket.socket) -> None:
        request = b"GET /about/ HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"s" * 200
        for byte in request:
            if stop.is_set():
                return
            try:
                sock.sendall(bytes([byte]))
            except OSError:
                return
            time.sleep(0.2)

    threads = []
    for _ in range(10):
        sock = socket.create_connection(("127.0.0.1", served.port), timeout=30)
        slow.append(sock)
        threads.append(threading.Thread(target=trickle, args=(sock,), daemon=True))
        threads[-1].start()
    try:
        time.sleep(1)
        started = time.monotonic()
        status, _, body = served.get("/about/")
        assert status == 200 and b"About us." in body
        assert time.monotonic() - started < 5
    finally:
        stop.set()
        for sock in slow:
            sock.close()


def test_a_flood_of_file_events_is_coalesced_and_the_site_is_always_whole(tmp_path):
    """Hundreds of saves, temporary files, new and deleted pages in a few seconds, while the editor's
    browser keeps asking for the page: every answer is a complete page, and the builds are few."""
    project = make_project(tmp_path, {"content/about.md": page("title: About", "Version 0.\n")})
    running = start_serving(project)
    answers: list[tuple[int, bytes]] = []
    stop = threading.Event()

    def keep_reading() -> None:
        while not stop.is_set():
            answers.append(served_get(running))

    reader = threading.Thread(target=keep_reading, daemon=True)
    try:
        first_build = _build_number(running)
        reader.start()
        content = project / "content"
        started = time.monotonic()
        version = 0
        while time.monotonic() - started < 3:
            version += 1
            (content / "about.md").write_text(page("title: About", f"Version {version}.\n"))
            (content / f".about.md.swp{version % 3}").write_text("editor swap")
            (content / f"flood-{version % 7}.md").write_text(page(f"title: Flood {version}"))
            if version % 5 == 0:
                (content / f"flood-{version % 7}.md").unlink()
        final = version
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            status, _, body = running.get("/about/")
            if status == 200 and f"Version {final}.".encode() in body:
                break
            time.sleep(0.3)
        else:
            pytest.fail(f"the preview never showed the last save (version {final})")
        stop.set()
        reader.join(timeout=30)
        builds = _build_number(running) - first_build
    finally:
        stop.set()
        stop_serving(running)
    assert answers, "the reader got no answer at all during the flood"
    broken = [(status, body[-80:]) for status, body in answers if status != 200 or not body.rstrip().endswith(b"</html>")]
    assert broken == []
    assert 1 <= builds <= final // 2, f"{builds} builds for {final} saves: events were not coalesced"
    assert list(tmp_path.glob(".output.staging-*")) == []


def served_get(running: Served) -> tuple[int, bytes]:
    status, _, body = running.get("/about/")
    return status, body


def _build_number(running: Served) -> int:
    import json

    status, _, body = running.get("/__ecosite/status")
    assert status == 200, body[:200]
    return int(json.loads(body)["build"])
