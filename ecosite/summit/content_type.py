"""Summit editions: `content/summit/<year>.yaml`, checked as a whole programme, with pages and calendars."""

from __future__ import annotations

from ecosite.content.content_type import ContentType
from ecosite.summit.pages import summit_pages
from ecosite.summit.programme import SummitEdition

SUMMIT_EDITION = ContentType("summit edition", "data", r"summit/\d{4}\.yaml", "summit/<year>.yaml", SummitEdition,
                             generate=summit_pages, cross_check=SummitEdition.cross_check)
