"""`ecosite new network|news|page|session`: start new content that is valid from the first save.

Editors copy what they see. A new file therefore carries every front matter field its content model
knows, each with a comment in plain words, and starts as a draft so a half-written page is never
published. The file name (and so the address) is a slug made from the name; nothing is overwritten.
A session is not a file: `ecosite new session YEAR TITLE` adds it to the end of the edition's
`sessions:` list, with only what is known (its title) and the other fields as comments to fill in
when they are announced, so nothing unconfirmed is published.
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
from ecosite.content.yamlsafe import YamlProblem, load_yaml
from ecosite.content_types.network import network_file
from ecosite.content_types.news import news_file
from ecosite.content_types.page import page_file
from ecosite.errors import ContentError
from ecosite.registry import CONTENT_TYPES, page_type
from ecosite.summit.content_type import session_block

# Letters that Unicode does not decompose into a base letter plus an accent.
_TRANSLITERATIONS = str.maketrans({"ß": "ss", "æ": "ae", "Æ": "AE", "ø": "o", "Ø": "O", "œ": "oe", "Œ": "OE",
                                   "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ð": "d", "Ð": "D", "þ": "th",
                                   "Þ": "TH", "ı": "i", "&": " and "})
KINDS = tuple(t.name for t in CONTENT_TYPES if t.scaffold is not None)  # network, news, page, session
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
                          "The file name is made from the name; an existing file is never overwritten. "
                          "`new session YEAR TITLE` adds a session to the end of content/summit/YEAR.yaml.")
    parser.add_argument("kind", choices=KINDS, help="what to create: network, news, page or session")
    parser.add_argument("name", help="the network's name, the news headline, the page's path under "
                                     "content/ (e.g. about/partners), or the summit's year (session)")
    parser.add_argument("session_title", nargs="?", default=None, metavar="SESSION_TITLE",
                        help="the session's title (session only), e.g. ecosite new session 2026 \"HPV elimination\"")
    parser.add_argument("--title", default=None, help="the page's title (page only; default: from its path)")
    add_root(parser)


def run(args: argparse.Namespace) -> int:
    root = args.root.resolve()
    content = root / "content"
    if not content.is_dir():
        print(f"ecosite: {root} has no content/ folder; pass --root with the project folder", file=sys.stderr)
        return 2
    if args.kind == "session":
        return _add_session(content, args.name, args.session_title or args.title)
    if args.session_title is not None:
        print(f"ecosite new: unexpected `{args.session_title}` - only `ecosite new session YEAR TITLE` takes two "
              "names; quote a name that has spaces", file=sys.stderr)
        return USAGE_ERROR
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


def _add_session(content: Path, year: str, title: str | None) -> int:
    """Append a session to content/summit/<year>.yaml, refusing anything that would not build."""
    if not re.fullmatch(r"\d{4}", year.strip()):
        print(f"ecosite new: `{year}` is not a year - write it as four digits, e.g. "
              "`ecosite new session 2026 \"HPV elimination\"`", file=sys.stderr)
        return USAGE_ERROR
    if not title or not title.strip() or not slugify(title):
        print("ecosite new: a session needs a title with letters or digits - "
              "e.g. `ecosite new session 2026 \"HPV elimination\"`", file=sys.stderr)
        return USAGE_ERROR
    rel = f"content/summit/{year.strip()}.yaml"
    path = content / "summit" / f"{year.strip()}.yaml"
    if not path.is_file():
        print(ContentError(rel, 1, f"there is no edition {year.strip()} yet, so no session was added",
                           f"create {rel} with at least `year: {year.strip()}` and `start_date:`"), file=sys.stderr)
        return 1
    try:
        raw = load_yaml_file(path, rel)
    except ContentError as error:
        print(error, file=sys.stderr)
        return 1
    data = raw.value if isinstance(raw.value, dict) else {}
    listed = data.get("sessions")
    sessions = listed if isinstance(listed, list) else []
    ids = {str(s.get("id")) for s in sessions if isinstance(s, dict)}
    base = slugify(title)
    session_id = next(c for c in (base if n == 1 else f"{base}-{n}" for n in range(1, len(ids) + 2)) if c not in ids)
    text = path.read_text(encoding="utf-8")
    new_text, line = _with_session(text, session_id, title.strip(), _network_slugs(content / "networks"))
    try:
        load_yaml(new_text)
    except YamlProblem as problem:  # e.g. `sessions: []` written inline: the editor adds it by hand
        print(ContentError(rel, problem.line, "the session could not be added to this file automatically",
                           "add it by hand at the end of `sessions:` (see EDITING.md)"), file=sys.stderr)
        return 1
    path.write_text(new_text, encoding="utf-8")
    print(f"Added the session `{session_id}` to {rel} at line {line}.")
    print("Fill in its networks and sources; add its day, times and room when they are announced.")
    return 0


def _with_session(text: str, session_id: str, title: str, networks: list[str]) -> tuple[str, int]:
    """The file's text with the session at the end of its top-level `sessions:` list, and that line."""
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    start = next((i for i, line in enumerate(lines) if re.match(r"sessions:\s*(\[\s*\])?\s*(#.*)?$", line)), None)
    if start is not None:
        lines[start] = "sessions:\n"  # `sessions: []` becomes a list with this one session
    if start is None:
        block = session_block(session_id, title, "  ", networks)
        return "".join(lines) + "sessions:\n" + block, len(lines) + 2
    end = start + 1
    while end < len(lines) and (lines[end][:1] in (" ", "-", "#") or not lines[end].strip()):
        end += 1
    while end > start + 1 and (not lines[end - 1].strip() or lines[end - 1].startswith("#")):
        end -= 1  # blank lines and comments just before the next key stay with that key
    item = next((re.match(r"(\s*)- ", line) for line in lines[start + 1:end] if re.match(r"\s*- ", line)), None)
    block = session_block(session_id, title, item[1] if item else "  ", networks)
    return "".join(lines[:end]) + block + "".join(lines[end:]), end + 1


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
