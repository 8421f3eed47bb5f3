"""The content types, one row each. Adding a type is one module (see content/content_type.py) and one row here.

The stages ask this table which model validates a file, which generators make pages from data,
what the linked site must hold for each type's pages,
and what `ecosite new` and `ecosite schema` offer; none of them names a type.
"""

from __future__ import annotations

import re

from ecosite.content.content_type import ContentType
from ecosite.content_types.network import NETWORK
from ecosite.content_types.news import NEWS
from ecosite.content_types.page import PAGE
from ecosite.content_types.values import VALUES
from ecosite.summit.content_type import SUMMIT_EDITION

CONTENT_TYPES: tuple[ContentType, ...] = (NETWORK, NEWS, PAGE, VALUES, SUMMIT_EDITION)

# The model of each section's pages, and each data file's path pattern (for `ecosite schema`).
PAGE_MODELS = {t.location: t.model for t in CONTENT_TYPES if t.kind == "page" and t.location}
DATA_MODELS = [(t.location, t.model) for t in CONTENT_TYPES if t.kind == "data"]
GENERATORS = [t.generate for t in CONTENT_TYPES if t.generate is not None]
LINK_CHECKS = [t.check_links for t in CONTENT_TYPES if t.check_links is not None]


def page_type(rel: str) -> ContentType:
    """A page's type: its section's, except a section's index.md, which is a plain page."""
    parts = rel.split("/")
    if len(parts) > 1 and parts[-1] != "index.md":
        return next((t for t in CONTENT_TYPES if t.kind == "page" and t.location == parts[0]), PAGE)
    return PAGE


def data_type(rel: str) -> ContentType | None:
    return next((t for t in CONTENT_TYPES if t.kind == "data" and re.fullmatch(t.location, rel)), None)


def page_model(rel: str) -> type:
    return page_type(rel).model


def data_model(rel: str) -> type | None:
    found = data_type(rel)
    return found.model if found else None


def data_locations() -> str:
    """Where data files may live, for the hint on a data file no type reads."""
    return " or ".join(t.shown for t in CONTENT_TYPES if t.kind == "data")
