"""Reading a built HTML page for checks: its title, h1 count, ids, links and images.

The standard library's tolerant parser is enough: the pages are our own output, and a check must
see what a browser would follow (href, src, srcset), not what a template meant.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

LINK_ATTRIBUTES = {"a": ("href",), "area": ("href",), "link": ("href",), "img": ("src",), "script": ("src",),
                   "source": ("src",), "iframe": ("src",), "video": ("src", "poster"), "audio": ("src",)}


@dataclass
class Image:
    src: str
    alt: str | None


@dataclass
class ScannedPage:
    title: str = ""
    h1_count: int = 0
    ids: set[str] = field(default_factory=set)
    links: list[str] = field(default_factory=list)
    images: list[Image] = field(default_factory=list)
    canonical: str | None = None
    noindex: bool = False  # redirects and the 404 page: their canonical link names another page
    steps: dict[str, str] = field(default_factory=dict)  # "prev"/"next" -> href: a paginated list's order


class _Scanner(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = ScannedPage()
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if "id" in values:
            self.page.ids.add(values["id"])
        if tag == "a" and "name" in values:
            self.page.ids.add(values["name"])
        if tag == "title":
            self._in_title = True
        elif tag == "h1":
            self.page.h1_count += 1
        elif tag == "img":
            self.page.images.append(Image(values.get("src", ""), values.get("alt")))
        if tag == "link" and "canonical" in values.get("rel", "").split():
            self.page.canonical = values.get("href")
        if tag in ("a", "link") and values.get("href"):
            for step in {"prev", "next"} & set(values.get("rel", "").split()):
                self.page.steps.setdefault(step, values["href"])
        if tag == "meta" and values.get("name") == "robots" and "noindex" in values.get("content", ""):
            self.page.noindex = True
        for name in LINK_ATTRIBUTES.get(tag, ()):
            if values.get(name):
                self.page.links.append(values[name])
        if values.get("srcset"):
            self.page.links += [item.split()[0] for item in values["srcset"].split(",") if item.strip()]

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.page.title += data


def scan_page(html: str) -> ScannedPage:
    scanner = _Scanner()
    scanner.feed(html)
    scanner.close()
    return scanner.page
