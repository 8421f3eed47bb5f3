"""The persistent build cache, `.ecosite-cache/` in the project folder: safe to delete at any time.

It holds the last successful build's state (see incremental/state.py: LastBuild): what each source was, each page
compiled, and what each output read. The file starts with a header naming the cache format and a
fingerprint of the generator's own code, so a cache written by another version, or one that cannot be
read back, is ignored and the next build starts cold and rewrites it.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import tempfile
from pathlib import Path
from typing import Any

CACHE_DIR = ".ecosite-cache"
STATE_FILE = "state.pickle"
FORMAT = 1
MAGIC = b"ecosite build cache\n"

_engine_fingerprint: str | None = None


def engine_fingerprint() -> str:
    """A digest of the cache format, the Python version and every module of the generator."""
    global _engine_fingerprint
    if _engine_fingerprint is None:
        digest = hashlib.blake2b(f"{FORMAT}|{sys.version}".encode(), digest_size=16)
        package = Path(__file__).resolve().parent.parent  # ecosite/, with every subpackage
        for module in sorted(package.rglob("*.py")):
            digest.update(module.relative_to(package).as_posix().encode() + b"\0" + module.read_bytes())
        _engine_fingerprint = digest.hexdigest()
    return _engine_fingerprint


def cache_file(root: Path) -> Path:
    return root / CACHE_DIR / STATE_FILE


def load(root: Path) -> Any | None:
    """The cached state, or None when there is none, it is foreign, or it is damaged."""
    path = cache_file(root)
    try:
        with path.open("rb") as stream:
            if stream.readline() != MAGIC or stream.readline().strip().decode("ascii") != engine_fingerprint():
                return None
            return pickle.load(stream)
    except Exception:  # noqa: BLE001 - any unreadable cache is just a cold build
        return None


def save(root: Path, state: Any) -> None:
    """Write the state atomically (a killed build leaves the old cache or none, never half of one)."""
    folder = root / CACHE_DIR
    folder.mkdir(exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".state-", dir=folder)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(MAGIC + engine_fingerprint().encode("ascii") + b"\n")
            pickle.dump(state, stream, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, folder / STATE_FILE)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def clear(root: Path) -> None:
    cache_file(root).unlink(missing_ok=True)
