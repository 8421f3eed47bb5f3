"""Sitemap and robots.txt: tell search engines which pages exist, and where the sitemap is.

The sitemap lists every published HTML page of the output (generated pages included), not drafts,
redirects or the not-found page. `lastmod` is given only where content dates a page: a build time
would change on every build and tell search engines nothing true.
"""

from __future__ import annotations

from html import escape

from ecosite.site.model import Site

SITEMAP_PATH = "sitemap.xml"
ROBOTS_PATH = "robots.txt"


def page_address(output_path: str) -> str:
    """networks/workforce/index.html -> networks/workforce/ (the path a browser asks for)."""
    if output_path == "index.html" or output_path.endswith("/index.html"):
        return output_path.removesuffix("index.html")
    return output_path


def sitemap(site: Site, files: dict[str, bytes], excluded: set[str]) -> bytes:
    """sitemaps.org `urlset` of every HTML file in `files` except those in `excluded`."""
    dates = {page.output_path: page.date for page in site.pages if page.date}
    root = site.config.origin + site.config.base_path
    entries = []
    for path in sorted((p for p in files if p.endswith(".html") and p not in excluded), key=page_address):
        lastmod = f"<lastmod>{dates[path].isoformat()}</lastmod>" if path in dates else ""
        entries.append(f"<url><loc>{escape(root + page_address(path))}</loc>{lastmod}</url>")
    body = "\n".join(entries)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
            f"{body}\n</urlset>\n").encode()


def robots_txt(site: Site) -> bytes:
    """Allow everything and name the sitemap by its absolute address."""
    address = site.config.origin + site.config.base_path + SITEMAP_PATH
    return f"User-agent: *\nAllow: /\n\nSitemap: {address}\n".encode()
