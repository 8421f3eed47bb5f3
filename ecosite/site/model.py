"""Linking: validated records -> one Site with URLs, sections, assets and cross references.

Everything a template may ask for is decided here, once: a page's URL, its section's pages in a
stable order, fingerprinted asset names. Two sources that would share a URL are refused.
"""

from __future__ import annotations

import difflib
import hashlib
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from ecosite.content.config import SiteConfig
from ecosite.content.models import SLUG_RE, PageMeta
from ecosite.content.sources import Source
from ecosite.errors import ContentError
from ecosite.markdown.parser import Heading, ParsedMarkdown, parse
from ecosite.site.urls import output_path_of

LIST_KIND = "list"  # the source kind of page 2.. of a paginated list (ecosite.site.pagination)
FINGERPRINTED = {".css", ".js", ".mjs", ".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".avif", ".ico",
                 ".woff", ".woff2"}


@dataclass
class Page:
    """A page of the site: its source, validated front matter, URL and (after rendering) HTML body."""

    source: Source
    meta: PageMeta
    url: str
    parsed: ParsedMarkdown
    body_line: int
    content: str = ""
    context: dict = field(default_factory=dict)  # what a page generated from data gives its template
    lines: dict = field(default_factory=dict)  # front matter key path -> file line, for cross-checks in link()
    warnings: list[ContentError] = field(default_factory=list)  # found while loading it (ecosite.site.lint)
    held: bool = False  # dated in the future: the build leaves it out until then (see loading.published)
    rel: str = field(init=False, repr=False, compare=False)  # the source's path under content/
    section: str = field(init=False, repr=False, compare=False)  # the top folder under content/ ('' at the top)
    output_path: str = field(init=False, repr=False, compare=False)  # where the page is written inside output/

    def __post_init__(self) -> None:
        """These are asked of every page many times per build (`rel` 20 times a page per preview rebuild);
        worked out here, they cost less than a property or a cached_property's first look-up (which
        takes a lock in Python 3.11)."""
        self.rel = self.source.rel
        parts = self.rel.split("/")
        self.section = parts[0] if len(parts) > 1 else ""
        self.output_path = output_path_of(self.url)

    @property
    def title(self) -> str:
        return self.meta.title

    @property
    def summary(self) -> str | None:
        return self.meta.summary

    @property
    def date(self) -> datetime | None:
        return self.meta.date

    @property
    def is_index(self) -> bool:
        """A folder's index.md, or a later page of its paginated list (rel `news/index.md#/news/page/2/`)."""
        return self.rel.split("#", 1)[0].endswith("index.md")

    @property
    def toc(self) -> list[Heading]:
        return self.parsed.toc


@dataclass
class Asset:
    source: Source
    output_path: str  # e.g. static/css/site.3f2a1c9b.css


# Data file key ('summit/2025') -> its validated record, plus what generators add (data['summit']).
SiteData = dict[str, object]


@dataclass
class Paginator:
    """One page of a long list: the items it shows and how to reach the list's other pages (site/pagination.py)."""

    page: Page  # the page showing this part of the list (the owner itself for number 1)
    number: int  # 1 for the first page
    items: list[Page]
    total: int  # items in the whole list
    urls: list[str]  # the address of every page of the list, the first one first

    @property
    def count(self) -> int:
        return len(self.urls)

    @property
    def previous(self) -> str | None:
        return self.urls[self.number - 2] if self.number > 1 else None

    @property
    def next(self) -> str | None:
        return self.urls[self.number] if self.number < self.count else None

    @property
    def numbers(self) -> list[int | None]:
        """The page numbers worth a link: first, last and two either side of this one; None marks a gap."""
        wanted = sorted({1, self.count, *range(max(1, self.number - 2), min(self.count, self.number + 2) + 1)})
        shown: list[int | None] = []
        for number in wanted:
            if shown and number - (shown[-1] or 0) > 1:
                shown.append(None)
            shown.append(number)
        return shown

    def url_of(self, number: int) -> str:
        return self.urls[number - 1]


@dataclass
class Site:
    """The whole site, linked: what render() needs and what templates can see."""

    config: SiteConfig
    pages: list[Page]
    data: SiteData
    assets: dict[str, Asset]
    warnings: list[ContentError] = field(default_factory=list)
    files: dict[str, bytes] = field(default_factory=dict)  # non-HTML output made from data, e.g. .ics
    paginators: dict[str, Paginator] = field(default_factory=dict)  # page URL -> its part of a long list

    def __post_init__(self) -> None:
        self.pages.sort(key=lambda p: p.url)
        self.by_rel = {p.rel: p for p in self.pages}

    def section(self, name: str) -> tuple[Page, ...]:
        """A section's pages, index excluded: by `order`, then newest date, then title.

        Sorted once per site and shared as a tuple: templates ask on every page, and a copy for each of
        them cost the square of the section's size (a second at 5,000 pages in one section)."""
        memo = self.__dict__.setdefault("_section_tuples", {})
        key = (name, len(self.pages))
        if key not in memo:
            memo[key] = tuple(self.members(name))
        return memo[key]

    def members(self, name: str) -> list[Page]:
        """The section's pages in order, shared: callers must not change the list."""
        memo = self.__dict__.setdefault("_sections", {})
        key = (name, len(self.pages))
        if key not in memo:
            memo[key] = section_members(self._grouped().get(name, []))
        return memo[key]

    def _grouped(self) -> dict[str, list[Page]]:
        """Every section's pages, in one pass: a pass per section cost sections x pages (36 ms of a title
        edit at 10,000 pages in fourteen sections)."""
        memo = self.__dict__.setdefault("_grouped_by", {})
        if len(self.pages) not in memo:
            grouped: dict[str, list[Page]] = {}
            for page in self.pages:
                grouped.setdefault(page.section, []).append(page)
            memo[len(self.pages)] = grouped
        return memo[len(self.pages)]

    def position(self, page: Page) -> int | None:
        """Where a page stands in its section's order (None for an index or a page outside sections)."""
        memo = self.__dict__.setdefault("_positions", {})
        key = (page.section, len(self.pages))
        if key not in memo:
            memo[key] = {member.rel: number for number, member in enumerate(self.members(page.section))}
        return memo[key].get(page.rel)


def section_members(pages: list[Page]) -> list[Page]:
    """Pages of one section as its lists show them: the index and later list pages left out, sorted."""
    members = [p for p in pages if p.source.kind != LIST_KIND and not (p.is_index and p.rel.count("/") == 1)]
    return sorted(members, key=_section_order)


@dataclass
class Generated:
    """What a generator adds from data files: pages rendered by templates, ready-made files, problems."""

    pages: list[Page] = field(default_factory=list)
    files: dict[str, bytes] = field(default_factory=dict)
    errors: list[ContentError] = field(default_factory=list)
    warnings: list[ContentError] = field(default_factory=list)
    paginators: dict[str, Paginator] = field(default_factory=dict)  # page URL -> its part of a long list

    def add_page(self, source: Source, url: str, title: str, template: str, summary: str | None = None,
                 **context: object) -> Page:
        """A page made from a data file: it has no Markdown body; its template reads `page.context`."""
        rel = f"{source.rel}#{url}"  # unique per page, so by_rel never confuses two pages of one file
        meta = PageMeta(title=title, summary=summary, template=template)
        page = Page(Source(source.path, rel, source.kind, source.shown), meta, url, parse(""), 0, context=context)
        self.pages.append(page)
        return page


def _section_order(page: Page) -> tuple:
    stamp = page.date.timestamp() if page.date else 0.0
    return (page.meta.order is None, page.meta.order or 0, -stamp, page.title.casefold(), page.url)


def page_url(rel: str, slug: str | None, shown: str, line: int) -> tuple[str | None, list[ContentError]]:
    """content/a/b.md -> /a/b/, content/a/index.md -> /a/, content/404.md -> /404.html."""
    parts = rel[: -len(".md")].split("/")
    is_index = parts[-1] == "index"
    if is_index:
        parts = parts[:-1]
    if slug is not None:
        if not parts:
            return None, [ContentError(shown, line, "the home page cannot have a slug", "remove `slug:`")]
        parts[-1] = slug
    parts = [unicodedata.normalize("NFKC", part).lower() for part in parts]
    bad = [part for part in parts if not SLUG_RE.match(part)]
    if bad:
        return None, [ContentError(shown, line, f"`{bad[0]}` cannot be part of a web address",
                                   "rename the file or folder to lower-case letters, digits and hyphens, "
                                   "or set `slug:` in the front matter")]
    if parts == ["404"]:
        return "/404.html", []
    return ("/" + "/".join(parts) + "/") if parts else "/", []


def fingerprint(source: Source, data: bytes) -> str:
    """static/css/site.css -> static/css/site.<8 hex of sha256>.css (cache busting)."""
    path = Path(source.rel)
    if path.suffix.lower() not in FINGERPRINTED:
        return f"static/{source.rel}"
    digest = hashlib.sha256(data).hexdigest()[:8]
    return f"static/{path.with_name(f'{path.stem}.{digest}{path.suffix}').as_posix()}"


def check_collisions(pages: list[Page], assets: dict[str, Asset]) -> list[ContentError]:
    """No two sources may share an output URL (aliases included).

    The error is given where the address was written: at an alias's line (drop or change the alias),
    at `slug:` (change it), else at the file whose name made it (rename it)."""
    owners: dict[str, tuple[str, int, str]] = {}  # address key -> (who, line, how: "alias", "slug" or "name")
    errors: list[ContentError] = []
    rank = {"alias": 0, "slug": 1, "name": 2}
    hints = {"alias": "change or drop this alias; no file needs renaming",
             "slug": "change `slug:` to an address no other page has",
             "name": "rename one of the two files or change its `slug:`"}

    def claim(address: str, who: str, line: int, how: str) -> None:
        key = unicodedata.normalize("NFKC", address).casefold()
        key += "index.html" if key.endswith("/") else ""  # the file written: /static/ and /static/index.html clash
        if key in owners and owners[key][0] != who:
            claims = sorted([owners[key], (who, line, how)], key=lambda c: (rank[c[2]], c[0]))
            culprit, other = claims if claims[0][2] != "name" else claims[::-1]  # two file names: the later one
            errors.append(ContentError(culprit[0], culprit[1], f"the address {address} is also produced by {other[0]}",
                                       hints[culprit[2]].format(other=other[0])))
        else:
            owners.setdefault(key, (who, line, how))

    for page in pages:
        has_slug = page.meta.slug is not None and ("slug",) in page.lines
        claim(page.url, page.source.shown, page.lines.get(("slug",), 0) if has_slug else 0,
              "slug" if has_slug else "name")
        for n, alias in enumerate(page.meta.aliases):
            claim(alias, page.source.shown, page.lines.get(("aliases", n), 0), "alias")
    for asset in assets.values():
        claim("/" + asset.output_path, asset.source.shown, 0, "name")
    return errors


class FollowOn(ValueError):
    """A link to a file that failed to load: that file's own error says what to fix."""

    def __init__(self, cause: str):
        super().__init__(f"the link points to {cause}, which has a mistake of its own | fix {cause} first")
        self.cause = cause


class MissingTarget(ValueError):
    """A link to no page or file; `near` is the source (under content/) the editor probably meant."""

    def __init__(self, text: str, near: str | None):
        super().__init__(text)
        self.near = near


class LinkTargets:
    """Where a link written in Markdown may lead: a page by its source file (and heading), or a
    static file. Pages and summit session descriptions share this one rule.

    `broken`, `drafts` and `held` name (as shown) the page sources that made no page: a link to a
    broken one is a follow-on of its own error, a link to a draft or a page dated in the future says so."""

    def __init__(self, config: SiteConfig, pages: list[Page], assets: dict[str, Asset], relative_to: str,
                 broken: frozenset[str] = frozenset(), drafts: frozenset[str] = frozenset(),
                 held: frozenset[str] = frozenset()):
        self.config, self.assets, self.relative_to = config, assets, relative_to
        self.broken, self.drafts, self.held = broken, drafts, held
        self.by_rel = {p.rel: p for p in pages}

    def page(self, target: str, anchor: str) -> str:
        page = self.by_rel.get(target)
        if page is None:
            if f"content/{target}" in self.broken:
                raise FollowOn(f"content/{target}")
            if f"content/{target}" in self.drafts:
                raise ValueError(f"the link points to content/{target}, which is a draft (`draft: true`)"
                                 f" | publish it with `draft: false`, or remove the link until then")
            if f"content/{target}" in self.held:
                raise ValueError(f"the link points to content/{target}, which is dated in the future"
                                 f" | it is published on its date (build with --future to see it now); remove the "
                                 "link until then")
            raise MissingTarget(f"the link points to content/{target}, which does not exist"
                                f" | correct the path, relative to {self.relative_to}", self.nearest_page(target))
        if anchor and anchor not in page.parsed.ids:
            raise ValueError(f"content/{target} has no heading with the id `{anchor}`"
                             f" | its ids are: {', '.join(sorted(page.parsed.ids)) or 'none'}")
        return self.config.base_path + page.url.lstrip("/") + (f"#{anchor}" if anchor else "")

    def nearest_page(self, target: str) -> str | None:
        """The page source most like `target` (a typo, a missing .md, a folder for its index.md)."""
        for guess in (target + ".md", target.rstrip("/") + "/index.md", target.removesuffix(".md") + "/index.md"):
            if guess in self.by_rel:
                return guess
        sources = [rel for rel in self.by_rel if rel.endswith(".md")]
        close = difflib.get_close_matches(target, sources, n=1, cutoff=0.75)
        return close[0] if close else None

    def static(self, target: str) -> str:
        asset = self.assets.get(target.removeprefix("static/")) if target.startswith("static/") else None
        if asset is None:
            near = self.nearest_page(target) if not target.startswith("static/") else None
            if near is None:
                files = [f"static/{rel}" for rel in self.assets]
                near = next(iter(difflib.get_close_matches(target, files, n=1, cutoff=0.75)), None)
            raise MissingTarget(f"the link points to content/{target}, which is not a page or static file"
                                " | link to a .md page or a file under content/static/", near)
        return self.config.base_path + asset.output_path
