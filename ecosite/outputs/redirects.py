"""Redirects: each page's `aliases` (its old addresses) -> a static redirect page and a `_redirects` line.

A static page with a refresh and a canonical link works on every host; hosts that read Netlify-style
`_redirects` answer with a real 301 instead. An alias that lands on its own page, on another page or
on a page the build does not produce is refused at the alias's line.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from ecosite.content.documents import load_document
from ecosite.errors import ContentError, fail_if
from ecosite.site.model import Page, Site

NOT_FOUND_PAGE = "404.html"


@dataclass(frozen=True)
class Redirect:
    alias: str  # the old site path, e.g. /old/workforce/
    output_path: str  # where its redirect page is written, e.g. old/workforce/index.html
    page: Page  # where it leads


def output_path_of(site_path: str) -> str:
    """/a/b/ -> a/b/index.html, /a/b.html -> a/b.html."""
    path = site_path.lstrip("/")
    return path if path.endswith(".html") else path + "index.html"


def collect_redirects(site: Site, files: dict[str, bytes]) -> list[Redirect]:
    """Every alias of every page, checked; raises all problems at once."""
    redirects: list[Redirect] = []
    errors: list[ContentError] = []
    for page in site.pages:
        for index, alias in enumerate(page.meta.aliases):
            problem = _problem(alias, page, files)
            if problem:
                message, hint = problem
                errors.append(ContentError(page.source.shown, _alias_line(page, index), message, hint))
            else:
                redirects.append(Redirect(alias, output_path_of(alias), page))
    fail_if(errors)
    return sorted(redirects, key=lambda r: r.output_path)


def _problem(alias: str, page: Page, files: dict[str, bytes]) -> tuple[str, str] | None:
    target = output_path_of(alias)
    if target == page.output_path:
        return (f"the alias {alias} redirects onto this page itself",
                "remove it: an alias is an old address of this page, not its current one")
    if page.output_path == NOT_FOUND_PAGE or page.output_path not in files:
        return (f"the alias {alias} redirects onto {page.url}, which is not a published page",
                "move the alias to the page that now holds the old content")
    if target in files:
        return (f"the alias {alias} would replace the page at {alias}, which already exists",
                "remove the alias, or remove or move the page that lives at that address")
    return None


def _alias_line(page: Page, index: int) -> int:
    """The front matter line of aliases[index], read again only when there is a problem to show."""
    try:
        document = load_document(page.source.path, page.source.shown)
    except ContentError:
        return 0
    return document.meta.line_of(("aliases", index))


def redirect_page(redirect: Redirect, site: Site) -> bytes:
    """A tiny page that sends browsers on at once and tells search engines where the page lives now."""
    config = site.config
    target = config.base_path + redirect.page.url.lstrip("/")
    absolute = config.origin + target
    title = escape(redirect.page.title)
    return f"""<!DOCTYPE html>
<html lang="{escape(config.language)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Moved: {title} | {escape(config.title)}</title>
<meta name="robots" content="noindex">
<link rel="canonical" href="{escape(absolute)}">
<meta http-equiv="refresh" content="0; url={escape(target)}">
</head>
<body>
<main>
<h1>This page has moved</h1>
<p>It is now at <a href="{escape(target)}">{title}</a>.</p>
</main>
</body>
</html>
""".encode()


def netlify_redirects(redirects: list[Redirect], site: Site) -> bytes:
    """`_redirects`: one `old new 301` line per alias, for hosts that answer with real redirects."""
    base = site.config.base_path
    lines = [f"{base}{r.alias.lstrip('/')} {base}{r.page.url.lstrip('/')} 301" for r in redirects]
    return ("\n".join(lines) + "\n").encode() if lines else b""


def add_redirects(site: Site, files: dict[str, bytes]) -> list[str]:
    """Write the redirect pages and `_redirects` into files; returns the redirect pages' paths."""
    redirects = collect_redirects(site, files)
    for redirect in redirects:
        files[redirect.output_path] = redirect_page(redirect, site)
    if redirects:
        files["_redirects"] = netlify_redirects(redirects, site)
    return [r.output_path for r in redirects]
