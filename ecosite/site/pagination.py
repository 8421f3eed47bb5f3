"""Long lists split into pages at stable addresses: /news/, /news/page/2/, /news/page/3/ ...

A page's cost must not grow with the size of its section, so a list longer than the page size is
shown a page at a time. Two kinds of list are paginated, each by the template of the page that owns it:

- a section's index (`news/index.md`, `about/index.md`): the section's Markdown pages in section order;
- a network page (`networks/<slug>.md`): the news items that name the network, in the same order.

The first page of a list stays the owner page at its own address; pages 2.. are generated at
`<owner address>page/N/` and rendered by the owner's template, which reads `paginator` (see
docs/templates.md; the Paginator itself is part of the site model, site/model.py). The page sizes come
from `lists:` in site.yaml (docs/configuration.md).
"""

from __future__ import annotations

from ecosite.content.config import SiteConfig
from ecosite.content.sources import Source
from ecosite.site.model import LIST_KIND, Generated, Page, Paginator, section_members

PAGE_PATH = "page/{number}/"  # under the owner's address


def page_address(owner_url: str, number: int) -> str:
    """/news/ -> /news/ for page 1, /news/page/2/ for page 2."""
    return owner_url if number == 1 else owner_url + PAGE_PATH.format(number=number)


def paginate(owner: Page, items: list[Page], size: int, generated: Generated,
             paginators: dict[str, Paginator]) -> None:
    """Split `items` into pages of `size`; add pages 2.. to `generated`, every page's paginator to `paginators`."""
    count = max(1, -(-len(items) // size))
    urls = [page_address(owner.url, number) for number in range(1, count + 1)]
    for number in range(1, count + 1):
        page = owner if number == 1 else _list_page(owner, urls[number - 1], number, count)
        if number > 1:
            generated.pages.append(page)
        paginators[page.url] = Paginator(page, number, items[(number - 1) * size: number * size], len(items), urls)


def _list_page(owner: Page, url: str, number: int, count: int) -> Page:
    """Page `number` of the owner's list: the owner's front matter under a numbered title, no body."""
    source = owner.source
    meta = owner.meta.model_copy(update={"title": f"{owner.title}, page {number} of {count}", "aliases": [],
                                         "slug": None})
    return Page(Source(source.path, f"{source.rel}#{url}", LIST_KIND, source.shown), meta, url,
                owner.parsed.__class__([], [], {}), 0)


def page_size(config: SiteConfig, section: str) -> int:
    return config.lists.sections.get(section, config.lists.per_page)


def paginated_lists(config: SiteConfig, pages: list[Page], data: dict, assets: dict) -> Generated:
    """The generator that linking (ecosite.site.linking.link) always runs: every section index and network page, paginated."""
    generated = Generated()
    paginators: dict[str, Paginator] = {}
    by_section: dict[str, list[Page]] = {}
    for page in pages:
        by_section.setdefault(page.section, []).append(page)
    members = {name: section_members(group) for name, group in by_section.items() if name}
    for page in pages:
        if page.is_index and page.rel.count("/") == 1:
            paginate(page, members.get(page.section, []), page_size(config, page.section), generated, paginators)
    news = members.get("news", [])
    for page in members.get("networks", []):
        slug = page.url.rstrip("/").rsplit("/", 1)[-1]
        items = [item for item in news if slug in getattr(item.meta, "networks", ())]
        paginate(page, items, page_size(config, "news"), generated, paginators)
    generated.paginators = paginators
    return generated
