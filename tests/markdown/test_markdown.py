"""Markdown: fixture cases (input, expected HTML) in tests/markdown/fixtures/markdown.txt, plus the link rules."""

from __future__ import annotations

from pathlib import Path

import pytest

from ecosite.content.typography import typographic
from ecosite.errors import ContentError
from ecosite.markdown import parser as markdown

FIXTURES = Path(__file__).parent / "fixtures" / "markdown.txt"


def read_cases() -> list[tuple[str, str, str]]:
    """Blocks of: a title line, '.', input, '.', expected HTML, '.' and a blank line."""
    cases, lines = [], FIXTURES.read_text().split("\n")
    index = 0
    while index < len(lines):
        if not lines[index].strip():
            index += 1
            continue
        title = lines[index]
        parts, current, index = [], [], index + 2
        while len(parts) < 2:
            if lines[index] == ".":
                parts.append("\n".join(current) + "\n")
                current = []
            else:
                current.append(lines[index])
            index += 1
        cases.append((title, parts[0], parts[1]))
    return cases


@pytest.mark.parametrize("title, source, expected", read_cases(), ids=[c[0] for c in read_cases()])
def test_fixture(title: str, source: str, expected: str):
    parsed = markdown.parse(source)
    errors = markdown.resolve_links(parsed, "page.md", "content/page.md", 1, lambda t, a: "/", lambda t: "/", [])
    assert errors == []
    assert markdown.render(parsed) == expected


def check(body: str, body_line: int = 10) -> tuple[list[ContentError], list[ContentError], str]:
    parsed = markdown.parse(body)
    warnings: list[ContentError] = []

    def page(target: str, anchor: str) -> str:
        if target != "networks/workforce.md":
            raise ValueError(f"no page {target} | fix it")
        return "/networks/workforce/" + (f"#{anchor}" if anchor else "")

    errors = markdown.resolve_links(parsed, "about/index.md", "content/about/index.md", body_line, page,
                                    lambda t: f"/static/{t}", warnings)
    return errors, warnings, markdown.render(parsed)


def test_links_to_source_files_become_urls():
    errors, _, html = check("[W](../networks/workforce.md#aims)")
    assert errors == []
    assert '<a href="/networks/workforce/#aims">W</a>' in html


@pytest.mark.parametrize("url", [
    "javascript:alert(1)", "JAVASCRIPT:alert(1)", " javascript:alert(1)", "java&#x09;script:alert(1)",
    "&#106;avascript:alert(1)", "java%73cript:alert(1)", "vbscript:msgbox", "data:text/html,x", "file:///etc/passwd",
])
def test_unsafe_schemes_are_errors_at_their_line(url: str):
    errors, _, _ = check(f"Intro\n\n[click]({url})")
    assert len(errors) == 1
    assert errors[0].line == 12
    assert "unsafe scheme" in errors[0].message


def test_plain_http_and_missing_alt_text_are_warnings():
    errors, warnings, _ = check("[a](http://example.org/)\n\n![](img.png)")
    assert errors == []
    assert [w.message for w in warnings] == ["the link `http://example.org/` is not secure (http)",
                                             "an image has no alt text"]


def test_same_page_anchor_must_exist():
    errors, _, _ = check("## Aims\n\n[up](#aims) [down](#nowhere)")
    assert [e.message for e in errors] == ["the link `#nowhere` points to no heading on this page"]


def test_site_absolute_paths_are_refused_in_favour_of_source_files():
    errors, _, _ = check("[x](/networks/workforce/)")
    assert errors[0].message == "the link `/networks/workforce/` is a web address, not a path to a file"
    assert errors[0].hint == "write the path from this file instead: `../networks/workforce.md`"


@pytest.mark.parametrize("plain, expected", [
    ('The report "Under Pressure"', "The report “Under Pressure”"),
    ("Europe's cancer workforce -- and more...", "Europe’s cancer workforce – and more…"),
    ("Strategy 2024-2027 & *stars* stay as written", "Strategy 2024-2027 & *stars* stay as written"),
])
def test_titles_and_summaries_get_the_same_typography_as_bodies(plain: str, expected: str):
    assert typographic(plain) == expected


def test_tokens_come_back_from_a_pickle_as_they_were():
    """Pages read in worker processes come back pickled, link tokens and all, each token as a call with
    its fields: every field must survive, the rarely set ones (a fence's info and markup, a footnote's
    meta, nesting levels, hidden paragraphs in a tight list) too."""
    import pickle

    body = ("# Title\n\n- a tight [list](other.md)\n- of *two*\n\n```python\nx = 1\n```\n\n"
            "| a | b |\n|---|---|\n| 1 | ![image](i.png) |\n\nA note.[^1]\n\n[^1]: The note.\n")
    tokens = markdown.MD.parse(body)
    assert {t.info for t in tokens} > {""} and any(t.hidden for t in tokens) and any(t.meta for t in tokens)
    assert pickle.loads(pickle.dumps(tokens)) == tokens
