"""The compiled parser: markdown-it-pyrs (markdown-it ported to Rust) for the bodies it reads as ours does.

Parsing page bodies with markdown-it-py is most of a cold build. markdown-it-pyrs parses the same
Markdown with the same rules about fifteen times faster, but it cannot be configured as far: it always
turns (c) into ©, curls quotes inside code spans and image descriptions, drops links whose scheme it
dislikes (where we name them as errors), numbers repeated footnote references its own way, and has no
time budget. So `read` takes a body only when a scan of its text finds none of the constructs where
the two could differ (`_DIFFERENT`, `_TYPESET_LITERALLY`, repeated footnotes, a size limit), and checks
what it made (the links it found twice over, no direction control); otherwise it returns None and the
body goes through markdown-it-py. Where the package is missing (it has wheels for CPython up to 3.12),
every body does. Either way the page comes out byte for byte the same (tests/test_compiled_markdown.py).
"""

from __future__ import annotations

import bisect
import html
import os
import re
from typing import Any

from ecosite.content.text import BIDI_CONTROLS

markdown_it_pyrs: Any
try:
    import markdown_it_pyrs
except ImportError:  # no wheel for this Python: markdown-it-py reads every body
    markdown_it_pyrs = None

# markdown-it-py's "commonmark" preset without raw HTML, plus what parser._make_parser enables.
_RULES: Any = ["blockquote", "code", "fence", "heading", "hr", "lheading", "list", "paragraph", "reference",
          "autolink", "backticks", "emphasis", "entity", "escape", "image", "link", "newline",
          "replacements", "smartquotes", "table", "strikethrough", "footnote"]
_PARSER: Any = markdown_it_pyrs.MarkdownIt("zero").enable_many(_RULES) if markdown_it_pyrs else None
ENABLED = _PARSER is not None and os.environ.get("ECOSITE_MARKDOWN") != "python"

LARGEST = 32 * 1024
DEFINITIONS = 64
"""Longer bodies, or more link definitions (`[a]: b`, which it reads in quadratic time), take the budgeted
path: the compiled parser cannot be stopped once it has started. The worst inputs under both limits take
it a third of a second (tests/markdown/test_compiled_markdown.py)."""

_MARKUP = re.compile(r"<[a-z/!?]|&[#a-z0-9]+;", re.IGNORECASE)
"""Raw HTML (linted at its line), comments, autolinks (whose text the two decode differently), and
entities (one can write a direction control, or hide a scheme from the scan for schemes)."""
_SETEXT = re.compile(r"\n {0,3}(?:=+|-+)[ \t]*(?:\n|$)")  # a setext heading's underline (or an hr)
_DROPPED_SCHEMES = ("script:", "file:", "data:")  # javascript:, vbscript:, file:, data:
_SYMBOLS = ("(c)", "(r)", "(tm)")
_DIRECTION_CONTROL = re.compile("[" + "".join(sorted(BIDI_CONTROLS)) + "]")
_LITERAL_TEXT = re.compile(r"`|!\[")  # code spans and image descriptions: typeset by it, not by us
_TYPESETTING = re.compile(r"[\"']|--|\.\.|\+-|[?!]{2}|,,")  # what smartquotes and replacements change
_FOOTNOTE = re.compile(r"\[\^([^\]]*)\]")
_DEFINITION = re.compile(r"^ {0,3}\[\^[^\]]*\]:", re.MULTILINE)

_HEADING = re.compile(r"<h([1-6])>(.*?)</h\1>", re.DOTALL)
_FOOTNOTE_REF = re.compile(r'<sup class="footnote-ref">.*?</sup>')
_TAG = re.compile(r"<[^>]*>")
_FOOTNOTE_ITEM = re.compile(r'(<li id="fn\d+" class="footnote-item">)\n')  # mdit-py-plugins has no newline here
_ADDRESS = re.compile(r'<(?:(sup class="footnote-ref"><a href="[^"]*")|a href="([^"]*)"( class="footnote-backref")?'
                      r'|img src="([^"]*)" alt="([^"]*)")')
_INLINE = frozenset({"text", "link", "image", "em", "strong", "s", "code_inline", "softbreak", "hardbreak",
                     "footnote_ref", "footnote_ref_anchor"})

Link = tuple[str, str, str, int]  # (attribute, address, image description, 0-based line of its block)


def read(body: str) -> tuple[str, list[tuple[int, str]], list[Link]] | None:
    """(HTML with `<hN>` tags still without ids, (level, title) of each heading, the links with
    every address replaced by a numbered placeholder), or None for markdown-it-py to read it."""
    if not ENABLED or len(body) > LARGEST or _reads_differently(body):
        return None
    out = _PARSER.render(body)
    if _DIRECTION_CONTROL.search(out):  # the budgeted path names the line
        return None
    headings = [(int(m.group(1)), _title(m.group(2))) for m in _HEADING.finditer(out)] if "<h" in out else []
    if "footnote-item" in out:
        out = _FOOTNOTE_ITEM.sub(r"\1", out)
    found: list[tuple[str, str, str]] = []

    def placeholder(match: re.Match) -> str:
        if match.group(1) or match.group(3):  # a footnote's reference or way back: not a link of the body
            return match.group(0)
        number = f"\x00{len(found)}\x00"
        if match.group(2) is not None:
            found.append(("href", html.unescape(match.group(2)), ""))
            return f'<a href="{number}"'
        found.append(("src", html.unescape(match.group(4)), html.unescape(match.group(5))))
        return f'<img src="{number}" alt="{match.group(5)}"'

    out = _ADDRESS.sub(placeholder, out)
    links: list[Link] = []
    if found:
        lines = _link_lines(body)
        if [(attr, url) for attr, url, _ in found] != [(attr, url) for attr, url, _ in lines]:
            return None  # the two readings of the page disagree: trust neither
        links = [(attr, url, alt, line) for (attr, url, alt), (_, _, line) in zip(found, lines)]
    return out, headings, links


def _reads_differently(body: str) -> bool:
    """Whether the body holds something the compiled parser reads otherwise than markdown-it-py, or
    slowly; each test is a plain substring search where one will do (a page costs microseconds here)."""
    lowered = body.lower()
    return (body.count("]:") > DEFINITIONS  # link definitions: quadratic there
            or _MARKUP.search(body) is not None
            or any(symbol in lowered for symbol in _SYMBOLS)  # always © ® ™ there
            or ":" in body and any(scheme in lowered.replace("\\", "") for scheme in _DROPPED_SCHEMES)  # dropped
            or "^[" in body  # inline footnotes
            or _quotes_outside_words(body)  # it leaves some straight (at the end of a block, in a table)
            or _SETEXT.search("\n" + body) is not None  # with a setext heading it curls no quotes anywhere
            or _typeset_literally(body)
            or _footnotes_repeat(body))


def _quotes_outside_words(body: str) -> bool:
    """A double quote, or a single one that is not an apostrophe between two letters or digits."""
    if '"' in body:
        return True
    at = body.find("'")
    while at != -1:
        if at == 0 or at + 1 == len(body) or not (body[at - 1].isalnum() and body[at + 1].isalnum()):
            return True
        at = body.find("'", at + 1)
    return False


def _typeset_literally(body: str) -> bool:
    """A block with a code span or an image description and something smartquotes or replacements
    would change: markdown-it-py leaves those alone, the compiled parser does not."""
    return _LITERAL_TEXT.search(body) is not None and any(
        _LITERAL_TEXT.search(block) and _TYPESETTING.search(block) for block in body.split("\n\n"))


def _footnotes_repeat(body: str) -> bool:
    """Anything but one reference to each footnote, before the notes: the two number the others differently."""
    if "[^" not in body:
        return False
    labels = [label.lower() for label in _FOOTNOTE.findall(body)]
    if any(labels.count(label) != 2 for label in set(labels)):
        return True
    first = _DEFINITION.search(body)  # and no reference after the notes begin (one inside a note, say)
    return first is not None and body.count("[^", first.start()) != len(_DEFINITION.findall(body, first.start()))


def _title(inner: str) -> str:
    """A heading's text as markdown-it-py's anchors plugin sees it: text and code, not footnote marks."""
    return html.unescape(_TAG.sub("", _FOOTNOTE_REF.sub("", inner)).replace("\n", ""))


def _link_lines(body: str) -> list[tuple[str, str, int]]:
    """(attribute, address, line) of each link in the order the HTML shows them; the line is where its
    paragraph, heading, table row or list item starts, as in markdown-it-py's tokens."""
    newlines = [m.start() for m in re.finditer(b"\n", body.encode())]
    found: list[tuple[str, str, int]] = []

    def visit(node: Any, block_start: int) -> None:
        for child in node.children:  # each reading of .children makes the Python objects anew
            name = child.name
            if name == "text":
                continue
            start = block_start if name in _INLINE or child.srcmap is None else child.srcmap[0]
            if name == "link" or name == "image":
                found.append(("href" if name == "link" else "src", child.meta["url"],
                              bisect.bisect_right(newlines, start)))
            visit(child, start)

    visit(_PARSER.tree(body), 0)
    return found
