"""`ecosite new network|news|page`: start a new content file that is valid from the first save.

Editors copy what they see. A new file therefore carries every front matter field its content model
knows, each with a comment in plain words, and starts as a draft so a half-written page is never
published. The file name (and so the address) is a slug made from the name; nothing is overwritten.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from ecosite.content.documents import load_document, load_yaml_file
from ecosite.errors import ContentError
from ecosite.content.models import PageMeta
from ecosite.registry import page_model

# Letters that Unicode does not decompose into a base letter plus an accent.
_TRANSLITERATIONS = str.maketrans({"ß": "ss", "æ": "ae", "Æ": "AE", "ø": "o", "Ø": "O", "œ": "oe", "Œ": "OE",
                                   "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ð": "d", "Ð": "D", "þ": "th",
                                   "Þ": "TH", "ı": "i", "&": " and "})
KINDS = ("network", "news", "page")
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


def _quoted(text: str) -> str:
    """A YAML double-quoted string (JSON's string syntax is valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def _front_matter(lines: list[str]) -> str:
    return "---\n" + "\n".join(lines) + "\n---\n"


_HEADER = [
    "# Everything between the two `---` lines is front matter: the page's fields, one `key: value`",
    "# per line. The text after the second `---` is the page itself, written in Markdown.",
    "# Lines starting with # are notes for you: they are never published and you may delete them.",
    "",
]

_COMMON_TAIL = [
    "# true keeps this page off the published site while you write it; set it to false to publish.",
    "# (`ecosite serve --drafts` or `ecosite build --drafts` show drafts.)",
    "draft: true",
    "# Old addresses of this page (e.g. /old-name/) that should keep working; one per line, `- /old-name/`.",
    "aliases: []",
    "# A different layout from templates/ (e.g. page.html). Leave empty for the usual layout.",
    "template:",
]


def network_file(title: str, slug: str, order: int, year: int) -> str:
    lines = _HEADER + [
        "# The network's name, as shown in its heading and in the list of networks.",
        f"title: {_quoted(title)}",
        f"# Leave empty: the address is /networks/{slug}/, from the file name. Write a slug here only",
        "# to change it (lower-case letters, digits and hyphens).",
        "slug:",
        "# One or two sentences on what the network works on; shown in the list of networks.",
        'summary: "TODO: what the network works on, in one or two sentences."',
        "# Position in the list of networks: 1 comes first.",
        f"order: {order}",
        "# The co-chairs, in the order shown on the page. For each person: `name`, and optionally",
        "# `society` (their member society) and `as_of` (the year they became co-chair).",
        "co_chairs:",
        '  - name: "TODO: the co-chair\'s name"',
        '    society: "TODO: their member society"',
        f"    as_of: {year}",
        "# Campaigns and projects of the network, newest last. Each has a `title`, and optionally `when`,",
        "# `url` (starting with https://) and `summary`. To add one, replace [] with lines like these",
        "# (without the leading #):",
        "#   - title: A Cancer Workforce in Crisis",
        '#     when: "November 2023"',
        "#     url: https://www.europeancancer.org/workforce-crisis",
        "#     summary: A campaign launched at the European Cancer Summit 2023.",
        "campaigns: []",
        "# Web addresses the facts on this page come from; replace [] with lines `  - https://...`.",
        "sources: []",
        "# A date for the page (YYYY-MM-DD) if it should show one; networks usually leave it empty.",
        "date:",
    ] + _COMMON_TAIL
    body = ("\n## What the network works on\n\nTODO: the topics, in a few short paragraphs.\n\n"
            "## How it works\n\nTODO: how the network gathers evidence and campaigns.\n")
    return _front_matter(lines) + body


def news_file(title: str, slug: str, day: str, network_slugs: list[str]) -> str:
    known = ", ".join(network_slugs) or "none yet"
    lines = _HEADER + [
        "# The headline.",
        f"title: {_quoted(title)}",
        f"# Leave empty: the address is /news/{slug}/, from the file name.",
        "slug:",
        "# One or two sentences shown in the list of news.",
        'summary: "TODO: the news in one or two sentences."',
        "# The day of the news (YYYY-MM-DD, optionally followed by a time HH:MM); news is listed newest first.",
        f"date: {day}",
        "# The networks this news concerns, by their slug; replace [] with lines `  - workforce`.",
        f"# Known networks: {known}.",
        "networks: []",
        "# The web address of the original announcement (starting with https://), or leave empty.",
        "source:",
        "# Leave empty: news is ordered by date.",
        "order:",
    ] + _COMMON_TAIL
    return _front_matter(lines) + "\nTODO: the news, in a few short paragraphs.\n"


def page_file(title: str, url: str) -> str:
    lines = _HEADER + [
        "# The page's title, shown as its heading and in the browser tab.",
        f"title: {_quoted(title)}",
        f"# Leave empty: the address is {url}, from the file name. Write a slug here only to change it.",
        "slug:",
        "# One sentence describing the page, for search engines and lists of pages; optional.",
        "summary:",
        "# Position among the pages of its section: 1 comes first. Leave empty to sort by title.",
        "order:",
        "# A date for the page (YYYY-MM-DD) if it should show one; leave empty otherwise.",
        "date:",
    ] + _COMMON_TAIL
    return _front_matter(lines) + "\nTODO: the page, in Markdown. Start headings at `##`.\n"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = ("Create a new content file with every field present and explained, as a draft. "
                          "The file name is made from the name; an existing file is never overwritten.")
    parser.add_argument("kind", choices=KINDS, help="what to create: network, news or page")
    parser.add_argument("name", help="the network's name, the news headline, or the page's path under "
                                     "content/ (e.g. about/partners)")
    parser.add_argument("--title", default=None, help="the page's title (page only; default: from its path)")
    parser.add_argument("--root", type=Path, default=Path("."), help="project folder (default: current folder)")


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
    print("Fill in the lines marked TODO, preview with `ecosite serve --drafts`, "
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
    model = page_model(rel)
    if model is not PageMeta:
        kind = "network" if rel.startswith("networks/") else "news" if rel.startswith("news/") else None
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
