"""YAML: language-specific tags, type surprises, duplicate keys, alias bombs, deep nesting,
impossible dates, naive and zoned date-times, and wrong types.

Incidents elsewhere: `!!python/object/apply` running commands through yaml.load, the "Norway
problem" (NO read as false), 12:30 read as the number 750, billion-laughs alias expansion, silent
last-one-wins duplicate keys, and sorts that crash comparing naive and aware date-times.
"""

from __future__ import annotations

import time

import pytest

from .conftest import build_with, page

TAGS = [
    ("title: !!python/object/apply:os.system ['touch PWNED']", 2, "tag:yaml.org,2002:python/object/apply:os.system"),
    ("title: A\nsummary: !!python/name:os.system", 3, "tag:yaml.org,2002:python/name:os.system"),
    ("title: A\nsummary: !ruby/object:Gem::Installer\n  i: x", 3, "!ruby/object:Gem::Installer"),
    ("title: !!binary aGVsbG8=", 2, "tag:yaml.org,2002:binary"),
    ("title: A\nsummary: !!timestamp 2024-01-01", 3, "tag:yaml.org,2002:timestamp"),
    ("title: A\nsummary: !!set {a, b}", 3, "tag:yaml.org,2002:set"),
    ("title: !custom x", 2, "!custom"),
    ("title: A\nsummary: !<tag:yaml.org,2002:python/object/new:os.system> [x]", 3,
     "tag:yaml.org,2002:python/object/new:os.system"),
]


@pytest.mark.parametrize(("front", "line", "tag"), TAGS)
def test_language_specific_tags_are_refused_at_their_line(tmp_path, front, line, tag):
    outcome = build_with(tmp_path, {"content/a.md": page(front)})
    assert outcome.code == 1
    assert outcome.errors == [f"content/a.md:{line}: YAML tag `{tag}` is not allowed - remove the `!` tag; "
                              "write plain text, numbers, lists and key: value pairs"]
    assert not (tmp_path / "project" / "PWNED").exists()


SURPRISES = [
    ("title: no", "no"),
    ("title: NO", "NO"),
    ("title: 12:30", "12:30"),
    ("title: 1.10", "1.10"),
    ("title: 0x1F", "0x1F"),
    ("title: 1e3", "1e3"),
    ("title: .inf", ".inf"),
    ("title: 010", "010"),
    ("title: 2024-06-24", "2024-06-24"),
    ("title: on", "on"),
]


@pytest.mark.parametrize(("front", "shown"), SURPRISES)
def test_plain_values_are_shown_as_written(tmp_path, front, shown):
    outcome = build_with(tmp_path, {"content/a.md": page(front)})
    assert outcome.code == 0, outcome.stderr
    assert f"<h1>{shown}</h1>" in outcome.html("a/index.html")


WRONG_TYPES = [
    ("title: A\ndraft: yes", "content/a.md:3: draft must be true or false - write `true` or `false` (not yes/no)"),
    ("title: A\ndraft: 'true'", "content/a.md:3: draft must be true or false - write `true` or `false` (not yes/no)"),
    ("title: ~", "content/a.md:2: title must be text - write the text after the colon; quote it if it starts "
                 "with [ { ~ or is empty"),
    ("title: [a, b]", "content/a.md:2: title must be text - write the text after the colon; quote it if it "
                      "starts with [ { ~ or is empty"),
    ("title:\n  a: 1", "content/a.md:2: title must be text - write the text after the colon; quote it if it "
                       "starts with [ { ~ or is empty"),
    ("title: ''", "content/a.md:2: title is empty - fill it in or remove the key"),
    ("title: A\naliases: /old/", "content/a.md:3: aliases must be a list - write each item on its own line "
                                 "starting with `- `"),
    ("title: A\norder: 1.5", "content/a.md:3: order must be a whole number - write digits only, e.g. `3`"),
    ("title: A\n[a]: b", "content/a.md:3: a key must be a plain word - write keys as `name: value`"),
    ("- a\n- b", "content/a.md:2: the front matter must be `key: value` lines - write it as `title: My page`"),
    ("just text", "content/a.md:2: the front matter must be `key: value` lines - write it as `title: My page`"),
]


@pytest.mark.parametrize(("front", "error"), WRONG_TYPES)
def test_wrong_types_are_located_errors(tmp_path, front, error):
    outcome = build_with(tmp_path, {"content/a.md": page(front)})
    assert outcome.code == 1
    assert outcome.errors == [error]


def test_a_string_where_a_list_of_networks_belongs(tmp_path):
    outcome = build_with(tmp_path, {"content/news/a.md": page("title: A\ndate: 2024-06-24\nnetworks: workforce")})
    assert outcome.errors == ["content/news/a.md:4: networks must be a list - write each item on its own line "
                              "starting with `- `"]


def test_a_string_where_a_list_of_people_belongs(tmp_path):
    outcome = build_with(tmp_path, {"content/networks/a.md": page("title: A\norder: 1\nsummary: S\nco_chairs: Jane")})
    assert outcome.code == 1
    assert outcome.errors[0].startswith("content/networks/a.md:5: co_chairs must be a list")


def test_duplicate_keys_name_both_lines(tmp_path):
    outcome = build_with(tmp_path, {"content/a.md": page("title: A\nsummary: x\ntitle: B")})
    assert outcome.errors == ["content/a.md:4: duplicate key `title` (first given on line 2) - "
                              "keep one of the two and delete the other"]


def test_duplicate_keys_in_a_data_file(tmp_path):
    values = "values:\n  - name: A\n    description: x\n    name: B\n"
    outcome = build_with(tmp_path, {"content/about/values.yaml": values})
    assert outcome.errors == ["content/about/values.yaml:4: duplicate key `name` (first given on line 2) - "
                              "keep one of the two and delete the other"]


BILLION_LAUGHS = "".join(f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}" if i else "lol"] * 9) + "]\n" for i in range(10))


@pytest.mark.parametrize("front", [
    "title: A\n" + BILLION_LAUGHS,
    "title: A\nbase: &b {x: 1}\nsummary:\n  <<: *b",
    "title: &t A\nsummary: *t",
])
def test_anchors_aliases_and_bombs_are_refused_quickly(tmp_path, front):
    started = time.perf_counter()
    outcome = build_with(tmp_path, {"content/a.md": page(front)})
    assert time.perf_counter() - started < 10
    assert outcome.code == 1
    assert outcome.errors[0].endswith("YAML anchors and aliases (& and *) are not allowed - "
                                      "write the value out in full where it is needed")


def test_merge_keys_are_refused(tmp_path):
    outcome = build_with(tmp_path, {"content/a.md": page("title: A\nsummary:\n  <<: {a: 1}")})
    assert outcome.errors == ["content/a.md:4: YAML merge keys (<<) are not allowed - write the keys out in full"]


@pytest.mark.parametrize(("front", "line"), [
    ("title: A\nsummary: " + "[" * 20000 + "]" * 20000, 3),
    ("title: A\nsummary: " + "{a: " * 5000 + "}" * 5000, 3),
    ("title: A\nsummary:\n" + "".join("  " * (i + 1) + f"k{i}:\n" for i in range(60)) + "  " * 61 + "x", None),
    ("title: A\nsummary: " + "- " * 3000 + "x", 3),
])
def test_deep_nesting_is_refused_quickly(tmp_path, front, line):
    started = time.perf_counter()
    outcome = build_with(tmp_path, {"content/a.md": page(front)})
    assert time.perf_counter() - started < 15
    assert outcome.code == 1
    assert len(outcome.errors) == 1
    assert outcome.errors[0].endswith("the YAML is nested far too deeply - keep nesting under 40 levels") \
        or "this line cannot be read" in outcome.errors[0]
    if line:
        assert outcome.errors[0].startswith(f"content/a.md:{line - 1}:") or \
            outcome.errors[0].startswith(f"content/a.md:{line}:")


IMPOSSIBLE_DATES = ["2024-02-30", "2023-02-29", "2024-13-01", "2024-06-24 25:00", "2024-06-24 10:61",
                    "0000-01-01", "2024-6-4", "24-06-2024", "2024-06-24T10:00:00+25:00"]


@pytest.mark.parametrize("value", IMPOSSIBLE_DATES)
def test_impossible_dates_are_refused(tmp_path, value):
    outcome = build_with(tmp_path, {"content/news/a.md": page(f"title: A\ndate: {value}")})
    assert outcome.code == 1
    assert outcome.errors == [f"content/news/a.md:3: date: `{value}` is not a real date - write a real date as "
                              "YYYY-MM-DD, optionally followed by HH:MM"]


def test_a_local_time_the_clocks_skip_is_refused(tmp_path):
    outcome = build_with(tmp_path, {"content/news/a.md": page("title: A\ndate: 2024-03-31 02:30")})
    assert outcome.errors == ["content/news/a.md:3: date: `2024-03-31 02:30` never happens in Europe/Brussels: "
                              "the clocks go forward then - write the time before or after the skipped hour"]


@pytest.mark.parametrize("value", ["20240624", "[2024-06-24]", "true"])
def test_a_date_of_the_wrong_type_is_refused(tmp_path, value):
    outcome = build_with(tmp_path, {"content/news/a.md": page(f"title: A\ndate: {value}")})
    assert outcome.errors == ["content/news/a.md:3: date: this is not a date - write the date as YYYY-MM-DD"]


def test_naive_and_zoned_dates_sort_together_in_site_time(tmp_path):
    """Three news items written three ways; newest first in the list, whatever the zone."""
    files = {
        "content/news/index.md": page("title: News"),
        "content/news/naive.md": page("title: Naive ten\ndate: 2024-06-24 10:00"),  # 08:00 UTC in Brussels
        "content/news/zoned.md": page("title: Zoned nine UTC\ndate: 2024-06-24T09:00:00Z"),
        "content/news/offset.md": page("title: Offset seven UTC\ndate: 2024-06-24T12:00:00+05:00"),
        "content/news/day.md": page("title: Day only\ndate: 2024-06-24"),
        "templates/news/index.html": "{% for p in section('news') %}[{{ p.title }}]{% endfor %}\n",
    }
    outcome = build_with(tmp_path, files)
    assert outcome.code == 0, outcome.stderr
    assert outcome.html("news/index.html").strip() == "[Zoned nine UTC][Naive ten][Offset seven UTC][Day only]"
