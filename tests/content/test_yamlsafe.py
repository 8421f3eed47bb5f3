"""The strict YAML loader: values stay as written, every line is remembered, traps are refused."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ecosite.content import yamlsafe
from ecosite.content.yamlsafe import YamlProblem, load_yaml


def test_plain_scalars_stay_text_except_booleans_nulls_and_integers():
    data = load_yaml("a: yes\nb: no\nc: on\nd: 1.10\ne: 01234\nf: 12:30\ng: 3\nh: true\ni: null\nj: 2024-06-24\n")
    assert data.value == {"a": "yes", "b": "no", "c": "on", "d": "1.10", "e": "01234", "f": "12:30",
                          "g": 3, "h": True, "i": None, "j": "2024-06-24"}


def test_lines_are_recorded_per_key_path_and_offset_to_the_file():
    data = load_yaml("title: x\nco_chairs:\n  - name: A\n  - name: B\n    society: S\n", first_line=2)
    assert data.lines[("title",)] == 2
    assert data.lines[("co_chairs", 1, "society")] == 6
    assert data.line_of(("co_chairs", 1, "missing")) == 5


@pytest.mark.parametrize("text, line, message", [
    ("a: 1\nb: 2\na: 3\n", 3, "duplicate key `a` (first given on line 1)"),
    ("a: &x [1]\nb: *x\n", 1, "YAML anchors and aliases (& and *) are not allowed"),
    ("base: &b {x: 1}\nother:\n  <<: *b\n", 1, "YAML anchors and aliases (& and *) are not allowed"),
    ("a: !!python/name:os.system x\n", 1, "YAML tag `tag:yaml.org,2002:python/name:os.system` is not allowed"),
    ("a: !custom x\n", 1, "YAML tag `!custom` is not allowed"),
    ("a: !!float 1.5\n", 1, "YAML tag `tag:yaml.org,2002:float` is not allowed"),
    ("a:\n\t- x\n", 2, "this line is indented with a tab"),
    ("a: [1, 2\n", 1, "the [ opened on this line is never closed"),
    ("a: 1\n---\nb: 2\n", 2, "a second `---` line"),
])
def test_traps_are_refused_with_their_line(text: str, line: int, message: str):
    with pytest.raises(YamlProblem) as caught:
        load_yaml(text)
    assert (caught.value.line, caught.value.message) == (line, message)
    assert caught.value.hint


def test_a_billion_laughs_never_expands():
    bomb = 'a: &a ["x","x"]\nb: &b [*a,*a]\nc: &c [*b,*b]\n'
    with pytest.raises(YamlProblem):
        load_yaml(bomb)


def test_deep_nesting_is_refused_quickly():
    with pytest.raises(YamlProblem) as caught:
        load_yaml("a: " + "[" * 5000 + "]" * 5000)
    assert "nested far too deeply" in caught.value.message


FRAGMENTS = ["a", "b", "key", ":", ": ", " ", "  ", "\n", "\n  ", "\t", "- ", "yes", "012", "3", "true", "~", "null",
             '"q\\tx"', "'s''t'", "#c", "&x ", "*x", "!!str ", "[", "]", "{", "}", ", ", "|", ">", "---", "...",
             "2024-06-24", "12:30", "\u00e9", "\u202e", "\\", '"', "'", "?", "<<", "%YAML 1.1\n",
             # what front matter is made of, where both paths run
             "title", "summary", "date", "x y", " :", "a:b", "-", "--", "\r\n", "\r", "\u0085", "\u2028",
             "\ufeff", "1.5", "-1", "0x1f", "+3", "\n- ", "\n    ", "\n\n", "  - ", '"a: b"', "'\n'", '"\\u00e9"',
             "https://x.org/a", "\u00a0", "\U0001f600", "\x85"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=30))
def test_the_libyaml_path_reads_every_document_exactly_as_the_python_path(parts):
    """Where the C parser accepts a document, it must give the same values and lines as the pure-Python
    loader; where it refuses one, the Python loader's own message is given (yamlsafe falls back)."""
    text = "".join(parts)
    fast = yamlsafe._fast_node(text)
    try:
        slow = yamlsafe._slow_node(text)
    except YamlProblem:
        assert fast is None, text
        return
    if fast is not None:
        fast_lines: dict = {}
        slow_lines: dict = {}
        try:
            expected = yamlsafe._construct(slow, (), slow_lines, 0) if slow is not None else None
        except YamlProblem as problem:
            with pytest.raises(YamlProblem) as same:
                yamlsafe._construct(fast[0], (), fast_lines, 0)
            assert (same.value.line, same.value.message) == (problem.line, problem.message), text
            return
        got = yamlsafe._construct(fast[0], (), fast_lines, 0) if fast[0] is not None else None
        assert (got, fast_lines) == (expected, slow_lines), text
