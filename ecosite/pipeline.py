"""The build as named stages: discover, load, validate, link, render, write.

Each stage is a plain function of the previous one's result, so tests can start anywhere and the
preview server runs exactly the same code as `ecosite build`.
"""

from __future__ import annotations

import time

from ecosite.content.config import load_config
from ecosite.content.sources import discover
from ecosite.errors import BuildError, fail_if
from ecosite.incremental.engine import Engine
from ecosite.outputs.publishing import add_publishing_files
from ecosite.project import BuildResult, Project, StageCallback, quiet
from ecosite.render.templates import render_site
from ecosite.site.linking import link
from ecosite.site.loading import load_assets, load_data, load_pages


def generate(project: Project, on_stage: StageCallback = quiet) -> BuildResult:
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


def build(project: Project, on_stage: StageCallback = quiet) -> BuildResult:
    """The whole build, as generate() but incremental: redoes only what changed since the cached build.

    A cold build swaps a new output/ in atomically; a rebuild rewrites only changed files, after every
    stage has succeeded. See ecosite.incremental.engine (the preview server keeps one Engine in memory).
    """
    return Engine(project).rebuild(on_stage=on_stage)
