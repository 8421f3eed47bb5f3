"""The preview serves the built site as a static host would, and nothing else, to this machine only.

Raw HTTP over sockets, so requests arrive exactly as written: no client library normalises a path.
"""

from __future__ import annotations

import json
import os
import socket
import threading
import time
from pathlib import Path

import pytest
from conftest import REPO, copy_project
from preview_support import get, parse_response, raw_request, start_preview

from ecosite.preview.server import host_allowed

SECRET = "SECRET-7f3a-never-served"


@pytest.fixture(scope="module")
def preview(tmp_path_factory):
    """The real site previewed once for this module; secrets lie beside and above output/."""
    root = copy_project(REPO, tmp_path_factory.mktemp("preview") / "project")
    (root / "secret.txt").write_text(SECRET)
    (root.parent / "secret.txt").write_text(SECRET)
    running = start_preview(root)
    assert running.session.state.ok, running.session.err.getvalue()
    yield running
    running.stop()


@pytest.fixture
def port(preview) -> int:
    return preview.server.port


def test_pretty_urls_serve_the_page_and_redirect_without_slash(port):
    status, headers, body = get(port, "/about/mission/")
    assert status == 200
    assert headers["content-type"] == "text/html; charset=utf-8"
    assert b"<h1>Mission and Vision</h1>" in body
    status, headers, _ = get(port, "/about/mission?x=1")
    assert (status, headers["location"]) == (301, "/about/mission/?x=1")
    status, _, body = get(port, "/")
    assert status == 200 and b"</html>" in body


def test_unknown_page_gets_the_sites_404_page_with_status_404(port):
    status, headers, body = get(port, "/no/such/page/")
    assert status == 404
    assert headers["content-type"] == "text/html; charset=utf-8"
    assert b"Page not found" in body


def test_head_sends_the_headers_of_get_without_a_body(port):
    _, get_headers, get_body = get(port, "/about/mission/")
    status, headers, body = get(port, "/about/mission/", method="HEAD")
    assert status == 200 and body == b""
    assert headers["content-length"] == get_headers["content-length"] == str(len(get_body))
    status, _, body = get(port, "/missing/", method="HEAD")
    assert status == 404 and body == b""


def test_content_types_and_headers_that_never_show_a_stale_page(preview, port):
    stylesheet = next(name for name in preview.session.state.served if name.endswith(".css"))
    status, headers, body = get(port, "/" + stylesheet, headers="Origin: http://evil.example\r\n")
    assert status == 200
    assert headers["content-type"] == "text/css; charset=utf-8"
    assert body == (preview.project.out / stylesheet).read_bytes()  # only HTML pages get the script
    for target in ("/" + stylesheet, "/about/", "/missing/", "/__ecosite/status"):
        status, headers, _ = get(port, target, headers="Origin: http://evil.example\r\n")
        assert headers["cache-control"] == "no-store", target
        assert headers["x-content-type-options"] == "nosniff", target
        assert not [name for name in headers if name.startswith("access-control-")], target


def test_pages_get_the_live_reload_script_but_output_stays_clean(preview, port):
    _, _, body = get(port, "/about/mission/")
    build = preview.session.state.number
    assert f'<script src="/__ecosite/live.js" data-build="{build}"'.encode() in body
    before_body_end = body[:body.rindex(b"</body>")]
    assert before_body_end.rsplit(b"<script", 1)[1].startswith(b' src="/__ecosite/live.js"')
    assert before_body_end.endswith(b"</script>")
    assert b"__ecosite" not in (preview.project.out / "about" / "mission" / "index.html").read_bytes()
    status, headers, script = get(port, "/__ecosite/live.js")
    assert status == 200 and headers["content-type"].startswith("text/javascript")
    assert b"EventSource" in script and b"http" not in script  # nothing fetched from elsewhere


def test_status_reports_the_build_as_json(preview, port):
    status, headers, body = get(port, "/__ecosite/status")
    assert status == 200 and headers["content-type"] == "application/json"
    assert json.loads(body) == {"ok": True, "build": preview.session.state.number, "errors": []}


def test_event_stream_sends_the_current_build_at_once(preview, port):
    with socket.create_connection(("127.0.0.1", port), timeout=5) as connection:
        connection.sendall(b"GET /__ecosite/events HTTP/1.1\r\nHost: localhost\r\n\r\n")
        received = b""
        while b"\n\n" not in received.partition(b"event: build\n")[2]:
            received += connection.recv(4096)
    assert b"content-type: text/event-stream" in received.lower()
    data = received.partition(b"event: build\ndata: ")[2].partition(b"\n")[0]
    assert json.loads(data)["build"] == preview.session.state.number


TRAVERSALS = [
    "/../secret.txt",
    "/../../secret.txt",
    "/%2e%2e/secret.txt",
    "/%2E%2E/%2e%2e/secret.txt",
    "/%2e%2e%2fsecret.txt",
    "/about/..%2f..%2fsecret.txt",
    "/%252e%252e/secret.txt",
    "/%252e%252e%252fsecret.txt",
    "/..%5csecret.txt",
    "/..\\secret.txt",
    "/about\\..\\..\\secret.txt",
    "/%c0%ae%c0%ae/secret.txt",
    "/./../secret.txt",
    "//secret.txt",
    "http://127.0.0.1/../secret.txt",
    "http://127.0.0.1/%2e%2e/secret.txt",
    "/index.html%00.css",
    "/..%00/secret.txt",
    "*",
]


@pytest.mark.parametrize("target", TRAVERSALS)
def test_traversal_in_any_encoding_is_refused(port, target):
    answer = raw_request(port, f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
    status, _, body = parse_response(answer)
    assert 400 <= status < 500
    assert SECRET.encode() not in answer


def test_a_raw_nul_byte_in_the_target_is_a_bad_request(port):
    status, _, _ = parse_response(raw_request(port, b"GET /about/\x00/../../secret.txt HTTP/1.1\r\nHost: localhost\r\n\r\n"))
    assert status == 400


def test_files_that_the_build_did_not_make_are_not_served(preview, port):
    stray = preview.project.out / "stray.txt"
    stray.write_text(SECRET)
    try:
        status, _, body = get(port, "/stray.txt")
    finally:
        stray.unlink()
    assert status == 404 and SECRET.encode() not in body


def test_symlinks_inside_output_that_lead_outside_are_not_followed(preview, port, tmp_path):
    out = preview.project.out
    page = out / "about" / "mission" / "index.html"
    folder = out / "networks" / "workforce"
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "index.html").write_text(SECRET)
    original_page = page.read_bytes()
    folder.rename(tmp_path / "workforce-aside")
    page.unlink()
    try:
        page.symlink_to(preview.project.root.parent / "secret.txt")
        folder.symlink_to(outside, target_is_directory=True)
        for target in ("/about/mission/", "/about/mission/index.html", "/networks/workforce/"):
            status, _, body = get(port, target)
            assert status == 404, target
            assert SECRET.encode() not in body, target
    finally:
        page.unlink()
        page.write_bytes(original_page)
        folder.unlink()
        (tmp_path / "workforce-aside").rename(folder)
    assert get(port, "/networks/workforce/")[0] == 200


@pytest.mark.parametrize("host", ["evil.example", "evil.example:8000", "127.0.0.1.evil.example",
                                  "localhost.evil.example", "10.0.0.1", "[::ffff:10.0.0.1]", "localhost:http",
                                  "", "[::1"])
def test_foreign_host_headers_are_refused(port, host):
    status, _, body = get(port, "/about/", host=host)
    assert status in (400, 403)
    assert b"Mission" not in body


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "LOCALHOST.", "preview.localhost", "[::1]", "127.0.0.2"])
def test_loopback_host_headers_are_answered(port, host):
    status, _, _ = get(port, "/about/", host=f"{host}:{port}")
    assert status == 200


@pytest.mark.parametrize("host, bound, allowed", [
    ("preview.example:8000", {"192.0.2.1", "preview.example"}, True),  # --host preview.example
    ("192.0.2.1:8000", {"192.0.2.1", "preview.example"}, True),
    ("evil.example:8000", {"192.0.2.1", "preview.example"}, False),
    ("192.0.2.99", {"192.0.2.1", "preview.example"}, False),
    ("192.0.2.99", {"0.0.0.0"}, True),  # every interface: an address literal cannot be rebound
    ("evil.example", {"0.0.0.0"}, False),
])
def test_the_name_or_address_given_to_host_is_answered_too(host, bound, allowed):
    assert host_allowed(host, frozenset(bound)) is allowed


def test_a_request_without_host_or_with_two_is_refused(port):
    assert parse_response(raw_request(port, b"GET / HTTP/1.1\r\n\r\n"))[0] == 400
    two = b"GET / HTTP/1.1\r\nHost: localhost\r\nHost: evil.example\r\n\r\n"
    assert parse_response(raw_request(port, two))[0] == 400


def test_oversized_request_line_and_headers_are_refused_and_the_server_keeps_working(port):
    long_line = b"GET /" + b"a" * 20_000 + b" HTTP/1.1\r\nHost: localhost\r\n\r\n"
    assert parse_response(raw_request(port, long_line))[0] == 414
    long_header = b"GET / HTTP/1.1\r\nHost: localhost\r\nX-Big: " + b"b" * 20_000 + b"\r\n\r\n"
    assert parse_response(raw_request(port, long_header))[0] == 431
    many_headers = b"GET / HTTP/1.1\r\nHost: localhost\r\n" + b"X-Many: 1234567890\r\n" * 3000 + b"\r\n"
    assert parse_response(raw_request(port, many_headers))[0] == 431
    assert get(port, "/about/")[0] == 200


@pytest.mark.parametrize("request_bytes, expected", [
    (b"POST /about/ HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\n\r\n", 405),
    (b"OPTIONS * HTTP/1.1\r\nHost: localhost\r\n\r\n", 405),
    (b"GET /about/ HTTP/2.0\r\nHost: localhost\r\n\r\n", 505),
    (b"GARBAGE\r\n\r\n", 400),
    (b"GET /a b c HTTP/1.1\r\nHost: localhost\r\n\r\n", 400),
    (b"GET /%ff%fe/ HTTP/1.1\r\nHost: localhost\r\n\r\n", 400),
])
def test_bad_requests_get_a_4xx_or_5xx_answer_not_a_crash(port, request_bytes, expected):
    status, headers, _ = parse_response(raw_request(port, request_bytes))
    assert status == expected
    if status == 405:
        assert headers["allow"] == "GET, HEAD"
    assert get(port, "/")[0] == 200


def test_a_slow_or_idle_client_does_not_block_another(port):
    slow = socket.create_connection(("127.0.0.1", port))
    idle = socket.create_connection(("127.0.0.1", port))
    try:
        slow.sendall(b"GET /about/ HTTP/1.1\r\nHost: loc")  # and then nothing more
        timings = []

        def fetch():
            started = time.monotonic()
            timings.append((get(port, "/about/mission/")[0], time.monotonic() - started))

        others = [threading.Thread(target=fetch) for _ in range(4)]
        for thread in others:
            thread.start()
        for thread in others:
            thread.join(timeout=10)
        assert [status for status, _ in timings] == [200] * 4
        assert max(seconds for _, seconds in timings) < 2
    finally:
        slow.close()
        idle.close()


def test_too_many_open_connections_get_503_and_the_server_recovers(port):
    from ecosite.preview.server import MAX_CONNECTIONS

    held = [socket.create_connection(("127.0.0.1", port)) for _ in range(MAX_CONNECTIONS)]
    try:
        assert get(port, "/about/")[0] == 503
    finally:
        for connection in held:
            connection.close()
    deadline = time.monotonic() + 5
    while get(port, "/about/")[0] != 200:  # the held connections' threads end as they see them close
        assert time.monotonic() < deadline, "the server did not recover"
        time.sleep(0.05)


def test_keep_alive_serves_several_requests_on_one_connection(port):
    with socket.create_connection(("127.0.0.1", port), timeout=5) as connection:
        for _ in range(2):
            connection.sendall(b"HEAD /about/ HTTP/1.1\r\nHost: localhost\r\n\r\n")
            answer = b""
            while b"\r\n\r\n" not in answer:
                answer += connection.recv(4096)
            assert answer.startswith(b"HTTP/1.1 200 ")


def test_output_path_is_a_real_folder_and_the_secret_exists(preview):
    """Guards the traversal tests: the secrets they must not reach really are where the paths point."""
    root = preview.project.root
    assert (preview.project.out / ".." / "secret.txt").read_text() == SECRET
    assert Path(os.path.normpath(root / ".." / "secret.txt")).read_text() == SECRET
