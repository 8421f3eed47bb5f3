"""`ecosite new network|news|page`: start a new content file that is valid from the first save.

Editors copy what they see. A new file therefore carries every front matter field its content model
knows, each with a comment in plain words, and starts as a draft so a half-written page is never
published. The file name (and so the address) is a slug made from the name; nothing is overwritten.
"""

from __future__ import annotations

import argparse
import re
import sys
import unicodedata
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from ecosite.commands.options import add_root
from ecosite.content.documents import load_document, load_yaml_file
from ecosite.content.models import PageMeta
from ecosite.content_types.network import network_file
from ecosite.content_types.news import news_file
from ecosite.content_types.page import page_file
from ecosite.errors import ContentError
from ecosite.registry import CONTENT_TYPES, page_type

# Letters that Unicode does not decompose into a base letter plus an accent.
_TRANSLITERATIONS = str.maketrans({"ß": "ss", "æ": "ae", "Æ": "AE", "ø": "o", "Ø": "O", "œ": "oe", "Œ": "OE",
                                   "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ð": "d", "Ð": "D", "þ": "th",
                                   "Þ": "TH", "ı": "i", "&": " and "})
KINDS = tuple(t.name for t in CONTENT_TYPES if t.scaffold is not None)  # network, news, page
USAGE_ERROR = 2


class NameRefused(Exception):
    """The name or path given on the command line cannot become a file: bad usage, not bad content."""

    def __init__(self, message: str, hint: str):
        super().__init__(f"{message} - {hint}")


def slugify(name: str) -> str:
    """'Santé & Équité' -> 'sante-and-equite': ASCII, lower-case, words joined by hyphens."""
    text = unicodedata.normalize("NFKD", name.translate(_TRANSLITERATIONS))
    text = "".join(c for c in text if not unicodedata.combining(c)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = ("Create a new content file with every field present and explained, as a draft. "
                          "The file name is made from the name; an existing file is never overwritten.")
    parser.add_argument("kind", choices=KINDS, help="what to create: network, news or page")
    parser.add_argument("name", help="the network's name, the news headline, or the page's path under "
                                     "content/ (e.g. about/partners)")
    parser.add_argument("--title", default=None, help="the page's title (page only; default: from its path)")
    add_root(parser)


def run(args: argparse.Namespace) -> int:
    root = args.root.resolve()
    content = root / "content"
    if not content.is_dir():
        print(f"ecosite: {root} has no content/ folder; pass --root with the project folder", file=sys.stderr)
        return 2
    try:
        rel, text = _plan(content, args.kind, args.name, args.title)
    except NameRefused as refused:
        print(f"ecosite new: {refused}", file=sys.stderr)
        return USAGE_ERROR
    target = content / rel
    if target.exists():
        print(ContentError(f"content/{rel}", 1, "this file already exists, so nothing was created",
                           "edit the existing file, or choose another name"), file=sys.stderr)
        return 1
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    print(f"Created content/{rel} as a draft.")
    print("Fill in the lines marked TODO, preview with `make serve DRAFTS=1`, "
          "then set `draft: false` to publish.")
    if args.kind == "page":
        print("To list it in the menu, add it under `nav:` in content/site.yaml.")
    return 0


def _plan(content: Path, kind: str, name: str, title: str | None) -> tuple[str, str]:
    """The file to create (relative to content/) and its text."""
    if kind == "page":
        return _plan_page(name, title)
    slug = slugify(name)
    if not slug:
        raise NameRefused(f"no web address can be made from `{name}`",
                          "use a name with letters or digits, e.g. `Digital Health Network`")
    if kind == "network":
        text = network_file(name.strip(), slug, _next_order(content / "networks"), _today(content).year)
        return f"networks/{slug}.md", text
    return f"news/{slug}.md", news_file(name.strip(), slug, _today(content).date().isoformat(),
                                        _network_slugs(content / "networks"))


def _plan_page(path: str, title: str | None) -> tuple[str, str]:
    parts = [p for p in path.strip().removesuffix(".md").split("/") if p]
    if any(p in (".", "..") for p in parts) or path.strip().startswith("/"):
        raise NameRefused(f"the page path `{path}` must stay inside content/",
                          "give a path relative to content/, e.g. `about/partners`")
    slugs = [slugify(p) for p in parts]
    if not slugs or not all(slugs):
        raise NameRefused(f"no web address can be made from `{path}`",
                          "use letters or digits in each part, e.g. `about/partners`")
    rel = "/".join(slugs) + ".md"
    model = page_type(rel).model
    if model is not PageMeta:
        kind = page_type(rel).name if page_type(rel).scaffold else None
        hint = f"use `ecosite new {kind} NAME`" if kind else "copy an existing file of that folder instead"
        raise NameRefused(f"pages in content/{slugs[0]}/ need the fields of a "
                          f"{model.__name__.removesuffix('Meta').lower()}, not of a plain page", hint)
    folder = slugs[:-1] if slugs[-1] == "index" else slugs
    url = "/" + "".join(f"{s}/" for s in folder)
    default_title = (parts[-2] if slugs[-1] == "index" and len(parts) > 1 else parts[-1]).replace("-", " ")
    return rel, page_file(title or default_title[:1].upper() + default_title[1:], url)


def _front_matters(folder: Path) -> list[tuple[Path, dict]]:
    """Front matter of each readable page in a folder (broken ones are the build's business)."""
    found = []
    for path in sorted(folder.glob("*.md")) if folder.is_dir() else []:
        try:
            meta = load_document(path, path.name).meta.value
        except ContentError:
            continue
        found.append((path, meta if isinstance(meta, dict) else {}))
    return found


def _next_order(folder: Path) -> int:
    orders = [m["order"] for p, m in _front_matters(folder) if isinstance(m.get("order"), int) and p.stem != "index"]
    return max(orders, default=0) + 1


def _network_slugs(folder: Path) -> list[str]:
    return sorted(str(m.get("slug") or p.stem) for p, m in _front_matters(folder) if p.stem != "index")


def _today(content: Path) -> datetime:
    """Now in the site's time zone (from site.yaml), so a late-evening news item gets the right day."""
    zone = "UTC"
    try:
        settings = load_yaml_file(content / "site.yaml", "content/site.yaml").value
        zone = settings.get("timezone", "UTC") if isinstance(settings, dict) else "UTC"
        return datetime.now(ZoneInfo(str(zone)))
    except (ContentError, OSError, ValueError, KeyError):
        return datetime.now(ZoneInfo("UTC"))
