"""Pathological Markdown: inputs that make parsers slow or deep get a size limit and a time bound
per file, with a clear error, never a hang.

Inputs from CommonMark's pathological test suite and reported denial-of-service bugs in
commonmark.js, cmark and markdown-it: long runs of `[`, `![`, `*`, `_`, backticks, `<`, nested
block quotes and lists, unclosed link destinations, many reference definitions, wide tables.
Times are measured in CPU seconds of this thread, so a busy test machine does not make them flaky.
"""

from __future__ import annotations

import time

import pytest

from ecosite.markdown import parser as markdown

from .conftest import build_with, page

BUDGET = 0.5

PATHOLOGICAL = {
    "brackets": "[" * 300_000 + "a",
    "images": "![" * 150_000,
    "link openers": "[a](" * 100_000,
    "nested links": "[" * 50_000 + "a" + "](b)" * 50_000,
    "emphasis": "*a " * 200_000,
    "underscores": "_a " * 200_000,
    "alternating": "*_" * 150_000 + "a",
    "strikethrough": "~~a" * 150_000,
    "backticks": "`" * 200_000 + "a" + "``" * 10_000,
    "angle brackets": "<" * 300_000,
    "autolink openers": "<a" * 150_000,
    "entities": "&#" * 200_000,
    "block quotes": ">" * 300_000 + " x",
    "nested lists": "- " * 100_000 + "x",
    "list of quotes": "> - " * 50_000 + "x",
    "reference definitions": "[a]: b\n" * 40_000 + "[a]" * 40_000,
    "footnote references": "[^1]" * 100_000 + "\n\n[^1]: x\n",
    "wide table": "|a" * 50_000 + "\n" + "|-" * 50_000 + "\n" + "|a" * 50_000,
    "unclosed destination": "[a](<" + " " * 300_000,
    "unclosed code fence": "```\n" + "x\n" * 200_000,
}


@pytest.mark.parametrize("name", sorted(PATHOLOGICAL))
def test_parsing_finishes_or_stops_within_its_budget(name):
    started = time.thread_time()
    try:
        parsed = markdown.parse(PATHOLOGICAL[name], seconds=BUDGET)
    except markdown.MarkdownTooSlow as slow:
        assert slow.line >= 0
    else:
        markdown.render(parsed)
    assert time.thread_time() - started < BUDGET + 2.5


def test_the_quadratic_image_case_really_needs_the_budget():
    """Without a budget this input takes minutes; the budget is what stops it."""
    with pytest.raises(markdown.MarkdownTooSlow):
        markdown.parse("![" * 400_000, seconds=BUDGET)


def test_the_error_points_at_the_block_being_read():
    body = "Fine paragraph.\n\nAnother.\n\n" + "![" * 400_000 + "\n"
    with pytest.raises(markdown.MarkdownTooSlow) as caught:
        markdown.parse(body, seconds=BUDGET)
    assert caught.value.line == 4
    error = caught.value.located("content/a.md", 5)
    assert str(error) == ("content/a.md:9: this part of the page takes over 5 seconds to read - break up long runs "
                          "of [ ! * _ ` > or - characters here, or split the page")


def test_a_budget_is_per_page_and_does_not_leak_into_the_next_parse():
    with pytest.raises(markdown.MarkdownTooSlow):
        markdown.parse("![" * 400_000, seconds=0.2)
    assert markdown.parse("A normal *page*.").headings == []  # no stale deadline left behind


def test_the_organisations_pages_parse_far_inside_the_budget():
    from .conftest import REPO

    for path in sorted((REPO / "content").rglob("*.md")):
        started = time.thread_time()
        markdown.parse(path.read_text(encoding="utf-8"))
        assert time.thread_time() - started < markdown.PARSE_SECONDS / 10, path


def test_a_build_with_a_pathological_page_fails_with_a_located_error(tmp_path):
    """The whole build, with the real budget: one clear error, output/ untouched, no hang."""
    source = page("title: A", "Intro.\n\n" + "![" * 600_000 + "\n")
    started = time.thread_time()
    outcome = build_with(tmp_path, {"content/a.md": source})
    assert time.thread_time() - started < markdown.PARSE_SECONDS + 5
    assert outcome.code == 1
    assert outcome.errors == ["content/a.md:7: this part of the page takes over 5 seconds to read - break up long "
                              "runs of [ ! * _ ` > or - characters here, or split the page"]
    assert outcome.files == {}


def test_a_parse_in_another_thread_stops_within_its_budget_too():
    """The preview builds in a thread, where no timer signal can reach: the rules check the clock there."""
    import threading

    caught: list[BaseException] = []

    def parse_slowly() -> None:
        try:
            markdown.parse("Intro.\n\n" + "![" * 400_000, seconds=BUDGET)
        except markdown.MarkdownTooSlow as slow:
            caught.append(slow)

    worker = threading.Thread(target=parse_slowly)
    worker.start()
    worker.join(timeout=BUDGET + 30)
    assert not worker.is_alive()
    assert [slow.line for slow in caught] == [2]


def test_the_timer_is_disarmed_after_each_parse():
    import signal

    before = signal.getsignal(signal.SIGVTALRM)
    markdown.parse("A normal *page*.", seconds=0.01)
    assert signal.getitimer(signal.ITIMER_VIRTUAL) == (0.0, 0.0)
    assert signal.getsignal(signal.SIGVTALRM) is before
    sum(range(3_000_000))  # CPU time past the budget: no stray signal arrives
