"""Sitemap and robots.txt: tell search engines which pages exist, and where the sitemap is.

The sitemap lists every published HTML page of the output (generated pages included), not drafts,
redirects or the not-found page. `lastmod` is given only where content dates a page: a build time
would change on every build and tell search engines nothing true.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from datetime import datetime
from functools import lru_cache
from html import escape

from ecosite.outputs.publication import Publication
from ecosite.site.model import Site
from ecosite.site.urls import address_of

SITEMAP_PATH = "sitemap.xml"
ROBOTS_PATH = "robots.txt"


def sitemap(site: Site, files: MutableMapping[str, bytes], excluded: set[str]) -> bytes:
    """sitemaps.org `urlset` of every HTML file in `files` except those in `excluded`."""
    listed = frozenset(p for p in files if p.endswith(".html") and p not in excluded)
    dates = frozenset((page.output_path, page.date) for page in site.pages if page.date and page.output_path in listed)
    return _urlset(site.config.origin + site.config.base_path, listed, dates)


@lru_cache(maxsize=1)  # the process's last sitemap: a preview's edits that change no address or date reuse it
def _urlset(root: str, listed: frozenset[str], dates: frozenset[tuple[str, datetime]]) -> bytes:
    dated = dict(dates)
    entries = []
    for path in sorted(listed, key=address_of):
        lastmod = f"<lastmod>{dated[path].isoformat()}</lastmod>" if path in dated else ""
        entries.append(f"<url><loc>{escape(root + address_of(path))}</loc>{lastmod}</url>")
    body = "\n".join(entries)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
            f"{body}\n</urlset>\n").encode()


def robots_txt(site: Site) -> bytes:
    """Allow everything and name the sitemap by its absolute address."""
    address = site.config.origin + site.config.base_path + SITEMAP_PATH
    return f"User-agent: *\nAllow: /\n\nSitemap: {address}\n".encode()


def publish(publication: Publication) -> None:
    publication.files[SITEMAP_PATH] = sitemap(publication.site, publication.files, publication.hidden)
    publication.files[ROBOTS_PATH] = robots_txt(publication.site)
