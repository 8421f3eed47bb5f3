"""Atom feed of the news section (`news/feed.xml`), so readers and aggregators follow our news.

Every date in it comes from content (each item's required `date`); only a feed with no items needs
another date for `<updated>`, and that is SOURCE_DATE_EPOCH, never the build machine's clock.
"""

from __future__ import annotations

import os
from datetime import datetime, timezone
from html import escape

from ecosite.errors import BuildError, ContentError
from ecosite.site.model import Page, Site

NEWS_SECTION = "news"
FEED_PATH = "news/feed.xml"


def source_date_epoch() -> datetime:
    """The reproducible-builds date: SOURCE_DATE_EPOCH if set, else the Unix epoch (never "now")."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not value:
        return datetime.fromtimestamp(0, timezone.utc)
    if not value.isdigit():
        raise BuildError([ContentError("SOURCE_DATE_EPOCH", 0, f"`{value}` is not a number of seconds",
                                       "set it to a Unix time, e.g. SOURCE_DATE_EPOCH=$(git log -1 --format=%ct)")])
    return datetime.fromtimestamp(int(value), timezone.utc)


def news_items(site: Site) -> list[Page]:
    """Published, dated news pages, newest first."""
    items = [p for p in site.section(NEWS_SECTION) if p.date and not p.meta.draft]
    return sorted(items, key=lambda p: (-p.date.timestamp(), p.url))


def has_news(site: Site) -> bool:
    return any(page.section == NEWS_SECTION for page in site.pages)


def _stamp(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def atom_feed(site: Site) -> bytes:
    """A valid Atom 1.0 document (RFC 4287) with each item's summary and full text."""
    config = site.config
    root = config.origin + config.base_path
    index = site.by_rel.get(f"{NEWS_SECTION}/index.md")
    title = f"{index.title if index else 'News'} | {config.title}"
    subtitle = (index.summary if index else None) or config.description
    items = news_items(site)
    updated = max((p.date for p in items), default=None) or source_date_epoch()
    author = config.organisation.legal_name or config.title
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="{escape(config.language)}">',
        f"<title>{escape(title)}</title>",
    ]
    if subtitle:
        lines.append(f"<subtitle>{escape(subtitle)}</subtitle>")
    lines += [
        f'<link rel="self" type="application/atom+xml" href="{escape(root + FEED_PATH)}"/>',
        f'<link rel="alternate" type="text/html" href="{escape(root + NEWS_SECTION)}/"/>',
        f"<id>{escape(root + FEED_PATH)}</id>",
        f"<updated>{_stamp(updated)}</updated>",
        f"<author><name>{escape(author)}</name></author>",
    ]
    for page in items:
        address = escape(config.origin + config.base_path + page.url.lstrip("/"))
        lines += [
            "<entry>",
            f"<title>{escape(page.title)}</title>",
            f'<link rel="alternate" type="text/html" href="{address}"/>',
            f"<id>{address}</id>",
            f"<published>{_stamp(page.date)}</published>",
            f"<updated>{_stamp(page.date)}</updated>",
        ]
        if page.summary:
            lines.append(f"<summary>{escape(page.summary)}</summary>")
        lines += [f'<content type="html" xml:base="{address}">{escape(page.content)}</content>', "</entry>"]
    lines.append("</feed>")
    return ("\n".join(lines) + "\n").encode()
