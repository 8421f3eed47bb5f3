"""Strict YAML: safe loading that remembers the line of every value.

PyYAML's own loaders turn `yes`, `01234` and `12:30` into surprises and forget where a value came
from. Here plain scalars stay strings (only `true`/`false`, `null` and plain decimal integers are
typed), anchors, aliases, merge keys, tags and duplicate keys are refused, and every value's line
is recorded under its key path so a validation error can point at the line an editor wrote.

Where PyYAML was built with libyaml, its C scanner and parser feed the same line-recording composer
(a fifth of a cold build was the pure-Python scanner); any document the C parser refuses, or that holds a
character only the Python reader refuses, is read again by the pure-Python loader, so every message
an editor sees is the same with or without libyaml.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.events import AliasEvent, CollectionStartEvent, ScalarEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.resolver import BaseResolver
from yaml.scanner import Scanner

from ecosite.content.text import FIND_FORBIDDEN_IN_ESCAPES, FORBIDDEN_IN_ESCAPES
from ecosite.content.yaml_messages import describe

STR, INT, BOOL, NULL = (f"tag:yaml.org,2002:{t}" for t in ("str", "int", "bool", "null"))
MAP, SEQ = "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"
MAX_DEPTH = 40

KeyPath = tuple[str | int, ...]


class YamlProblem(Exception):
    """A YAML mistake at a line (1-based, counted in the YAML text given)."""

    def __init__(self, line: int, message: str, hint: str):
        super().__init__(message)
        self.line, self.message, self.hint = line, message, hint


class _Resolver(BaseResolver):
    """Types only what cannot surprise: true/false, null and plain decimal integers."""


_Resolver.add_implicit_resolver(BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))
_Resolver.add_implicit_resolver(NULL, re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""])
_Resolver.add_implicit_resolver(INT, re.compile(r"^[-+]?(?:0|[1-9][0-9]{0,17})$"), list("-+0123456789"))


class _Composer(Composer):
    peek_event: Callable[[], Any]  # from PyYAML's Parser, which the loader mixes in

    def compose_node(self, parent: Node | None, index: int) -> Node | None:
        event = self.peek_event()
        if isinstance(event, AliasEvent) or (
            isinstance(event, (ScalarEvent, CollectionStartEvent)) and event.anchor
        ):
            raise YamlProblem(
                event.start_mark.line + 1 if event.start_mark else 1,
                "YAML anchors and aliases (& and *) are not allowed",
                "write the value out in full where it is needed",
            )
        return super().compose_node(parent, index)


class _Loader(Reader, Scanner, Parser, _Composer, _Resolver):
    def __init__(self, text: str):
        Reader.__init__(self, text)
        Scanner.__init__(self)
        Parser.__init__(self)
        _Composer.__init__(self)
        _Resolver.__init__(self)


try:
    from yaml.cyaml import CParser as _CParser  # type: ignore[attr-defined]  # libyaml binding, no stubs
    _WITH_LIBYAML = True
except ImportError:  # PyYAML built without libyaml: the pure-Python loader reads everything
    _WITH_LIBYAML = False


if _WITH_LIBYAML:
    class _FastLoader(_Composer, _CParser, _Resolver):
        """libyaml's events, composed (anchors refused, lines kept) by the same Python composer."""

        def __init__(self, text: str):
            _CParser.__init__(self, text)
            _Composer.__init__(self)
            _Resolver.__init__(self)


# libyaml and PyYAML disagree at the edges (tabs, `|#`, where an empty document starts...): the C path
# takes only documents without the characters of those edges, as front matter mostly is; the others
# are read by the Python loader alone. tests/content/test_yamlsafe.py compares the two paths on random documents.
_NOT_PLAIN = re.compile(r"[\t|>%&*!?{}\[\]#`@\\\ufeff]|---|\.\.\.")


def _fast_node(text: str) -> tuple[Node | None, bool] | None:
    """The document's node through libyaml, or None when the C path cannot vouch for the text."""
    if not _WITH_LIBYAML or not text.strip() or _NOT_PLAIN.search(text) or Reader.NON_PRINTABLE.search(text):
        return None
    loader = _FastLoader(text)
    try:
        return loader.get_single_node(), True
    except RecursionError:  # what the Python loader says too, without nesting that deep a second time
        raise YamlProblem(1, "the YAML is nested far too deeply", f"keep nesting under {MAX_DEPTH} levels") from None
    except (yaml.YAMLError, YamlProblem):
        return None  # read again by the Python loader, whose messages editors get
    finally:
        loader.dispose()


@dataclass
class YamlData:
    """Plain Python data plus the line where each key path starts."""

    value: object
    lines: dict[KeyPath, int] = field(default_factory=dict)

    def line_of(self, path: KeyPath) -> int:
        """The line of the longest known prefix of `path` (a missing key points at its parent)."""
        for end in range(len(path), -1, -1):
            if path[:end] in self.lines:
                return self.lines[path[:end]]
        return 1


def load_yaml(text: str, first_line: int = 1) -> YamlData:
    """Parse one YAML document strictly; raises YamlProblem on anything an editor should fix.

    `first_line` is the file line the text starts on (front matter starts on line 2), so every
    line reported, in data and in messages, is a line of the editor's file.
    """
    try:
        return _load(text, first_line - 1)
    except YamlProblem as problem:
        problem.line += first_line - 1
        raise


def _load(text: str, offset: int) -> YamlData:
    fast = _fast_node(text)
    node = fast[0] if fast else _slow_node(text, offset)
    data = YamlData(None)
    if node is not None:
        data.value = _construct(node, (), data.lines, 0, offset)
    data.lines = {path: line + offset for path, line in data.lines.items()}
    return data


def _slow_node(text: str, offset: int = 0) -> Node | None:
    try:
        loader = _Loader(text)  # PyYAML's reader refuses some characters (U+FFFE, C1 controls) at once
    except yaml.reader.ReaderError as exc:
        line = text[: exc.position].count("\n") + 1
        raise YamlProblem(line, f"the character U+{exc.character:04X} cannot appear in YAML",
                          "delete it; retype the line if you cannot see it") from None
    try:
        return loader.get_single_node()
    except YamlProblem:
        raise
    except yaml.MarkedYAMLError as exc:
        line, message, hint = describe(exc, text, offset)
        raise YamlProblem(line, message, hint) from None
    except yaml.YAMLError as exc:
        raise YamlProblem(1, f"YAML error: {exc}", "check the file is plain YAML") from None
    except RecursionError:
        raise YamlProblem(1, "the YAML is nested far too deeply", f"keep nesting under {MAX_DEPTH} levels") from None
    finally:
        loader.dispose()


def _construct(node: Node, path: KeyPath, lines: dict[KeyPath, int], depth: int, offset: int = 0) -> object:
    line = node.start_mark.line + 1
    lines[path] = line
    if depth > MAX_DEPTH:
        raise YamlProblem(line, "the YAML is nested far too deeply", f"keep nesting under {MAX_DEPTH} levels")
    if isinstance(node, MappingNode):
        if node.tag != MAP:
            raise _tag_problem(node)
        result: dict[str, object] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                raise YamlProblem(key_node.start_mark.line + 1, "a key must be a plain word", "write keys as `name: value`")
            key = key_node.value
            key_line = key_node.start_mark.line + 1
            if key == "<<":
                raise YamlProblem(key_line, "YAML merge keys (<<) are not allowed", "write the keys out in full")
            if key in result:
                raise YamlProblem(
                    key_line,
                    f"duplicate key `{key}` (first given on line {lines[path + (key,)] + offset})",
                    "keep one of the two and delete the other",
                )
            result[key] = _construct(value_node, path + (key,), lines, depth + 1, offset)
            lines[path + (key,)] = key_line
        return result
    if isinstance(node, SequenceNode):
        if node.tag != SEQ:
            raise _tag_problem(node)
        return [_construct(item, path + (i,), lines, depth + 1, offset) for i, item in enumerate(node.value)]
    if node.tag == STR:
        return _visible_text(node)
    if node.tag == BOOL:
        return node.value.lower() == "true"
    if node.tag == NULL:
        return None
    if node.tag == INT:
        return int(node.value)
    raise _tag_problem(node)


# What a double-quoted escape ("\0", "\e", "\r", "\u202E", "\uFFFE") can put into a value that the
# file itself may not hold: controls, bidirectional overrides, line separators and noncharacters.
_INVISIBLE = FORBIDDEN_IN_ESCAPES  # content/text.py: the one policy


def _visible_text(node: Node) -> str:
    if FIND_FORBIDDEN_IN_ESCAPES.search(node.value):
        bad = sorted(set(node.value) & _INVISIBLE)
        raise YamlProblem(node.start_mark.line + 1, f"the value holds the invisible character U+{ord(bad[0]):04X}",
                          "remove the escape (a backslash code such as \\u202E or \\0) and write plain text")
    return node.value


def _tag_problem(node: Node) -> YamlProblem:
    return YamlProblem(
        node.start_mark.line + 1,
        f"YAML tag `{node.tag}` is not allowed",
        "remove the `!` tag; write plain text, numbers, lists and key: value pairs",
    )
