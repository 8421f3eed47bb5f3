"""Bounded section navigation: a page shows its section's index, its neighbours and a few pages around it.

Listing every sibling on every page made a section of n pages cost n^2 (a 2,000-page section wrote
268 MB of HTML); this keeps each page's navigation to at most `lists.section_links` entries
however large the section grows. The full list is the section index's, paginated (ecosite.site.pagination).
"""

from __future__ import annotations

from dataclasses import dataclass

from ecosite.site.model import Page, Site


@dataclass
class SectionNav:
    index: Page | None  # the section's index page, when it has one
    pages: list[Page]  # at most `cap` pages of the section around the current one, in section order
    total: int  # how many pages the section has
    previous: Page | None
    next: Page | None

    @property
    def more(self) -> bool:
        """Whether the section has pages this navigation does not list (then link to the index)."""
        return self.total > len(self.pages)


def shown(position: int, total: int, cap: int) -> slice:
    """Which of a section's `total` pages the navigation beside the one at `position` lists: `cap` of
    them, that page in the middle where the section's ends allow."""
    start = max(0, min(position - cap // 2, total - cap))
    return slice(start, start + cap)


def section_nav(site: Site, page: Page, cap: int) -> SectionNav | None:
    """The navigation of a page of a section with other pages; None for index pages and lone pages."""
    position = site.position(page) if page.section else None
    if position is None:
        return None
    members = site.members(page.section)
    if len(members) < 2:
        return None
    return SectionNav(site.by_rel.get(f"{page.section}/index.md"), members[shown(position, len(members), cap)],
                      len(members), members[position - 1] if position > 0 else None,
                      members[position + 1] if position + 1 < len(members) else None)
