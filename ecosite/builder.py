"""The build as named stages: discover, load, validate, link, render, write.

Each stage is a plain function of the previous one's result, so tests can start anywhere and the
preview server runs exactly the same code as `ecosite build`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from . import markdown
from .config import SiteConfig, load_config
from .documents import load_document, load_yaml_file
from .errors import BuildError, ContentError, fail_if
from .models import PageMeta, Record, data_model, page_model, validate
from .pagination import paginated_lists
from .publishing import add_publishing_files
from .render import render_site
from .site import Asset, LinkTargets, Page, Site, check_collisions, fingerprint, page_url
from .sources import Source, discover
from .summit_pages import summit_pages

# Pages and files made from data rather than Markdown: (config, pages, data, assets) -> site.Generated.
# Each sees the Markdown pages only, so a list never shows the pages of another generator.
GENERATORS = [summit_pages, paginated_lists]


@dataclass
class Project:
    """Where a build reads and writes, and how."""

    root: Path
    out: Path | None = None
    base_url: str | None = None
    drafts: bool = False
    strict: bool = False
    search: bool = True  # build the Pagefind search index (--no-search turns it off)
    minify: bool = False
    gzip: bool = False  # precompressed .gz beside text files

    def __post_init__(self) -> None:
        self.root = self.root.resolve()
        self.out = (self.out or self.root / "output").resolve()

    @property
    def content_dir(self) -> Path:
        return self.root / "content"

    @property
    def templates_dir(self) -> Path:
        return self.root / "templates"

    @property
    def static_dirs(self) -> list[Path]:
        return [d for d in (self.content_dir / "static", self.root / "static") if d.is_dir()]


@dataclass
class BuildResult:
    site: Site
    files: dict[str, bytes]
    copies: dict[str, Path]
    warnings: list[ContentError] = field(default_factory=list)
    milliseconds: int = 0


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


def link(config: SiteConfig, pages: list[Page], data: dict[str, Record], assets: dict[str, Asset]) -> Site:
    """Resolve URLs and cross references into one Site; every problem is raised at once."""
    generated = [generator(config, pages, data, assets) for generator in GENERATORS]
    site = Site(config, pages + [p for g in generated for p in g.pages], data, assets,
                files={name: body for g in generated for name, body in g.files.items()},
                paginators={url: part for g in generated for url, part in g.paginators.items()})
    errors = [e for g in generated for e in g.errors] + check_collisions(site.pages, assets)
    site.warnings += [w for g in generated for w in g.warnings]
    for item in config.nav:
        if item.page and item.page not in site.by_rel:
            errors.append(ContentError("content/site.yaml", 0, f"the navigation names content/{item.page}, "
                                       "which does not exist (or is a draft)",
                                       "correct `page:` to a page's path under content/"))

    targets = LinkTargets(config, site.pages, assets, "this file")
    for page in site.pages:
        errors += markdown.resolve_links(page.parsed, page.rel, page.source.shown, page.body_line,
                                         targets.page, targets.static, site.warnings)
        if any(h.level == 1 for h in page.parsed.headings):
            site.warnings.append(ContentError(page.source.shown, page.body_line, "the body has a level-1 heading (#)",
                                              "start headings at ## : the page title is already the main heading"))
    fail_if(errors)
    for page in site.pages:
        page.content = markdown.render(page.parsed)
    return site


# Told when a stage starts and how many items it will handle, e.g. ("rendering", 27): progress display.
StageCallback = Callable[[str, int], None]


def _quiet(stage: str, count: int) -> None:
    """The default stage callback: says nothing."""


def generate(project: Project, on_stage: StageCallback = _quiet) -> BuildResult:
    """Every stage except writing: returns the files a build would write."""
    started = time.perf_counter()
    config, config_errors = load_config(project.content_dir, project.base_url)
    sources, errors = discover(project.root, project.content_dir, project.static_dirs)
    errors += config_errors
    on_stage("reading", len(sources))
    pages, page_errors = load_pages(project, config, sources)
    data, data_errors = load_data(config, sources)
    assets, asset_errors = load_assets(sources)
    errors += page_errors + data_errors + asset_errors
    on_stage("linking", len(pages))
    try:
        site = link(config, pages, data, assets)
    except BuildError as failure:
        errors += failure.errors
    fail_if(errors)
    if project.strict and site.warnings:
        raise BuildError(site.warnings)
    on_stage("rendering", len(site.pages))
    files = {**site.files, **render_site(site, project.templates_dir)}
    copies = {asset.output_path: asset.source.path for asset in assets.values()}
    on_stage("publishing", len(files))
    add_publishing_files(project, site, files, copies)  # redirects, feed, sitemap, search index, gzip
    elapsed = int((time.perf_counter() - started) * 1000)
    return BuildResult(site, files, copies, sorted(set(site.warnings)), elapsed)


def build(project: Project, on_stage: StageCallback = _quiet) -> BuildResult:
    """The whole build, as generate() but incremental: redoes only what changed since the cached build.

    A cold build swaps a new output/ in atomically; a rebuild rewrites only changed files, after every
    stage has succeeded. See ecosite.session (the preview server keeps one Session in memory).
    """
    from .session import Session  # imported here: the session runs this module's stages
    return Session(project).rebuild(on_stage=on_stage)
