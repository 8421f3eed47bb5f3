"""Atom feed of the news section (`news/feed.xml`), so readers and aggregators follow our news.

Every date in it comes from content (each item's required `date`); only a feed with no items needs
another date for `<updated>`, and that is SOURCE_DATE_EPOCH, never the build machine's clock.
"""

from __future__ import annotations

from datetime import datetime
from html import escape

from ecosite.outputs.publication import Publication
from ecosite.project import source_date_epoch
from ecosite.site.model import Page, Site

NEWS_SECTION = "news"
FEED_PATH = "news/feed.xml"


def dated(page: Page) -> datetime:
    """A news item's date: news_items keeps only pages that have one."""
    assert page.date is not None
    return page.date


def news_items(site: Site) -> list[Page]:
    """Published, dated news pages, newest first."""
    items = [p for p in site.section(NEWS_SECTION) if p.date and not p.meta.draft]
    return sorted(items, key=lambda p: (-dated(p).timestamp(), p.url))


def has_news(site: Site) -> bool:
    return any(page.section == NEWS_SECTION for page in site.pages)


def _stamp(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def atom_feed(site: Site) -> bytes:
    """A valid Atom 1.0 document (RFC 4287): the newest `lists.feed_items` items, each with its summary and
    full text. Every item of a 5,000-item archive made a 28 MB feed, rewritten on every news edit."""
    config = site.config
    root = config.origin + config.base_path
    index = site.by_rel.get(f"{NEWS_SECTION}/index.md")
    title = f"{index.title if index else 'News'} | {config.title}"
    subtitle = (index.summary if index else None) or config.description
    items = news_items(site)[:config.lists.feed_items]
    updated = max((dated(p) for p in items), default=None) or source_date_epoch()
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
            f"<published>{_stamp(dated(page))}</published>",
            f"<updated>{_stamp(dated(page))}</updated>",
        ]
        if page.summary:
            lines.append(f"<summary>{escape(page.summary)}</summary>")
        lines += [f'<content type="html" xml:base="{address}">{escape(page.content)}</content>', "</entry>"]
    lines.append("</feed>")
    return ("\n".join(lines) + "\n").encode()


def publish(publication: Publication) -> None:
    if has_news(publication.site):
        publication.files[FEED_PATH] = atom_feed(publication.site)
