"""Site search: a static Pagefind index built from the rendered pages, as part of the build.

Pagefind's binary ships inside the `pagefind[bin]` package and runs as `python -m pagefind` over a
staging copy of the pages to index; its bundle (index, fragments and the search UI) is added to the
output under `pagefind/`. The search page then needs no server code at all, only the browser.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from ecosite.errors import BuildError, ContentError

BUNDLE_DIR = "pagefind"
SEARCH_TEMPLATE = "search.html"
TIMEOUT_SECONDS = 300


def _failure(message: str, hint: str) -> BuildError:
    return BuildError([ContentError("search index", 0, message, hint)])


def search_bundle(files: dict[str, bytes], to_index: list[str]) -> dict[str, bytes]:
    """Index the HTML files named in `to_index` (by their `<main>`); return {pagefind/...: bytes}."""
    with tempfile.TemporaryDirectory(prefix="ecosite-search-") as folder:
        staging, bundle = Path(folder) / "site", Path(folder) / "bundle"
        for rel in sorted(to_index):
            target = staging / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(files[rel])
        staging.mkdir(exist_ok=True)
        command = [sys.executable, "-m", "pagefind", "--site", str(staging), "--output-path", str(bundle),
                   "--root-selector", "main", "--silent"]
        try:
            finished = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            raise _failure(f"Pagefind did not finish within {TIMEOUT_SECONDS} seconds",
                           "build with --no-search to publish without search") from None
        if finished.returncode != 0 or not (bundle / "pagefind.js").is_file():
            said = (finished.stderr or finished.stdout).strip().splitlines()
            detail = said[-1] if said else f"exit code {finished.returncode}"
            raise _failure(f"Pagefind could not build the search index ({detail})",
                           "install it with `pip install 'pagefind[bin]'`, or build with --no-search")
        return {f"{BUNDLE_DIR}/{path.relative_to(bundle).as_posix()}": path.read_bytes()
                for path in sorted(bundle.rglob("*")) if path.is_file()}
