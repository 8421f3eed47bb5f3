"""Rendering: Site + Jinja templates -> {output path: bytes}.

Autoescape is on for every template and undefined names fail loudly; any template mistake is
reported as `templates/NAME:LINE: message`, never as a traceback.
"""

from __future__ import annotations

import functools
import re
import traceback
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import jinja2
from markupsafe import Markup

from ecosite.errors import ContentError
from ecosite.site.model import Page, Paginator, Site
from ecosite.site.section_nav import SectionNav, section_nav


@dataclass
class NavLink:
    title: str
    url: str
    external: bool
    current: bool = False


class TemplateProblem(Exception):
    """A helper was called wrongly from a template (shown at the template's line)."""


def make_environment(templates_dir: Path, environment_class: type[jinja2.Environment] = jinja2.Environment
                     ) -> jinja2.Environment:
    """`environment_class` lets incremental builds record what each page reads (ecosite.render.dependencies)."""
    env = environment_class(
        loader=jinja2.FileSystemLoader(templates_dir),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        cache_size=-1,  # every template kept, in a plain dict: the default LRU reorders itself on every lookup
    )
    env.filters["date"] = _formatted_date
    env.filters["day"] = _day
    env.filters["isodate"] = lambda value: value.isoformat() if value else ""
    return env


@functools.lru_cache(maxsize=8192)  # a page's lists show a dozen dates, mostly the same few hundred
def _formatted_date(value: date | None, fmt: str = "%-d %B %Y") -> str:
    return value.strftime(fmt) if value else ""


@functools.lru_cache(maxsize=8192)
def _day(value: date | None) -> Markup:
    """A calendar day as a <time> element people and machines can both read (`{{ page.date|day }}`).
    A filter, not a macro: a news page shows five, and calling a Jinja macro five times was 6 % of the
    time to render it."""
    return Markup(f'<time datetime="{_formatted_date(value, "%Y-%m-%d")}">{_formatted_date(value)}</time>')


class Helpers:
    """The functions every template receives, bound to one site."""

    def __init__(self, site: Site):
        self.site = site
        self.base = site.config.base_path
        self.made_shared: dict[str, Markup] = {}  # shared template -> its HTML, rendered once (shared())

    def url(self, target: object) -> str:
        """A page, a source path ('networks/workforce.md') or a site path ('/feed.xml') -> its URL."""
        if isinstance(target, Page):
            return self.base + target.url.lstrip("/")
        text = str(target)
        if text.endswith(".md"):
            page = self.site.by_rel.get(text)
            if page is None:
                raise TemplateProblem(f"url(): there is no page content/{text}")
            return self.base + page.url.lstrip("/")
        if not text.startswith("/"):
            raise TemplateProblem(f"url(): `{text}` is neither a page source (.md) nor a path starting with /")
        return self.base + text.lstrip("/")

    def absolute_url(self, target: object) -> str:
        return self.site.config.origin + self.url(target)

    def asset(self, name: str) -> str:
        asset = self.site.assets.get(name)
        if asset is None:
            raise TemplateProblem(f"asset(): there is no static file `{name}`")
        return self.base + asset.output_path

    def section(self, name: str) -> Sequence[Page]:
        return self.site.section(name)

    def page(self, rel: str) -> Page:
        page = self.site.by_rel.get(rel)
        if page is None:
            raise TemplateProblem(f"page(): there is no page content/{rel}")
        return page

    def has_page(self, rel: str) -> bool:
        """Whether content/<rel> is a published page: a template links to an optional page only when it is
        there. A test on `pages` would make every page depend on the whole site."""
        return rel in self.site.by_rel

    def paginator(self, page: Page) -> Paginator | None:
        """The part of a long list this page shows (section indexes, network pages and their page 2..)."""
        return self.site.paginators.get(page.url)

    def section_nav(self, page: object) -> SectionNav | None:
        """The bounded navigation of a page's section: its index, neighbours and a few pages around it."""
        if not isinstance(page, Page):
            raise TemplateProblem("section_nav(): give it a page, e.g. section_nav(page)")
        return section_nav(self.site, page, self.site.config.lists.section_links)

    def page_at(self, url: str) -> Page | None:
        """The page at a site URL ('/search/'), or None: a lookup, where a loop over `pages` on every
        page made a 10,000 page build quadratic."""
        if not hasattr(self, "_by_url"):
            self._by_url = {p.url: p for p in self.site.pages}
        return self._by_url.get(url)

    def shared(self, name: str, env: jinja2.Environment, context: dict) -> Markup:
        """templates/NAME rendered once per build and shown as it is on every page that asks: for what
        every page repeats, like the footer (a quarter of each page's rendering). It sees only what is
        the same on every page (SHARED_CONTEXT): a name such as `page` is undefined there."""
        if name not in self.made_shared:
            self.made_shared[name] = self.render_shared(name, env, context)
        return self.made_shared[name]

    def render_shared(self, name: str, env: jinja2.Environment, context: dict) -> Markup:
        try:
            return Markup(env.get_template(name).render({key: context[key] for key in SHARED_CONTEXT},
                                                        navigation=self.navigation(None)))
        except jinja2.UndefinedError as exc:
            missing = re.fullmatch(r"'(\w+)' is undefined", str(exc))
            if missing and missing[1] in context:  # a page's own name: say why it is not there
                raise jinja2.UndefinedError(
                    f"`{missing[1]}` is undefined in {name}: a shared template is rendered once for every "
                    f"page, so it sees only {', '.join(SHARED_CONTEXT)} and navigation; move what reads "
                    f"`{missing[1]}` back into the page's template").with_traceback(exc.__traceback__) from None
            raise

    def navigation(self, current: Page | None) -> list[NavLink]:
        """The site.yaml navigation; the link to the section `current` is in is marked current (none without a page)."""
        links = []
        for item in self.site.config.nav:
            if item.url:
                links.append(NavLink(item.title, item.url, True))
                continue
            target = self.site.by_rel[item.page or ""]  # a nav item without a url has a page
            here = current is not None and (current.url == target.url
                                            or (target.url != "/" and current.url.startswith(target.url)))
            links.append(NavLink(item.title, self.url(target), False, here))
        best = max((link for link in links if link.current), key=lambda link: len(link.url), default=None)
        for link in links:
            link.current = link is best
        return links

    def breadcrumbs(self, page: Page) -> list[tuple[str, str]]:
        """(title, url) of each ancestor page, home first; the page itself is not included."""
        crumbs = []
        parts = page.url.strip("/").split("/") if page.url != "/" else []
        for depth in range(len(parts)):
            ancestor = self.page_at("/" + "".join(f"{p}/" for p in parts[:depth]))
            if ancestor is not None and ancestor is not page:
                crumbs.append((ancestor.title, Helpers.url(self, ancestor)))  # its address only: page_at noted it
        return crumbs


def template_for(page: Page, env: jinja2.Environment) -> str:
    """Front matter `template`, else the section's template, else page.html."""
    if page.meta.template:
        return page.meta.template
    if page.url == "/":
        candidates = ["home.html"]
    elif page.url == "/404.html":
        candidates = ["404.html"]
    elif page.is_index:
        candidates = [f"{page.section}/index.html"]
    else:
        candidates = [f"{page.section}/page.html"] if page.section else []
    available = env.__dict__.get("_ecosite_templates")
    if available is None:  # listed once per environment (one build): listing walks templates/
        available = env.__dict__["_ecosite_templates"] = frozenset(env.list_templates())
    return next((name for name in candidates if name in available), "page.html")


def render_page(page: Page, site: Site, env: jinja2.Environment, helpers: Helpers) -> bytes:
    template = env.get_template(template_for(page, env))
    context = {
        "site": site.config,
        "page": page,
        "content": Markup(page.content),
        "data": site.data,
        "pages": site.pages,
        "navigation": helpers.navigation(page),
        "breadcrumbs": helpers.breadcrumbs(page),
        "paginator": helpers.paginator(page),
        "url": helpers.url,
        "absolute_url": helpers.absolute_url,
        "asset": helpers.asset,
        "section": helpers.section,
        "page_of": helpers.page,
        "has_page": helpers.has_page,
        "page_at": helpers.page_at,
        "section_nav": helpers.section_nav,
    }
    context["shared"] = lambda name: helpers.shared(name, env, context)
    return template.render(context).encode("utf-8")


# What a shared template (Helpers.shared) sees: the site-wide names, none about the page being rendered
SHARED_CONTEXT = ("site", "data", "pages", "url", "absolute_url", "asset", "section", "page_of", "has_page", "page_at")


def while_rendering(error: ContentError, pages: list[Page]) -> ContentError:
    """One message per template mistake, naming the page (or how many pages) it broke."""
    which = pages[0].source.shown if len(pages) == 1 else f"{len(pages)} pages, e.g. {pages[0].source.shown}"
    return ContentError(error.path, error.line, f"{error.message} (while rendering {which})", error.hint)


def template_error(exc: BaseException, templates_dir: Path) -> ContentError:
    """Locate a template failure at templates/NAME:LINE."""
    if isinstance(exc, jinja2.TemplateSyntaxError):
        name = exc.name or "?"
        return ContentError(f"templates/{name}", exc.lineno or 0, f"template syntax error: {exc.message}",
                            "fix the Jinja tag on this line")
    if isinstance(exc, jinja2.TemplateNotFound):
        return ContentError("templates", 0, f"the template `{exc.name}` does not exist",
                            "create it in templates/ or choose another with `template:`")
    where = ("templates/?", 0)
    resolved = templates_dir.resolve()
    for frame, line in traceback.walk_tb(exc.__traceback__):
        filename = Path(frame.f_code.co_filename)
        if filename.name != "<template>" and filename.resolve().is_relative_to(resolved):
            where = (f"templates/{filename.resolve().relative_to(resolved).as_posix()}", line)
    message = str(exc) if isinstance(exc, (jinja2.UndefinedError, TemplateProblem)) else f"{type(exc).__name__}: {exc}"
    return ContentError(where[0], where[1], message,
                        "check the names used on this template line against the template reference")
