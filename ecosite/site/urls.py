"""The one rule between a site address and the file that serves it: /a/b/ is a/b/index.html."""

from __future__ import annotations


def output_path_of(url: str) -> str:
    """/a/b/ -> a/b/index.html, / -> index.html, /a/b.html -> a/b.html (site paths, no base path)."""
    path = url.lstrip("/")
    return path if path.endswith(".html") else path + "index.html"


def address_of(output_path: str) -> str:
    """a/b/index.html -> a/b/, index.html -> '' (the path a browser asks for); other files unchanged."""
    if output_path == "index.html" or output_path.endswith("/index.html"):
        return output_path.removesuffix("index.html")
    return output_path
