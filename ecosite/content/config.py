"""Configuration: `content/site.yaml` -> SiteConfig, one typed record that refuses unknown keys."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated
from urllib.parse import urlsplit

from pydantic import AfterValidator, Field, PrivateAttr, model_validator

from ecosite.content.documents import load_yaml_file
from ecosite.content.models import ExternalUrl, Language, Record, Slug, Text, TimeZoneName, known_time_zones, validate
from ecosite.errors import ContentError


def _base_url(value: str) -> str:
    parts = urlsplit(value)
    unsafe = set(value) & set(" \t\n\"'<>\\^`{|}@")  # breaks out of attributes, or hides the real host
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment or unsafe:
        raise ValueError(f"`{value}` is not a site address | write the full address, e.g. https://www.example.org/")
    return value if value.endswith("/") else value + "/"


BaseUrl = Annotated[str, AfterValidator(_base_url)]


class NavItem(Record):
    """A navigation entry: a page of the site (its source file) or an outside address."""

    title: Text
    page: Text | None = None
    url: ExternalUrl | None = None

    @model_validator(mode="after")
    def _one_target(self) -> NavItem:
        if (self.page is None) == (self.url is None):
            raise ValueError("give either `page` or `url` | `page: about/index.md` for a page of this site, `url:` for another site")
        return self


class SocialLink(Record):
    name: Text
    url: ExternalUrl


class Organisation(Record):
    legal_name: Text | None = None
    city: Text | None = None
    country: Text | None = None
    founded: Text | None = None
    transparency_register: Text | None = None
    email: Text | None = None


PageSize = Annotated[int, Field(ge=1, le=1000)]


class Lists(Record):
    """How long lists are split into pages, how much of its section a page lists (ecosite.site.pagination),
    and how many of the newest items the news feed carries (ecosite.outputs.feeds)."""

    per_page: PageSize = 20
    sections: dict[Slug, PageSize] = {}
    section_links: PageSize = 10
    feed_items: PageSize = 20


class SiteConfig(Record):
    """Site-wide settings; templates see it as `site`."""

    title: Text
    short_title: Text | None = None
    description: Text | None = None
    base_url: BaseUrl = "http://localhost:8000/"
    language: Language = "en"
    timezone: TimeZoneName = "UTC"
    nav: list[NavItem] = []
    social: list[SocialLink] = []
    organisation: Organisation = Organisation()
    lists: Lists = Lists()

    _lines: dict = PrivateAttr(default_factory=dict)  # key path -> line in site.yaml, for later checks

    def line_of(self, path: tuple) -> int:
        """The site.yaml line of a key path (0 when unknown, e.g. a stand-in config)."""
        for end in range(len(path), -1, -1):
            if path[:end] in self._lines:
                return self._lines[path[:end]]
        return 0

    @property
    def base_path(self) -> str:
        """The path part of the base URL ('/' or '/eco/'): every internal link starts with it."""
        return urlsplit(self.base_url).path or "/"

    @property
    def origin(self) -> str:
        parts = urlsplit(self.base_url)
        return f"{parts.scheme}://{parts.netloc}"


def load_config(content_dir: Path, base_url: str | None = None) -> tuple[SiteConfig, list[ContentError]]:
    """Read and validate site.yaml; `base_url` (from --base-url) overrides the file's.

    On errors a stand-in config is returned with them, so the other stages can still report
    their own problems in the same run.
    """
    rel = "content/site.yaml"
    path = content_dir / "site.yaml"
    if not path.is_file():
        return _stand_in({}), [ContentError(rel, 0, "site.yaml is missing", "create content/site.yaml with at least `title:`")]
    try:
        data = load_yaml_file(path, rel)
    except ContentError as error:
        return _stand_in({}), [error]
    if not isinstance(data.value, dict):
        return _stand_in({}), [ContentError(rel, 1, "site.yaml must be `key: value` lines", "start with `title: ...`")]
    if base_url is not None:
        data.value["base_url"] = base_url
        data.lines[("base_url",)] = 0
    config, errors = validate(SiteConfig, data, rel, {})
    if config is None:
        return _stand_in(data.value), errors
    config._lines = data.lines
    return config, []


def _stand_in(raw: dict) -> SiteConfig:
    timezone = raw.get("timezone")
    valid_tz = isinstance(timezone, str) and timezone in known_time_zones()
    return SiteConfig(title="(invalid site.yaml)", timezone=timezone if valid_tz else "UTC")
