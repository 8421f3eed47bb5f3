"""PyYAML's syntax errors in an editor's words, at the line where the broken construct starts.

PyYAML reports where its parser gave up ("end of stream" at the last line for a quote opened on
line 2) in parser terms (`<block end>`, `'?'`, `token`). An editor needs the line they wrote and
what to type instead, so each error is matched against what the text around it shows: a tab, an
unclosed quote or bracket, a dash without its space, an item under `key: []`, a colon in a value,
a line indented unlike its neighbours.
"""

from __future__ import annotations

import re

import yaml

_KEY = re.compile(r"^(\s*)(- +)?([^\s:#][^:#]*?):(\s|$)")


YAML_LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")


def describe(exc: yaml.MarkedYAMLError, text: str, offset: int = 0) -> tuple[int, str, str]:
    """(1-based line in `text`, message, hint) for a PyYAML syntax error; `offset` places the lines a
    hint names in the editor's file (front matter starts on its line 2)."""
    lines = YAML_LINE_BREAK.split(text)  # the line breaks PyYAML counts, so its marks index these lines
    problem, context = exc.problem or "", exc.context or ""
    at = exc.problem_mark.line if exc.problem_mark else 0
    at_column = exc.problem_mark.column if exc.problem_mark else 0
    start = exc.context_mark.line if exc.context_mark else at
    start_column = exc.context_mark.column if exc.context_mark else 0
    line_text = lines[at] if at < len(lines) else ""

    if "'\\t'" in problem or "\t" in line_text[: len(line_text) - len(line_text.lstrip())]:
        return at + 1, "this line is indented with a tab", (
            "YAML needs spaces: delete the tab and type spaces instead (in VS Code: "
            "\"Convert Indentation to Spaces\")")
    if "quoted scalar" in context:
        opened = lines[start] if start < len(lines) else ""
        quote = opened[start_column] if start_column < len(opened) else '"'
        return start + 1, f"the quote {quote} opened on this line is never closed", (
            f"end the text with {quote} on the same line: `{opened.strip()}{quote}`")
    if "flow sequence" in context or "flow mapping" in context:
        opened = lines[start] if start < len(lines) else ""
        bracket = opened[start_column] if start_column < len(opened) else "["
        closing = "]" if bracket == "[" else "}"
        return start + 1, f"the {bracket} opened on this line is never closed", (
            f"end it with {closing} on the same line: `{opened.strip()}{closing}`")
    if "another document" in problem:
        return at + 1, "a second `---` line", "a file holds one block of fields: remove the extra `---` line"
    stripped = line_text.strip()
    if re.match(r"^-[^\s-]", stripped):
        return at + 1, "a space is missing after the dash", f"write `- {stripped[1:]}`"
    previous = _previous_line(lines, at)
    if previous is not None and re.search(r":\s*\[\]\s*$", lines[previous]) and stripped.startswith("-"):
        key = lines[previous].split(":")[0].strip()
        items = [line.strip() for line in lines[previous + 1:] if line.strip().startswith("-")][:3]
        written = " / ".join(f"`  {item}`" for item in items)
        return previous + 1, f"`{key}: []` says the list is empty, but items follow it", (
            f"remove the `[]` and write the list out, one item per line: `{key}:` / {written}")
    if re.match(r"""^\s*[^:]+:\s*(["']).*?\1\s*[^\s#]""", line_text):
        return at + 1, "text follows the closing quote", (
            f"put the whole value inside the quotes: `{_requoted(line_text)}`")
    if stripped.startswith("- ") and "block mapping" in context:
        return at + 1, "a list item `- ...` stands among `key: value` lines", (
            "indent it under the key whose list it belongs to, or write it as `key: value`")
    if "mapping values" in problem:
        written_key = _KEY.match(line_text)
        if not (written_key and written_key.end(3) == at_column):  # the colon is inside a value
            return at + 1, "the text after `:` contains another `: `", (
                'put quotes around the value (for example title: "Summit: 2025")')
    if "cannot start any token" in problem:
        character = line_text[at_column] if at_column < len(line_text) else "?"
        return at + 1, f"a value cannot start with {character}", (
            f'put quotes around the value, e.g. `{_quoted(line_text)}`')
    if "could not find expected ':'" in problem:
        return start + 1, "this line is neither `key: value` nor a list item `- ...`", (
            "add the missing `:` after the key, or indent the line under the key it continues")
    if previous is not None and stripped:
        expected = _content_column(lines[previous])
        if _indent(line_text) != expected or "mapping values" in problem:
            where = (f"indent it by {expected} space{'s' if expected != 1 else ''}" if expected
                     else "start it at the beginning of the line")
            return at + 1, "this line is not lined up with the line above it", (
                f"{where}, like line {previous + 1 + offset}: `{' ' * expected}{stripped}`")
    return at + 1, "this line cannot be read", "check the indentation and quotes on this line and the one before"


def _previous_line(lines: list[str], index: int) -> int | None:
    for number in range(min(index, len(lines)) - 1, -1, -1):
        if lines[number].strip() and not lines[number].lstrip().startswith("#"):
            return number
    return None


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _content_column(line: str) -> int:
    """Where the keys of the block a line belongs to start: after `- ` for a list item's first key."""
    match = re.match(r"^(\s*)(- +)?", line)
    return len(match.group(0)) if match else 0


def _quoted(line: str) -> str:
    key, sep, value = line.strip().partition(": ")
    return f'{key}: "{value}"' if sep else f'"{line.strip()}"'


def _requoted(line: str) -> str:
    key, _, value = line.strip().partition(":")
    return f'{key}: "{value.strip().replace(chr(34), "")}"'
