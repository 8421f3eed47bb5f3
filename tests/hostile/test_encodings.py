"""Encodings: BOM, CRLF, non-UTF-8, NUL and bidirectional controls, empty files, front matter
never closed.

Incidents elsewhere: a BOM before `---` that made a generator treat front matter as body text,
Windows-1252 files decoded as mojibake without a word, Trojan Source (bidirectional overrides
making text read differently from how it runs), and NUL bytes ending strings early in C parsers.
"""

from __future__ import annotations

import pytest

from .conftest import build_with, page

SOURCE = page("title: Café\nsummary: Ünïcode summary", "Body — with “quotes”.\n")


@pytest.mark.parametrize("data", [
    b"\xef\xbb\xbf" + SOURCE.encode(),
    SOURCE.replace("\n", "\r\n").encode(),
    b"\xef\xbb\xbf" + SOURCE.replace("\n", "\r\n").encode(),
    SOURCE.replace("\n", "\r").encode(),
])
def test_bom_and_line_endings_give_the_same_page(tmp_path, data):
    reference = build_with(tmp_path / "reference", {"content/a.md": SOURCE})
    outcome = build_with(tmp_path / "variant", {"content/a.md": data})
    assert outcome.code == 0, outcome.stderr
    assert outcome.files["a/index.html"] == reference.files["a/index.html"]
    assert b"\r" not in outcome.files["a/index.html"] and "\ufeff" not in outcome.html("a/index.html")


@pytest.mark.parametrize(("data", "line"), [
    (SOURCE.encode("cp1252"), 2),
    (SOURCE.encode("utf-16"), 1),
    (page("title: Café").encode("latin-1"), 2),
    (page("title: A", "ok\nok\n").encode() + b"\xff\xfe broken\n", 7),
    (page("title: A").encode() + "é".encode()[:1], 6),
])
def test_text_that_is_not_utf8_is_refused_at_its_line(tmp_path, data, line):
    outcome = build_with(tmp_path, {"content/a.md": data})
    assert outcome.code == 1
    assert outcome.errors == [f"content/a.md:{line}: the file is not UTF-8 text - save it as UTF-8 in your editor "
                              "(File > Save with encoding > UTF-8)"]


@pytest.mark.parametrize(("text", "line", "code"), [
    (page("title: A", "Hello\x00world\n"), 5, "U+0000"),
    (page("title: A\x00"), 2, "U+0000"),
    (page("title: A", "invoice\u202egpj.exe\n"), 5, "U+202E"),
    (page("title: A", "x\n\ny\u2066z\u2069\n"), 7, "U+2066, U+2069"),
    (page("title: A", "bell\x07\n"), 5, "U+0007"),
    (page("title: A", "escape \x1b[31mred\n"), 5, "U+001B"),
    (page("title: A", "next line\x85here\n"), 5, "U+0085"),
    (page("title: A", "nonchar\ufffe\n"), 5, "U+FFFE"),
    ("---\ntitle: A\u202e\n---\n", 2, "U+202E"),
])
def test_invisible_controls_in_a_file_are_refused_at_their_line(tmp_path, text, line, code):
    outcome = build_with(tmp_path, {"content/a.md": text})
    assert outcome.code == 1
    assert outcome.errors == [f"content/a.md:{line}: invisible control character {code} in the text - "
                              "delete it; retype the line if you cannot see it"]


@pytest.mark.parametrize(("front", "code"), [
    ('title: "a\\0b"', "U+0000"),
    ('title: "evil\\u202Etxt.exe"', "U+202E"),
    ('title: "a\\rb"', "U+000D"),
    ('title: "x\\e[31m"', "U+001B"),
    ('title: "a\\uFFFEb"', "U+FFFE"),
    ('title: "a\\Lb"', "U+2028"),
    ('title: "a\\x85b"', "U+0085"),
])
def test_yaml_escapes_cannot_smuggle_invisible_characters(tmp_path, front, code):
    outcome = build_with(tmp_path, {"content/a.md": page(front)})
    assert outcome.code == 1
    assert outcome.errors == [f"content/a.md:2: the value holds the invisible character {code} - remove the escape "
                              "(a backslash code such as \\u202E or \\0) and write plain text"]


@pytest.mark.parametrize("smuggled", ["file&#x202E;fdp.exe", "file&#8238;fdp.exe", "file&#x2067;fdp.exe",
                                      "<https://example.org/file%E2%80%AEfdp.exe>"])
def test_markdown_entities_and_percent_codes_cannot_smuggle_direction_controls(tmp_path, smuggled):
    outcome = build_with(tmp_path, {"content/a.md": page("title: A", f"Intro.\n\n{smuggled}\n")})
    assert outcome.code == 1
    assert outcome.errors[0].startswith(
        "content/a.md:7: an HTML entity or percent code here writes the invisible direction control")


def test_nul_and_noncharacter_entities_become_the_replacement_character(tmp_path):
    outcome = build_with(tmp_path, {"content/a.md": page("title: A", "x &#0; y &#xFFFE; z\n")})
    assert outcome.code == 0, outcome.stderr
    html = outcome.html("a/index.html")
    assert "\x00" not in html and "\ufffe" not in html
    assert "x \ufffd y" in html


@pytest.mark.parametrize(("path", "data", "error"), [
    ("content/a.md", b"", "content/a.md:1: the page has no front matter - start the file with a line `---`, "
                          "then `title: ...`, then another `---`"),
    ("content/a.md", b"\xef\xbb\xbf", "content/a.md:1: the page has no front matter - start the file with a line "
                                      "`---`, then `title: ...`, then another `---`"),
    ("content/a.md", b"---\ntitle: A\n\nBody never separated\n",
     "content/a.md:1: the front matter is never closed - add a line with just `---` after the last front matter field"),
    ("content/a.md", b"---", "content/a.md:1: the front matter is never closed - add a line with just `---` after "
                             "the last front matter field"),
    ("content/about/values.yaml", b"", "content/about/values.yaml:1: the data file is empty - add its fields or "
                                       "delete the file"),
    ("content/about/values.yaml", b"\n  \n", "content/about/values.yaml:1: the data file is empty - add its fields "
                                             "or delete the file"),
])
def test_empty_and_unclosed_files(tmp_path, path, data, error):
    outcome = build_with(tmp_path, {path: data})
    assert outcome.code == 1
    assert outcome.errors == [error]


def test_empty_front_matter_asks_for_a_title(tmp_path):
    outcome = build_with(tmp_path, {"content/a.md": "---\n---\nBody\n"})
    assert outcome.code == 1
    assert outcome.errors[0].startswith("content/a.md:") and "title is missing" in outcome.errors[0]


def test_an_empty_site_yaml_is_a_located_error(tmp_path):
    outcome = build_with(tmp_path, {"content/site.yaml": b""})
    assert outcome.code == 1
    assert outcome.errors[0].startswith("content/site.yaml:1: ")


def test_a_file_over_the_size_limit_is_refused_before_parsing(tmp_path):
    outcome = build_with(tmp_path, {"content/a.md": page("title: A", "word " * 500_000)})
    assert outcome.code == 1
    assert outcome.errors == ["content/a.md:1: the file is 2,500,018 bytes, over the 2,000,000 byte limit - "
                              "split it into smaller pages"]


def test_a_session_description_cannot_smuggle_a_direction_control_either(tmp_path):
    from .conftest import REPO

    programme = (REPO / "tests/sites/summit/content/summit/2025.yaml").read_text()
    assert "description: Short and plain." in programme
    hostile = programme.replace("description: Short and plain.", "description: 'Short &#x202E; plain.'", 1)
    outcome = build_with(tmp_path, {"content/summit/2025.yaml": hostile}, "summit")
    line = 1 + hostile.splitlines().index("    description: 'Short &#x202E; plain.'")
    assert outcome.code == 1
    assert outcome.errors == [f"content/summit/2025.yaml:{line}: an HTML entity or percent code here writes the "
                              "invisible direction control U+202E, which can make text read backwards - "
                              "remove the &#...; or %.. code"]
