"""Markdown: markdown-it-py configured once, safe by construction.

Raw HTML is off, link schemes are allow-listed, headings get unique ids, and links written to
other pages' source files (`../networks/workforce.md#aims`) are resolved to their URLs. Parsing
and rendering are separate steps, so the site can learn every page's headings before any link is
checked. Some inputs make any CommonMark parser slow (a paragraph of 100,000 `![` is quadratic), so
parsing has a per-page time budget and a page over it is an error, never a hang. In a process's main
thread (builds, and their worker processes) a CPU timer signal enforces it at no cost per rule; in other
threads (the preview's builder) every parsing rule checks the clock, which makes parsing a third slower.
Most bodies are read by the compiled parser instead (markdown/compiled.py), giving the same HTML.
"""

from __future__ import annotations

import copyreg
import posixpath
import re
import signal
import threading
import time
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.anchors.index import unique_slug
from mdit_py_plugins.footnote import footnote_plugin

from ecosite.content.text import BIDI_CONTROLS, IGNORED_IN_URLS
from ecosite.content.typography import with_typographer
from ecosite.errors import ContentError
from ecosite.markdown import compiled

SAFE_SCHEMES = {"http", "https", "mailto", "tel"}
_SCHEME_RE = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")


def slugify(text: str) -> str:
    """Heading text -> an id made of ASCII letters, digits and hyphens."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "section"


PARSE_SECONDS = 5.0
"""The time one page body may take to parse: real pages take milliseconds, a 2 MB one about 2 s."""




class BodyProblem(Exception):
    """A page body that parsing refuses; `line` is 0-based in the body, placed in the file by `located`."""

    def __init__(self, line: int, message: str, hint: str):
        super().__init__(message)
        self.line, self.message, self.hint = line, message, hint

    def located(self, shown: str, body_line: int) -> ContentError:
        return ContentError(shown, body_line + self.line, self.message, self.hint)


class MarkdownTooSlow(BodyProblem):
    """Parsing ran over its time budget while reading the block at `line`."""

    def __init__(self, line: int):
        super().__init__(line, f"this part of the page takes over {PARSE_SECONDS:g} seconds to read",
                         "break up long runs of [ ! * _ ` > or - characters here, or split the page")


CLOCK_EVERY = 64  # rule calls between two reads of the clock; each call is microseconds of work
_budget = threading.local()  # per parsing thread: .deadline (thread CPU seconds, or None) and .line


def _check_budget() -> None:
    """The thread's CPU clock is a slow system call (a fifth of a build when read on every rule call).
    CPU time never runs ahead of the wall clock, so it is read only once the cheap wall clock says the
    budget could be spent, and then on every CLOCK_EVERY-th rule call."""
    deadline = getattr(_budget, "deadline", None)
    if deadline is not None and time.perf_counter() > _budget.wall_deadline:
        calls = _budget.calls = getattr(_budget, "calls", 0) + 1
        if not calls % CLOCK_EVERY and time.thread_time() > deadline:
            raise MarkdownTooSlow(_budget.line)


def _budgeted(fn: Callable[..., Any], is_block: bool = False) -> Callable[..., Any]:
    def rule(*args: Any) -> Any:
        if is_block:
            _budget.line = args[1]  # block rules are called as (state, start_line, end_line, silent)
        _check_budget()
        return fn(*args)
    return rule


def _inline_by_block(state: StateCore) -> None:
    """markdown-it's core `inline` rule, remembering which block is parsed for the time-budget error."""
    for token in state.tokens:
        if token.type == "inline":
            _budget.line = token.map[0] if token.map else getattr(_budget, "line", 0)
            token.children = token.children if token.children is not None else []
            state.md.inline.parse(token.content, state.md, state.env, token.children)


def _add_time_budget(md: MarkdownIt) -> None:
    """Make every parsing rule check the time budget first, so no input can make a page hang."""
    md.core.ruler.at("inline", _inline_by_block)
    for ruler, is_block in ((md.block.ruler, True), (md.inline.ruler, False), (md.inline.ruler2, False),
                            (md.core.ruler, False)):
        for rule in [r for r in ruler.__rules__ if r.name != "text"]:  # `text` is hot and always cheap
            ruler.at(rule.name, _budgeted(rule.fn, is_block), {"alt": rule.alt})


def _make_parser(checks_clock: bool) -> MarkdownIt:
    md = with_typographer(MarkdownIt("commonmark", {"html": False, "typographer": True}))
    md.enable(["table", "strikethrough"])
    md.use(footnote_plugin)
    md.use(anchors_plugin, min_level=1, max_level=6, slug_func=slugify)
    md.validateLink = lambda url: True  # type: ignore[method-assign]  # every link is checked by `check_links` instead, with a line
    if checks_clock:
        _add_time_budget(md)
    else:
        md.core.ruler.at("inline", _inline_by_block)  # still remembers the block, for the timer's error
    return md


MD = _make_parser(checks_clock=True)  # for threads other than the main one, where no signal can reach
TIMED_MD = _make_parser(checks_clock=False)  # the same rules, bounded by a CPU timer signal
TIMER_REPEAT = 0.05  # seconds: once over budget the signal repeats, in case library code swallowed one


PARSING_MODULES = ("markdown_it", "mdit_py_plugins", "ecosite.markdown", "ecosite.content.typography")


def _over_budget(signum: int, frame: Any) -> None:
    """SIGVTALRM during a timed parse: stop it, naming the block whose rule was running.

    Only from parsing code: raised inside a garbage-collector callback or a __del__ the exception would
    be swallowed, so then the handler returns and the repeating timer comes back in TIMER_REPEAT."""
    if frame is None or not str(frame.f_globals.get("__name__", "")).startswith(PARSING_MODULES):
        return
    line = getattr(_budget, "line", 0)
    while frame is not None:
        if "startLine" in frame.f_locals:  # a block rule's (state, startLine, endLine, silent)
            line = frame.f_locals["startLine"]
            break
        frame = frame.f_back
    raise MarkdownTooSlow(line)


def _timed_parse(body: str, env: dict, seconds: float) -> list[Token]:
    previous = signal.signal(signal.SIGVTALRM, _over_budget)
    signal.setitimer(signal.ITIMER_VIRTUAL, seconds, TIMER_REPEAT)
    try:
        return TIMED_MD.parse(body, env)
    finally:
        signal.setitimer(signal.ITIMER_VIRTUAL, 0)
        signal.signal(signal.SIGVTALRM, previous)


def _can_time() -> bool:
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()

@dataclass
class Heading:
    level: int
    id: str
    title: str


@dataclass
class ParsedMarkdown:
    """A page body after parsing: tokens plus what other stages need to know about it.

    With `html`, the body is already rendered, each link's address a numbered placeholder, and `tokens`
    holds only its links (with_placeholders); `render` then fills in their addresses."""

    tokens: list[Token]
    headings: list[Heading] = field(default_factory=list)
    env: dict = field(default_factory=dict)
    html: str | None = None

    @property
    def ids(self) -> set[str]:
        return {h.id for h in self.headings}

    @property
    def toc(self) -> list[Heading]:
        """Headings below the page title, for a table of contents."""
        return [h for h in self.headings if h.level >= 2]


def parse(body: str, seconds: float = PARSE_SECONDS) -> ParsedMarkdown:
    """Tokens, headings and footnotes of a body; raises MarkdownTooSlow after `seconds`, BodyProblem.

    The compiled parser reads the bodies it reads exactly as markdown-it-py does (markdown/compiled.py)."""
    fast = compiled.read(body)
    if fast is not None:
        return _from_compiled(*fast)
    env: dict = {}
    _budget.line = 0
    if _can_time():
        tokens = _timed_parse(body, env, seconds)
    else:
        _budget.deadline = time.thread_time() + seconds
        _budget.wall_deadline = time.perf_counter() + seconds
        try:
            tokens = MD.parse(body, env)
        finally:
            _budget.deadline = None
    if "&#" in body or "%" in body:
        _refuse_hidden_direction_changes(tokens)
    parsed = ParsedMarkdown(tokens, env=env)
    for index, token in enumerate(tokens):
        if token.type == "heading_open":
            inline = tokens[index + 1]
            title = "".join(c.content for c in inline.children or [] if c.type in ("text", "code_inline"))
            parsed.headings.append(Heading(int(token.tag[1]), str(token.attrGet("id")), title))
    return parsed


_HEADING_OPEN = re.compile(r"<h([1-6])>")


def _from_compiled(html: str, headings: list[tuple[int, str]], links: list[compiled.Link]) -> ParsedMarkdown:
    """The compiled parser's reading in the form with_placeholders gives: ids as the anchors plugin makes them."""
    slugs: set[str] = set()
    found = [Heading(level, unique_slug(slugify(title), slugs), title) for level, title in headings]
    if found:
        ids = iter(found)
        html = _HEADING_OPEN.sub(lambda match: f'<h{match.group(1)} id="{next(ids).id}">', html)
    tokens = []
    for attr, url, alt, line in links:
        if attr == "href":
            token = Token("link_open", "a", 1, attrs={"href": url})
        else:
            token = Token("image", "img", 0, attrs={"src": url, "alt": ""}, content=alt,
                          children=[Token("text", "", 0, content=alt)])
        tokens.append(_holding(token, line))
    return ParsedMarkdown(tokens, found, {}, html)


def _holding(token: Token, line: int) -> Token:
    """A link on its own, in a block token that keeps its line (what link_tokens reads)."""
    return Token("inline", "", 0, map=[line, line + 1], children=[token])


_SHORT: tuple = (0, "", "", {}, False, False)  # a token's level, markup, info, meta, block and hidden as most have them


def _token(type_: str, tag: str, nesting: Any, attrs: dict, map_: list[int] | None, children: list[Token] | None,
           content: str, rest: tuple = _SHORT) -> Token:
    token = Token(type_, tag, nesting, attrs, map_, 0, children, content)
    if rest is not _SHORT:
        token.level, token.markup, token.info, token.meta, token.block, token.hidden = rest
    return token


def _token_reduced(token: Token) -> tuple:
    """How a token is pickled: the link tokens of every page compiled in a worker travel back to the
    build, and Token, a dataclass with slots, pickles its thirteen fields by name and unpickles them one
    `setattr` at a time. As a call with the fields most tokens set, 10,000 link tokens pickle in 27 ms
    instead of 80 and unpickle in 34 ms instead of 90; what a worker sends back for 1,000 pages (with the
    collector paused, as in a build) in 0.09-0.12 s instead of 0.13-0.16."""
    args = (token.type, token.tag, token.nesting, token.attrs, token.map, token.children, token.content)
    rest = (token.level, token.markup, token.info, token.meta, token.block, token.hidden)
    return _token, args if rest == _SHORT else (*args, rest)


copyreg.pickle(Token, _token_reduced)

_PLACEHOLDER = "\x00{}\x00"  # control characters cannot occur in content files (documents.read_text)
_PLACEHOLDER_RE = re.compile("\x00(\\d+)\x00")


def with_placeholders(parsed: ParsedMarkdown) -> ParsedMarkdown:
    """The body rendered with each link's address a numbered placeholder, keeping only the link tokens
    (a page's token tree is many times its size); `render` fills in the addresses once resolved."""
    if parsed.html is not None:
        return parsed
    kept: list[Token] = []
    for number, (token, attr, line) in enumerate(link_tokens(parsed.tokens)):
        original = token.copy()
        original.attrs = dict(token.attrs)
        token.attrSet(attr, _PLACEHOLDER.format(number))
        kept.append(_holding(original, line))
    return ParsedMarkdown(kept, parsed.headings, {}, MD.renderer.render(parsed.tokens, MD.options, parsed.env))


def _refuse_hidden_direction_changes(tokens: list[Token]) -> None:
    """An entity such as &#x202E;, or a percent code in an autolink's text (<https://a.org/%E2%80%AE>),
    decodes to a bidirectional override the file check cannot see. Only those two can write one (no named
    entity is a direction control), so parse() looks only when the body holds `&#` or `%`."""
    line = 0
    for token in tokens:
        line = token.map[0] if token.map else line
        for child in token.children or []:
            bad = sorted(set(child.content) & BIDI_CONTROLS)
            if bad:
                raise BodyProblem(line, f"an HTML entity or percent code here writes the invisible direction "
                                  f"control U+{ord(bad[0]):04X}, which can make text read backwards",
                                  "remove the &#...; or %.. code")


def link_tokens(tokens: list[Token]) -> Iterator[tuple[Token, str, int]]:
    """Every (token, attribute, line index) for links and images, footnotes included."""
    line = 0
    for token in tokens:
        if token.map:
            line = token.map[0]
        for child in token.children or []:
            if child.type == "link_open":
                yield child, "href", line
            elif child.type == "image":
                yield child, "src", line


def scheme_of(url: str) -> str | None:
    """The scheme a browser would see, after dropping the invisible characters it ignores."""
    match = _SCHEME_RE.match(IGNORED_IN_URLS.sub("", unquote(url)))
    return match.group(1).lower() if match else None


Resolver = Callable[[str, str], str]
"""(target source path relative to content/, anchor) -> URL; raises ValueError with a hint."""


def resolve_links(parsed: ParsedMarkdown, rel: str, shown: str, body_line: int,
                  resolve_page: Resolver, resolve_static: Callable[[str], str],
                  warnings: list[ContentError]) -> list[ContentError]:
    """Check every link's scheme and rewrite links to source files into site URLs, in place."""
    errors: list[ContentError] = []
    folder = posixpath.dirname(rel)
    for token, attr, index in link_tokens(parsed.tokens):
        line = body_line + index
        url = str(token.attrGet(attr) or "")
        scheme = scheme_of(url)
        if scheme is not None:
            if scheme not in SAFE_SCHEMES or (attr == "src" and scheme not in ("http", "https")):
                errors.append(ContentError(shown, line, f"the link `{_short(url)}` uses the unsafe scheme `{scheme}:`",
                                           "link to an https:// address or to another page's .md file"))
            elif scheme == "http":
                warnings.append(ContentError(shown, line, f"the link `{_short(url)}` is not secure (http)",
                                             "use https:// if the site supports it"))
            continue
        if attr == "src" and not token.content.strip() and not _alt_text(token):
            warnings.append(ContentError(shown, line, "an image has no alt text",
                                         "describe the image inside the brackets: ![what it shows](file.png)"))
        if url.startswith("#"):
            if url[1:] and url[1:] not in parsed.ids and not url[1:].startswith("fn"):
                errors.append(ContentError(shown, line, f"the link `{url}` points to no heading on this page",
                                           f"headings here have the ids: {', '.join(sorted(parsed.ids)) or 'none'}"))
            continue
        if url.startswith("/") or not url:
            meant = _source_of_address(url, resolve_page, resolve_static)
            errors.append(ContentError(shown, line, f"the link `{_short(url)}` is a web address, not a path to a file"
                                       if url else "the link is empty",
                                       f"write the path from this file instead: `{_relative(meant, folder)}`" if meant
                                       else "link to the page's .md file relative to this one, e.g. ../networks/workforce.md"))
            continue
        path, _, anchor = url.partition("#")
        target = posixpath.normpath(posixpath.join(folder, unquote(path)))
        try:
            if path.endswith(".md"):
                token.attrSet(attr, resolve_page(target, anchor))
            else:
                token.attrSet(attr, resolve_static(target) + (f"#{anchor}" if anchor else ""))
        except ValueError as problem:
            message, _, hint = str(problem).partition(" | ")
            near = getattr(problem, "near", None)
            if near:
                hint = f"did you mean `{_relative(near, folder)}`?"
            errors.append(ContentError(shown, line, message, hint, getattr(problem, "cause", "")))
    return errors


def _source_of_address(url: str, resolve_page: Resolver, resolve_static: Callable[[str], str]) -> str | None:
    """The source file (under content/) behind a site address such as /static/img/x.svg or /about/."""
    path = unquote(url.partition("#")[0]).strip("/")
    if not url:
        return None
    candidates = [path] if path.startswith("static/") else [f"{path}/index.md" if path else "index.md", f"{path}.md"]
    for candidate in candidates:
        try:
            resolve_static(candidate) if candidate.startswith("static/") else resolve_page(candidate, "")
        except ValueError:
            continue
        return candidate
    return path if path.startswith("static/") else None


def _relative(target: str, folder: str) -> str:
    return posixpath.relpath(target, folder or ".")


def _alt_text(token: Token) -> str:
    return "".join(child.content for child in token.children or [])


def _short(url: str) -> str:
    return url if len(url) <= 60 else url[:57] + "..."


def render(parsed: ParsedMarkdown) -> str:
    """The body's HTML, with the addresses its link tokens hold now."""
    if parsed.html is None:
        return MD.renderer.render(parsed.tokens, MD.options, parsed.env)
    addresses = [str(token.attrGet(attr) or "") for token, attr, _ in link_tokens(parsed.tokens)]
    return _PLACEHOLDER_RE.sub(lambda match: escapeHtml(addresses[int(match.group(1))]), parsed.html)
