"""Pages compiled in isolation: front matter validated, Markdown parsed and rendered once, links left open.

A page's body can be turned into HTML before the rest of the site is known if every link address is
replaced by a placeholder. The page then keeps only its link tokens (tiny), so `link()` resolves and
checks them exactly as for a freshly parsed page, and `fill_links` writes the resolved addresses into
the HTML. This lets worker processes do the expensive Markdown work, and lets the build cache keep a
page without its token tree.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import unquote

from ecosite.content.config import SiteConfig
from ecosite.content.sources import Source
from ecosite.errors import ContentError
from ecosite.markdown import parser as markdown
from ecosite.project import Project
from ecosite.site.model import Page

# The reading stage for pages (site.loading.load_pages): (project, config, sources) -> (pages, errors).
PageLoader = Callable[[Project, SiteConfig, list[Source]], tuple[list[Page], list[ContentError]]]

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
    parsed = markdown.with_placeholders(page.parsed)
    targets = (link_target(page.rel, str(token.attrGet(attr) or "")) for token, attr, _ in
               markdown.link_tokens(parsed.tokens))
    page.parsed = markdown.ParsedMarkdown(parsed.tokens, parsed.headings, {})
    return CompiledBody(parsed.html or "", tuple(dict.fromkeys(target for target in targets if target is not None)))


def fill_links(page: Page, draft: CompiledBody) -> str:
    """The body HTML with every placeholder replaced by the address link() resolved."""
    return markdown.render(markdown.ParsedMarkdown(page.parsed.tokens, html=draft.html))


def compile_pages(load_pages: PageLoader, project: Project, config: SiteConfig, sources: list[Source]
                  ) -> tuple[list[Page], dict[str, CompiledBody], list[ContentError]]:
    """load_pages (the build stage) on some sources, then each page's links opened.

    A few pages at a time: a page's token tree is many times its size, so only a slice's trees are
    alive at once (all 10,000 at once took a gigabyte)."""
    pages: list[Page] = []
    drafts: dict[str, CompiledBody] = {}
    errors: list[ContentError] = []
    for start in range(0, len(sources), SLICE):
        some, problems = load_pages(project, config, sources[start:start + SLICE])
        drafts.update((page.rel, open_links(page)) for page in some)
        pages += some
        errors += problems
    return pages, drafts, errors
