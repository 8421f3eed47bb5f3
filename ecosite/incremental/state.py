"""The state of builds: what the last one left (LastBuild, cached), one in progress (Build), its result."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path

from ecosite.content.config import SiteConfig
from ecosite.content.sources import Source
from ecosite.errors import ContentError
from ecosite.incremental.workers import InBackground
from ecosite.project import Project
from ecosite.render.dependencies import Key, Signatures
from ecosite.site.compiled import CompiledBody
from ecosite.site.model import Asset, Page, Site, SiteData
from ecosite.write.in_place import Journal, OutputFiles, Stamp
from ecosite.write.staging import StagedOutput


@dataclass(frozen=True)
class Counts:
    """What a build's closing summary reports; kept, so a build with nothing to do reports it again."""

    pages: int = 0
    static_files: int = 0
    redirects: int = 0
    files: int = 0  # every file in output/, static copies included


@dataclass
class LastBuild:
    """What the last successful build knew; pickled into .ecosite-cache/."""

    signature: str = ""
    started_ns: int = 0
    stamps: dict[str, tuple[int, int, int]] = field(default_factory=dict)  # source path -> stat
    digests: dict[str, str] = field(default_factory=dict)  # source path -> content digest
    templates: dict[str, str] = field(default_factory=dict)  # template name -> content digest
    pages: Mapping[str, tuple] = field(default_factory=dict)  # rel -> a linked page's parts (see _record)
    skipped: set[str] = field(default_factory=set)  # page sources that made no page (drafts)
    held: dict[str, float] = field(default_factory=dict)  # rel -> timestamp of a page dated in the future
    meta: dict[str, str] = field(default_factory=dict)  # rel -> meta signature
    meta_digest: str = ""  # every page's meta signature, generated pages too (dependencies.front_matter_digest)
    targets: dict[str, tuple] = field(default_factory=dict)  # rel -> what its links point at
    target_sigs: dict[tuple, str] = field(default_factory=dict)
    warnings: dict[str, list[ContentError]] = field(default_factory=dict)
    data: dict[str, object] = field(default_factory=dict)  # data key -> validated record
    keys: list[Key] = field(default_factory=list)  # every dependency key, numbered
    key_sigs: list[str] = field(default_factory=list)  # each key's signature when last used
    section_orders: dict[str, str] = field(default_factory=dict)  # section -> digest of its order (Signatures)
    deps: dict[str, frozenset[int]] = field(default_factory=dict)  # output -> numbers of the keys it read
    outputs: dict[str, Stamp | None] = field(default_factory=dict)  # every file written -> its stamp
    copies: dict[str, str] = field(default_factory=dict)  # asset output -> source digest
    site_files: dict[str, str] = field(default_factory=dict)  # generated file -> digest
    published: list[str] = field(default_factory=list)  # files the publishing stage added
    search_debt: frozenset[str] = frozenset()  # pages changed since the search index was last brought up to date
    counts: Counts | None = None  # what the build reported
    reported: list[ContentError] = field(default_factory=list)  # every warning it gave, in the order given


@dataclass
class Build:
    """One build in progress: what each stage leaves for the next (see stages.py)."""

    project: Project
    recall: Callable[[str], LastBuild]  # signature -> what the engine remembers of a build like this one
    warm: bool  # the engine holds a previous build in memory (so `changed_paths` can be trusted)
    persistent: bool  # the engine keeps a cache in the project folder
    write: bool  # False: every stage but writing, nothing remembered (generate)
    changed_paths: Iterable[Path] | None
    journal: Journal = field(default_factory=lambda: Journal(None))  # what an unfinished write touched
    walked: list[Source] | None = None  # the sources as the engine's last discovery found them, nothing refused
    started_ns: int = field(default_factory=time.time_ns)
    errors: list[ContentError] = field(default_factory=list)
    staged: StagedOutput | None = None  # a cold build's output, written while it renders
    state: LastBuild | None = None  # what the writing stage leaves for the next build
    # discovering
    config: SiteConfig = field(init=False)
    sources: list[Source] = field(init=False)
    templates: dict[str, str] = field(init=False)
    old: LastBuild = field(init=False)
    stamps: dict[str, tuple[int, int, int]] = field(init=False)
    digests: dict[str, str] = field(init=False)
    unchanged: set[str] = field(init=False)
    output_check: InBackground[set[str]] | None = None  # names found altered in output/ (stages._altered)
    # reading
    assets: dict[str, Asset] = field(init=False)
    pages: list[Page] = field(init=False)
    drafts: dict[str, CompiledBody] = field(init=False)
    data: SiteData = field(init=False)
    contents: dict[str, str] = field(init=False)  # reused page -> its body HTML
    held: dict[str, float] = field(init=False)  # page dated in the future, left out until then -> its timestamp
    # linking
    site: Site = field(init=False)
    fresh_warnings: dict[str, list[ContentError]] = field(init=False)
    # rendering
    pending: set[str] = field(init=False)  # names the journal says a killed or failed write may have left wrong
    old_copies: dict[str, str] = field(init=False)  # the last build's asset copies, less the pending ones
    meta: dict[str, str] = field(init=False)
    meta_digest: str = field(init=False)
    signatures: Signatures = field(init=False)
    dirty: list[Page] = field(init=False)
    explained: dict[str, str] = field(init=False)  # output -> why it was rendered or written (--explain)
    deps: dict[str, frozenset[Key]] = field(init=False)
    names: list[str] = field(init=False)
    copies: dict[str, Path] = field(init=False)
    copy_digests: dict[str, str] = field(init=False)
    site_files: dict[str, str] = field(init=False)
    republish: bool = field(init=False)
    files: OutputFiles = field(init=False)
    # publishing
    remembered: LastBuild | None = None  # the state for the next build, less what writing leaves (stages._remembered)
    published: list[str] = field(init=False)
    search_debt: frozenset[str] = frozenset()
    defer_search: bool = False  # the preview: keep the search index as it is for now (outputs/publication.py)
    unchecked: bool = False  # output/ was not checked for damage (a deferring build): the settling build checks it
    only_report: bool = False  # `ecosite build`: with nothing changed, repeat the last build's report and stop


@dataclass
class BuildResult:
    site: Site | None  # None when nothing had changed and `only_report` asked for the summary alone
    files: MutableMapping[str, bytes]  # name -> bytes; unchanged files are read from output/ when asked
    copies: dict[str, Path]
    warnings: list[ContentError] = field(default_factory=list)
    milliseconds: int = 0
    timings: dict[str, int] = field(default_factory=dict)  # stage -> milliseconds, in pipeline order
    held: int = 0  # pages left out because they are dated in the future
    explained: dict[str, str] = field(default_factory=dict)  # output rendered or written -> the input that caused it
    search_owed: bool = False  # the search index or the check of output/ was left (defer_search): a build should settle it
    counts: Counts = field(default_factory=Counts)
