"""The organisation's values: `content/about/values.yaml` (name and description of each)."""

from __future__ import annotations

from ecosite.content.content_type import ContentType
from ecosite.content.models import ValuesData

VALUES = ContentType("values", "data", r"about/values\.yaml", "about/values.yaml", ValuesData)
