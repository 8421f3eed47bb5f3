"""HTTP serving for the preview: the built site as a static host would serve it, and nothing else.

Only files the last good build produced are served, and only after their resolved path has been
checked to lie inside output/; traversal in any encoding is refused before a path is ever built.
Requests must name this machine in their Host header (a web page cannot rebind a domain onto the
preview), request lines and headers are bounded, and every connection has its own thread and a
timeout, so one slow or idle client never holds up another.
"""

from __future__ import annotations

import http.client
import ipaddress
import json
import mimetypes
import os
import socket
import sys
import threading
import urllib.parse
from email.message import Message
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import BufferedIOBase
from pathlib import Path

from ecosite.preview import overlay
from ecosite.preview.builds import PreviewBuilds, PreviewState
from ecosite.site.urls import output_path_of

MAX_REQUEST_LINE = 8 * 1024
MAX_HEADER_LINE = 8 * 1024
MAX_HEADER_BYTES = 32 * 1024
MAX_CONNECTIONS = 64
IDLE_SECONDS = 20  # a connection that sends nothing for this long is closed
HEARTBEAT_SECONDS = 10  # keeps an idle event stream alive and notices closed tabs
ALLOWED_METHODS = ("GET", "HEAD")
WILDCARD_HOSTS = {"0.0.0.0", "::", ""}
SECURITY_HEADERS = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8", ".mjs": "text/javascript; charset=utf-8",
    ".json": "application/json", ".xml": "application/xml; charset=utf-8", ".txt": "text/plain; charset=utf-8",
    ".ics": "text/calendar; charset=utf-8", ".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg", ".gif": "image/gif", ".webp": "image/webp", ".avif": "image/avif",
    ".ico": "image/x-icon", ".woff": "font/woff", ".woff2": "font/woff2", ".pdf": "application/pdf",
    ".webmanifest": "application/manifest+json",
}


class BadTarget(ValueError):
    """A request target no browser would send for a page of this site."""


def site_path(target: str) -> str:
    """The request target -> its decoded path ('/about/'), refusing anything that could step outside."""
    if not target.startswith("/") or target.startswith("//"):
        raise BadTarget("the target must be a path starting with a single /")  # absolute-form, '*', ...
    raw = target.split("?", 1)[0].split("#", 1)[0]
    try:
        path = urllib.parse.unquote(raw, errors="strict")
    except UnicodeDecodeError as error:
        raise BadTarget("the path is not UTF-8") from error
    if "\\" in path or any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in path):
        raise BadTarget("the path contains a backslash or a control character")
    if any(segment in (".", "..") for segment in path.split("/")):
        raise BadTarget("the path contains . or .. segments")
    return path


def content_type(name: str) -> str:
    suffix = Path(name).suffix.lower()
    return CONTENT_TYPES.get(suffix) or mimetypes.guess_type(name)[0] or "application/octet-stream"


def read_contained(out: Path, rel: str) -> bytes | None:
    """The bytes of output/REL, or None unless its fully resolved path is a regular file inside output/."""
    try:
        root = out.resolve(strict=True)
        resolved = (root / rel).resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    if not resolved.is_relative_to(root) or not resolved.is_file():
        return None
    try:
        descriptor = os.open(resolved, os.O_RDONLY | os.O_NOFOLLOW)
    except OSError:
        return None
    with os.fdopen(descriptor, "rb") as file:
        return file.read()


def from_another_site(headers: Message, host: str) -> bool:
    """A request that a page of another site made (its Origin or Sec-Fetch-Site says so).

    The preview's own addresses (the event stream, the status with its file names and lines) answer
    only the preview's pages; a same-origin GET carries no Origin, so a present one must be ours."""
    if headers.get("Sec-Fetch-Site", "same-origin").lower() not in ("same-origin", "none"):
        return True
    origin = headers.get("Origin")
    return origin is not None and origin.lower() != f"http://{host.lower()}"


def host_allowed(host: str, bound: frozenset[str]) -> bool:
    """A Host header naming this machine: a loopback name or address, or the name or address we listen on."""
    name = host.strip().lower()
    if name.startswith("["):
        name, bracket, port = name[1:].partition("]")
        if not bracket or (port and not (port.startswith(":") and port[1:].isdigit())):
            return False
    elif name.count(":") == 1:
        name, port = name.split(":")
        if not port.isdigit():
            return False
    name = name.rstrip(".")
    if not name:
        return False
    if name == "localhost" or name.endswith(".localhost") or name in bound:
        return True
    everywhere = bool(bound & WILDCARD_HOSTS)
    try:
        address = ipaddress.ip_address(name)
    except ValueError:
        return everywhere and name == socket.gethostname().lower()
    # An address literal cannot be rebound by DNS; when bound to every interface, any of ours is fine.
    return address.is_loopback or everywhere


class _BoundedHeaders:
    """rfile as the header parser sees it: short lines, few bytes in all."""

    def __init__(self, raw: BufferedIOBase):
        self.raw = raw
        self.used = 0

    def readline(self, size: int = -1) -> bytes:
        line = self.raw.readline(MAX_HEADER_LINE + 1)
        self.used += len(line)
        if len(line) > MAX_HEADER_LINE:
            raise http.client.LineTooLong("header line")
        if self.used > MAX_HEADER_BYTES:
            raise http.client.HTTPException(f"headers longer than {MAX_HEADER_BYTES} bytes")
        return line


class PreviewHandler(BaseHTTPRequestHandler):
    """GET and HEAD for the built site, the preview's status, its events and its script."""

    protocol_version = "HTTP/1.1"
    # Headers and body are two writes: on a kept-alive connection Nagle's algorithm held the body back until
    # the browser's delayed acknowledgement of the headers, 40 ms for every file of a reloaded page.
    disable_nagle_algorithm = True
    default_request_version = "HTTP/1.0"  # answer even a malformed request with a status line
    server_version = "ecosite-preview"
    sys_version = ""
    timeout = IDLE_SECONDS
    error_content_type = "text/plain; charset=utf-8"
    error_message_format = "%(code)d %(message)s\n"
    server: PreviewServer

    def handle_one_request(self) -> None:
        try:
            self.raw_requestline = self.rfile.readline(MAX_REQUEST_LINE + 1)
            if len(self.raw_requestline) > MAX_REQUEST_LINE:
                self.requestline, self.request_version, self.command = "", "HTTP/1.0", ""
                self.send_error(HTTPStatus.REQUEST_URI_TOO_LONG)
                return
            if not self.raw_requestline:
                self.close_connection = True
                return
            if not self.parse_request():
                return
            if self.command not in ALLOWED_METHODS:
                self.send_error(HTTPStatus.METHOD_NOT_ALLOWED)
                return
            self.respond()
            self.wfile.flush()
        except (TimeoutError, ConnectionError):
            self.close_connection = True

    def parse_request(self) -> bool:
        raw = self.rfile
        self.rfile = _BoundedHeaders(raw)  # type: ignore[assignment]  # the header parser only calls readline()
        try:
            return super().parse_request()
        finally:
            self.rfile = raw

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        self.close_connection = True
        status = HTTPStatus(code)
        headers = {"Allow": ", ".join(ALLOWED_METHODS)} if code == HTTPStatus.METHOD_NOT_ALLOWED else {}
        self.send_body(code, f"{code} {message or status.phrase}\n".encode(), "text/plain; charset=utf-8",
                       {**headers, "Connection": "close"})
        if code in (HTTPStatus.REQUEST_URI_TOO_LONG, HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE):
            self._discard_unread()

    def _discard_unread(self) -> None:
        """Read (briefly) what the client is still sending, so closing does not reset the connection
        before it has read our answer."""
        try:
            self.wfile.flush()
            self.connection.settimeout(0.2)
            for _ in range(64):
                if not self.connection.recv(65536):
                    break
        except OSError:
            pass

    def send_body(self, code: int, body: bytes, kind: str, headers: dict[str, str] | None = None) -> None:
        self.send_response(code)
        for name, value in {"Content-Type": kind, "Content-Length": str(len(body)), **SECURITY_HEADERS,
                            **(headers or {})}.items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def version_string(self) -> str:
        return self.server_version

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
        pass  # the terminal shows builds, not requests

    def respond(self) -> None:
        hosts = self.headers.get_all("Host") or []
        if len(hosts) != 1:
            return self.send_error(HTTPStatus.BAD_REQUEST, "Exactly one Host header is required")
        if not host_allowed(hosts[0], self.server.bound_names):
            return self.send_error(HTTPStatus.FORBIDDEN, "This preview only answers requests for localhost")
        try:
            path = site_path(self.path)
        except BadTarget as refused:
            return self.send_error(HTTPStatus.BAD_REQUEST, f"Bad request target: {refused}")
        state = self.server.session.state
        if path.startswith(overlay.PREFIX):
            if from_another_site(self.headers, hosts[0]):
                return self.send_error(HTTPStatus.FORBIDDEN, "The preview answers only its own pages")
            return self.respond_preview(path, state)
        self.respond_site(path, state)

    def respond_preview(self, path: str, state: PreviewState) -> None:
        if path == overlay.STATUS_PATH:
            return self.send_body(200, json.dumps(state.as_json()).encode(), "application/json")
        if path == overlay.EVENTS_PATH:
            return self.stream_events(state)
        if path == overlay.SHOWN_PATH:  # asking for it only lets the search index start: no harm in a GET
            self.server.session.page_shown()
            return self.send_body(204, b"", "text/plain; charset=utf-8")
        if path == overlay.SCRIPT_PATH:
            return self.send_body(200, overlay.LIVE_SCRIPT.encode(), content_type(path))
        if path == overlay.STYLE_PATH:
            return self.send_body(200, overlay.OVERLAY_STYLE.encode(), content_type(path))
        self.send_error(HTTPStatus.NOT_FOUND)

    def respond_site(self, path: str, state: PreviewState) -> None:
        base = state.base_path
        if not state.served:
            page = b"<!DOCTYPE html><title>Not built yet</title><body><p>The site has not built yet.</p></body>"
            return self.send_body(503, overlay.inject(page, state, self.server.session.token),
                                  content_type("index.html"))
        if path in ("/", base.rstrip("/")) and path != base:
            return self.redirect(base)  # the site lives under a path, e.g. /eco/
        if not path.startswith(base):
            return self.send_not_found(state)
        rel = path[len(base):]
        name = output_path_of(rel) if rel == "" or rel.endswith("/") else rel
        if name not in state.served:
            if rel and not rel.endswith("/") and f"{rel}/index.html" in state.served:
                query = self.path.partition("?")[2]
                return self.redirect(self.path.split("?", 1)[0] + "/" + (f"?{query}" if query else ""))
            return self.send_not_found(state)
        body = read_contained(self.server.out, name)
        if body is None:
            return self.send_not_found(state)
        self.send_file(200, name, body, state)

    def send_file(self, code: int, name: str, body: bytes, state: PreviewState) -> None:
        kind = content_type(name)
        if kind.startswith("text/html"):
            body = overlay.inject(body, state, self.server.session.token)
        self.send_body(code, body, kind)

    def send_not_found(self, state: PreviewState) -> None:
        body = read_contained(self.server.out, "404.html") if "404.html" in state.served else None
        if body is None:
            return self.send_body(404, b"404 Not Found\n", "text/plain; charset=utf-8")
        self.send_file(404, "404.html", body, state)

    def redirect(self, location: str) -> None:
        self.send_body(301, b"", "text/plain; charset=utf-8", {"Location": location})

    def stream_events(self, state: PreviewState) -> None:
        """Server-sent events: the current build at once, then one event per finished build."""
        self.close_connection = True
        self.send_response(200)
        for name, value in {"Content-Type": "text/event-stream", **SECURITY_HEADERS, "Connection": "close"}.items():
            self.send_header(name, value)
        self.end_headers()
        if self.command == "HEAD":
            return
        session = self.server.session
        self.wfile.write(b"retry: 1000\n\n" + self._event(state))
        self.wfile.flush()
        seen = state.number
        with session.following():
            while not session.closed and not self.server.stopping:
                newer = session.wait_for_build(seen, HEARTBEAT_SECONDS)
                self.wfile.write(self._event(newer) if newer else b": still here\n\n")
                self.wfile.flush()
                seen = newer.number if newer else seen

    def _event(self, state: PreviewState) -> bytes:
        data = json.dumps(overlay.event_data(state, self.server.session.token))
        return f"event: build\ndata: {data}\n\n".encode()


class PreviewServer(ThreadingHTTPServer):
    """A thread per connection, at most MAX_CONNECTIONS at once; open connections are closed on stop."""

    daemon_threads = True
    block_on_close = False

    def __init__(self, address: tuple, family: int, session: PreviewBuilds, host_name: str | None = None):
        self.address_family = family
        self.session = session
        self.out = session.project.out
        self.bound_host = address[0]
        names = {address[0].lower()} | ({host_name.strip("[]").lower().rstrip(".")} if host_name is not None else set())
        self.bound_names = frozenset(names)  # what a Host header may name besides loopback
        self.stopping = False
        self._serving = False
        self._serving_lock = threading.Lock()
        self._slots = threading.BoundedSemaphore(MAX_CONNECTIONS)
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()
        super().__init__(address, PreviewHandler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind would look our own name up in DNS; the preview has no need of it.
        super(ThreadingHTTPServer, self).server_bind()  # skips HTTPServer's override
        self.server_name, self.server_port = str(self.server_address[0]), self.server_address[1]

    @property
    def port(self) -> int:
        return self.server_address[1]

    def process_request(self, request: socket.socket, client_address: tuple) -> None:  # type: ignore[override]
        if self.stopping or not self._slots.acquire(blocking=False):
            try:
                request.sendall(b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            except OSError:
                pass
            self.shutdown_request(request)
            return
        with self._open_lock:
            self._open.add(request)
        super().process_request(request, client_address)

    def process_request_thread(self, request: socket.socket, client_address: tuple) -> None:  # type: ignore[override]
        try:
            super().process_request_thread(request, client_address)
        finally:
            with self._open_lock:
                self._open.discard(request)
            self._slots.release()

    def handle_error(self, request: socket.socket, client_address: tuple) -> None:  # type: ignore[override]
        error = sys.exc_info()[1]
        if not isinstance(error, (ConnectionError, TimeoutError)):
            print(f"preview server: {type(error).__name__}: {error}", file=sys.stderr)

    def serve_forever(self, poll_interval: float = 0.5) -> None:
        with self._serving_lock:
            if self.stopping:
                return
            self._serving = True
        super().serve_forever(poll_interval)

    def stop(self) -> None:
        """Stop accepting, end event streams and idle connections, release the port."""
        with self._serving_lock:
            self.stopping = True
            serving = self._serving
        if serving:
            self.shutdown()  # waits for serve_forever to return, so only when it ever ran
        with self._open_lock:
            connections = list(self._open)
        for connection in connections:
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        self.server_close()


def bind(host: str, port: int, session: PreviewBuilds) -> PreviewServer:
    """Listen on host:port (port 0 picks a free one); raises OSError when that is impossible."""
    family, _, _, _, address = socket.getaddrinfo(host or None, port, type=socket.SOCK_STREAM,
                                                  flags=socket.AI_PASSIVE)[0]
    return PreviewServer(address, family, session, host)

