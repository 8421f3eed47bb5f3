"""Typography: curly quotes, dashes and ellipses, the same in page bodies and in front-matter text.

It lives with the content fields (titles and summaries are typeset as they validate) and the Markdown
parser takes its rules from here, so the two cannot drift apart.
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.rules_core.replacements import RARE_RE, replace_rare

__all__ = ["typographic", "with_typographer"]


def _dashes_and_ellipses(state: StateCore) -> None:
    """markdown-it's `replacements` rule (-- and --- as dashes, ... as an ellipsis) without its
    (c) (r) (tm) -> © ® ™, which would turn the "(c)" of a list "(a), (b), (c)" into ©."""
    for token in state.tokens:
        if token.type == "inline" and token.children and RARE_RE.search(token.content):
            replace_rare(token.children)


def with_typographer(md: MarkdownIt) -> MarkdownIt:
    """Curly quotes (smartquotes), dashes and ellipses (replacements), in text only: code spans and
    code blocks keep their straight quotes. The parser must be made with the `typographer` option."""
    md.enable(["replacements", "smartquotes"])
    md.core.ruler.at("replacements", _dashes_and_ellipses)
    return md


_TYPOGRAPHER = with_typographer(MarkdownIt("zero", {"typographer": True}))


def typographic(text: str) -> str:
    """Plain text (a title, a summary) with the same quotes and dashes the Markdown pipeline gives
    page bodies. Only the `text` rule runs, so nothing else in the string is interpreted."""
    if '"' not in text and "'" not in text and not RARE_RE.search(text):  # nothing for either rule to change
        return text
    tokens = _TYPOGRAPHER.parseInline(text)
    return "".join(child.content for child in tokens[0].children or [])
