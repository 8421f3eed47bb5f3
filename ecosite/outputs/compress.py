"""Precompressed copies (`--gzip`): `page.html.gz` beside `page.html`, for hosts that serve them as-is.

The gzip header's time is 0 and it names no file, so the same input gives the same bytes.
"""

from __future__ import annotations

import gzip
from pathlib import Path

TEXT_SUFFIXES = {".html", ".css", ".js", ".mjs", ".json", ".xml", ".txt", ".svg", ".ics", ".map", ".webmanifest"}
MIN_BYTES = 256  # below this, the gzip header costs more than it saves


def is_text(rel: str) -> bool:
    return Path(rel).suffix.lower() in TEXT_SUFFIXES


def gzip_bytes(data: bytes) -> bytes:
    return gzip.compress(data, compresslevel=9, mtime=0)


def add_gzip_copies(files: dict[str, bytes], copies: dict[str, Path]) -> None:
    """Add `<file>.gz` for every text file worth compressing, generated or copied."""
    sources = dict(files)
    sources.update({rel: path.read_bytes() for rel, path in copies.items() if is_text(rel)})
    for rel in sorted(sources):
        data = sources[rel]
        if is_text(rel) and len(data) >= MIN_BYTES:
            files[rel + ".gz"] = gzip_bytes(data)
