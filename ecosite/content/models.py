"""Validation: raw front matter and data -> typed records, every problem reported with its line.

Models are pydantic; `validate` turns pydantic's errors into ContentErrors an editor can act on.
Unknown keys are refused (a typo must not silently drop a field) with the nearest known key.
"""

from __future__ import annotations

import difflib
import re
from datetime import date, datetime, time
from functools import cache
from typing import Annotated, Any
from zoneinfo import ZoneInfo, available_timezones

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    ValidationError,
    ValidationInfo,
)
from pydantic_core import ErrorDetails

from ecosite.content.typography import typographic
from ecosite.content.yamlsafe import YamlData
from ecosite.errors import ContentError

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_ALIASES = 50  # old addresses one page may keep; a 2 MB list of them wrote 140,000 redirect files


@cache
def known_time_zones() -> frozenset[str]:
    """Listing them walks the whole zone database (30 ms), and site.yaml is validated on every rebuild."""
    return frozenset(available_timezones())


def time_zone(value: str) -> str:
    if value not in known_time_zones():
        raise ValueError(f"`{value}` is not a known time zone | write an IANA name such as Europe/Brussels")
    return value


TimeZoneName = Annotated[str, AfterValidator(time_zone)]  # an IANA name: site.yaml and summit editions


class Record(BaseModel):
    """Base of every content model: unknown keys are errors, numbers may stand for text."""

    model_config = ConfigDict(extra="forbid", coerce_numbers_to_str=True, str_strip_whitespace=True)


def _language(value: str) -> str:
    if not re.match(LANGUAGE_PATTERN, value):
        raise ValueError(f"`{value}` is not a language code | write a code such as `en`, `fr` or `fr-BE`")
    return value


def _slug(value: str) -> str:
    if not SLUG_RE.match(value):
        raise ValueError(f"`{value}` is not a valid slug | use lower-case letters, digits and hyphens, e.g. `digital-health`")
    return value


def _external_url(value: str) -> str:
    # ASCII host without user@ (https://europeancancer.org@evil.example/ goes to evil.example), and no
    # characters that end an attribute, a tag or a JSON string wherever the address is written out.
    if not re.match(r"""^(https?://[A-Za-z0-9.-]+(:[0-9]+)?([/?#][^\s"'<>\\^`{|}]*)?|mailto:[^\s"'<>\\^`{|}]+)$""", value):
        raise ValueError(f"`{value}` is not a web address | write a full address starting with https://")
    return value


def _url_path(value: str) -> str:
    if not re.match(r"^/([a-z0-9._-]+/)*([a-z0-9._-]+\.html)?$", value) or ".." in value:
        raise ValueError(f"`{value}` is not a site path | write a path like /old/page/ (lower-case, starting and ending with /)")
    return value


def _template_name(value: str) -> str:
    if not re.match(r"^[a-z0-9_-]+(/[a-z0-9_-]+)*\.html$", value):
        raise ValueError(f"`{value}` is not a template name | name a template file in templates/, e.g. `page.html`")
    return value


def _to_datetime(value: Any, info: ValidationInfo) -> Any:
    """Dates are written `2024-06-24` or `2024-06-24 09:00` (optionally zoned); naive ones are site-local."""
    tz = ZoneInfo((info.context or {}).get("timezone", "UTC"))
    if isinstance(value, str):
        text = value.strip()
        try:
            value = datetime.fromisoformat(text) if len(text) > 10 else date.fromisoformat(text)
        except ValueError:
            raise ValueError(f"`{text}` is not a real date | write a real date as YYYY-MM-DD, optionally followed by HH:MM") from None
    if isinstance(value, datetime):
        if value.tzinfo:
            return value
        local = value.replace(tzinfo=tz)
        if local.astimezone(ZoneInfo("UTC")).astimezone(tz).replace(tzinfo=None) != value:
            raise ValueError(f"`{value:%Y-%m-%d %H:%M}` never happens in {tz.key}: the clocks go forward then"
                             " | write the time before or after the skipped hour")
        return local
    if isinstance(value, date):
        return datetime.combine(value, time(), tz)
    raise ValueError("this is not a date | write the date as YYYY-MM-DD")


def _to_date(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(f"`{value}` is not a real date | write a real date as YYYY-MM-DD") from None
    return value


Slug = Annotated[str, AfterValidator(_slug)]
LANGUAGE_PATTERN = r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$"
Language = Annotated[str, AfterValidator(_language), Field(json_schema_extra={"pattern": LANGUAGE_PATTERN})]
ExternalUrl = Annotated[str, AfterValidator(_external_url)]
UrlPath = Annotated[str, AfterValidator(_url_path)]
TemplateName = Annotated[str, AfterValidator(_template_name)]
SiteDateTime = Annotated[datetime, BeforeValidator(_to_datetime)]
Day = Annotated[date, BeforeValidator(_to_date)]
Text = Annotated[str, Field(min_length=1)]
TypographicText = Annotated[str, Field(min_length=1), AfterValidator(typographic)]  # curly quotes, dashes


class PageMeta(Record):
    """Front matter every page may carry; only `title` is required."""

    title: TypographicText
    summary: TypographicText | None = None
    slug: Slug | None = None
    template: TemplateName | None = None
    draft: StrictBool = False
    date: SiteDateTime | None = None
    aliases: Annotated[list[UrlPath], Field(max_length=MAX_ALIASES)] = []  # each one writes a redirect file
    order: int | None = None


class Person(Record):
    name: Text
    society: Text | None = None
    as_of: int | None = None


class Campaign(Record):
    title: TypographicText
    when: Text | None = None
    url: ExternalUrl | None = None
    summary: TypographicText | None = None


class NetworkMeta(PageMeta):
    """A Focused Topic Network page (`content/networks/<slug>.md`)."""

    order: int
    summary: TypographicText
    co_chairs: list[Person] = []
    campaigns: list[Campaign] = []
    sources: list[ExternalUrl] = []


class NewsMeta(PageMeta):
    """A dated news item (`content/news/<slug>.md`)."""

    date: SiteDateTime
    networks: list[Slug] = []
    source: ExternalUrl | None = None


class Value(Record):
    name: Text
    description: Text


class ValuesData(Record):
    """The organisation's values (`content/about/values.yaml`)."""

    values: list[Value] = Field(min_length=1)


def validate(model: type[BaseModel], data: YamlData, rel: str, context: dict, line_offset: int = 0
             ) -> tuple[Any, list[ContentError]]:
    """Validate, returning (record, []) or (None, errors) with one ContentError per problem."""
    try:
        return model.model_validate(data.value, context=context), []
    except ValidationError as exc:
        found = _without_misspelt_missing(exc.errors())
        errors = [_describe(err, model, data, rel) for err in found]
        return None, errors


def _without_misspelt_missing(found: list[ErrorDetails]) -> list[ErrorDetails]:
    """A misspelt required key (`nam:`) is one mistake: keep "unknown key `nam` - did you mean `name`?"
    and drop "name is missing" beside it."""
    unknown = {(tuple(e["loc"][:-1]), str(e["loc"][-1])) for e in found if e["type"] == "extra_forbidden"}
    kept = []
    for err in found:
        if err["type"] == "missing" and err["loc"]:
            parent, name = tuple(err["loc"][:-1]), str(err["loc"][-1])
            if any(p == parent and difflib.get_close_matches(name, [key], n=1) for p, key in unknown):
                continue
        kept.append(err)
    return kept


def field_path(loc: tuple) -> str:
    """('co_chairs', 1, 'society') -> 'co_chairs[1].society'."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "the file"


def _model_at(model: type[BaseModel], loc: tuple) -> type[BaseModel] | None:
    """The model that owns the last key of `loc`, to suggest its field names."""
    current: Any = model
    for part in loc[:-1]:
        if isinstance(part, int) or not (isinstance(current, type) and issubclass(current, BaseModel)):
            continue
        info = current.model_fields.get(part)
        if info is None:
            return None
        annotation = info.annotation
        for arg in getattr(annotation, "__args__", ()) or (annotation,):
            inner = getattr(arg, "__args__", (arg,))[0] if getattr(arg, "__origin__", None) is list else arg
            if isinstance(inner, type) and issubclass(inner, BaseModel):
                current = inner
                break
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _describe(err: ErrorDetails, model: type[BaseModel], data: YamlData, rel: str) -> ContentError:
    loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
    line = data.line_of(loc)
    where = field_path(loc)
    kind, message = err["type"], err["msg"]
    if kind == "missing":
        return ContentError(rel, line, f"{where} is missing", f"add `{loc[-1]}:` with its value")
    if kind == "extra_forbidden":
        owner = _model_at(model, loc)
        known = sorted(owner.model_fields) if owner else []
        close = difflib.get_close_matches(str(loc[-1]), known, n=1) or [
            k for k in known if k in str(loc[-1]) or str(loc[-1]) in k][:1]
        hint = f"did you mean `{close[0]}`?" if close else f"known keys are: {', '.join(known)}"
        return ContentError(rel, line, f"unknown key `{where}`", hint)
    if kind == "value_error":
        text, _, hint = message.removeprefix("Value error, ").partition(" | ")
        return ContentError(rel, line, f"{where}: {text}", hint or "correct the value")
    if kind.startswith("bool"):
        return ContentError(rel, line, f"{where} must be true or false", "write `true` or `false` (not yes/no)")
    if kind.startswith("int"):
        return ContentError(rel, line, f"{where} must be a whole number", "write digits only, e.g. `3`")
    if kind in ("list_type", "tuple_type"):
        dashed = [k for k in err["input"] if str(k).startswith("-")] if isinstance(err.get("input"), dict) else []
        if dashed:
            return ContentError(rel, data.line_of(loc + (dashed[0],)), f"{where} must be a list: a space is missing after the dash",
                                f"write `- {dashed[0][1:]}: ...` (a dash, a space, then the field)")
        return ContentError(rel, line, f"{where} must be a list", "write each item on its own line starting with `- `")
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return ContentError(rel, line, f"{where} must be a set of `key: value` fields", "indent its fields under it")
    if kind == "string_too_short" or kind == "too_short":
        return ContentError(rel, line, f"{where} is empty", "fill it in or remove the key")
    if kind == "literal_error":
        return ContentError(rel, line, f"{where}: {message}", "use one of the values listed")
    if kind == "too_long":
        return ContentError(rel, line, f"{where} has {err.get('ctx', {}).get('actual_length', 'too many')} items, "
                            f"over the limit of {err.get('ctx', {}).get('max_length')}", "keep only the ones still linked to")
    if kind == "string_type":  # a list, a mapping or null (`~`, empty) where text belongs
        return ContentError(rel, line, f"{where} must be text",
                            "write the text after the colon; quote it if it starts with [ { ~ or is empty")
    return ContentError(rel, line, f"{where}: {message}", "correct the value")

