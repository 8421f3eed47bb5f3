"""The publishing stage: what hosting and search engines need besides the pages, as one table of outputs.

Runs after rendering, on the rendered files, in the table's order: redirect pages for old addresses,
(when asked) minification, the search index (when the site has a page using templates/search.html),
the Atom feed, sitemap.xml and robots.txt, and (when asked) gzip copies, so the index and the .gz
files see the final pages. The search index is made while the feed and the sitemap are: its
`publish` returns a function that waits for it, called before gzip, or by the caller once it has done
its own work alongside (the publishing stage makes the state for the next build meanwhile). Adding an
output is one module with a `publish(publication)` and one row here.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from pathlib import Path

from ecosite.outputs import compress, feeds, minify, redirects, search, sitemap
from ecosite.outputs.publication import LastOutput, Output, Publication, always
from ecosite.project import Project, source_date_epoch
from ecosite.site.model import Site

OUTPUTS: tuple[Output, ...] = (
    Output("redirects", always, redirects.publish),
    Output("minify", lambda project: project.minify, minify.publish),  # HTML only: not the feed or sitemap
    Output("search", lambda project: project.search, search.publish),
    Output("feed", always, feeds.publish),
    Output("sitemap", always, sitemap.publish),
    Output("gzip", lambda project: project.gzip, compress.publish, waits=True),
)


def add_publishing_files(project: Project, site: Site, files: MutableMapping[str, bytes],
                         copies: dict[str, Path], last: LastOutput | None = None, defer_search: bool = False,
                         search_debt: frozenset[str] = frozenset()) -> Publication:
    """Add every wanted output to `files` in place; raises BuildError with every problem found.

    `last` (the build's OutputFiles) lets an output reuse what it made last time where nothing changed;
    `defer_search` and `search_debt` are the preview's (see Publication). Returns the publication, whose
    `search_debt` says which pages the search index is still out of date for. An output made alongside
    (the search index) may still be running: the caller does its own work meanwhile and then calls
    `publication.finish()`, which adds its files (or `abandon()` after a failure of its own)."""
    source_date_epoch()  # a malformed SOURCE_DATE_EPOCH is reported even when no date needs it
    publication = Publication(project, site, files, copies, last=last, defer_search=defer_search,
                              search_debt=set(search_debt))
    if not project.search:
        publication.search_debt = set()
    try:
        for output in OUTPUTS:
            if output.wanted(project):
                if output.waits:
                    publication.finish()
                if (finish := output.add(publication)) is not None:
                    publication.running.append(finish)
    except BaseException:
        publication.abandon()  # no Pagefind left writing into a folder the failed build removes
        raise
    return publication
