"""The build engine: the same stages as pipeline.generate, redoing only what the last build cannot vouch for.

`Engine(project).rebuild(changed_paths=None) -> BuildResult` builds the site into project.out. The
engine keeps the last build's state in memory (the preview server holds one Engine and calls
`rebuild` after every save) and, unless `persistent=False`, in `.ecosite-cache/` for the next process
(`ecosite build` uses a fresh Engine each run). A rebuild:

1. re-reads only sources whose bytes changed (a stat says so, or a digest when the stat is too recent
   to trust); `changed_paths` narrows that check to the paths a watcher reported;
2. compiles those pages (front matter, Markdown) plus the pages whose links point at a page whose
   address or headings changed, then links the whole site with site.linking.link;
3. re-renders exactly the outputs whose recorded inputs (render/dependencies.py) changed, and those whose file
   in output/ is missing or was altered;
4. reruns the publishing stage (feed, sitemap, search...) when any output changed, then writes only the
   files whose bytes differ and removes the outputs of deleted sources.

Anything that changes every output (site.yaml, the build options, the set of templates, the generator's
own code) makes the build cold, exactly like a first build. Large cold builds use every core
(workers.py); the result is byte-identical to pipeline.generate.
"""

from __future__ import annotations

import hashlib
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

import jinja2

from ecosite.incremental import cache
from ecosite.render import templates as render
from ecosite.site.compiled import CompiledBody, compile_pages, fill_links
from ecosite.render.dependencies import (Key, Recording, Signatures, TrackedSite, TrackingEnvironment, TrackingHelpers, digest,
                           meta_signature, template_signatures)
from ecosite.errors import BuildError, ContentError, fail_if
from ecosite.markdown.parser import Heading, ParsedMarkdown
from ecosite.write.in_place import Journal, OutputFiles, Stamp, stamp, write_in_place
from ecosite.write.staging import StagedOutput, remove_stale_staging
from ecosite.incremental.workers import map_chunks
from ecosite.site.model import Page, Site
from ecosite.content.config import load_config
from ecosite.content.sources import Source, discover
from ecosite.outputs.publishing import add_publishing_files
from ecosite.project import BuildResult, Project, StageCallback, quiet
from ecosite.site.linking import link
from ecosite.site.loading import load_assets, load_data, load_pages

JOURNAL_FILE = "writing.json"  # in the cache folder: see ecosite.write.in_place.Journal
TRUST_STAT_AFTER_NS = 2_000_000_000  # a file changed this close to a build is compared by content
ENVIRONMENT_INPUTS = ("SOURCE_DATE_EPOCH", "TZ")  # variables the output depends on (feeds.py reads the first)


@dataclass
class LastBuild:
    """What the last successful build knew; pickled into .ecosite-cache/."""

    signature: str = ""
    started_ns: int = 0
    stamps: dict[str, tuple[int, int, int]] = field(default_factory=dict)  # source path -> stat
    digests: dict[str, str] = field(default_factory=dict)  # source path -> content digest
    pages: dict[str, tuple] = field(default_factory=dict)  # rel -> a linked page's parts (see _record)
    skipped: set[str] = field(default_factory=set)  # page sources that made no page (drafts)
    meta: dict[str, str] = field(default_factory=dict)  # rel -> meta signature
    targets: dict[str, tuple] = field(default_factory=dict)  # rel -> what its links point at
    target_sigs: dict[tuple, str] = field(default_factory=dict)
    warnings: dict[str, list[ContentError]] = field(default_factory=dict)
    data: dict[str, object] = field(default_factory=dict)  # data key -> validated record
    keys: list[Key] = field(default_factory=list)  # every dependency key, numbered
    key_sigs: list[str] = field(default_factory=list)  # each key's signature when last used
    deps: dict[str, frozenset[int]] = field(default_factory=dict)  # output -> numbers of the keys it read
    outputs: dict[str, Stamp] = field(default_factory=dict)  # every file written -> its stamp
    copies: dict[str, str] = field(default_factory=dict)  # asset output -> source digest
    site_files: dict[str, str] = field(default_factory=dict)  # generated file -> digest
    published: list[str] = field(default_factory=list)  # files the publishing stage added


def _content_digest(path: Path) -> str:
    return hashlib.blake2b(path.read_bytes(), digest_size=16).hexdigest()


def _is_generated(page: Page) -> bool:
    return page.source.kind != "page"


def explain_key(key: Key) -> str:
    """A dependency key that changed, as --explain tells it."""
    kind, *rest = key
    what = rest[0] if rest else ""
    return {
        "template": f"templates/{what} changed",
        "meta": f"the front matter or address of content/{what} changed",
        "body": f"the body of content/{what} changed",
        "at": f"the page at {what} changed",
        "section": f"the pages of the section {what or '(top)'} changed",
        "section-count": f"the number of pages in the section {what or '(top)'} changed",
        "list": f"which items the list page {what} shows changed",
        "neighbours": f"the pages beside content/{what} in its section changed",
        "pages": "the front matter of some page changed (this output reads every page's)",
        "pages-urls": "the set of pages or their addresses changed",
        "data": "a data file changed" if what == "*" else f"content/{what}.yaml changed",
        "asset": f"the address of static/{what} changed",
    }.get(kind, f"{kind} {what}".strip() + " changed")


def _record(page: Page) -> tuple:
    """A linked page as the cache keeps it: no source paths or token trees, which are slow to unpickle."""
    headings = tuple((h.level, h.id, h.title) for h in page.parsed.headings)
    return (page.meta, page.url, page.body_line, headings, page.content)


def _page_from_record(source: Source, record: tuple) -> Page:
    meta, url, body_line, headings, content = record
    parsed = ParsedMarkdown([], [Heading(*h) for h in headings], {})
    return Page(source, meta, url, parsed, body_line, content)


def _number_keys(names: list[str], fresh: dict[str, frozenset[Key]], old: LastBuild):
    """Every output's keys as numbers into one table (small to store, quick to compare)."""
    table: dict[Key, int] = {}
    interned: dict[frozenset, frozenset] = {}
    deps = {}
    for name in names:
        if name in fresh:
            numbers = frozenset(table.setdefault(key, len(table)) for key in fresh[name])
        else:
            numbers = frozenset(table.setdefault(old.keys[n], len(table)) for n in old.deps.get(name, ()))
        deps[name] = interned.setdefault(numbers, numbers)
    return list(table), deps


class Engine:
    """One project's builds; see the module docstring."""

    def __init__(self, project: Project, persistent: bool = True):
        self.project = project
        self.persistent = persistent
        self.state: LastBuild | None = None
        self.cache_stamp: Stamp | None = None  # the cache file as this session last left it
        self.journal = Journal(None)  # what an unfinished write touched (on disk beside the cache when persistent)

    def rebuild(self, changed_paths: Iterable[Path] | None = None,
                on_stage: StageCallback = quiet) -> BuildResult:
        started = time.perf_counter()
        started_ns = time.time_ns()
        project = self.project
        if not project.templates_dir.is_dir():
            raise BuildError([ContentError("templates", 0, "the templates folder is missing",
                                           "run the build from the project folder or pass --root")])
        config, errors = load_config(project.content_dir, project.base_url)
        sources, discover_errors = discover(project.root, project.content_dir, project.static_dirs)
        errors = discover_errors + errors
        on_stage("reading", len(sources))
        templates = template_signatures(project.templates_dir)
        signature = digest(cache.engine_fingerprint(), project.root, project.out, project.base_url, project.drafts,
                           project.strict, getattr(project, "search", None), getattr(project, "minify", None),
                           getattr(project, "gzip", None), config.model_dump_json(), sorted(templates),
                           *(os.environ.get(name) for name in ENVIRONMENT_INPUTS))
        old = self._previous(signature)
        trusted = None if changed_paths is None or self.state is None else {str(Path(p).resolve()) for p in changed_paths}
        stamps, digests = self._fingerprint(sources, old, trusted)
        unchanged = {str(s.path) for s in sources if old.digests.get(str(s.path)) == digests[str(s.path)]}

        assets, asset_errors = load_assets(sources)
        pages, drafts, reused, page_errors = self._load_pages(config, sources, assets, old, unchanged)
        data, data_errors = self._load_data(config, sources, old, unchanged)
        errors += page_errors + data_errors + asset_errors
        on_stage("linking", len(pages))
        contents = {page.rel: page.content for page in reused}
        try:
            site = link(config, pages, data, assets)
        except BuildError as failure:
            errors += failure.errors
        fail_if(errors)
        fresh_warnings = self._finish_pages(site, drafts, contents, old)
        if project.strict and site.warnings:
            raise BuildError(site.warnings)

        on_stage("rendering", len(site.pages))
        meta = {page.rel: old.meta[page.rel] if page.rel in contents else meta_signature(page) for page in site.pages}
        signatures = Signatures(site, meta, templates)
        signatures.data = {key: digests[str(s.path)] for s in sources if s.kind == "data"
                           for key in [s.rel.rsplit(".", 1)[0]]}
        if self.persistent:
            self.journal = Journal(project.root / cache.CACHE_DIR / JOURNAL_FILE)
        pending = self.journal.pending(project.out)  # names a killed or failed write may have left wrong
        damaged = {name for name, was in old.outputs.items() if name in pending or stamp(project.out / name) != was}
        old_copies = {name: source for name, source in old.copies.items() if name not in pending}
        edited = {s.rel for s in sources if s.kind == "page" and str(s.path) not in unchanged}
        dirty, reasons = self._dirty_pages(site, old, signatures, set(drafts), damaged, edited)
        staged = StagedOutput(project.out) if not old.outputs or not project.out.is_dir() else None
        try:
            rendered, deps = self._render(site, dirty, staged.put if staged else None)
            copies = {asset.output_path: asset.source.path for asset in assets.values()}
            copy_digests = {asset.output_path: digests[str(asset.source.path)] for asset in assets.values()}
            site_files = {name: hashlib.blake2b(body, digest_size=16).hexdigest() for name, body in site.files.items()}
            names = list(site.files) + [page.output_path for page in site.pages]
            republish = bool(dirty) or staged is not None or site_files != old.site_files \
                or copy_digests != old_copies or set(names) != set(old.outputs) - set(old.published) \
                or bool(damaged & set(old.published))
            listed = names if republish else names + old.published
            files = OutputFiles(staged.staging if staged else project.out, listed, {**site.files, **rendered})
            published = old.published
            if republish:
                before = set(files)
                add_publishing_files(project, site, files, copies)
                published = [name for name in files if name not in before]

            on_stage("writing", len(files) + len(copies))
            if staged is not None:
                self.journal.record(walk=True)  # swapped in before the cache is saved: the next build checks
                staged.finish({name: files.fresh[name] for name in set(files.fresh) & set(files.names)}, copies)
                files.out = project.out
                outputs = {name: stamp(project.out / name) for name in files}
                written_now = outputs
            else:
                outputs = {name: was for name, was in old.outputs.items() if name in files.names}
                previous = [*old.outputs, *old.copies, *pending]
                remove_stale_staging(project.out)  # what a killed full build left beside output/
                written_now = write_in_place(project.out, files, copies, copy_digests, previous, old_copies,
                                             self.journal)
                outputs.update(written_now)
        finally:
            if staged is not None:
                staged.abort()
        for name in set(files.names) - set(outputs):  # e.g. a damaged file rewritten with the same bytes
            outputs[name] = stamp(project.out / name)

        state = LastBuild(signature, started_ns, stamps, digests)
        state.pages = {page.rel: old.pages[page.rel] if page.rel in contents else _record(page)
                       for page in site.pages if not _is_generated(page)}
        state.skipped = {s.rel for s in sources if s.kind == "page"} - set(state.pages)
        state.meta = {rel: meta[rel] for rel in state.pages}
        state.targets = {rel: drafts[rel].targets if rel in drafts else old.targets.get(rel, ()) for rel in state.pages}
        state.target_sigs = self._target_signatures(site, {t for ts in state.targets.values() for t in ts})
        state.warnings = {rel: fresh_warnings.get(rel, []) if rel in drafts else old.warnings.get(rel, [])
                          for rel in state.pages}
        state.data = dict(site.data)
        if dirty or set(names) != set(old.deps):
            state.keys, state.deps = _number_keys(names, deps, old)
            state.key_sigs = [signatures(key) for key in state.keys]
        else:
            state.keys, state.deps, state.key_sigs = old.keys, old.deps, old.key_sigs
        state.outputs, state.copies, state.site_files, state.published = outputs, copy_digests, site_files, published
        self.state = state
        recorded = True
        if self.persistent and (dirty or republish or stamps != old.stamps or pending):
            try:
                cache.save(project.root, state)
            except OSError:
                recorded = False  # a read-only project still builds; the next build is just cold
        if recorded:
            self.journal.clear()  # the cache now vouches for every file written
        self.cache_stamp = self._cache_stamp()
        elapsed = int((time.perf_counter() - started) * 1000)
        if republish:
            reasons.update((name, "publishing: pages or files it lists changed") for name in published
                           if name in written_now)
        return BuildResult(site, files, copies, sorted(set(site.warnings)), elapsed, reasons)

    # -- the stages, incrementally ------------------------------------------------------------

    def _cache_stamp(self) -> Stamp | None:
        return stamp(cache.cache_file(self.project.root)) if self.persistent else None

    def _previous(self, signature: str) -> LastBuild:
        state = self.state
        if state is not None and self._cache_stamp() != self.cache_stamp:
            state = None  # another build (`ecosite build` beside a preview) wrote output/ since: trust its record
        if state is None and self.persistent:
            state = cache.load(self.project.root)
        if not isinstance(state, LastBuild) or state.signature != signature:
            return LastBuild(signature)
        return state

    @staticmethod
    def _fingerprint(sources: list[Source], old: LastBuild, trusted: set[str] | None):
        stamps, digests = {}, {}
        for source in sources:
            key = str(source.path)
            if trusted is not None and key not in trusted and key in old.digests:
                stamps[key], digests[key] = old.stamps[key], old.digests[key]
                continue
            info = os.stat(source.path)
            now = (info.st_mtime_ns, info.st_size, info.st_ino)
            stamps[key] = now
            settled = info.st_mtime_ns < old.started_ns - TRUST_STAT_AFTER_NS
            digests[key] = old.digests[key] if settled and old.stamps.get(key) == now else _content_digest(source.path)
        return stamps, digests

    def _compile(self, config, sources: list[Source]):
        project = self.project
        parts = map_chunks(lambda chunk: compile_pages(load_pages, project, config, chunk), sources)
        pages, drafts, errors = [], {}, []
        for part_pages, part_drafts, part_errors in parts:
            pages += part_pages
            drafts.update(part_drafts)
            errors += part_errors
        return pages, drafts, errors

    def _load_pages(self, config, sources: list[Source], assets: dict, old: LastBuild, unchanged: set[str]):
        """Compile changed pages, and unchanged ones whose link targets changed; reuse the rest."""
        page_sources = [s for s in sources if s.kind == "page"]
        keep = {s.rel for s in page_sources if str(s.path) in unchanged and (s.rel in old.pages or s.rel in old.skipped)}
        pages, drafts, errors = self._compile(config, [s for s in page_sources if s.rel not in keep])
        by_rel = {page.rel: page for page in pages}
        source_of = {s.rel: s for s in page_sources}
        for rel in keep & set(old.pages):
            by_rel[rel] = _page_from_record(source_of[rel], old.pages[rel])
        current = self._target_signatures_from(by_rel, assets)
        moved = {target for target, was in old.target_sigs.items() if current(target) != was}
        stale = [s for s in page_sources if s.rel in keep and s.rel in old.pages
                 and not moved.isdisjoint(old.targets.get(s.rel, ()))] if moved else []
        if stale:
            more_pages, more_drafts, more_errors = self._compile(config, stale)
            for page in more_pages:
                by_rel[page.rel] = page
            drafts.update(more_drafts)
            errors += more_errors
            keep -= {s.rel for s in stale}
        ordered = [by_rel[s.rel] for s in page_sources if s.rel in by_rel]
        reused = [by_rel[rel] for rel in keep if rel in old.pages]
        return ordered, drafts, reused, errors

    def _load_data(self, config, sources: list[Source], old: LastBuild, unchanged: set[str]):
        data_sources = [s for s in sources if s.kind == "data"]
        fresh = [s for s in data_sources if str(s.path) not in unchanged or s.rel.rsplit(".", 1)[0] not in old.data]
        loaded, errors = load_data(config, fresh)
        data = {}
        for source in data_sources:
            key = source.rel.rsplit(".", 1)[0]
            if key in loaded:
                data[key] = loaded[key]
            elif source not in fresh and key in old.data:
                data[key] = old.data[key]
        return data, errors

    @staticmethod
    def _finish_pages(site: Site, drafts: dict[str, CompiledBody], contents: dict[str, str], old: LastBuild):
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
                page.parsed = ParsedMarkdown([], page.parsed.headings, {})
            elif page.rel in contents:
                page.content = contents[page.rel]
                site.warnings.extend(old.warnings.get(page.rel, []))
        return fresh_warnings

    @staticmethod
    def _target_signatures_from(pages: dict[str, Page], assets: dict):
        def signature(target: tuple) -> str:
            kind, rel = target
            if kind == "page":
                page = pages.get(rel)
                return digest(page.url, sorted(page.parsed.ids)) if page else "missing"
            asset = assets.get(rel.removeprefix("static/")) if rel.startswith("static/") else None
            return asset.output_path if asset else "missing"
        return signature

    def _target_signatures(self, site: Site, targets: set) -> dict:
        signature = self._target_signatures_from(site.by_rel, site.assets)
        return {target: signature(target) for target in targets}

    @staticmethod
    def _dirty_pages(site: Site, old: LastBuild, signatures: Signatures, compiled: set[str],
                     damaged: set[str], edited: set[str]) -> tuple[list[Page], dict[str, str]]:
        """The pages to render again, and for each the input that made it necessary (--explain)."""
        changed = {number for number, (key, was) in enumerate(zip(old.keys, old.key_sigs)) if signatures(key) != was}
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

    def _render(self, site: Site, pages: list[Page], sink=None) -> tuple[dict[str, bytes], dict[str, frozenset[Key]]]:  # noqa: ANN001
        """Render some pages with dependency recording; template errors collected as render_site does.

        With `sink(name, bytes)` each page is written where it is rendered (in the worker) instead of returned."""
        templates_dir = self.project.templates_dir
        env = render.make_environment(templates_dir, TrackingEnvironment)
        if self.persistent:  # compiled templates survive the process, checked against their source
            folder = self.project.root / cache.CACHE_DIR / "templates"
            try:
                folder.mkdir(parents=True, exist_ok=True)
                env.bytecode_cache = jinja2.FileSystemBytecodeCache(str(folder))
            except OSError:
                pass
        helpers = TrackingHelpers(site)
        tracked = TrackedSite(site)

        def render_some(chunk: list[Page]) -> list[tuple]:
            results = []
            for page in chunk:
                try:
                    with Recording() as keys:
                        body = render.render_page(page, tracked, env, helpers)
                except Exception as exc:  # noqa: BLE001 - every template failure becomes a located message
                    results.append((page.output_path, None, None, render.template_error(exc, templates_dir)))
                    continue
                if sink is not None:  # written here, in the worker: rendered pages never travel back
                    sink(page.output_path, body)
                    body = None
                keys.discard(("meta", page.rel))
                keys.discard(("body", page.rel))
                if page.source.kind == "data":  # made from data and the page list by a generator in link()
                    keys |= {("data", "*"), ("pages",)}
                results.append((page.output_path, body, frozenset(keys), None))
            return results

        files, deps, failures = {}, {}, {}
        by_output = {page.output_path: page for page in pages}
        interned: dict[frozenset, frozenset] = {}
        for part in map_chunks(render_some, pages):
            for name, body, keys, error in part:
                if error is not None:
                    failures.setdefault(error, []).append(by_output[name])
                else:
                    if body is not None:
                        files[name] = body
                    deps[name] = interned.setdefault(keys, keys)
        if failures:
            raise BuildError([render.while_rendering(error, failed) for error, failed in failures.items()])
        return files, deps
