"""The compiled parser: markdown-it-pyrs (markdown-it ported to Rust) for the bodies it reads as ours does.

Parsing page bodies with markdown-it-py was most of a cold build. markdown-it-pyrs parses the same
Markdown by the same rules many times faster, but it cannot be configured as far: it always turns (c)
into ©, curls quotes inside code spans and image descriptions, leaves some quotes straight, drops links
whose scheme it dislikes (where we name them as errors), numbers repeated footnote references its own
way, and cannot be stopped by the time budget. So `read` takes a body only when a scan of its text
(`_reads_differently`) finds none of those constructs, and only if every link in what it made carries
its line; otherwise it returns None and the body goes through markdown-it-py. Where the package is
missing (it has wheels for CPython up to 3.12), every body does. Either way the page comes out byte for
byte the same (tests/markdown/test_compiled_markdown.py).
"""

from __future__ import annotations

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
                "replacements", "smartquotes", "table", "strikethrough", "footnote",
                "sourcepos"]  # each element's line, for the links' messages
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
_LETTER = re.compile(r"[^\W\d_]")
_TYPESETTING = re.compile(r"[\"']|--|\.\.|\+-|[?!]{2}|,,")  # what smartquotes and replacements change
_FOOTNOTE = re.compile(r"\[\^([^\]]*)\]")  # a reference, or a note's label
_DEFINITION = re.compile(r"^ {0,3}\[\^[^\]]*\]:", re.MULTILINE)

_HEADING = re.compile(r"<h([1-6])>(.*?)</h\1>", re.DOTALL)
_FOOTNOTE_REF = re.compile(r'<sup class="footnote-ref">.*?</sup>')
_TAG = re.compile(r"<[^>]*>")
_FOOTNOTE_ITEM = re.compile(r'(<li id="fn\d+" class="footnote-item">)\n')  # mdit-py-plugins has no newline here
_SOURCEPOS = re.compile(r' data-sourcepos="[^"]*"')  # the compiled parser's `sourcepos`: each element's lines
_LINKED = re.compile(  # a link or an image, its line and its address
    r'<(?:a data-sourcepos="(\d+):[^"]*" href="([^"]*)"|img data-sourcepos="(\d+):[^"]*" src="([^"]*)" alt="([^"]*)")')
_BLOCK = re.compile(r'<(p|h[1-6]|li|td|th) data-sourcepos="(\d+):')  # an element holding text, and its line

Link = tuple[str, str, str, int]  # (attribute, address, image description, 0-based line of its block)


def read(body: str) -> tuple[str, list[tuple[int, str]], list[Link]] | None:
    """(HTML with `<hN>` tags still without ids, (level, title) of each heading, the links with
    every address replaced by a numbered placeholder), or None for markdown-it-py to read it."""
    if not ENABLED or len(body) > LARGEST or _reads_differently(body):
        return None
    out = _PARSER.render(body)
    if not out.isascii() and any(control in out for control in BIDI_CONTROLS):  # the budgeted path names the line
        return None
    links: list[Link] = []
    pieces, done = [], 0
    for match in _LINKED.finditer(out):  # each link numbered, with the line of the element holding it
        link_line, href, image_line, src, alt = match.groups()
        block_tag, block_line = _block_before(out, match.start())
        # The text of a tight list item has no element of its own: markdown-it-py gives the line where
        # that text starts, which is the item's own line only when the link is on it too.
        if block_tag == "li" and int(link_line if href is not None else image_line) - 1 != block_line:
            return None  # not ours to place
        number = f"\x00{len(links)}\x00"
        pieces.append(out[done:match.start()])
        if href is not None:
            links.append(("href", html.unescape(href), "", block_line))
            pieces.append(f'<a href="{number}"')
        else:
            links.append(("src", html.unescape(src), html.unescape(alt), block_line))
            pieces.append(f'<img src="{number}" alt="{alt}"')
        done = match.end()
    pieces.append(out[done:])
    out = _SOURCEPOS.sub("", "".join(pieces))  # one pass in C: a callback for each element took 0.2 ms a page
    if out.count('<a href="') != out.count('<a href="\x00') + out.count('<a href="#fn') or \
            out.count('<img src="') != out.count('<img src="\x00'):  # a link it gave no position: not ours to place
        return None
    headings = [(int(m.group(1)), _title(m.group(2))) for m in _HEADING.finditer(out)] if "<h" in out else []
    if "footnote-item" in out:
        out = _FOOTNOTE_ITEM.sub(r"\1", out)
    return out, headings, links


def _block_before(out: str, at: int) -> tuple[str, int]:
    """The last element holding text (p, hN, li, td, th) opened before `at`, and its 0-based line: looked
    for backwards, tag by tag, from the link (a few tags back); ("", 0) before the first."""
    while (at := out.rfind("<", 0, at)) != -1:
        if block := _BLOCK.match(out, at):
            return block.group(1), int(block.group(2)) - 1
    return "", 0


def _reads_differently(body: str) -> bool:
    """Whether the body holds something the compiled parser reads otherwise than markdown-it-py, or
    slowly; each test is a plain substring search where one will do (a page costs microseconds here)."""
    lowered = body.lower()
    return (body.count("]:") > DEFINITIONS  # link definitions: quadratic there
            or ("<" in body or "&" in body) and _MARKUP.search(body) is not None
            or any(symbol in lowered for symbol in _SYMBOLS)  # always © ® ™ there
            or ":" in body and any(scheme in lowered.replace("\\", "") for scheme in _DROPPED_SCHEMES)  # dropped
            or "^[" in body  # inline footnotes
            or _quote_at_an_edge(body)  # it leaves some straight
            or _SETEXT.search("\n" + body) is not None  # with a setext heading it curls no quotes anywhere
            or _typeset_literally(body)
            or _footnotes_repeat(body))


def _quote_at_an_edge(body: str) -> bool:
    """A quote (other than an apostrophe between two letters or digits) it may leave straight.

    It curls a quote by its neighbours as markdown-it-py does, except where the quote starts or ends
    the text of its block: there it looks into the block before or after (a quote opening a tight list
    item, closing a paragraph, in a table cell). So every such quote needs a letter before it and one
    after it on its own line, and no table or footnote on that line."""
    for quote in ('"', "'"):
        at = body.find(quote)
        while at != -1:
            if quote == '"' or at == 0 or at + 1 == len(body) or not (body[at - 1].isalnum() and body[at + 1].isalnum()):
                start, end = body.rfind("\n", 0, at) + 1, body.find("\n", at)
                line_end = len(body) if end == -1 else end
                if not (_LETTER.search(body, start, at) and _LETTER.search(body, at + 1, line_end)) \
                        or "|" in body[start:line_end] or body[start:line_end].lstrip().startswith("[^"):
                    return True
            at = body.find(quote, at + 1)
    return False


def _typeset_literally(body: str) -> bool:
    """A block with a code span or an image description (a backtick, `![`) and something smartquotes or
    replacements would change: markdown-it-py leaves those alone, the compiled parser does not."""
    return ("`" in body or "![" in body) and any(
        ("`" in block or "![" in block) and _TYPESETTING.search(block) for block in body.split("\n\n"))


def _footnotes_repeat(body: str) -> bool:
    """Anything but one reference to each footnote, before the notes and in their order: markdown-it-py
    numbers notes by their first reference, the compiled parser otherwise."""
    if "[^" not in body:
        return False
    labels = [label.lower() for label in _FOOTNOTE.findall(body)]
    if any(labels.count(label) != 2 for label in set(labels)) or labels[:len(labels) // 2] != labels[len(labels) // 2:]:
        return True
    first = _DEFINITION.search(body)  # and no reference after the notes begin (one inside a note, say)
    return first is not None and body.count("[^", first.start()) != len(_DEFINITION.findall(body, first.start()))


def _title(inner: str) -> str:
    """A heading's text as markdown-it-py's anchors plugin sees it: text and code, not footnote marks."""
    return html.unescape(_TAG.sub("", _FOOTNOTE_REF.sub("", inner)).replace("\n", ""))
