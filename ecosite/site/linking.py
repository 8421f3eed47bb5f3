"""Linking: pages, data and assets -> one Site, with generated pages, resolved links and every collision."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ecosite.content.config import SiteConfig
from ecosite.errors import ContentError, fail_if
from ecosite.markdown import parser as markdown
from ecosite.site.model import Asset, Generated, LinkTargets, Page, Site, SiteData, check_collisions
from ecosite.site.pagination import paginated_lists


def link(config: SiteConfig, pages: list[Page], data: SiteData, assets: dict[str, Asset],
         generators: Sequence[Callable[..., Generated]] = ()) -> Site:
    """Resolve URLs and cross references into one Site; every problem is raised at once.

    `generators` (the content types' `generate`, from the registry) add pages and files made from data:
    (config, pages, data, assets) -> Generated. Then the long lists are split into pages (site/pagination.py),
    a rule of the site rather than of a type. Each generator sees the Markdown pages only, so a list
    never shows the pages of another generator."""
    generated = [generator(config, pages, data, assets) for generator in (*generators, paginated_lists)]
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
