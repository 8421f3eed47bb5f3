"""Incremental writing: apply a rebuild's changes to output/ in place, and read unchanged files back.

A full build swaps in a complete new output/ (staging.StagedOutput). A rebuild touches only the files
whose bytes changed: no copy, walk or listing of the whole output tree. Everything that can fail
(loading, linking, rendering) has happened before the first file is touched, so a failed rebuild
still changes nothing. What a kill can leave behind, and how the next build repairs it:

- every file is written to `.NAME.ecosite-new` and renamed over NAME, so no file is ever half-written;
  the renames start only once every new file is written, so a refused write (a full disk, too many
  open files, a folder in the way) removes the new files and leaves output/ as it was;
- new static files first, then pages and other files, then removals: a page on disk, old or new, only
  names fingerprinted assets that are there (new ones are written before the first page using them,
  old ones removed after the last page using them was replaced);
- before the first write, the names about to be written or removed are recorded (`Journal`); the
  record is cleared only once the build's cache is saved. The next build treats every recorded name
  as damaged (re-renders and rewrites it, removes it and its temporary file when no longer produced).
"""

from __future__ import annotations

import errno
import json
import os
import shutil
from collections.abc import Iterable, Iterator, MutableMapping
from collections.abc import Set as AbstractSet
from pathlib import Path

from ecosite.content.documents import read_bytes
from ecosite.write.failures import write_failure

Stamp = tuple[int, int]  # (size, mtime_ns) of an output file as the build left it


def stamp(path: Path | str) -> Stamp | None:
    """Size and modification time: what says a file in output/ is still the one a build wrote (a string
    path is quicker when thousands of files are checked)."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return (info.st_size, info.st_mtime_ns)


class OutputFiles(MutableMapping[str, bytes]):
    """Every file a build produces: new bytes in memory, unchanged ones read from output/ when asked.

    Iterates in the order the build produced them: generated files, then pages, then the published ones.
    """

    def __init__(self, out: Path, names: Iterable[str], fresh: dict[str, bytes], writable: bool = False,
                 damaged: AbstractSet[str] = frozenset()):
        self.out = out
        self.writable = writable  # `out` is a staging folder no one serves yet: outputs may write into it
        self.damaged = damaged  # the last build's files found missing or altered in output/
        self.fresh = fresh
        self.names = dict.fromkeys(names)
        self.names.update(dict.fromkeys(fresh))
        self.touched: set[str] = set(fresh)

    def __getitem__(self, name: str) -> bytes:
        if name in self.fresh:
            return self.fresh[name]
        if name not in self.names:
            raise KeyError(name)
        return read_bytes(os.path.join(self.out, name))

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


def _temporary(target: Path) -> Path:
    return target.with_name(f".{target.name}.ecosite-new")


def _beside(target: Path, temporaries: list[Path]) -> Path:
    """Where a file's new bytes go until every new file is written (listed in `temporaries`)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.is_dir() and not target.is_symlink():  # found now: the rename would fail after others were done
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(target))
    temporaries.append(_temporary(target))
    return temporaries[-1]


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
        self.vouched: set[str] = set()  # names the engine's state in memory knows as written (not pending for it)
        if path is not None:
            try:
                record = json.loads(path.read_text(encoding="utf-8"))
                self.names, self.walk = set(record.get("names", [])), bool(record.get("walk"))
            except (OSError, ValueError, AttributeError, TypeError):
                pass

    def pending(self, out: Path) -> set[str]:
        """Every name a killed write may have left changed, half-renamed or unknown to the cache."""
        names = self.names - self.vouched
        if self.walk and out.is_dir():
            names |= {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file() or p.is_symlink()}
        return names

    def record(self, names: Iterable[str] = (), walk: bool = False) -> None:
        self.names |= set(names)
        self.walk = self.walk or walk
        if self.path is not None:
            temporary = self.path.with_name(f".{self.path.name}.new")
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                temporary.write_text(json.dumps({"names": sorted(self.names), "walk": self.walk}), encoding="utf-8")
                os.replace(temporary, self.path)
            except OSError:
                self.path = None  # a read-only project saves no cache either: the next process builds cold
                temporary.unlink(missing_ok=True)

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
    for name in journal.names:  # a killed write may have left its new bytes beside a file now unchanged
        _temporary(out / name).unlink(missing_ok=True)
    writes = [name for name in sorted(files.touched & set(files.names)) if not same_bytes(out / name, files[name])]
    assets = [name for name in sorted(copies)
              if previous_copies.get(name) != copy_digests[name] or not (out / name).is_file()]
    wanted = set(files.names) | set(copies)
    removals = sorted(set(previous) - wanted)
    if not (writes or assets or removals):
        return {}
    written: dict[str, Stamp | None] = {}
    journal.record([*assets, *writes, *removals])
    temporaries: list[Path] = []
    try:
        for name in assets:
            shutil.copyfile(copies[name], _beside(out / name, temporaries))
        for name in writes:
            _beside(out / name, temporaries).write_bytes(files[name])
    except BaseException as exc:  # refused, or Ctrl-C: no new file or empty folder is left beside the old ones
        for temporary in temporaries:
            temporary.unlink(missing_ok=True)
            _remove_empty_parents(temporary.parent, out)
        if isinstance(exc, OSError):
            raise write_failure(exc, out, writing=temporaries[-1] if temporaries else None) from None
        raise
    try:
        for name in [*assets, *writes]:
            os.replace(_temporary(out / name), out / name)
        for name in writes:
            written[name] = stamp(out / name)
        for name in removals:
            target = out / name
            target.unlink(missing_ok=True)
            _temporary(target).unlink(missing_ok=True)
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
