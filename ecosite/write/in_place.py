"""Incremental writing: apply a rebuild's changes to output/ in place, and read unchanged files back.

A full build swaps in a complete new output/ (staging.StagedOutput). A rebuild that changed a handful of
files must not rewrite ten thousand, so it writes only those into a hard-linked copy of output/ and
swaps that in (patch_output), removing the outputs of deleted sources. Everything that can fail
(loading, linking, rendering) has happened before the first file is touched, so a failed rebuild
still changes nothing.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable, Iterator, MutableMapping
from pathlib import Path

from ecosite.write import staging as output
from ecosite.errors import BuildError, ContentError

Stamp = tuple[int, int]  # (size, mtime_ns) of an output file as the build left it


def stamp(path: Path) -> Stamp | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return (info.st_size, info.st_mtime_ns)


class OutputFiles(MutableMapping):
    """Every file a build produces: new bytes in memory, unchanged ones read from output/ when asked.

    Iterates in the order the plain build (builder.generate) would produce the same files.
    """

    def __init__(self, out: Path, names: Iterable[str], fresh: dict[str, bytes]):
        self.out = out
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
    temporary.write_bytes(data)
    os.replace(temporary, target)


def same_bytes(target: Path, data: bytes) -> bool:
    try:
        return not target.is_symlink() and target.stat().st_size == len(data) and target.read_bytes() == data
    except OSError:
        return False


def patch_output(out: Path, files: OutputFiles, copies: dict[str, Path], copy_digests: dict[str, str],
                 previous: Iterable[str], previous_copies: dict[str, str]) -> dict[str, Stamp]:
    """Write changed files, copy new assets, remove what is no longer produced; returns new stamps.

    The changes go into a copy of output/ made of hard links (no unchanged file is rewritten), which
    is then swapped in with one atomic exchange: a build killed half-way leaves the old site whole,
    never new pages beside an old feed and sitemap.
    """
    out = out.resolve()
    staging = output.staging_dir(out)
    try:
        output.remove_stale_staging(out)
        shutil.rmtree(staging, ignore_errors=True)
        present = _link_tree(out, staging)  # what is really there: a build killed before it saved its
        # cache left files the cache does not know, and they must go as well
        written = _apply_changes(staging, files, copies, copy_digests, [*previous, *present], previous_copies)
        output.swap_in(staging, out)  # the same inodes, so the stamps taken in staging stay true
    except OSError as exc:
        raise BuildError([ContentError(str(out), 0, f"could not write the site: {exc.strerror or exc}",
                                       "free some disk space or make the folder writable, or pass --out "
                                       "with another folder")]) from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return written


def _link_tree(out: Path, staging: Path) -> list[str]:
    """A copy of output/ whose files are hard links (cheap; replacing one leaves the original); their names."""
    present = []
    for folder, _, names in os.walk(out):
        copy = staging / Path(folder).relative_to(out)
        copy.mkdir(parents=True, exist_ok=True)
        for name in names:
            os.link(Path(folder) / name, copy / name, follow_symlinks=False)
            present.append((copy / name).relative_to(staging).as_posix())
    return present


def _apply_changes(out: Path, files: OutputFiles, copies: dict[str, Path], copy_digests: dict[str, str],
                   previous: Iterable[str], previous_copies: dict[str, str]) -> dict[str, Stamp]:
    written: dict[str, Stamp] = {}
    for name in sorted(files.touched & set(files.names)):
        target = out / name
        data = files[name]
        if not same_bytes(target, data):
            _replace(target, data)
        written[name] = stamp(target)
    for name, source in sorted(copies.items()):
        if previous_copies.get(name) != copy_digests[name] or not (out / name).is_file():
            target = out / name
            target.parent.mkdir(parents=True, exist_ok=True)
            temporary = target.with_name(f".{target.name}.ecosite-new")
            shutil.copyfile(source, temporary)
            os.replace(temporary, target)
    wanted = set(files.names) | set(copies)
    for name in sorted(set(previous) - wanted):
        target = out / name
        target.unlink(missing_ok=True)
        _remove_empty_parents(target.parent, out)
    return written


def _remove_empty_parents(folder: Path, out: Path) -> None:
    while folder != out and folder.is_relative_to(out):
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent
