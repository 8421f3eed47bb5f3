"""The publishing stage: what hosting and search engines need besides the pages.

Runs after rendering, on the rendered files: redirect pages for old addresses, the Atom feed,
sitemap.xml and robots.txt, then (when asked) minification, the search index (when the site has a
page using templates/search.html) and gzip copies, in that order, so the index and the .gz files
see the final pages.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from ecosite.outputs import compress, feeds, minify, redirects, search, sitemap
from ecosite.render.templates import make_environment, template_for
from ecosite.site.model import LIST_KIND, Site


class PublishOptions(Protocol):
    """The build options this stage reads (ecosite.pipeline.Project has them)."""

    search: bool
    minify: bool
    gzip: bool
    templates_dir: Path


def not_for_search_engines(site: Site, redirect_pages: list[str]) -> set[str]:
    """Outputs left out of the sitemap and the search index: redirects, drafts and the 404 page."""
    drafts = {page.output_path for page in site.pages if page.meta.draft}
    return {redirects.NOT_FOUND_PAGE, *redirect_pages, *drafts}


def search_pages(site: Site, templates_dir: Path) -> set[str]:
    """The search page itself is not worth finding through search."""
    env = make_environment(templates_dir)
    return {page.output_path for page in site.pages if template_for(page, env) == search.SEARCH_TEMPLATE}


def add_publishing_files(options: PublishOptions, site: Site, files: dict[str, bytes],
                         copies: dict[str, Path]) -> None:
    """Add every publishing file to `files` in place; raises BuildError with every problem found."""
    feeds.source_date_epoch()  # a malformed SOURCE_DATE_EPOCH is reported even when no date needs it
    redirect_pages = redirects.add_redirects(site, files)
    hidden = not_for_search_engines(site, redirect_pages)
    if feeds.has_news(site):
        files[feeds.FEED_PATH] = feeds.atom_feed(site)
    files[sitemap.SITEMAP_PATH] = sitemap.sitemap(site, files, hidden)
    files[sitemap.ROBOTS_PATH] = sitemap.robots_txt(site)
    if options.minify:
        minify.minify_pages(files)
    searching = search_pages(site, options.templates_dir) if options.search else set()
    if searching:  # a site without a search page needs no index
        lists = {page.output_path for page in site.pages if page.source.kind == LIST_KIND}  # page 2.. of a list
        skipped = hidden | searching | lists
        to_index = [rel for rel in files if rel.endswith(".html") and rel not in skipped]
        # A rebuild's OutputFiles know which pages changed and where the last build's shards are.
        changed, out = getattr(files, "touched", None), getattr(files, "out", None)
        previous = search.read_shard_state(out) if changed is not None and out is not None else None
        bundles, kept = search.search_bundles(files, to_index, changed, previous, getattr(files, "path_of", None))
        files.update(bundles)
        for name in kept:
            files.keep(name)
    if options.gzip:
        compress.add_gzip_copies(files, copies)
