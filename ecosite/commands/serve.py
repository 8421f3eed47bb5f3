"""`ecosite serve`: build, serve on http://127.0.0.1:8000, rebuild on every save, reload the browser.

A Preview ties three parts together and starts and stops them as one: the session (builds), the
HTTP server and the file watcher. The command runs rebuilds on the main thread, so Ctrl-C stops a
build the way it stops `ecosite build`, and the staging folder is removed on the way out.
"""

from __future__ import annotations

import argparse
import errno
import ipaddress
import os
import shutil
import socket
import sys
import threading
from pathlib import Path
from typing import TextIO

from ecosite.project import Project
from ecosite.write.staging import STAGING_MARK
from ecosite.preview.builds import PreviewBuilds
from ecosite.preview.server import WILDCARD_HOSTS, PreviewServer, bind
from ecosite.preview.watch import ChangeWatcher

DEFAULT_PORT = 8000
DEFAULT_HOST = "127.0.0.1"


def watched_folders(project: Project) -> list[Path]:
    """content/ (with site.yaml), templates/ and a static/ folder beside them."""
    folders = [project.content_dir, project.templates_dir]
    folders += [d for d in project.static_dirs if not d.resolve().is_relative_to(project.content_dir.resolve())]
    return folders


class Preview:
    """One running preview; `start()` builds and serves, `stop()` leaves nothing running or half-written."""

    def __init__(self, project: Project, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, poll: bool = False,
                 out: TextIO | None = None, err: TextIO | None = None):
        self.project = project
        self.session = PreviewBuilds(project, out or sys.stdout, err or sys.stderr)
        self.server: PreviewServer = bind(host, port, self.session)
        self.watcher = ChangeWatcher(watched_folders(project), poll)
        self._threads: list[threading.Thread] = []
        self._stopping = False

    @property
    def url(self) -> str:
        host = self.server.bound_host
        host = DEFAULT_HOST if host in WILDCARD_HOSTS else host
        return f"http://{f'[{host}]' if ':' in host else host}:{self.server.port}/"

    def start(self) -> None:
        """Watch first (so an edit during the first build is not lost), build, then serve."""
        self.watcher.start()
        self.session.rebuild()
        self._spawn(self.server.serve_forever, "preview-http")

    def rebuild_on_changes(self) -> None:
        """Rebuild once per burst of changes until stopped."""
        while not self._stopping:
            changed = self.watcher.wait()
            if changed and not self._stopping:
                self.session.rebuild(changed)

    @property
    def idle(self) -> bool:
        """No build running and no change waiting for one: what a tool waits for before it looks."""
        return not self.session.building and not self.watcher.pending

    def start_in_background(self) -> "Preview":
        """For tests and tools: everything, rebuilds included, on background threads."""
        self.start()
        self._spawn(self.rebuild_on_changes, "preview-rebuild")
        return self

    def stop(self) -> None:
        self._stopping = True
        self.watcher.stop()
        self.session.close()
        self.server.stop()
        for thread in self._threads:
            thread.join(timeout=30)
        remove_own_staging(self.project.out)

    def _spawn(self, target, name: str) -> None:
        thread = threading.Thread(target=target, name=name, daemon=True)
        thread.start()
        self._threads.append(thread)

    def __enter__(self) -> "Preview":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def remove_own_staging(out: Path) -> None:
    """Staging folders this process may have left when interrupted mid-build."""
    out = out.resolve()
    if out.parent.is_dir():
        for path in out.parent.glob(f".{out.name}{STAGING_MARK}*{os.getpid()}"):
            shutil.rmtree(path, ignore_errors=True)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--root", type=Path, default=Path("."), help="project folder (default: current folder)")
    parser.add_argument("--out", type=Path, default=None, help="output folder (default: ROOT/output)")
    parser.add_argument("--port", type=port_number, default=DEFAULT_PORT,
                        help=f"port to listen on, 0 for any free one (default: {DEFAULT_PORT})")
    parser.add_argument("--host", default=DEFAULT_HOST,
                        help=f"address to listen on (default: {DEFAULT_HOST}, this machine only)")
    parser.add_argument("--poll", action="store_true",
                        help="check for changes by polling (network drives, containers, virtual machines)")
    parser.add_argument("--drafts", action="store_true", help="include pages marked `draft: true`")
    parser.add_argument("--no-search", dest="search", action="store_false",
                        help="skip the search index: saves show sooner, the preview's search finds nothing")
    parser.set_defaults(base_url=None, strict=False)


def port_number(text: str) -> int:
    if not text.isdigit() or int(text) > 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number (0 to 65535)")
    return int(text)


def reaches_other_machines(host: str) -> bool:
    """The address (once resolved) is not this machine's loopback; an unknown name fails later, at bind."""
    try:
        infos = socket.getaddrinfo(host or None, None, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except OSError:
        return False
    return any(not ipaddress.ip_address(info[4][0].split("%")[0]).is_loopback for info in infos)


def run(args: argparse.Namespace) -> int:
    from ecosite.cli import project_from  # the same checks as `ecosite build`: --root, --out

    project = project_from(args)
    if reaches_other_machines(args.host):
        print(f"warning: listening on {args.host}: other machines on the network can see this preview, "
              "drafts included; use --host 127.0.0.1 to keep it on this machine", file=sys.stderr)
    try:
        preview = Preview(project, args.host, args.port, args.poll)
    except OSError as error:
        print(f"ecosite: {cannot_listen(error, args.host, args.port)}", file=sys.stderr)
        return 1
    try:
        preview.start()
        print(f"Serving {preview.url} - edit and save any file to rebuild; press Ctrl-C to stop", flush=True)
        preview.rebuild_on_changes()
    except KeyboardInterrupt:
        print("Stopped.", flush=True)
    except OSError as error:  # the builds catch their own errors; this is the watcher (e.g. inotify limits)
        print(f"ecosite: cannot watch {project.root} for changes: {error.strerror or error}; "
              "try --poll", file=sys.stderr)
        return 1
    finally:
        preview.stop()
    return 0


def cannot_listen(error: OSError, host: str, port: int) -> str:
    if error.errno == errno.EADDRINUSE:
        return (f"port {port} on {host} is already in use (is another preview running?); "
                f"stop it or choose another port, e.g. --port {port + 1}")
    if isinstance(error, socket.gaierror):
        return f"cannot listen on {host}: no such address on this machine; try --host 127.0.0.1"
    return f"cannot listen on {host}:{port}: {error.strerror or error}"
