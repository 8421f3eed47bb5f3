"""The content types: which model validates which content file."""

from __future__ import annotations

import re

from ecosite.content.models import NetworkMeta, NewsMeta, PageMeta, Record, ValuesData
from ecosite.summit.programme import SummitEdition

# Which model validates which source: first match wins. Section pages use their section's model,
# except a section's index.md, which is a plain page.
PAGE_MODELS: dict[str, type[PageMeta]] = {"networks": NetworkMeta, "news": NewsMeta}
DATA_MODELS: list[tuple[str, type[Record]]] = [
    (r"about/values\.yaml", ValuesData),
    (r"summit/\d{4}\.yaml", SummitEdition),
]


def page_model(rel: str) -> type[PageMeta]:
    parts = rel.split("/")
    if len(parts) > 1 and parts[-1] != "index.md":
        return PAGE_MODELS.get(parts[0], PageMeta)
    return PageMeta


def data_model(rel: str) -> type[Record] | None:
    return next((model for pattern, model in DATA_MODELS if re.fullmatch(pattern, rel)), None)
