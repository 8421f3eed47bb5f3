"""The persistent build cache, `.ecosite-cache/` in the project folder: safe to delete at any time.

It holds the last successful build's state (see incremental/state.py: LastBuild): what each source was, each page
compiled, and what each output read. The file starts with a header naming the cache format and a
fingerprint of the generator's own code and of the libraries that shape its output, so a cache written
by another version of either, or one that cannot be read back, is ignored and the next build starts
cold and rewrites it.

The compiled pages (`state.pages`, most of the cache's bytes) are kept apart, in PAGE_BUCKETS files
chosen by a hash of each page's path and named by a digest of their bytes, so that saving after an edit
rewrites only the buckets whose pages changed (at 10,000 pages a whole save took 0.6 s). The state file
names its buckets and is replaced last, so a killed save leaves the old cache whole. The buckets are
read only when a build gets past discovering (`PagesOnDisk`).

The state less its pages and what the writing stage adds (WRITTEN) is kept apart too, in a file named
by a digest of its bytes (`state-...pickle`), which a build writes while Pagefind indexes (`prepare`,
with the changed buckets). The save after writing then replaces only the small state file: the name
of that file and the WRITTEN fields. Replacing a file of 9 MB (at 10,000 pages) took 80-140 ms of an
edit on an ext4 disk, which writes a file out before a rename puts it in place of another.
"""

from __future__ import annotations

import copy
import hashlib
import importlib.metadata
import os
import pickle
import sys
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

CACHE_DIR = ".ecosite-cache"
STATE_FILE = "state.pickle"
FORMAT = 4
MAGIC = b"ecosite build cache\n"
PAGE_BUCKETS = 64
BUCKET_PREFIX = "pages-"
BULK_PREFIX = "state-"  # the state less its pages and WRITTEN fields, named by its bytes

# root -> bucket number -> (its file's name, its records as last saved or loaded): a bucket whose
# records are the same objects is not pickled again
_buckets_on_disk: dict[Path, dict[int, tuple[str, dict[str, Any]]]] = {}

# root -> (the state `prepare` was given, the files it wrote: its buckets and its bulk), for `save`
_prepared: dict[Path, tuple[Any, list[str], str]] = {}

WRITTEN = ("outputs", "published", "search_debt", "counts")  # the state's fields the writing stage sets

_engine_fingerprint: str | None = None

# What the pages, feeds and search index are made with besides the generator's own code: with another
# version of one of them (after the lock file changed, say), the pages a rebuild keeps would be the old
# version's and the ones it makes the new one's, a site no clean build makes (reading them: 12 ms).
OUTPUT_LIBRARIES = ("jinja2", "markupsafe", "markdown-it-py", "mdit-py-plugins", "markdown-it-pyrs", "pyyaml",
                    "pydantic", "pydantic-core", "minify-html", "pagefind", "pagefind-bin")


def _library_versions() -> str:
    found = []
    for name in OUTPUT_LIBRARIES:
        try:
            found.append(f"{name} {importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            found.append(f"{name} absent")
    return ", ".join(found)


def engine_fingerprint() -> str:
    """A digest of the cache format, the Python version, the output libraries' versions and every module
    of the generator."""
    global _engine_fingerprint
    if _engine_fingerprint is None:
        digest = hashlib.blake2b(f"{FORMAT}|{sys.version}|{_library_versions()}".encode(), digest_size=16)
        package = Path(__file__).resolve().parent.parent  # ecosite/, with every subpackage
        for module in sorted(package.rglob("*.py")):
            digest.update(module.relative_to(package).as_posix().encode() + b"\0" + module.read_bytes())
        _engine_fingerprint = digest.hexdigest()
    return _engine_fingerprint


def cache_file(root: Path) -> Path:
    return root / CACHE_DIR / STATE_FILE


def load(root: Path) -> Any | None:
    """The cached state, or None when there is none, it is foreign, or it is damaged. Its compiled
    pages are read from their buckets when first asked for (PagesOnDisk)."""
    _buckets_on_disk.pop(root, None)
    try:
        with cache_file(root).open("rb") as stream:
            if stream.readline() != MAGIC or stream.readline().strip().decode("ascii") != engine_fingerprint():
                return None
            bulk = pickle.load(stream)
            written = pickle.load(stream)
        if not (isinstance(bulk, str) and bulk.startswith(BULK_PREFIX) and "/" not in bulk):
            return None
        state, names, order = pickle.loads((root / CACHE_DIR / bulk).read_bytes())
        for field, value in written.items():
            setattr(state, field, value)
    except Exception:  # noqa: BLE001 - any unreadable cache is just a cold build
        return None
    state.pages = PagesOnDisk(root, names, order)
    return state


class PagesOnDisk(Mapping[str, Any]):
    """The cached compiled pages, read from their buckets on first use: a build that finds nothing
    changed stops after discovering and never needs them (0.08 s of a 0.3 s no-op at 10,000 pages).
    A bucket that cannot be read is left out: its pages are compiled again, as if new, and the next
    save writes it afresh."""

    def __init__(self, root: Path, names: list[str], order: list[str]):
        self.root, self.names, self.order = root, names, order
        self.records: dict[str, Any] | None = None

    def loaded(self) -> dict[str, Any]:
        if self.records is None:
            folder = self.root / CACHE_DIR
            buckets = {number: _read_bucket(folder, name) for number, name in enumerate(self.names)}
            _buckets_on_disk[self.root] = buckets
            records = {rel: record for _, held in buckets.values() for rel, record in held.items()}
            self.records = {rel: records[rel] for rel in self.order if rel in records}
        return self.records

    def __getitem__(self, rel: str) -> Any:
        return self.loaded()[rel]

    def __contains__(self, rel: object) -> bool:
        return rel in self.loaded()

    def __iter__(self) -> Iterator[str]:
        return iter(self.loaded())

    def __len__(self) -> int:
        return len(self.loaded())


def _read_bucket(folder: Path, name: str) -> tuple[str, dict[str, Any]]:
    """A bucket's name and records; no name and no records when it is missing or damaged."""
    if not name:
        return "", {}
    try:
        records = pickle.loads((folder / name).read_bytes())
    except Exception:  # noqa: BLE001 - a damaged bucket: its pages are compiled again
        return "", {}
    return (name, records) if isinstance(records, dict) else ("", {})


def _bucket_of(rel: str) -> int:
    return int.from_bytes(hashlib.blake2b(rel.encode(), digest_size=4).digest(), "big") % PAGE_BUCKETS


def prepare(root: Path, state: Any) -> None:
    """Before the WRITTEN fields are set: write the page buckets that changed and the bulk, for `save`
    (a build that then fails leaves only files no state file names, removed by the next save)."""
    try:
        _prepared[root] = (state, *_pickled(root, state))
    except OSError:  # a read-only project: `save` meets it again and the build goes on without a cache
        _prepared.pop(root, None)


def save(root: Path, state: Any) -> None:
    """Write the state atomically (a killed build leaves the old cache or none, never half of one):
    first the page buckets that changed and the bulk, under new names, then the state file naming them."""
    prepared_for, names, bulk = _prepared.pop(root, (None, [], ""))
    if prepared_for is not state:
        names, bulk = _pickled(root, state)
    written = {field: getattr(state, field) for field in WRITTEN}
    folder = root / CACHE_DIR
    _write_atomically(folder, STATE_FILE, MAGIC + engine_fingerprint().encode("ascii") + b"\n"
                      + pickle.dumps(bulk, protocol=pickle.HIGHEST_PROTOCOL)
                      + pickle.dumps(written, protocol=pickle.HIGHEST_PROTOCOL))
    for left in [*folder.glob(f"{BUCKET_PREFIX}*"), *folder.glob(f"{BULK_PREFIX}*")]:
        if left.name not in names and left.name != bulk:  # of an older save, or of one killed before its state file
            left.unlink(missing_ok=True)


def _pickled(root: Path, state: Any) -> tuple[list[str], str]:
    """The changed page buckets and the bulk (the state less its pages and WRITTEN fields, with the
    buckets' names) written: the buckets' names and the bulk's."""
    folder = root / CACHE_DIR
    folder.mkdir(exist_ok=True)
    split: dict[int, dict[str, Any]] = {number: {} for number in range(PAGE_BUCKETS)}
    for rel, record in state.pages.items():
        split[_bucket_of(rel)][rel] = record
    known = _buckets_on_disk.get(root, {})
    buckets = {}
    for number, records in split.items():
        name, saved = known.get(number, ("", {}))
        if not records:
            name = ""  # an empty bucket has no file
        elif not (name and _same_records(saved, records) and (folder / name).is_file()):  # (another save may remove it)
            name = _write_bucket(folder, number, records)
        buckets[number] = (name, records)
    _buckets_on_disk[root] = buckets
    rest = copy.copy(state)
    rest.pages = {}
    for field in WRITTEN:
        setattr(rest, field, None)
    names = [buckets[number][0] for number in range(PAGE_BUCKETS)]
    data = pickle.dumps((rest, names, list(state.pages)), protocol=pickle.HIGHEST_PROTOCOL)
    bulk = f"{BULK_PREFIX}{hashlib.blake2b(data, digest_size=8).hexdigest()}.pickle"
    if not (folder / bulk).is_file():  # the same bytes already there (a save of the same state)
        _write_atomically(folder, bulk, data)
    return names, bulk


def _same_records(saved: dict[str, Any], records: dict[str, Any]) -> bool:
    """The same pages with the same record objects: a rebuild keeps the record of every page it did not read."""
    return len(saved) == len(records) and all(saved.get(rel) is record for rel, record in records.items())


def _write_bucket(folder: Path, number: int, records: dict[str, Any]) -> str:
    """Named by its bytes, as the bulk is: a name never stands for two contents, so no save can mix two
    builds' files."""
    data = pickle.dumps(records, protocol=pickle.HIGHEST_PROTOCOL)
    name = f"{BUCKET_PREFIX}{number:02d}-{hashlib.blake2b(data, digest_size=8).hexdigest()}.pickle"
    _write_atomically(folder, name, data)
    return name


def _write_atomically(folder: Path, name: str, data: bytes) -> None:
    handle, temporary = tempfile.mkstemp(prefix=".state-", dir=folder)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, folder / name)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def clear(root: Path) -> None:
    cache_file(root).unlink(missing_ok=True)
