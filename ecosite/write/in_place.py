"""Incremental writing: apply a rebuild's changes to output/ in place, and read unchanged files back.

A full build swaps in a complete new output/ (staging.StagedOutput). A rebuild touches only the files
whose bytes changed: no copy, walk or listing of the whole output tree. Everything that can fail
(loading, linking, rendering) has happened before the first file is touched, so a failed rebuild
still changes nothing. What a kill can leave behind, and how the next build repairs it:

- every file is written to `.NAME.ecosite-new` and renamed over NAME, so no file is ever half-written;
- new static files first, then pages and other files, then removals: a page on disk, old or new, only
  names fingerprinted assets that are there (new ones are written before the first page using them,
  old ones removed after the last page using them was replaced);
- before the first write, the names about to be written or removed are recorded (`Journal`); the
  record is cleared only once the build's cache is saved. The next build treats every recorded name
  as damaged (re-renders and rewrites it, removes it and its temporary file when no longer produced).
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterable, Iterator, MutableMapping
from pathlib import Path

from ecosite.write.failures import write_failure

Stamp = tuple[int, int]  # (size, mtime_ns) of an output file as the build left it


def stamp(path: Path) -> Stamp | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return (info.st_size, info.st_mtime_ns)


class OutputFiles(MutableMapping[str, bytes]):
    """Every file a build produces: new bytes in memory, unchanged ones read from output/ when asked.

    Iterates in the order the build produced them: generated files, then pages, then the published ones.
    """

    def __init__(self, out: Path, names: Iterable[str], fresh: dict[str, bytes], writable: bool = False):
        self.out = out
        self.writable = writable  # `out` is a staging folder no one serves yet: outputs may write into it
        self.fresh = fresh
        self.names = dict.fromkeys(names)
        self.names.update(dict.fromkeys(fresh))
        self.touched: set[str] = set(fresh)

    def __getitem__(self, name: str) -> bytes:
        if name in self.fresh:
            return self.fresh[name]
        if name not in self.names:
            raise KeyError(name)
        return (self.out / name).read_bytes()

    def __setitem__(self, name: str, data: bytes) -> None:
        self.fresh[name] = data
        self.names[name] = None
        self.touched.add(name)

    def __delitem__(self, name: str) -> None:
        del self.names[name]
        self.fresh.pop(name, None)
        self.touched.add(name)

    def __iter__(self) -> Iterator[str]:
        return iter(list(self.names))

    def keep(self, name: str) -> None:
        """List a file of the previous output as produced again, unchanged (a kept search shard)."""
        self.names[name] = None

    def path_of(self, name: str) -> Path | None:
        """Where an unchanged file already is on disk (None for new bytes): to link rather than copy."""
        return None if name in self.fresh or name not in self.names else self.out / name

    def __len__(self) -> int:
        return len(self.names)


def _replace(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.ecosite-new")
    try:
        temporary.write_bytes(data)
        os.replace(temporary, target)
    except OSError:
        temporary.unlink(missing_ok=True)  # a refused write leaves no half file beside the old one
        raise


def same_bytes(target: Path, data: bytes) -> bool:
    try:
        return not target.is_symlink() and target.stat().st_size == len(data) and target.read_bytes() == data
    except OSError:
        return False


class Journal:
    """The names an in-place write is about to touch, kept until the build that wrote them is recorded.

    `walk` marks a full build swapped in before its cache was saved: the next build lists output/ once
    to find the files its older record does not know."""

    def __init__(self, path: Path | None):
        self.path = path  # None: in memory only (a build that keeps no cache)
        self.names: set[str] = set()
        self.walk = False
        if path is not None:
            try:
                record = json.loads(path.read_text(encoding="utf-8"))
                self.names, self.walk = set(record.get("names", [])), bool(record.get("walk"))
            except (OSError, ValueError, AttributeError, TypeError):
                pass

    def pending(self, out: Path) -> set[str]:
        """Every name a killed write may have left changed, half-renamed or unknown to the cache."""
        names = set(self.names)
        if self.walk and out.is_dir():
            names |= {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file() or p.is_symlink()}
        return names

    def record(self, names: Iterable[str] = (), walk: bool = False) -> None:
        self.names |= set(names)
        self.walk = self.walk or walk
        if self.path is not None:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                temporary = self.path.with_name(f".{self.path.name}.new")
                temporary.write_text(json.dumps({"names": sorted(self.names), "walk": self.walk}), encoding="utf-8")
                os.replace(temporary, self.path)
            except OSError:
                self.path = None  # a read-only project saves no cache either: the next process builds cold

    def clear(self) -> None:
        self.names, self.walk = set(), False
        if self.path is not None:
            self.path.unlink(missing_ok=True)


def write_in_place(out: Path, files: OutputFiles, copies: dict[str, Path], copy_digests: dict[str, str],
                   previous: Iterable[str], previous_copies: dict[str, str], journal: Journal) -> dict[str, Stamp | None]:
    """Write changed files, copy new assets, remove what is no longer produced; returns the new stamps.

    Only the files named touched (and assets whose source changed, or whose copy is missing) are
    looked at; an unchanged output/ is not touched at all."""
    out = out.resolve()
    writes = [name for name in sorted(files.touched & set(files.names)) if not same_bytes(out / name, files[name])]
    assets = [name for name in sorted(copies)
              if previous_copies.get(name) != copy_digests[name] or not (out / name).is_file()]
    wanted = set(files.names) | set(copies)
    removals = sorted(set(previous) - wanted)
    if not (writes or assets or removals):
        return {}
    written: dict[str, Stamp | None] = {}
    try:
        journal.record([*assets, *writes, *removals])
        for name in assets:
            target = out / name
            target.parent.mkdir(parents=True, exist_ok=True)
            temporary = target.with_name(f".{target.name}.ecosite-new")
            shutil.copyfile(copies[name], temporary)
            os.replace(temporary, target)
        for name in writes:
            _replace(out / name, files[name])
            written[name] = stamp(out / name)
        for name in removals:
            target = out / name
            target.unlink(missing_ok=True)
            target.with_name(f".{target.name}.ecosite-new").unlink(missing_ok=True)
            _remove_empty_parents(target.parent, out)
    except OSError as exc:
        raise write_failure(exc, out) from None
    return written


def _remove_empty_parents(folder: Path, out: Path) -> None:
    while folder != out and folder.is_relative_to(out):
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent
