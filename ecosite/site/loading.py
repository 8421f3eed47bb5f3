"""Reading: source files -> validated pages, data records and static assets, every problem collected."""

from __future__ import annotations

from ecosite.content.config import SiteConfig
from ecosite.content.documents import load_document, load_yaml_file
from ecosite.content.models import PageMeta, Record, validate
from ecosite.content.sources import Source
from ecosite.errors import ContentError
from ecosite.markdown import parser as markdown
from ecosite.project import Project
from ecosite.registry import data_model, page_model
from ecosite.site.model import Asset, Page, fingerprint, page_url


def load_pages(project: Project, config: SiteConfig, sources: list[Source]) -> tuple[list[Page], list[ContentError]]:
    """Read, validate and parse every Markdown page; drafts are dropped unless asked for."""
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
        meta, problems = validate(page_model(source.rel), document.meta, source.shown, context)
        if problems:
            errors.extend(problems)
            # Keep a stand-in so links to this page and URL collisions are still checked in this run.
            meta = PageMeta.model_construct(title=source.rel)
        if meta.draft and not project.drafts:
            continue
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
            pages.append(Page(source, meta, url, parsed, document.body_line))
    return pages, errors


def load_data(config: SiteConfig, sources: list[Source]) -> tuple[dict[str, Record], list[ContentError]]:
    """Validate every YAML data file against the model its path names."""
    data, errors = {}, []
    for source in sources:
        if source.kind != "data":
            continue
        model = data_model(source.rel)
        if model is None:
            errors.append(ContentError(source.shown, 0, "no content model reads this data file",
                                       "data files live at about/values.yaml or summit/<year>.yaml; "
                                       "move or rename it, or delete it"))
            continue
        try:
            raw = load_yaml_file(source.path, source.shown)
        except ContentError as error:
            errors.append(error)
            continue
        record, problems = validate(model, raw, source.shown, {"timezone": config.timezone})
        errors.extend(problems)
        if record is not None and hasattr(record, "cross_check"):  # checks across the file, with its lines
            errors.extend(record.cross_check(raw, source))
        if record is not None:
            data[source.rel.rsplit(".", 1)[0]] = record
    return data, errors


def load_assets(sources: list[Source]) -> tuple[dict[str, Asset], list[ContentError]]:
    assets, errors = {}, []
    for source in sources:
        if source.kind != "static":
            continue
        if source.rel in assets:
            errors.append(ContentError(source.shown, 0, f"static/{source.rel} exists in two static folders",
                                       f"keep only one of {assets[source.rel].source.shown} and {source.shown}"))
            continue
        assets[source.rel] = Asset(source, fingerprint(source, source.path.read_bytes()))
    return assets, errors
