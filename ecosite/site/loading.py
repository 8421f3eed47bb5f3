"""Reading: source files -> validated pages, data records and static assets, every problem collected."""

from __future__ import annotations

import time
from collections.abc import Sequence

from ecosite.content.config import SiteConfig
from ecosite.content.content_type import ContentType, data_locations, data_type, page_type
from ecosite.content.documents import load_document, load_yaml_file
from ecosite.content.models import PageMeta, validate
from ecosite.content.sources import Source
from ecosite.errors import ContentError
from ecosite.markdown import parser as markdown
from ecosite.project import Project
from ecosite.site import lint
from ecosite.site.model import Asset, Page, SiteData, fingerprint, page_url


def load_pages(project: Project, config: SiteConfig, sources: list[Source], types: Sequence[ContentType]
               ) -> tuple[list[Page], list[ContentError]]:
    """Read, validate and parse every Markdown page; drafts are dropped unless asked for.

    A page dated in the future is returned marked `held` (see hold_back): it is left out of the site
    until its date, as a draft is, unless the project asks for --future."""
    pages, errors = [], []
    context = {"timezone": config.timezone}
    for source in sources:
        if source.kind != "page":
            continue
        try:
            document = load_document(source.path, source.shown)
        except ContentError as error:
            errors.append(error)
            continue
        meta, problems = validate(page_type(source.rel, types).model, document.meta, source.shown, context)
        if problems:
            errors.extend(problems)
            # Keep a stand-in so links to this page and URL collisions are still checked in this run.
            meta = PageMeta.model_construct(title=source.rel)
        if meta.draft and not project.drafts:
            continue
        held = not project.future and meta.date is not None and meta.date.timestamp() > time.time()
        if meta.template and not (project.templates_dir / meta.template).is_file():
            errors.append(ContentError(source.shown, document.meta.line_of(("template",)),
                                       f"the template `{meta.template}` does not exist",
                                       "name a file in templates/, or remove `template:` to use the default"))
            continue
        url, problems = page_url(source.rel, meta.slug, source.shown, document.meta.lines.get(("slug",), 1))
        errors.extend(problems)
        if url:
            try:
                parsed = markdown.parse(document.body)
            except markdown.BodyProblem as slow:
                errors.append(slow.located(source.shown, document.body_line))
                continue
            shown = source.shown
            warnings = (lint.cut_comments(document.front, 2, shown) + lint.placeholders(document.front, 2, shown)
                        + lint.placeholders(document.body, document.body_line, shown)
                        + lint.raw_html(parsed, shown, document.body_line))
            pages.append(Page(source, meta, url, parsed, document.body_line, lines=document.meta.lines,
                              warnings=warnings, held=held))
    return pages, errors


def hold_back(pages: list[Page]) -> tuple[list[Page], list[Page]]:
    """(the pages to publish now, those held back until their date)."""
    return [p for p in pages if not p.held], [p for p in pages if p.held]


def load_data(config: SiteConfig, sources: list[Source], types: Sequence[ContentType]) -> tuple[SiteData, list[ContentError]]:
    """Validate every YAML data file against the model its path names."""
    data, errors = {}, []
    for source in sources:
        if source.kind != "data":
            continue
        content_type = data_type(source.rel, types)
        if content_type is None:
            errors.append(ContentError(source.shown, 0, "no content model reads this data file",
                                       f"data files live at {data_locations(types)}; move or rename it, or delete it"))
            continue
        try:
            raw = load_yaml_file(source.path, source.shown)
        except ContentError as error:
            errors.append(error)
            continue
        record, problems = validate(content_type.model, raw, source.shown, {"timezone": config.timezone})
        errors.extend(problems)
        if record is not None and content_type.cross_check is not None:  # checks across the file, with its lines
            errors.extend(content_type.cross_check(record, raw, source))
        if record is not None:
            data[source.rel.rsplit(".", 1)[0]] = record
    return data, errors


def load_assets(sources: list[Source]) -> tuple[dict[str, Asset], list[ContentError]]:
    assets: dict[str, Asset] = {}
    errors: list[ContentError] = []
    for source in sources:
        if source.kind != "static":
            continue
        if source.rel in assets:
            errors.append(ContentError(source.shown, 0, f"static/{source.rel} exists in two static folders",
                                       f"keep only one of {assets[source.rel].source.shown} and {source.shown}"))
            continue
        assets[source.rel] = Asset(source, fingerprint(source, source.path.read_bytes()))
    return assets, errors
