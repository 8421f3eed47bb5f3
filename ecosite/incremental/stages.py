"""The stages as the engine runs them: each reuses what the last build (`build.old`) can vouch for.

Each function takes the Build in progress and leaves its result on it for the next; pipeline.py lists
them in order. With nothing remembered (a first or cold build, or `generate`) every stage does all
its work, which is why a clean build and an incremental one are the same code.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import cast

import jinja2

from ecosite import registry
from ecosite.content.config import SiteConfig, load_config
from ecosite.content.documents import read_bytes
from ecosite.content.sources import Source, discover
from ecosite.errors import BuildError, ContentError, fail_if
from ecosite.incremental import cache
from ecosite.incremental.state import Build, Counts, LastBuild
from ecosite.incremental.workers import InBackground, map_chunks
from ecosite.markdown.parser import Heading, ParsedMarkdown
from ecosite.outputs.publishing import add_publishing_files
from ecosite.project import Project
from ecosite.render import templates as render
from ecosite.render.dependencies import (
    Key,
    Recording,
    Signatures,
    TrackedSite,
    TrackingEnvironment,
    TrackingHelpers,
    digest,
    explain_key,
    front_matter_digest,
    meta_signature,
    template_signatures,
)
from ecosite.site.compiled import CompiledBody, compile_pages, fill_links
from ecosite.site.linking import link, skipped_files
from ecosite.site.loading import hold_back, load_assets, load_data, load_pages
from ecosite.site.model import Page, Site, SiteData
from ecosite.write.in_place import OutputFiles, Stamp, stamp, write_in_place
from ecosite.write.staging import StagedOutput, remove_stale_staging

BACKGROUND_CHECK = 4000  # outputs; from this many the check of output/ runs in a child beside discovering
TRUST_STAT_AFTER_NS = 2_000_000_000  # a file changed this close to a build is compared by content
ENVIRONMENT_INPUTS = ("SOURCE_DATE_EPOCH", "TZ")  # variables the output depends on (feeds.py reads the first)


def discovering(build: Build) -> None:
    """site.yaml and the list of sources; what the last build of the same kind knew; what changed since."""
    project = build.project
    if not project.templates_dir.is_dir():
        raise BuildError([ContentError("templates", 0, "the templates folder is missing",
                                       "run the build from the project folder or pass --root")])
    build.config, config_errors = load_config(project.content_dir, project.base_url)
    changed = build.changed_paths
    trusted = None if changed is None or not build.warm else {str(Path(p).resolve()) for p in changed}
    discover_errors: list[ContentError] = []
    if build.walked is not None and trusted is not None and _only_edited(build.walked, trusted):
        build.sources = build.walked
    else:
        build.sources, discover_errors = discover(project.root, project.content_dir, project.static_dirs)
    build.walked = None if discover_errors else build.sources
    build.errors = discover_errors + config_errors
    build.templates = template_signatures(project.templates_dir)
    signature = digest(cache.engine_fingerprint(), project.root, project.out, project.base_url, project.drafts,
                       project.strict, project.search, project.minify, project.gzip, project.future,
                       build.config.model_dump_json(), sorted(build.templates),
                       *(os.environ.get(name) for name in ENVIRONMENT_INPUTS),
                       *registry.outside_inputs(build.config))  # e.g. the build day: which summit is upcoming
    build.old = old = build.recall(signature)
    build.unchecked = build.defer_search and project.search  # settled by the build that settles the index
    if old.outputs and not build.unchecked:
        out, outputs = str(project.out), old.outputs
        build.output_check = InBackground(lambda: _altered(out, outputs), forked=len(outputs) >= BACKGROUND_CHECK)
    build.stamps, build.digests = _fingerprint(build.sources, old, trusted)
    digests = build.digests  # (a page new since the last build has its digest taken when it is read)
    build.unchanged = {key for s in build.sources if (key := str(s.path)) in digests and old.digests.get(key) == digests[key]}


def _damaged(build: Build, pending: set[str]) -> set[str]:
    """The last build's outputs a killed write may have left wrong, or found changed or missing in output/
    (build.output_check). A preview save that defers the search index does not look: the build settling
    the index, right after the browser was told, checks every output."""
    damaged = pending & build.old.outputs.keys()
    return damaged | build.output_check.result() if build.output_check is not None else damaged


def _altered(out: str, outputs: dict[str, Stamp | None]) -> set[str]:
    """The outputs whose file in `out` is missing or not as the last build left it: a stat per file, 21,292
    at 10,000 pages (75-85 ms, most of it the kernel's, so a child does it while discovering goes on)."""
    return {name for name, was in outputs.items() if stamp(f"{out}/{name}") != was}


def _only_edited(sources: list[Source], changed: set[str]) -> bool:
    """Whether the watcher's changes leave the list of sources as it was: each is a file that was a source
    already, not new, deleted, renamed or a folder. The paths are resolved, so a page replaced by a link
    is seen at its target's path: outside content/, that is no source, and discovery refuses the link."""
    known = {str(source.path) for source in sources}
    return all(path in known and os.path.isfile(path) for path in changed)


def reading(build: Build) -> None:
    """Static files, pages (compiled anew only when changed or their link targets moved) and data files.

    Pages dated in the future are held back: those read now, and those the last build held whose date
    has not come (their file unchanged, they were not read again)."""
    build.assets, asset_errors = load_assets(build.sources)
    pages, build.drafts, reused, page_errors = _load_pages(build.project, build.config, build.sources,
                                                           build.assets, build.old, build.unchanged, build.digests)
    build.data, data_errors = _load_data(build.config, build.sources, build.old, build.unchanged)
    build.errors += page_errors + data_errors + asset_errors
    build.contents = {page.rel: page.content for page in reused}
    build.pages, held_now = hold_back(pages)
    page_rels = {s.rel for s in build.sources if s.kind == "page"}
    build.held = {p.rel: p.meta.date.timestamp() for p in held_now if p.meta.date} | {
        rel: when for rel, when in build.old.held.items()
        if rel in page_rels and rel not in build.drafts and when > time.time()}


def linking(build: Build) -> None:
    """One Site with every cross reference resolved; all problems so far are raised here at once."""
    errors = build.errors
    shown_of = {s.rel: s.shown for s in build.sources if s.kind == "page"}
    held = frozenset(shown_of[rel] for rel in build.held)
    try:
        build.site = link(build.config, build.pages, build.data, build.assets, registry.GENERATORS,
                          registry.LINK_CHECKS, *skipped_files(build.sources, errors, build.pages, held))
    except BuildError as failure:
        errors += failure.collected  # every problem: the follow-ons are counted again with the others
    fail_if(errors)
    # A build that writes drops the link tokens once filled in; `generate` keeps them for `ecosite check`,
    # which names the Markdown line of a broken link.
    build.fresh_warnings = _finish_pages(build.site, build.drafts, build.contents, build.old, keep_links=not build.write)
    if build.project.strict and build.site.warnings:
        raise BuildError(build.site.warnings)


def rendering(build: Build) -> None:
    """The pages whose recorded inputs changed, or whose file in output/ was damaged; the rest are reused.

    A cold build that writes streams its pages into a staging folder as they are rendered."""
    project, site, old = build.project, build.site, build.old
    build.meta = {page.rel: old.meta[page.rel] if page.rel in build.contents else meta_signature(page)
                  for page in site.pages}
    build.signatures = signatures = Signatures(site, build.meta, build.templates)
    build.meta_digest = front_matter_digest(build.meta)
    if build.meta_digest == old.meta_digest:  # a body edit, say: no listing, address or navigation changed
        signatures.keep_front_matter(old.keys, old.key_sigs, _same_heading_ids(site, build.contents, old))
    signatures.data = {key: build.digests[str(s.path)] for s in build.sources if s.kind == "data"
                       for key in [s.rel.rsplit(".", 1)[0]]}
    build.pending = pending = build.journal.pending(project.out)  # names a killed or failed write may have left wrong
    damaged = _damaged(build, pending)
    build.old_copies = {name: source for name, source in old.copies.items() if name not in pending}
    edited = {s.rel for s in build.sources if s.kind == "page" and str(s.path) not in build.unchanged}
    # Every key stands for something read from the sources or templates; the build signature covers the
    # rest (config, options). With none of them changed and no page compiled, no key can have changed.
    same_inputs = build.digests == old.digests and build.templates == old.templates and not build.drafts
    build.dirty, build.explained = _dirty_pages(site, old, signatures, set(build.drafts), damaged, edited,
                                                same_inputs)
    cold = not old.outputs or not project.out.is_dir()
    build.staged = staged = StagedOutput(project.out) if build.write and cold else None
    rendered, build.deps = _render(project, build.persistent, build.templates, site, build.dirty,
                                   staged.put if staged else None)
    build.copies = {asset.output_path: asset.source.path for asset in build.assets.values()}
    build.copy_digests = {asset.output_path: build.digests[str(asset.source.path)] for asset in build.assets.values()}
    build.site_files = {name: hashlib.blake2b(body, digest_size=16).hexdigest() for name, body in site.files.items()}
    build.names = names = list(site.files) + [page.output_path for page in site.pages]
    owed = bool(old.search_debt) and not build.defer_search  # a preview left the search index to settle
    build.republish = bool(build.dirty) or cold or owed or build.site_files != old.site_files \
        or build.copy_digests != build.old_copies or set(names) != set(old.outputs) - set(old.published) \
        or bool(damaged & set(old.published))
    listed = names if build.republish else names + old.published
    build.files = OutputFiles(staged.staging if staged else project.out, listed, {**site.files, **rendered},
                              writable=staged is not None, damaged=damaged)


def publishing(build: Build) -> None:
    """Redirects, feed, sitemap, search index, minify, gzip (outputs/), when any output changed.

    While Pagefind indexes, a build that writes also puts together what the next build will need of
    this one (_remembered), which needs no published file, and prepares its cache file (cache.prepare):
    the writing stage adds what it wrote (cache.WRITTEN)."""
    build.published, build.search_debt = build.old.published, build.old.search_debt
    if build.republish:
        before = set(build.files)
        publication = add_publishing_files(build.project, build.site, build.files, build.copies, last=build.files,
                                           defer_search=build.defer_search, search_debt=build.old.search_debt)
        try:
            if build.write:
                build.remembered = _remembered(build)
                if build.persistent and not build.defer_search:  # (a deferring build saves no cache)
                    cache.prepare(build.project.root, build.remembered)
        except BaseException:
            publication.abandon()
            raise
        publication.finish()
        build.published = [name for name in build.files if name not in before]
        build.search_debt = frozenset(publication.search_debt)


def writing(build: Build) -> None:
    """A cold build swaps its staging folder in; a rebuild changes in place only the files whose bytes differ,
    their names recorded in the journal first (write/in_place.py says what a kill can leave)."""
    state = build.remembered or _remembered(build)
    project, files, copies, old, staged = build.project, build.files, build.copies, build.old, build.staged
    if staged is not None:
        build.journal.record(walk=True)  # swapped in before the cache is saved: the next build checks
        staged.finish({name: files.fresh[name] for name in set(files.fresh) & set(files.names)}, copies)
        files.out, files.writable = project.out, False
        out = str(project.out)
        outputs = {name: stamp(f"{out}/{name}") for name in files}
        written_now = outputs
    else:
        outputs = {name: was for name, was in old.outputs.items() if name in files.names}
        previous = [*old.outputs, *old.copies, *build.pending]
        remove_stale_staging(project.out)  # what a killed full build left beside output/
        written_now = write_in_place(project.out, files, copies, build.copy_digests, previous, build.old_copies,
                                     build.journal)
        outputs.update(written_now)
    for name in set(files.names) - set(outputs):  # e.g. a damaged file rewritten with the same bytes
        outputs[name] = stamp(project.out / name)
    state.outputs, state.published, state.search_debt = outputs, build.published, build.search_debt
    state.counts = counts_of(build)  # the fields of cache.WRITTEN: set only here
    build.state = state
    if build.republish:
        build.explained.update((name, "publishing: pages or files it lists changed") for name in build.published
                               if name in written_now)


def _remembered(build: Build) -> LastBuild:
    """What the next build may reuse of this one, but for what writing and publishing leave (the files
    written, their stamps, and the search index's debt): the writing stage adds those."""
    old, site, drafts = build.old, build.site, build.drafts
    state = LastBuild(old.signature, build.started_ns, build.stamps, build.digests, build.templates)
    state.pages = {page.rel: old.pages[page.rel] if page.rel in build.contents else _record(page)
                   for page in site.pages if not _is_generated(page)}
    state.skipped = {s.rel for s in build.sources if s.kind == "page"} - set(state.pages)
    state.held = build.held
    state.meta = {rel: build.meta[rel] for rel in state.pages}
    state.meta_digest = build.meta_digest
    state.targets = {rel: drafts[rel].targets if rel in drafts else old.targets.get(rel, ()) for rel in state.pages}
    state.target_sigs = _target_signatures(site, {t for ts in state.targets.values() for t in ts}, old.target_sigs,
                                           set(build.contents) & set(site.by_rel))
    state.warnings = {rel: build.fresh_warnings.get(rel, []) if rel in drafts else old.warnings.get(rel, [])
                      for rel in state.pages}
    state.data = dict(site.data)
    if build.dirty or set(build.names) != set(old.deps):
        state.keys, state.deps = _number_keys(build.names, build.deps, old)
        state.key_sigs = [build.signatures(key) for key in state.keys]
    else:
        state.keys, state.deps, state.key_sigs = old.keys, old.deps, old.key_sigs
    state.copies, state.site_files, state.reported = build.copy_digests, build.site_files, reported(build)
    state.section_orders = build.signatures.section_orders(old.section_orders)
    return state


def counts_of(build: Build) -> Counts:
    site = build.site
    return Counts(len(site.pages), len(build.copies), sum(len(page.meta.aliases) for page in site.pages),
                  len(build.files) + len(build.copies))


def reported(build: Build) -> list[ContentError]:
    return sorted(set(build.site.warnings))


def nothing_to_do(build: Build) -> bool:
    """After discovering: whether the rest of the build would render, publish and write nothing, so
    that the last build's report is this one's. That needs every source the same by stat and by bytes,
    the same templates and options (the signature), no page come due, no search debt, nothing a killed
    write may have left wrong, and every file in output/ as the last build left it."""
    old, out = build.old, str(build.project.out)
    if build.output_check is None or not (build.only_report and build.write and old.counts is not None and not build.errors
            and build.stamps == old.stamps and build.digests == old.digests and build.templates == old.templates
            and not old.search_debt and all(when > time.time() for when in old.held.values())
            and not build.journal.pending(build.project.out)):
        return False
    return not build.output_check.result() and all(os.path.isfile(f"{out}/{name}") for name in old.copies)


def _content_digest(path: Path) -> str:
    return hashlib.blake2b(read_bytes(path), digest_size=16).hexdigest()


def _is_generated(page: Page) -> bool:
    return page.source.kind != "page"


def _record(page: Page) -> tuple:
    """A linked page as the cache keeps it: no source paths or token trees, which are slow to unpickle."""
    headings = tuple((h.level, h.id, h.title) for h in page.parsed.headings)
    return (page.meta, page.url, page.body_line, headings, page.lines, page.content)


def _page_from_record(source: Source, record: tuple) -> Page:
    meta, url, body_line, headings, lines, content = record
    parsed = ParsedMarkdown([], [Heading(*h) for h in headings], {})
    return Page(source, meta, url, parsed, body_line, content, lines=lines)


def _number_keys(names: list[str], fresh: dict[str, frozenset[Key]], old: LastBuild
                 ) -> tuple[list[Key], dict[str, frozenset[int]]]:
    """Every output's keys as numbers into one table (small to store, quick to compare).

    The last build's numbers are kept, so the outputs not rendered now keep their sets as they are and
    only the rendered ones are numbered; the table is numbered afresh once most of it is unused (checked
    when it grows: it never grows beyond that)."""
    keys = list(old.keys)
    table = {key: number for number, key in enumerate(keys)}
    interned: dict[frozenset, frozenset] = {}
    deps = {}
    for name in names:
        if name in fresh:
            numbers = []
            for key in fresh[name]:
                number = table.get(key)
                if number is None:
                    number = table[key] = len(keys)
                    keys.append(key)
                numbers.append(number)
            found = frozenset(numbers)
            deps[name] = interned.setdefault(found, found)
        else:
            deps[name] = old.deps.get(name, frozenset())
    if len(keys) == len(old.keys):  # the table did not grow: whether to renumber was decided when it did
        return keys, deps
    used = set().union(*set(deps.values())) if deps else set()
    if len(keys) > 2 * len(used) + 64:  # renumber: keep only the keys some output still reads
        renumbered = {number: new for new, number in enumerate(sorted(used))}
        keys = [keys[number] for number in sorted(used)]
        deps = {name: frozenset(renumbered[n] for n in numbers) for name, numbers in deps.items()}
    return keys, deps


def _fingerprint(sources: list[Source], old: LastBuild, trusted: set[str] | None
                 ) -> tuple[dict[str, tuple[int, int, int]], dict[str, str]]:
    """Each source's stat and digest of its bytes, the last build's digest where its stat vouches for it.
    A page the last build did not know is compiled whatever its bytes, so its digest is left to the
    reading stage, which takes it in the workers that read it (_compile): in a cold build of 10,000
    pages, reading every page here first took 0.6 s, with the other cores idle."""
    stamps, digests = {}, {}
    for source in sources:
        key = str(source.path)
        if trusted is not None and key not in trusted and key in old.digests:
            stamps[key], digests[key] = old.stamps[key], old.digests[key]
            continue
        info = os.stat(source.path)
        now = (info.st_mtime_ns, info.st_size, info.st_ino)
        stamps[key] = now
        if source.kind == "page" and key not in old.digests:
            continue
        settled = info.st_mtime_ns < old.started_ns - TRUST_STAT_AFTER_NS
        digests[key] = old.digests[key] if settled and old.stamps.get(key) == now else _content_digest(source.path)
    return stamps, digests

def _load_pages_of_every_type(project: Project, config: SiteConfig, sources: list[Source]
                              ) -> tuple[list[Page], list[ContentError]]:
    return load_pages(project, config, sources, registry.CONTENT_TYPES)


def _compile(project: Project, config: SiteConfig, sources: list[Source], digests: dict[str, str]
             ) -> tuple[list[Page], dict[str, CompiledBody], list[ContentError]]:
    """Compile the sources, in workers when there are many; `digests` gains those of the ones it lacks."""
    def compile_some(chunk: list[Source]) -> tuple[list[Page], dict[str, CompiledBody], list[ContentError], dict]:
        taken = {key: _content_digest(s.path) for s in chunk if (key := str(s.path)) not in digests}
        return *compile_pages(_load_pages_of_every_type, project, config, chunk), taken

    pages, drafts, errors = [], {}, []
    for part_pages, part_drafts, part_errors, part_digests in map_chunks(compile_some, sources):
        pages += part_pages
        drafts.update(part_drafts)
        errors += part_errors
        digests.update(part_digests)
    return pages, drafts, errors

def _load_pages(project: Project, config: SiteConfig, sources: list[Source], assets: dict, old: LastBuild,
                unchanged: set[str], digests: dict[str, str]
                ) -> tuple[list[Page], dict[str, CompiledBody], list[Page], list[ContentError]]:
    """Compile changed pages, and unchanged ones whose link targets changed; reuse the rest. `digests`
    gains the digests of the pages compiled that it lacks (see _fingerprint)."""
    page_sources = [s for s in sources if s.kind == "page"]
    due = {rel for rel, when in old.held.items() if when <= time.time()}  # their date has come: publish them
    keep = {s.rel for s in page_sources if str(s.path) in unchanged and (s.rel in old.pages or s.rel in old.skipped)
            and s.rel not in due}
    pages, drafts, errors = _compile(project, config, [s for s in page_sources if s.rel not in keep], digests)
    by_rel = {page.rel: page for page in pages}
    source_of = {s.rel: s for s in page_sources}
    for rel in keep & set(old.pages):
        by_rel[rel] = _page_from_record(source_of[rel], old.pages[rel])
    current = _target_signatures_from(by_rel, assets)
    reused_now = keep & set(old.pages)  # rebuilt from their records: their address and ids are as they were
    moved = {target for target, was in old.target_sigs.items()
             if not (target[0] == "page" and target[1] in reused_now) and current(target) != was}
    stale = [s for s in page_sources if s.rel in keep and s.rel in old.pages
             and not moved.isdisjoint(old.targets.get(s.rel, ()))] if moved else []
    if stale:
        more_pages, more_drafts, more_errors = _compile(project, config, stale, digests)
        for page in more_pages:
            by_rel[page.rel] = page
        drafts.update(more_drafts)
        errors += more_errors
        keep -= {s.rel for s in stale}
    ordered = [by_rel[s.rel] for s in page_sources if s.rel in by_rel]
    reused = [by_rel[rel] for rel in keep if rel in old.pages]
    return ordered, drafts, reused, errors

def _load_data(config: SiteConfig, sources: list[Source], old: LastBuild, unchanged: set[str]
               ) -> tuple[SiteData, list[ContentError]]:
    data_sources = [s for s in sources if s.kind == "data"]
    fresh = [s for s in data_sources if str(s.path) not in unchanged or s.rel.rsplit(".", 1)[0] not in old.data]
    loaded, errors = load_data(config, fresh, registry.CONTENT_TYPES)
    data = {}
    for source in data_sources:
        key = source.rel.rsplit(".", 1)[0]
        if key in loaded:
            data[key] = loaded[key]
        elif source not in fresh and key in old.data:
            data[key] = old.data[key]
    return data, errors

def _finish_pages(site: Site, drafts: dict[str, CompiledBody], contents: dict[str, str], old: LastBuild,
                  keep_links: bool
                  ) -> dict[str, list[ContentError]]:
    """Fill resolved links into compiled pages, restore reused bodies and their warnings."""
    fresh_warnings: dict[str, list[ContentError]] = {}
    shown = {page.source.shown: page.rel for page in site.pages if page.rel in drafts}
    for warning in site.warnings:
        if warning.path in shown:
            fresh_warnings.setdefault(shown[warning.path], []).append(warning)
    for page in site.pages:
        if page.rel in drafts:
            page.content = fill_links(page, drafts[page.rel])
            drafts[page.rel].html = ""  # filled in: free it (ten thousand bodies are tens of MB)
            if not keep_links:
                page.parsed = ParsedMarkdown([], page.parsed.headings, {})
        elif page.rel in contents:
            page.content = contents[page.rel]
            site.warnings.extend(old.warnings.get(page.rel, []))
    return fresh_warnings

def _target_signatures_from(pages: dict[str, Page], assets: dict) -> Callable[[tuple], str]:
    def signature(target: tuple) -> str:
        kind, rel = target
        if kind == "page":
            page = pages.get(rel)
            return digest(page.url, sorted(page.parsed.ids)) if page else "missing"
        asset = assets.get(rel.removeprefix("static/")) if rel.startswith("static/") else None
        return asset.output_path if asset else "missing"
    return signature

def _target_signatures(site: Site, targets: set, old: dict[tuple, str], reused: set[str]) -> dict:
    """Each target's signature now; a page reused from its record keeps the one the last build computed."""
    signature = _target_signatures_from(site.by_rel, site.assets)
    return {target: old[target] if target[0] == "page" and target[1] in reused and target in old
            else signature(target) for target in targets}


def _same_heading_ids(site: Site, reused: dict[str, str], old: LastBuild) -> bool:
    """Whether every page compiled now has the heading ids its record in the last build had, and every
    generated page none (the pages rebuilt from their records have theirs by construction)."""
    return all(not page.parsed.ids if _is_generated(page) else
               page.rel in old.pages and page.parsed.ids == {heading[1] for heading in old.pages[page.rel][3]}
               for page in site.pages if page.rel not in reused)


def _dirty_pages(site: Site, old: LastBuild, signatures: Signatures, compiled: set[str],
                 damaged: set[str], edited: set[str], same_inputs: bool = False) -> tuple[list[Page], dict[str, str]]:
    """The pages to render again, and for each the input that made it necessary (--explain)."""
    changed = set() if same_inputs else signatures.changed(old.keys, old.key_sigs, old.section_orders)
    dirty, reasons = [], {}
    for page in site.pages:
        name = page.output_path
        deps = old.deps.get(name)
        if deps is None or name not in old.outputs:
            reason = "no earlier build made it" if old.outputs else "no usable build cache: a full build"
        elif page.rel in compiled:
            reason = (f"{page.source.shown} changed" if page.rel in edited
                      else f"a page {page.source.shown} links to changed its address or headings")
        elif name in damaged:
            reason = "its file in output/ was changed, removed or left by an unfinished build"
        elif not deps.isdisjoint(changed):
            keys = sorted(old.keys[number] for number in deps & changed)
            reason = explain_key(keys[0]) + (f" (and {len(keys) - 1} more inputs)" if len(keys) > 1 else "")
        else:
            continue
        dirty.append(page)
        reasons[name] = reason
    return dirty, reasons

class CompiledTemplates(jinja2.FileSystemBytecodeCache):
    """Compiled templates kept between builds. Failing to keep one (a full disk, a file-size limit) only
    makes the next build compile it again; it must never read as an error in the template."""

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().dump_bytecode(bucket)
        except OSError:
            pass


@lru_cache(maxsize=1)
def _environment(templates_dir: Path, compiled_folder: Path | None, templates: tuple[tuple[str, str], ...]
                 ) -> jinja2.Environment:
    """The templates, loaded once per process while their bytes (`templates`) stay the same: a preview's
    saves reuse them instead of loading every template again (the build signature covers the options)."""
    env = render.make_environment(templates_dir, TrackingEnvironment)
    env.auto_reload = False  # a changed template changes `templates`, hence a new environment: no stat per page
    if compiled_folder is not None:  # compiled templates survive the process, checked against their source
        try:
            compiled_folder.mkdir(parents=True, exist_ok=True)
            env.bytecode_cache = CompiledTemplates(str(compiled_folder))
        except OSError:
            pass
    return env


def _render(project: Project, persistent: bool, templates: dict[str, str], site: Site, pages: list[Page],
            sink: Callable[[str, bytes], None] | None = None) -> tuple[dict[str, bytes], dict[str, frozenset[Key]]]:
    """Render some pages with dependency recording; every template error collected, then raised at once.

    With `sink(name, bytes)` each page is written where it is rendered (in the worker) instead of returned."""
    templates_dir = project.templates_dir
    env = _environment(templates_dir, project.root / cache.CACHE_DIR / "templates" if persistent else None,
                       tuple(sorted(templates.items())))
    helpers = TrackingHelpers(site)
    tracked = TrackedSite(site)

    def render_some(chunk: list[Page]) -> list[tuple[str, bytes | None, frozenset[Key] | None, ContentError | None]]:
        results: list[tuple[str, bytes | None, frozenset[Key] | None, ContentError | None]] = []
        for page in chunk:
            try:
                with Recording() as keys:
                    rendered = render.render_page(page, cast(Site, tracked), env, helpers)
            except Exception as exc:  # noqa: BLE001 - every template failure becomes a located message
                results.append((page.output_path, None, None, render.template_error(exc, templates_dir)))
                continue
            body: bytes | None = rendered
            if sink is not None:  # written here, in the worker: rendered pages never travel back
                sink(page.output_path, rendered)
                body = None
            keys.discard(("meta", page.rel))
            keys.discard(("body", page.rel))
            if page.source.kind == "data":  # made from data and some of the pages by a generator in link()
                keys |= {("data", "*"), *registry.GENERATED_READS}
            results.append((page.output_path, body, frozenset(keys), None))
        return results

    files: dict[str, bytes] = {}
    deps: dict[str, frozenset[Key]] = {}
    failures: dict[ContentError, list[Page]] = {}
    by_output = {page.output_path: page for page in pages}
    interned: dict[frozenset, frozenset] = {}
    for part in map_chunks(render_some, pages):
        for name, body, keys, error in part:
            if error is not None:
                failures.setdefault(error, []).append(by_output[name])
            elif keys is not None:
                if body is not None:
                    files[name] = body
                deps[name] = interned.setdefault(keys, keys)
    if failures:
        raise BuildError([render.while_rendering(error, failed) for error, failed in failures.items()])
    return files, deps
