"""Warnings about text that builds but would come out other than the editor meant.

Each is a warning at its line (an error with --strict): raw HTML pasted into Markdown (published as
visible text, since HTML is off), an unquoted ` #` in a title or summary (YAML reads the rest of the
line as a comment and drops it), and the `TODO` placeholders `ecosite new` writes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from markdown_it.token import Token

from ecosite.errors import ContentError
from ecosite.markdown.parser import ParsedMarkdown

_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)\b[^<>]*>")
_INSTEAD = {
    "br": "for a line break end the line with a backslash \\, for a new paragraph leave a blank line",
    "p": "leave a blank line between paragraphs",
    "b": "write **bold** instead", "strong": "write **bold** instead",
    "i": "write *italic* instead", "em": "write *italic* instead",
    "a": "write the link as [words](https://...) or [words](other-page.md)",
    "img": "write the image as ![what it shows](../static/img/file.png)",
    "h1": "start a heading with ## instead", "h2": "start a heading with ## instead",
    "h3": "start a heading with ### instead",
    "ul": "write each item on its own line starting with `- `", "li": "write each item on its own line starting with `- `",
    "table": "write a Markdown table (| a | b | lines)",
}
_EMBED = {"iframe", "video", "audio", "embed", "object", "script", "form", "input", "style"}
_COMMENT_KEYS = ("title", "summary")


def raw_html(parsed: ParsedMarkdown, shown: str, body_line: int) -> list[ContentError]:
    """HTML tags in a page body (outside code), which the site publishes as visible text."""
    found = []
    for token, line, child in _texts(parsed.tokens):
        match = _TAG.search(child.content)
        if match:
            tag = match.group(2).lower()
            hint = ("embedded content cannot be published from a page: link to it instead, "
                    "e.g. [Watch the video](https://...)") if tag in _EMBED else _INSTEAD.get(
                tag, "write it in Markdown; a developer can add it to a template if it is needed")
            found.append(ContentError(shown, body_line + line, f"the HTML tag <{match.group(1)}{tag}> is shown "
                                      "as text on the page (HTML is not allowed in pages)", hint))
    return found


def _texts(tokens: list[Token]) -> Iterator[tuple[Token, int, Token]]:
    """(block token, 0-based body line, text token) for the plain text of every block, code excluded."""
    line = 0
    for token in tokens:
        line = token.map[0] if token.map else line
        offset = 0
        for child in token.children or []:
            if child.type in ("softbreak", "hardbreak"):
                offset += 1
            elif child.type == "text":
                yield token, line + offset, child


def cut_comments(front_matter: str, first_line: int, shown: str) -> list[ContentError]:
    """`title: Cancer #1 plan` is read as `Cancer`: YAML starts a comment at an unquoted ` #`."""
    found = []
    for number, text in enumerate(front_matter.split("\n"), first_line):
        key, sep, value = text.partition(":")
        if sep and key in _COMMENT_KEYS and value.strip()[:1] not in ("'", '"') and " #" in value:
            kept = value.split(" #")[0].strip()
            found.append(ContentError(shown, number, f"`{key}` stops at ` #`: the page shows only `{kept}`",
                                      f'put the whole value in quotes: {key}: "{value.strip()}"'))
    return found


def placeholders(text: str, first_line: int, shown: str) -> list[ContentError]:
    """The `TODO:` lines a new file starts with, still there."""
    return [ContentError(shown, number, "a `TODO` placeholder from `ecosite new` is still here",
                         "replace it with the real text, or delete the line")
            for number, line in enumerate(text.split("\n"), first_line) if "TODO:" in line]
