"""The content types, one row each. Adding a type is one module (see content/content_type.py) and one row here.

The engine hands this table to the stages (which model validates a file, which generators make pages
from data, what each type's pages must name rightly in the linked site); `ecosite new` and `ecosite
schema` read it too. No stage names a type.
"""

from __future__ import annotations

from ecosite.content import content_type
from ecosite.content.config import SiteConfig
from ecosite.content.content_type import ContentType
from ecosite.content_types.network import NETWORK
from ecosite.content_types.news import NEWS
from ecosite.content_types.page import PAGE
from ecosite.content_types.values import VALUES
from ecosite.summit.content_type import SUMMIT_EDITION, SUMMIT_SESSION

CONTENT_TYPES: tuple[ContentType, ...] = (NETWORK, NEWS, PAGE, VALUES, SUMMIT_EDITION, SUMMIT_SESSION)

# The model of each section's pages, and each data file's path pattern (for `ecosite schema`).
PAGE_MODELS = {t.location: t.model for t in CONTENT_TYPES if t.kind == "page" and t.location}
DATA_MODELS = [(t.location, t.model) for t in CONTENT_TYPES if t.kind == "data"]
GENERATORS = [t.generate for t in CONTENT_TYPES if t.generate is not None]
GENERATED_READS = frozenset(key for t in CONTENT_TYPES if t.generate is not None for key in t.generate_reads)
LINK_CHECKS = [t.check_links for t in CONTENT_TYPES if t.check_links is not None]


def page_type(rel: str) -> ContentType:
    return content_type.page_type(rel, CONTENT_TYPES)


def data_type(rel: str) -> ContentType | None:
    return content_type.data_type(rel, CONTENT_TYPES)


def page_model(rel: str) -> type:
    return page_type(rel).model


def data_model(rel: str) -> type | None:
    found = data_type(rel)
    return found.model if found else None


def outside_inputs(config: SiteConfig) -> list[object]:
    """What the types' pages depend on besides their files and the config, for the build signature."""
    return [t.depends_on(config) for t in CONTENT_TYPES if t.depends_on is not None]
