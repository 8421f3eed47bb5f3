"""What each output folder was last built with, so `ecosite check` can refuse to vouch for another build.

`.ecosite-cache/outputs.json` maps an output folder to the options of the build that last wrote it
(drafts, future, base URL) and when that build started. It lives beside the build cache, never in
output/, so nothing of it is published; losing it only means the check has less to compare.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from ecosite.incremental.cache import CACHE_DIR

RECORD_FILE = "outputs.json"


def record_build(root: Path, out: Path, facts: dict) -> None:
    """Remember `facts` for `out`; a read-only project is not an error (the check then knows less)."""
    folder = root / CACHE_DIR
    try:
        records = _read(folder / RECORD_FILE)
        records[str(out)] = facts
        folder.mkdir(exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=".outputs-", dir=folder)
    except OSError:
        return
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            json.dump(records, stream, sort_keys=True)
        os.replace(temporary, folder / RECORD_FILE)
    except OSError:
        Path(temporary).unlink(missing_ok=True)  # a full disk or a file-size limit leaves nothing behind


def recorded_build(root: Path, out: Path) -> dict | None:
    """The facts of the last build that wrote `out`, or None when none is known."""
    record = _read(root / CACHE_DIR / RECORD_FILE).get(str(out))
    return record if isinstance(record, dict) else None


def _read(path: Path) -> dict:
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}
