"""What the operating system refused while writing output/, as one line an editor can act on.

A full disk, a used-up quota, a file too large for the file system, a read-only disk, too many open
files or a missing permission each get their own words, the path that failed (as it will be in
output/, not in the staging folder or the temporary file beside it) and what to do. The previous
output stays in place. The same errors met while reading the project are named the same way.
"""

from __future__ import annotations

import errno
import re
from pathlib import Path

from ecosite.errors import BuildError, ContentError

_ELSEWHERE = "or pass --out with a folder on another disk"
_WHAT = {
    errno.ENOSPC: ("the disk is full", f"free some disk space, {_ELSEWHERE}"),
    errno.EDQUOT: ("your disk quota is used up", f"delete files you no longer need or ask for a larger quota, "
                                                 f"{_ELSEWHERE}"),
    errno.EFBIG: ("the file is larger than this file system or account allows", f"ask for the limit to be raised "
                                                                               f"(ulimit -f), {_ELSEWHERE}"),
    errno.EROFS: ("the disk is read-only", "pass --out with a folder you can write to"),
    errno.EMFILE: ("too many files are open at once", "close other programs or raise the limit (ulimit -n 4096), "
                                                      "then build again"),
    errno.ENFILE: ("the system has too many files open", "close other programs, then build again"),
    errno.EEXIST: ("a file is in the way of a folder", "move or rename that file, or pass --out with another folder"),
    errno.ENOTDIR: ("a file is in the way of a folder", "move or rename that file, or pass --out with another folder"),
    errno.EISDIR: ("a folder is in the way of a file", "move or rename that folder, or pass --out with another "
                                                       "folder"),
    errno.EACCES: ("there is no permission to write here", "make the folder writable, or pass --out with another "
                                                           "folder"),
    errno.EPERM: ("there is no permission to write here", "make the folder writable, or pass --out with another "
                                                          "folder"),
}


_TEMPORARY = re.compile(r"\.(.+)\.ecosite-new")  # what an in-place write writes before renaming (in_place.py)
_READING = {errno.EMFILE: _WHAT[errno.EMFILE], errno.ENFILE: _WHAT[errno.ENFILE],
            errno.EACCES: ("there is no permission to read it", "make it readable, then build again"),
            errno.EPERM: ("there is no permission to read it", "make it readable, then build again")}


def write_failure(exc: OSError, out: Path, staging: Path | None = None, writing: Path | None = None) -> BuildError:
    """The BuildError for an OSError met while writing `out` (through `staging`, when given), naming the file
    the error names or else the one being written (a refused write() names none: a full disk, a size limit)."""
    path = Path(exc.filename) if exc.filename else writing or out
    if exc.errno == errno.ENOTDIR:  # name the file that is in the way, not the folder that could not be made
        path = next((p for p in (path, *path.parents) if p.is_file()), path)
    if staging is not None and path.is_relative_to(staging):
        path = out / path.relative_to(staging)
    if temporary := _TEMPORARY.fullmatch(path.name):
        path = path.with_name(temporary.group(1))
    what, hint = _WHAT.get(exc.errno or 0, (f"the system refused: {exc.strerror or exc}",
                                             f"fix the cause, {_ELSEWHERE}"))
    return BuildError([ContentError(str(path), 0, f"could not write the site: {what}; output/ was left as it was",
                                    hint)])


def os_failure(exc: OSError, out: Path) -> BuildError:
    """The BuildError for an OSError met anywhere in a build: a write to `out`, or a read of the project."""
    path = Path(exc.filename).absolute() if exc.filename else None
    if path is None or path.is_relative_to(out.absolute()) or exc.errno in (errno.ENOSPC, errno.EDQUOT,
                                                                              errno.EFBIG, errno.EROFS):
        return write_failure(exc, out)
    what, hint = _READING.get(exc.errno or 0, (f"the system refused: {exc.strerror or exc}",
                                                "fix the cause, then build again"))
    return BuildError([ContentError(str(path), 0, f"could not read it: {what}; output/ was left as it was", hint)])
