"""Pages compiled in isolation: front matter validated, Markdown parsed and rendered once, links left open.

A page's body can be turned into HTML before the rest of the site is known if every link address is
replaced by a placeholder. The page then keeps only its link tokens (tiny), so `link()` resolves and
checks them exactly as for a freshly parsed page, and `fill_links` writes the resolved addresses into
the HTML. This lets worker processes do the expensive Markdown work, and lets the build cache keep a
page without its token tree.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from urllib.parse import unquote

from markdown_it.common.utils import escapeHtml
from markdown_it.token import Token

from ecosite.markdown import parser as markdown
from ecosite.errors import ContentError
from ecosite.site.model import Page
from ecosite.content.sources import Source

_PLACEHOLDER = "\x00{}\x00"  # control characters cannot occur in content files (documents.read_text)
_PLACEHOLDER_RE = re.compile("\x00(\\d+)\x00")
SLICE = 32  # pages parsed before their token trees are dropped


@dataclass
class CompiledBody:
    """A compiled page's body: HTML with numbered link placeholders and the page's link targets."""

    html: str
    targets: tuple[tuple[str, str], ...]  # ("page" | "static", rel under content/)


def link_target(rel: str, url: str) -> tuple[str, str] | None:
    """The source a link inside page `rel` points to, as markdown.resolve_links will resolve it."""
    if not url or url.startswith(("#", "/")) or markdown.scheme_of(url) is not None:
        return None
    path = url.partition("#")[0]
    target = posixpath.normpath(posixpath.join(posixpath.dirname(rel), unquote(path)))
    return ("page" if path.endswith(".md") else "static", target)


def open_links(page: Page) -> CompiledBody:
    """Render the body with placeholders; keep only the link tokens in page.parsed."""
    kept: list[Token] = []
    targets = []
    for number, (token, attr, line) in enumerate(markdown.link_tokens(page.parsed.tokens)):
        original = token.copy()
        original.attrs = dict(token.attrs)
        url = str(token.attrGet(attr) or "")
        target = link_target(page.rel, url)
        if target is not None:
            targets.append(target)
        token.attrSet(attr, _PLACEHOLDER.format(number))
        kept.append(Token("inline", "", 0, map=[line, line + 1], children=[original]))
    html = markdown.render(page.parsed)
    page.parsed = markdown.ParsedMarkdown(kept, page.parsed.headings, {})
    return CompiledBody(html, tuple(dict.fromkeys(targets)))


def fill_links(page: Page, draft: CompiledBody) -> str:
    """The body HTML with every placeholder replaced by the address link() resolved."""
    addresses = []
    for wrapper in page.parsed.tokens:
        token = wrapper.children[0]
        addresses.append(str(token.attrGet("src" if token.type == "image" else "href") or ""))
    return _PLACEHOLDER_RE.sub(lambda match: escapeHtml(addresses[int(match.group(1))]), draft.html)


def compile_pages(load_pages, project, config, sources: list[Source]) -> tuple[list[Page], dict[str, CompiledBody], list[ContentError]]:
    """load_pages (the build stage) on some sources, then each page's links opened.

    A few pages at a time: a page's token tree is many times its size, so only a slice's trees are
    alive at once (all 10,000 at once took a gigabyte)."""
    pages, drafts, errors = [], {}, []
    for start in range(0, len(sources), SLICE):
        some, problems = load_pages(project, config, sources[start:start + SLICE])
        drafts.update((page.rel, open_links(page)) for page in some)
        pages += some
        errors += problems
    return pages, drafts, errors
