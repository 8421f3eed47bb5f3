"""Build a throwaway project that holds one hostile file, and report what an editor would see.

`build_with(tmp_path, {"content/x.md": ...})` copies a base project (a tiny one kept here, or the
organisation's real site with its real templates), writes the given files over it, runs the
command line in this process and returns the exit code, what was printed on stderr and every
file the build left in output/.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from ecosite.cli import main

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
MINIMAL = HERE / "minimal"
BASES = {"minimal": MINIMAL, "real": REPO, "summit": REPO / "tests" / "sites" / "summit"}


@dataclass
class Outcome:
    """What a build did: its exit code, its messages, and output/ afterwards."""

    code: int
    stderr: str
    files: dict[str, bytes]
    project: Path
    out: Path

    def html(self, rel: str) -> str:
        return self.files[rel].decode("utf-8")

    @property
    def everything(self) -> str:
        """Every output file as text, for asserting something appears nowhere."""
        return "\n".join(data.decode("utf-8", "replace") for data in self.files.values())

    @property
    def errors(self) -> list[str]:
        """The PATH:LINE: message lines, without the closing summary."""
        return [line for line in self.stderr.splitlines() if line and not line.startswith(("Build failed", "warning:"))]


def make_project(tmp_path: Path, files: dict[str, str | bytes | None], base: str = "minimal") -> Path:
    """A copy of a base project with `files` written over it (None deletes a file)."""
    project = tmp_path / "project"
    if not project.exists():
        source = BASES[base]
        shutil.copytree(source / "content", project / "content", symlinks=True)
        if not (source / "templates").is_dir():  # a fixture site of content only uses the real templates
            shutil.copytree(REPO / "content" / "static", project / "content" / "static")
            source = REPO
        shutil.copytree(source / "templates", project / "templates", symlinks=True)
    for rel, data in files.items():
        path = project / rel
        if data is None:
            path.unlink()
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return project


def read_tree(folder: Path) -> dict[str, bytes]:
    if not folder.is_dir():
        return {}
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file() and not p.is_symlink()}


def run_build(project: Path, out: Path, *args: str, search: bool = False) -> Outcome:
    """`ecosite build` in this process: any exception other than a clean exit fails the test.

    The search index (a Pagefind run of about a second) is only built when a test asks for it.
    """
    stderr, stdout = io.StringIO(), io.StringIO()
    options = [*args] if search else ["--no-search", *args]
    with contextlib.redirect_stderr(stderr), contextlib.redirect_stdout(stdout):
        code = main(["build", "--root", str(project), "--out", str(out), *options])
    return Outcome(code, stderr.getvalue(), read_tree(out), project, out)


def build_with(tmp_path: Path, files: dict[str, str | bytes | None], base: str = "minimal", *args: str,
               search: bool = False) -> Outcome:
    project = make_project(tmp_path, files, base)
    return run_build(project, tmp_path / "output", *args, search=search)


def run_cli(project: Path, out: Path, *args: str, env: dict | None = None, timeout: float = 60) -> subprocess.CompletedProcess:
    """`python -m ecosite build` as a separate process, as an editor or CI runs it."""
    return subprocess.run([sys.executable, "-m", "ecosite", "build", "--root", str(project), "--out", str(out), *args],
                          capture_output=True, text=True, timeout=timeout, cwd=project,
                          env={**os.environ, **(env or {})})


@contextlib.contextmanager
def hang_guard(seconds: int):
    """Fail the test with a clear message instead of waiting forever on a blocked call."""
    def give_up(signum, frame):
        raise TimeoutError(f"still blocked after {seconds} s: the build hangs")
    previous = signal.signal(signal.SIGALRM, give_up)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def page(front_matter: str, body: str = "Some text.\n") -> str:
    """A Markdown page source from its front matter lines and body."""
    return f"---\n{front_matter.strip()}\n---\n\n{body}"


class _Structure(HTMLParser):
    """Collects what could run in a browser: event handler attributes, scripts, their text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.handlers: list[str] = []
        self.scripts: list[tuple[dict, str]] = []
        self.urls: list[str] = []
        self._script: dict | None = None
        self._text: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.handlers += [f"<{tag} {name}>" for name in attributes if name.startswith("on")]
        self.urls += [value or "" for name, value in attrs if name in ("href", "src", "action", "formaction", "content")]
        if tag == "script":
            self._script, self._text = attributes, []

    def handle_endtag(self, tag):
        if tag == "script" and self._script is not None:
            self.scripts.append((self._script, "".join(self._text)))
            self._script = None

    def handle_data(self, data):
        (self._text if self._script is not None else self.text).append(data)


PAYLOAD = "alert(1337)"
"""What every hostile input tries to run; the templates' own scripts never contain it."""


def active_content(html: str) -> list[str]:
    """What in a page could run a payload: event handler attributes, inline scripts holding the
    payload, JSON-LD that is not pure JSON, and javascript:/vbscript:/data: URLs."""
    found = _Structure()
    found.feed(html)
    found.close()
    problems = list(found.handlers)
    for attributes, text in found.scripts:
        if attributes.get("src"):
            continue
        if attributes.get("type") == "application/ld+json":
            try:
                json.loads(text)
            except ValueError:
                problems.append(f"JSON-LD that is not JSON: {text[:80]!r}")
        elif PAYLOAD in text:
            problems.append(f"inline script: {text[:80]!r}")
    for url in found.urls:
        cleaned = re.sub(r"[\x00-\x20]", "", url).lower()
        if cleaned.startswith(("javascript:", "vbscript:", "data:text/html")) or "url=javascript:" in cleaned:
            problems.append(f"unsafe URL {url!r}")
    return problems


def visible_text(html: str) -> str:
    found = _Structure()
    found.feed(html)
    return "".join(found.text)
