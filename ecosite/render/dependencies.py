"""Dependency recording: what each rendered page read, so a rebuild re-renders only what changed.

While a page renders, every input it touches is noted as a key:

- ("template", name): a template it extended, included or imported (found or not);
- ("meta", rel) / ("at", url): another page's front matter and URL (links, page_of, navigation, breadcrumbs);
- ("body", rel): another page's rendered body or headings (a template read `.content`, `.toc` or `.parsed`);
- ("section", name): the members of a section, in order, and their front matter; ("section-count", name):
  only how many there are (`section("news")|length`); ("section-any", name): only whether there are any
  (`{% if section("news") %}`, on every page); ("section-head", name, n): only the first n
  (`section("news")[:3]`), so the latest items shown on every page do not tie them to the whole section;
- ("pages-urls",): which pages the site has and their addresses (a template looped over `pages`; any
  other attribute it then read of a page is noted as that page's ("meta", rel));
- ("pages",): every page's front matter (what a generator in link() may have read); ("pages-targets",): every
  page's address and heading ids (where a link in generated content may point);
- ("data", key) / ("data", "*"): one data file, or all of them;
- ("asset", name): a static file's fingerprinted address;
- ("list", url): which items the page at url shows of its paginated list, and the list's pages;
- ("neighbours", rel): which pages a page's bounded section navigation names (not what they say).

`signature(site, key)` says what a key stands for now; a page is re-rendered when one of its keys'
signatures differs from the build that rendered it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, MutableMapping, Sequence
from pathlib import Path
from typing import Any, cast

import jinja2
from markupsafe import Markup

from ecosite.render.templates import Helpers, NavLink
from ecosite.site.model import Page, Paginator, Site
from ecosite.site.section_nav import SectionNav, shown

Key = tuple[str, ...]
BODY_ATTRIBUTES = frozenset({"content", "parsed", "toc"})
ADDRESS_ATTRIBUTES = frozenset({"url", "rel", "output_path", "section", "is_index", "source"})

# Kinds whose signature follows from the pages' front matter, addresses and order alone (and site.yaml,
# which the build signature covers): while no page's meta signature changes, neither do theirs.
FRONT_MATTER_KINDS = frozenset({"meta", "at", "section", "section-head", "section-count", "section-any",
                                "pages", "pages-urls", "list", "neighbours"})

_recording: set[Key] | None = None


def note(key: Key) -> None:
    if _recording is not None:
        _recording.add(key)


class Recording:
    """`with Recording() as keys:` collects the keys read while rendering one page (or, inside that, one
    shared template: the outer recording resumes after it)."""

    def __enter__(self) -> set[Key]:
        global _recording
        self.outer = _recording
        self.keys: set[Key] = set()
        _recording = self.keys
        return self.keys

    def __exit__(self, *exc_info: object) -> None:
        global _recording
        _recording = self.outer


class TrackingEnvironment(jinja2.Environment):
    """A Jinja environment that notes every template loaded and every other page's body read."""

    def get_template(self, name: str | jinja2.Template, parent: str | None = None,
                     globals: MutableMapping[str, Any] | None = None) -> jinja2.Template:  # noqa: A002 - Jinja's name
        if isinstance(name, str):
            note(("template", name))
        elif isinstance(name, jinja2.Template) and name.name:
            note(("template", name.name))
        return super().get_template(name, parent, globals)

    def select_template(self, names: Iterable[str | jinja2.Template] | jinja2.Undefined, parent: str | None = None,
                        globals: MutableMapping[str, Any] | None = None) -> jinja2.Template:  # noqa: A002 - Jinja's name
        if not isinstance(names, jinja2.runtime.Undefined):
            for name in names:
                note(("template", name if isinstance(name, str) else str(getattr(name, "name", name))))
        return super().select_template(names, parent, globals)

    def list_templates(self, extensions: Collection[str] | None = None,
                       filter_func: Callable[[str], bool] | None = None) -> list[str]:
        """Listed once per environment: the set of template names is part of the cache's signature."""
        if extensions is not None or filter_func is not None:
            return super().list_templates(extensions, filter_func)
        if not hasattr(self, "_listed"):
            self._listed = super().list_templates()
        return self._listed

    def getattr(self, obj: Any, attribute: str) -> Any:
        if _recording is not None and isinstance(obj, Page) and attribute not in ADDRESS_ATTRIBUTES:
            note_attribute(obj, attribute)
        try:
            return getattr(obj, attribute)
        except AttributeError:
            return jinja2.Environment.getattr(self, obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        if _recording is not None and isinstance(obj, Page) and argument not in ADDRESS_ATTRIBUTES:
            note_attribute(obj, str(argument))
        return super().getitem(obj, argument)


def note_attribute(page: Page, attribute: str) -> None:
    """A template read something of a page other than its address."""
    if attribute in BODY_ATTRIBUTES:
        note(("body", page.rel))
    elif attribute == "context":  # a page generated from data: its context is made of the data files
        note(("data", "*"))
    else:
        note(("meta", page.rel))


class TrackedPages(list):
    """The site's page list as templates see it: using it depends on which pages exist, at which address."""

    def __iter__(self) -> Iterator[Page]:
        note(("pages-urls",))
        return super().__iter__()

    def __len__(self) -> int:
        note(("pages-urls",))
        return super().__len__()

    def __getitem__(self, index: Any) -> Any:
        note(("pages-urls",))
        return super().__getitem__(index)

    def __contains__(self, item: object) -> bool:
        note(("pages-urls",))
        return super().__contains__(item)


class TrackedSection(Sequence):
    """A section's pages: asking only whether there are any depends on their number, not on them.

    It wraps the site's shared tuple of the section's pages rather than copying it for every page."""

    def __init__(self, name: str, members: Sequence[Page]):
        self.name, self._members = name, members

    def __bool__(self) -> bool:
        note(("section-any", self.name))
        return len(self._members) > 0

    def __len__(self) -> int:
        note(("section-count", self.name))
        return len(self._members)

    def __iter__(self) -> Iterator[Page]:
        note(("section", self.name))
        return iter(self._members)

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice) and not index.start and index.step is None and isinstance(index.stop, int) \
                and index.stop >= 0:
            note(("section-head", self.name, str(index.stop)))
        else:
            note(("section", self.name))
        return self._members[index]

    def __contains__(self, item: object) -> bool:
        note(("section", self.name))
        return item in self._members


class TrackedSectionNav:
    """A page's section navigation: what it names is its ("neighbours", rel) key; only reading `total`
    depends on the section's size, so adding a page far away re-renders no page that does not show it."""

    def __init__(self, nav: SectionNav, section: str):
        self._nav, self._section = nav, section
        self.index, self.pages, self.previous, self.next = nav.index, nav.pages, nav.previous, nav.next
        self.more = nav.more

    @property
    def total(self) -> int:
        note(("section-count", self._section))
        return self._nav.total


class TrackedData(Mapping):
    """The data files as templates see them: `data["summit/2025"]` depends on that file only."""

    def __init__(self, data: Mapping):
        self._data = data

    def __getitem__(self, key: str) -> Any:
        note(("data", key))
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        note(("data", "*"))
        return iter(self._data)

    def __len__(self) -> int:
        note(("data", "*"))
        return len(self._data)

    def __contains__(self, key: object) -> bool:
        note(("data", str(key)))
        return key in self._data


class TrackedSite:
    """What render_page reads from the site, with the page list and data tracked."""

    def __init__(self, site: Site):
        self.config = site.config
        self.data = TrackedData(site.data)
        self.pages = TrackedPages(site.pages)
        self.files = site.files if hasattr(site, "files") else {}


class TrackingHelpers(Helpers):
    """The template helpers, noting which pages, sections and assets each page used."""

    def url(self, target: object) -> str:
        if isinstance(target, Page):
            note(("meta", target.rel))
        elif str(target).endswith(".md"):
            note(("meta", str(target)))
        return super().url(target)

    def asset(self, name: str) -> str:
        note(("asset", name))
        return super().asset(name)

    def section(self, name: str) -> Sequence[Page]:
        return TrackedSection(name, super().section(name))

    def page(self, rel: str) -> Page:
        note(("meta", rel))
        return super().page(rel)

    def has_page(self, rel: str) -> bool:
        note(("meta", rel))
        return super().has_page(rel)

    def page_at(self, url: str) -> Page | None:
        note(("at", url))
        return super().page_at(url)

    def paginator(self, page: Page) -> Paginator | None:
        note(("list", page.url))
        return super().paginator(page)

    def section_nav(self, page: object) -> SectionNav | None:
        if isinstance(page, Page):
            note(("neighbours", page.rel))
        nav = super().section_nav(page)  # refuses anything but a page
        if nav is None or not isinstance(page, Page):
            return None
        return cast(SectionNav, TrackedSectionNav(nav, page.section))  # stands in for it, as TrackedSite for Site

    def __init__(self, site: Site):
        super().__init__(site)
        self.shared_reads: dict[str, frozenset[Key]] = {}  # shared template -> what it read, once

    def render_shared(self, name: str, env: jinja2.Environment, context: dict) -> Markup:
        with Recording() as reads:
            html = super().render_shared(name, env, context)
        self.shared_reads[name] = frozenset(reads)
        return html

    def shared(self, name: str, env: jinja2.Environment, context: dict) -> Markup:
        """Each page showing a shared template depends on what it read when it was rendered, once."""
        html = super().shared(name, env, context)
        if _recording is not None:
            _recording.update(self.shared_reads[name])
        return html

    def navigation(self, current: Page | None) -> list[NavLink]:
        for item in self.site.config.nav:
            if item.page:
                note(("meta", item.page))
        return super().navigation(current)


def digest(*parts: object) -> str:
    return hashlib.blake2b("\x1f".join(map(str, parts)).encode("utf-8", "surrogatepass"), digest_size=12).hexdigest()


def meta_signature(page: Page) -> str:
    """Everything about a page except its body: what listings, links and navigation can show."""
    return digest(page.rel, page.url, page.meta.model_dump_json())


def front_matter_digest(meta: Mapping[str, str]) -> str:
    """Every page's meta signature in one: equal to the last build's, no FRONT_MATTER_KINDS key changed."""
    return digest(*(f"{rel} {signature}" for rel, signature in sorted(meta.items())))


class Signatures:
    """The current value of every dependency key, computed once per build and only when asked."""

    def __init__(self, site: Site, meta: dict[str, str], templates: dict[str, str]):
        self.site = site
        self.meta = meta
        self.templates = templates
        self.data: dict[str, str] = {}
        self.by_url = {page.url: page.rel for page in site.pages}
        self.memo: dict[Key, str] = {}
        self.kept: frozenset[str] = frozenset()  # the kinds of key taken from the last build (keep_front_matter)
        self.orders: dict[str, tuple[list[str], dict[str, int], str | None]] = {}  # section -> _section_order
        self.order_digests: dict[str, str] | None = None  # section -> its order's digest (section_orders)
        self.list_urls: dict[tuple[str, int], str] = {}  # (a list's first address, its page count) -> _list_urls

    def keep_front_matter(self, keys: list[Key], signatures: list[str], same_heading_ids: bool = False) -> None:
        """Take the last build's signatures of the front-matter keys as they are: checking each again
        (a section's navigation for every page) was most of a body edit's rebuild on a large site. With
        `same_heading_ids` (no page's heading ids changed either) every page's link targets are kept too."""
        self.kept = FRONT_MATTER_KINDS | ({"pages-targets"} if same_heading_ids else set())
        self.memo.update((key, was) for key, was in zip(keys, signatures) if key[0] in self.kept)

    def changed(self, keys: list[Key], signatures: list[str], section_orders: dict[str, str] | None = None
                ) -> set[int]:
        """The numbers of the keys whose signature is not the one given (the last build's), the kept ones
        skipped. With the last build's `section_orders`, a page's neighbours in a section whose order is
        as it was are as they were too: a title edit no longer works out every page's view of its section."""
        kept, by_rel = self.kept, self.site.by_rel
        same = {section for section, order in self.section_orders().items()
                if section_orders.get(section) == order} if section_orders and "neighbours" not in kept else set()
        numbers = set()
        for number, (key, was) in enumerate(zip(keys, signatures)):
            if key[0] in kept:
                continue
            if key[0] == "neighbours" and (page := by_rel.get(key[1])) is not None and page.section in same:
                self.memo[key] = was
            elif self(key) != was:
                numbers.add(number)
        return numbers

    def section_orders(self, old: dict[str, str] | None = None) -> dict[str, str]:
        """Each section's order as a digest (its pages' paths in order, its index page): all that
        section_nav's view beside any of its pages is made of (`_neighbours`). With the front matter
        kept as it was (no page's changed, none added or removed), the orders are `old`, unsorted again."""
        if old is not None and "neighbours" in self.kept:
            return old
        if self.order_digests is None:
            orders = {section: self._section_order(section) for section in {p.section for p in self.site.pages}
                      if section}
            self.order_digests = {section: digest(index, *rels) for section, (rels, _, index) in sorted(orders.items())}
        return self.order_digests

    def __call__(self, key: Key) -> str:
        if key not in self.memo:
            self.memo[key] = self._compute(key)
        return self.memo[key]

    def _compute(self, key: Key) -> str:
        kind = key[0]
        site = self.site
        if kind == "template":
            return self.templates.get(key[1], "missing")
        if kind == "meta":
            return self.meta.get(key[1], "missing")
        if kind == "body":
            page = site.by_rel.get(key[1])
            return digest(page.content, [(h.level, h.id, h.title) for h in page.parsed.headings]) if page else "missing"
        if kind == "at":
            rel = self.by_url.get(key[1])
            return self.meta[rel] if rel else "missing"
        if kind == "section":
            return digest(*(self.meta[page.rel] for page in site.section(key[1])))
        if kind == "section-head":
            return digest(*(self.meta[page.rel] for page in site.members(key[1])[:int(key[2])]))
        if kind == "section-count":
            return str(len(site.members(key[1])))
        if kind == "section-any":
            return str(bool(site.members(key[1])))
        if kind == "pages":
            return digest(*(self.meta[page.rel] for page in site.pages))
        if kind == "pages-targets":
            return digest(*(f"{page.rel} {page.url} {sorted(page.parsed.ids)}" for page in site.pages))
        if kind == "pages-urls":
            return digest(*(f"{page.rel} {page.url}" for page in site.pages))
        if kind == "data":
            if key[1] == "*":
                return digest(*(f"{name}={self.data.get(name, '')}" for name in site.data))
            return self.data.get(key[1], "missing") if key[1] in site.data else "missing"
        if kind == "asset":
            asset = site.assets.get(key[1])
            return asset.output_path if asset else "missing"
        if kind == "list":
            part = site.paginators.get(key[1])
            return digest(self.meta.get(part.page.rel) or meta_signature(part.page), part.number,
                          self._list_urls(part.urls), part.total, *(item.rel for item in part.items)) if part else "missing"
        if kind == "neighbours":
            return self._neighbours(key[1])
        return "unknown"

    def _list_urls(self, urls: list[str]) -> str:
        """The addresses of a list's pages, digested once per list: each of its n pages names all n, and
        joining them for every page grew with the square of the list (a section of 10,000 has 500)."""
        first_and_count = (urls[0], len(urls))  # they decide the rest (site/pagination.py: page_address)
        if first_and_count not in self.list_urls:
            self.list_urls[first_and_count] = digest(*urls)
        return self.list_urls[first_and_count]

    def _neighbours(self, rel: str) -> str:
        """What section_nav shows beside a page, from its section's order taken once: a title edit checks
        every page's neighbours, and a SectionNav built for each of 10,000 pages took a third of a second."""
        page = self.site.by_rel.get(rel)
        if page is None or not page.section:
            return digest("none")
        rels, positions, index = self._section_order(page.section)
        position = positions.get(rel)
        if position is None or len(rels) < 2:
            return digest("none")
        listed = rels[shown(position, len(rels), self.site.config.lists.section_links)]
        return digest(index, len(rels) > len(listed), rels[position - 1] if position > 0 else None,
                      rels[position + 1] if position + 1 < len(rels) else None, *listed)

    def _section_order(self, section: str) -> tuple[list[str], dict[str, int], str | None]:
        """The section's page paths in order, each one's position, and its index page's path."""
        if section not in self.orders:
            rels = [member.rel for member in self.site.members(section)]
            index = self.site.by_rel.get(f"{section}/index.md")
            self.orders[section] = rels, {rel: number for number, rel in enumerate(rels)}, index.rel if index else None
        return self.orders[section]


def explain_key(key: Key) -> str:
    """A dependency key that changed, as `ecosite build --explain` tells it."""
    kind, *rest = key
    what = rest[0] if rest else ""
    count = rest[-1] if len(rest) > 1 else ""
    return {
        "template": f"templates/{what} changed",
        "meta": f"the front matter or address of content/{what} changed",
        "body": f"the body of content/{what} changed",
        "at": f"the page at {what} changed",
        "section": f"the pages of the section {what or '(top)'} changed",
        "section-head": f"the first {count} pages of the section {what or '(top)'} changed",
        "section-any": f"whether the section {what or '(top)'} has pages changed",
        "section-count": f"the number of pages in the section {what or '(top)'} changed",
        "list": f"which items the list page {what} shows changed",
        "neighbours": f"the pages beside content/{what} in its section changed",
        "pages": "the front matter of some page changed (this output reads every page's)",
        "pages-targets": "the addresses or heading ids of the pages changed",
        "pages-urls": "the set of pages or their addresses changed",
        "data": "a data file changed" if what == "*" else f"content/{what}.yaml changed",
        "asset": f"the address of static/{what} changed",
    }.get(kind, f"{kind} {what}".strip() + " changed")


def template_signatures(templates_dir: Path) -> dict[str, str]:
    """name -> content digest of every file under templates/."""
    found = {}
    if templates_dir.is_dir():
        for path in sorted(templates_dir.rglob("*")):
            if path.is_file():
                found[path.relative_to(templates_dir).as_posix()] = hashlib.blake2b(
                    path.read_bytes(), digest_size=12).hexdigest()
    return found
