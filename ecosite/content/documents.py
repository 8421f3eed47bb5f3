"""Loading: a content file's bytes -> text -> front matter (with lines) and a Markdown body."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ecosite.content.text import FIND_FORBIDDEN_IN_FILES, FORBIDDEN_IN_FILES
from ecosite.content.yamlsafe import YamlData, YamlProblem, load_yaml
from ecosite.errors import ContentError

MAX_FILE_BYTES = 2_000_000


@dataclass
class Document:
    """A page source split into its parts; `body_line` is the file line where the body starts."""

    rel: str
    meta: YamlData
    body: str
    body_line: int
    front: str = ""  # the front matter's text, starting on file line 2


def read_bytes(path: Path | str) -> bytes:
    """A whole file, read through its descriptor: half the time Path.read_bytes takes for files of a few
    kilobytes (10,000 pages: 0.13 s against 0.29 s with their digests), and a cold build reads every
    source twice (its digest, then its text)."""
    descriptor = os.open(path, os.O_RDONLY)
    try:
        parts = []
        while part := os.read(descriptor, 1 << 20):
            parts.append(part)
    finally:
        os.close(descriptor)
    return b"".join(parts)


def read_text(path: Path, rel: str) -> str:
    """Decode a content file as UTF-8 (BOM tolerated, CRLF normalised), refusing invisible traps."""
    data = read_bytes(path)
    if len(data) > MAX_FILE_BYTES:
        raise ContentError(rel, 1, f"the file is {len(data):,} bytes, over the {MAX_FILE_BYTES:,} byte limit",
                           "split it into smaller pages")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ContentError(rel, line, "the file is not UTF-8 text",
                           "save it as UTF-8 in your editor (File > Save with encoding > UTF-8)") from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    found = FIND_FORBIDDEN_IN_FILES.search(text)
    if found:
        number = text.count("\n", 0, found.start()) + 1
        bad = set(text.split("\n")[number - 1]) & FORBIDDEN_IN_FILES
        code = ", ".join(f"U+{ord(c):04X}" for c in sorted(bad))
        raise ContentError(rel, number, f"invisible control character {code} in the text",
                           "delete it; retype the line if you cannot see it")
    return text


def load_yaml_file(path: Path, rel: str) -> YamlData:
    """A YAML data file, strictly parsed."""
    text = read_text(path, rel)
    if not text.strip():
        raise ContentError(rel, 1, "the data file is empty", "add its fields or delete the file")
    try:
        return load_yaml(text)
    except YamlProblem as problem:
        raise ContentError(rel, problem.line, problem.message, problem.hint) from None


def load_document(path: Path, rel: str) -> Document:
    """A Markdown page: front matter between `---` lines, then the body."""
    return split_document(read_text(path, rel), rel)


def split_document(text: str, rel: str) -> Document:
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        raise ContentError(rel, 1, "the page has no front matter",
                           "start the file with a line `---`, then `title: ...`, then another `---`")
    for index in range(1, len(lines)):
        if lines[index].rstrip() == "---":
            break
    else:
        raise ContentError(rel, 1, "the front matter is never closed",
                           "add a line with just `---` after the last front matter field")
    try:
        meta = load_yaml("\n".join(lines[1:index]), first_line=2)
    except YamlProblem as problem:
        raise ContentError(rel, problem.line, problem.message, problem.hint) from None
    if meta.value is None:
        meta.value = {}
    if not isinstance(meta.value, dict):
        raise ContentError(rel, 2, "the front matter must be `key: value` lines", "write it as `title: My page`")
    return Document(rel, meta, "\n".join(lines[index + 1:]), index + 2, "\n".join(lines[1:index]))
