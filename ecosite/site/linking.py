"""Linking: pages, data and assets -> one Site, with generated pages, resolved links and every collision."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ecosite.content.config import SiteConfig
from ecosite.content.sources import Source
from ecosite.errors import ContentError, fail_if
from ecosite.markdown import parser as markdown
from ecosite.site.model import Asset, Generated, LinkTargets, Page, Site, SiteData, check_collisions
from ecosite.site.pagination import paginated_lists


def skipped_files(sources: list[Source], errors: list[ContentError], pages: list[Page],
                  held: frozenset[str] = frozenset()) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """The files (as shown) that made no page: (broken, drafts, held). Broken files failed to load, and
    problems of what uses them are follow-ons (errors.py); `held` are dated in the future; the other
    page sources are drafts."""
    loaded = {page.source.shown for page in pages}
    broken = frozenset(e.path for e in errors) - loaded
    return broken, frozenset(s.shown for s in sources if s.kind == "page") - loaded - broken - held, held


def link(config: SiteConfig, pages: list[Page], data: SiteData, assets: dict[str, Asset],
         generators: Sequence[Callable[..., Generated]] = (),
         link_checks: Sequence[Callable[..., list[ContentError]]] = (),
         broken: frozenset[str] = frozenset(), drafts: frozenset[str] = frozenset(),
         held: frozenset[str] = frozenset()) -> Site:
    """Resolve URLs and cross references into one Site; every problem is raised at once.

    `generators` (the content types' `generate`, from the registry) add pages and files made from data:
    (config, pages, data, assets, broken) -> Generated; `link_checks` (their `check_links`) check what a
    type's pages name: (pages, broken) -> errors. `broken`, `drafts` and `held` name the page sources that
    made no page (see skipped_files): what refers to a broken one is reported as a follow-on of that
    file's own problem. Then the long lists are split into pages (site/pagination.py), a rule of the
    site rather than of a type; each generator sees the Markdown pages only."""
    generated = [generator(config, pages, data, assets, broken) for generator in generators]
    generated.append(paginated_lists(config, pages, data, assets))
    site = Site(config, pages + [p for g in generated for p in g.pages], data, assets,
                files={name: body for g in generated for name, body in g.files.items()},
                paginators={url: part for g in generated for url, part in g.paginators.items()})
    errors = [e for g in generated for e in g.errors] + check_collisions(site.pages, assets)
    site.warnings += [w for g in generated for w in g.warnings]
    site.warnings += [w for page in pages for w in page.warnings]
    targets = LinkTargets(config, site.pages, assets, "this file", broken, drafts, held)
    errors += check_navigation(config, targets)
    for check in link_checks:
        errors += check(site.pages, broken)
    for page in site.pages:
        if page.parsed.tokens:  # a compiled page's links; none: generated, or rebuilt from the cache
            errors += markdown.resolve_links(page.parsed, page.rel, page.source.shown, page.body_line,
                                             targets.page, targets.static, site.warnings)
        if any(h.level == 1 for h in page.parsed.headings):
            site.warnings.append(ContentError(page.source.shown, page.body_line, "the body has a level-1 heading (#)",
                                              "start headings at ## : the page title is already the main heading"))
    fail_if(errors)  # the bodies' HTML, rendered before their links were known, is filled in by the caller
    return site


def check_navigation(config: SiteConfig, targets: LinkTargets) -> list[ContentError]:
    """Every `page:` of the navigation is a published page: else an error at the entry's line."""
    errors = []
    for n, item in enumerate(config.nav):
        if not item.page or item.page in targets.by_rel:
            continue
        shown, line = f"content/{item.page}", config.line_of(("nav", n, "page"))
        if shown in targets.broken:
            errors.append(ContentError("content/site.yaml", line, f"the navigation names {shown}, which cannot be "
                                       "read", f"fix {shown} first", shown))
        elif shown in targets.held:
            errors.append(ContentError("content/site.yaml", line, f"the navigation names {shown}, which is dated "
                                       "in the future", "it is published on its date (build with --future to see it "
                                       "now); add this entry then"))
        elif shown in targets.drafts:
            errors.append(ContentError("content/site.yaml", line, f"the navigation names {shown}, which is a draft",
                                       f"set `draft: false` in {shown} to publish it, or remove this entry until then"))
        else:
            near = targets.nearest_page(item.page)
            errors.append(ContentError("content/site.yaml", line, f"the navigation names {shown}, which does not exist",
                                       f"did you mean `page: {near}`?" if near else
                                       "correct `page:` to a page's path under content/, e.g. about/index.md"))
    return errors

