"""Fuzzing: any bytes in a content file give either a page or content errors with a file and line,
within a time bound, and never another exception.

The stage functions run in this process for speed (loading, validation, Markdown parsing, link
resolution, rendering, and the whole `generate`); one check runs the real command line over a
folder of nasty files and looks for a traceback.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ecosite.markdown import parser as markdown
from ecosite.pipeline import Project, generate
from ecosite.content.documents import load_document, load_yaml_file
from ecosite.errors import BuildError, ContentError
from ecosite.content.models import validate
from ecosite.registry import data_model, page_model

from .conftest import active_content, make_project, run_cli

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow],
                derandomize=True)
SECONDS_PER_FILE = 3.0
SPECIALS = "-:#[]{}()!*_`>|&;<\\\"'~%@^=+.,\t\n\r\x00\u202e\ufeff\u00e9\ufffe 0123456789abcyYnN"

def _pieces(extra: list[str], size: int) -> st.SearchStrategy[str]:
    """Text made of characters and fragments that mean something to YAML or Markdown."""
    return st.lists(st.sampled_from(list(SPECIALS) + extra) | st.characters(), max_size=size).map("".join)


yaml_text = _pieces(["---", "- ", ": ", "title", "date", "!!", "&a", "*a", "\n  "], 150)
markdown_text = _pieces(["](", "![", "[^1]", "```", "javascript:", "<a ", "../", ".md", "#", "\n\n", "    ",
                         "&#x202E;", "{{ 7*7 }}"], 200)
page_bytes = st.one_of(
    st.binary(max_size=400),
    st.text(max_size=400).map(lambda t: t.encode("utf-8", "surrogatepass")),
    st.tuples(yaml_text, markdown_text).map(lambda p: f"---\n{p[0]}\n---\n{p[1]}".encode("utf-8", "surrogatepass")),
    st.tuples(st.sampled_from(["title: A", "title: A\ndate: 2024-01-01", "title: A\nslug: x\naliases: [/b/]"]),
              markdown_text).map(lambda p: f"---\n{p[0]}\n---\n{p[1]}".encode("utf-8", "surrogatepass")),
)

_FOLDER = Path(tempfile.mkdtemp(prefix="ecosite-fuzz-"))


def _write(name: str, data: bytes) -> Path:
    path = _FOLDER / name
    path.write_bytes(data)
    return path


def _located(error: ContentError, shown: str) -> None:
    assert error.path == shown
    assert isinstance(error.line, int) and error.line >= 0
    assert error.message and error.hint


def _refuse(link: str, anchor: str = "") -> str:
    raise ValueError(f"the link points to content/{link}, which does not exist | correct the path")


@FUZZ
@given(data=page_bytes, section=st.sampled_from(["a.md", "news/a.md", "networks/a.md"]))
def test_any_page_bytes_give_a_page_or_located_errors(data, section):
    shown = f"content/{section}"
    started = time.thread_time()
    try:
        document = load_document(_write("page.md", data), shown)
    except ContentError as error:
        _located(error, shown)
        return
    meta, problems = validate(page_model(section), document.meta, shown, {"timezone": "Europe/Brussels"})
    for problem in problems:
        _located(problem, shown)
    try:
        parsed = markdown.parse(document.body, seconds=SECONDS_PER_FILE)
    except markdown.BodyProblem as problem:
        _located(problem.located(shown, document.body_line), shown)
        return
    warnings: list[ContentError] = []
    errors = markdown.resolve_links(parsed, section, shown, document.body_line, _refuse, _refuse, warnings)
    for error in errors + warnings:
        _located(error, shown)
        assert error.line >= document.body_line
    html = markdown.render(parsed)
    assert "<script" not in html.lower() and "<iframe" not in html.lower()  # text "<" is always escaped
    assert active_content(html) == [] or errors  # an unsafe link is only ever there with its error
    assert time.thread_time() - started < SECONDS_PER_FILE + 2


@FUZZ
@given(data=st.one_of(st.binary(max_size=300), yaml_text.map(lambda t: t.encode("utf-8", "surrogatepass"))),
       rel=st.sampled_from(["summit/2030.yaml", "about/values.yaml"]))
def test_any_data_file_bytes_give_a_record_or_located_errors(data, rel):
    shown, model = f"content/{rel}", data_model(rel)
    started = time.thread_time()
    try:
        raw = load_yaml_file(_write("data.yaml", data), shown)
    except ContentError as error:
        _located(error, shown)
        return
    record, problems = validate(model, raw, shown, {"timezone": "Europe/Brussels"})
    assert (record is None) == bool(problems)
    for problem in problems:
        _located(problem, shown)
    assert time.thread_time() - started < 2


_PROJECT = make_project(Path(tempfile.mkdtemp(prefix="ecosite-fuzz-project-")), {})


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True)
@given(data=page_bytes, name=st.sampled_from(["a.md", "news/b.md", "about/values.yaml", "summit/2030.yaml"]))
def test_the_whole_generate_stage_gives_files_or_located_errors(data, name):
    target = _PROJECT / "content" / name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    try:
        result = generate(Project(_PROJECT, _PROJECT / "output"))
    except BuildError as failure:
        assert failure.errors
        for error in failure.errors:
            assert error.path.startswith(("content/", "templates/")), error
            assert error.line >= 0 and error.message
    else:
        assert "index.html" in result.files
    finally:
        target.unlink()


NASTY_FILES = {
    "content/a.md": b"---\ntitle: !!python/object/apply:os.system [x]\n---\n",
    "content/b.md": b"\xff\xfe\x00t\x00i\x00t\x00l\x00e",
    "content/c.md": b"---\ntitle: [\n---\n",
    "content/d.md": "---\ntitle: D\n---\n".encode() + b"[x](javascript:alert(1))\n" + b"![" * 5000,
    "content/e.md": b"---\ntitle: E\ndate: 2024-02-30\nslug: ../x\n---\n",
    "content/f.md": b"---\n" + b"a: [" * 3000 + b"\n---\n",
    "content/news/g.md": b"---\ntitle: G\n---\n\x00",
    "content/about/values.yaml": b"values: yes\n",
    "content/summit/2030.yaml": b"year: 2030\nstart_date: 2030-13-01\nyear: 1\n",
    "content/stray.exe": b"MZ",
}


def test_the_command_line_never_prints_a_traceback(tmp_path):
    project = make_project(tmp_path, NASTY_FILES)
    finished = run_cli(project, tmp_path / "output", "--no-search")
    assert finished.returncode == 1
    assert "Traceback" not in finished.stderr
    lines = [line for line in finished.stderr.splitlines() if line and not line.startswith(("Build failed", "warning"))]
    assert len(lines) >= len(NASTY_FILES) - 1
    assert all(line.startswith("content/") and ": " in line and " - " in line for line in lines), lines
    assert not (tmp_path / "output").exists()


_SUMMIT = make_project(Path(tempfile.mkdtemp(prefix="ecosite-fuzz-summit-")), {}, "summit")
_PROGRAMME = (_SUMMIT / "content" / "summit" / "2025.yaml").read_text()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True)
@given(description=markdown_text)
def test_any_session_description_gives_a_programme_or_located_errors(description):
    """Descriptions are Markdown inside YAML: both parsers and the calendar writer see the text."""
    quoted = description.replace("'", "''").replace("\r", " ").replace("\n", " ")
    assert "description: Short and plain." in _PROGRAMME
    programme = _PROGRAMME.replace("description: Short and plain.", f"description: '{quoted}'", 1)
    target = _SUMMIT / "content" / "summit" / "2025.yaml"
    target.write_text(programme, encoding="utf-8", errors="surrogatepass")
    try:
        result = generate(Project(_SUMMIT, _SUMMIT / "output"))
    except BuildError as failure:
        assert all(e.path.startswith("content/") and e.line >= 0 and e.message for e in failure.errors)
    else:
        assert "summit/2025/programme.ics" in result.files
    finally:
        target.write_text(_PROGRAMME)
