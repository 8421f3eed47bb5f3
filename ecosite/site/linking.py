"""Linking: pages, data and assets -> one Site, with generated pages, resolved links and every collision."""

from __future__ import annotations

from ecosite.content.config import SiteConfig
from ecosite.content.models import Record
from ecosite.errors import ContentError, fail_if
from ecosite.markdown import parser as markdown
from ecosite.site.model import Asset, LinkTargets, Page, Site, check_collisions
from ecosite.site.pagination import paginated_lists
from ecosite.summit.pages import summit_pages

# Pages and files made from data rather than Markdown: (config, pages, data, assets) -> site.Generated.
# Each sees the Markdown pages only, so a list never shows the pages of another generator.
GENERATORS = [summit_pages, paginated_lists]


def link(config: SiteConfig, pages: list[Page], data: dict[str, Record], assets: dict[str, Asset]) -> Site:
    """Resolve URLs and cross references into one Site; every problem is raised at once."""
    generated = [generator(config, pages, data, assets) for generator in GENERATORS]
    site = Site(config, pages + [p for g in generated for p in g.pages], data, assets,
                files={name: body for g in generated for name, body in g.files.items()},
                paginators={url: part for g in generated for url, part in g.paginators.items()})
    errors = [e for g in generated for e in g.errors] + check_collisions(site.pages, assets)
    site.warnings += [w for g in generated for w in g.warnings]
    for item in config.nav:
        if item.page and item.page not in site.by_rel:
            errors.append(ContentError("content/site.yaml", 0, f"the navigation names content/{item.page}, "
                                       "which does not exist (or is a draft)",
                                       "correct `page:` to a page's path under content/"))

    targets = LinkTargets(config, site.pages, assets, "this file")
    for page in site.pages:
        errors += markdown.resolve_links(page.parsed, page.rel, page.source.shown, page.body_line,
                                         targets.page, targets.static, site.warnings)
        if any(h.level == 1 for h in page.parsed.headings):
            site.warnings.append(ContentError(page.source.shown, page.body_line, "the body has a level-1 heading (#)",
                                              "start headings at ## : the page title is already the main heading"))
    fail_if(errors)
    for page in site.pages:
        page.content = markdown.render(page.parsed)
    return site
