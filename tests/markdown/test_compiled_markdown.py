"""The compiled parser gives every page exactly what markdown-it-py gives it, or leaves the page to it.

Each body is read both ways: through `parser.parse` as a build reads it (the compiled parser where it
takes the body) and through markdown-it-py alone. The HTML, the headings and their ids, and each link
with the line a message would name must be the same. The bodies are generated from the constructs
pages use, in many combinations, plus the organisation's own pages and the benchmark's.
"""

from __future__ import annotations

import os
import random
import shutil
import sys

import pytest
from conftest import REPO

from ecosite.markdown import compiled
from ecosite.markdown import parser as markdown

if compiled.markdown_it_pyrs is None:
    if os.environ.get("CI") == "true":
        pytest.fail("CI=true but markdown-it-pyrs is missing: install the project as the README says",
                    pytrace=False)
    pytest.skip("markdown-it-pyrs is not installed for this Python: every body is read by markdown-it-py",
                allow_module_level=True)


def reading(body: str, use_compiled: bool) -> tuple:
    """What the rest of the build sees of a body: its HTML, headings, and links with their lines."""
    was = compiled.ENABLED
    compiled.ENABLED = use_compiled
    try:
        parsed = markdown.parse(body)
    except markdown.BodyProblem as problem:
        return ("refused", problem.line, problem.message)
    finally:
        compiled.ENABLED = was
    links = [(attr, token.attrGet(attr), line, bool(token.content.strip() or markdown._alt_text(token)))
             for token, attr, line in markdown.link_tokens(parsed.tokens)]
    # The links resolved as a build resolves them, so placeholders are filled with real addresses.
    for token, attr, _ in markdown.link_tokens(parsed.tokens):
        token.attrSet(attr, f"/resolved/{token.attrGet(attr)}?x=1&y=2")
    return markdown.render(parsed), parsed.headings, links


WORDS = ['"quoted"', "'single'", '[t](x.md "A title")', '"a quote," she said', "cancer", "care", "Europe", "café",
         "Ελλάδα", "naïve", "patients", "it's", "the 90's", "--", "—", "...",
         "(a)", "+-", "?!", "a,b", "50 %", "x * y", "2 < 3", "R&D", "AT&T", "under_score", "back\\*slash", "*em*",
         "**strong**", "_under_", "~~gone~~", "`code`", "`x = 1`", "[a link](other.md)",
         "[with anchor](../networks/workforce.md#aims)", "[out](https://e.org/a?b=1)", "[plain](http://e.org)",
         "[here](#top)", "[ü](../über/a.md#Ünï)", "![a chart](../static/img/x.png)", "![](../static/img/y.png)",
         "[t](x.md (A title))", "[ref][r1]", "[r1]", "[^n1]", "[^n2]", "[![img](i.png)](x.md)",
         "**[bold link](b.md)**", "100%", "a_b_c", "#not-heading", "1) one"]
# What makes the compiled parser hand a body back (or would, if the scan missed it): rarer in pages.
TRICKY = ["patients'", "(c)", "(TM)", "<https://e.org/caf%C3%A9>",
          "<b>bold</b>", "&copy;", "&#x202E;", "[js](javascript:alert(1))", "[js](javascript\\:alert(1))",
          "^[inline]", "\\[not a link]", "![x](data:image/png;base64,AA)", "<!-- comment -->", "&amp;", "[^n1]",
          "`it's`", "`a -- b`", "[spaced](<a b.md>)", '![say "hi"](i.png)', '![a - b](i.png "title")', "\n---\n"]


def inline(rng: random.Random) -> str:
    return " ".join(rng.choice(TRICKY if rng.random() < 0.02 else WORDS) for _ in range(rng.randint(1, 8)))


def block(rng: random.Random) -> str:
    kind = rng.randrange(13)
    if kind == 1 and rng.random() < 0.8:  # setext headings: the compiled parser hands those back
        kind = 0
    if kind == 0:
        return "#" * rng.randint(1, 4) + " " + inline(rng)
    if kind == 1:
        return inline(rng) + "\n" + rng.choice("=-") * 3
    if kind == 2:
        return "\n".join(f"- {inline(rng)}" for _ in range(rng.randint(1, 4)))
    if kind == 3:
        return "\n\n".join(f"{n}. {inline(rng)}\n   {inline(rng)}" for n in range(1, rng.randint(2, 4)))
    if kind == 4:
        return "> " + inline(rng) + "\n> " + inline(rng)
    if kind == 5:
        rows = ["| " + " | ".join(inline(rng).replace("|", "/") for _ in range(2)) + " |" for _ in range(3)]
        return "\n".join(rows[:1] + ["|---|:-:|"] + rows[1:])
    if kind == 6:
        return "```" + rng.choice(["", "python"]) + "\nx = 1\ny = [a](b.md) *c*\n```"
    if kind == 7:
        return "    " + inline(rng)
    if kind == 8:
        return f"[^{rng.choice(['n1', 'n2'])}]: {inline(rng)}"
    if kind == 9:
        return "[r1]: target.md (Title)"
    if kind == 10:
        return "***"
    if kind == 11:
        return inline(rng) + "  \n" + inline(rng)
    return "\n".join(inline(rng) for _ in range(rng.randint(1, 3)))


def body(rng: random.Random) -> str:
    return "\n\n".join(block(rng) for _ in range(rng.randint(1, 8))) + "\n"


def test_generated_bodies_read_the_same_both_ways():
    rng = random.Random(20261202)
    taken = 0
    for number in range(int(os.environ.get("ECOSITE_COMPARED_BODIES", 3000))):
        text = body(rng)
        if compiled.read(text) is not None:
            taken += 1
            assert reading(text, True) == reading(text, False), f"body {number}:\n{text}"
    assert taken > 250, f"only {taken} of 3000 generated bodies took the compiled parser"


def test_the_organisations_pages_and_the_benchmarks_read_the_same_both_ways(tmp_path):
    sys.path.insert(0, str(REPO / "bench"))
    try:
        import synth
    finally:
        sys.path.remove(str(REPO / "bench"))
    synth.write_site(tmp_path / "site", 300)
    paths = sorted((REPO / "content").rglob("*.md")) + sorted((tmp_path / "site" / "content").rglob("*.md"))
    taken = 0
    for path in paths:
        text = path.read_text(encoding="utf-8")
        text = text.split("\n---\n", 1)[-1] if text.startswith("---\n") else text
        taken += compiled.read(text) is not None
        assert reading(text, True) == reading(text, False), path
    assert taken > len(paths) // 2, f"only {taken} of {len(paths)} pages took the compiled parser"


@pytest.mark.parametrize("text", [
    'Say `"hi"` and `it\'s` -- twice...\n',  # quotes and dashes in code: typeset only by the compiled parser
    '![say "hi"](i.png) and ![a -- b](j.png)\n',  # and in image descriptions
    "Options (a), (b), (c) and (TM).\n",  # always symbols in the compiled parser
    "[x](javascript:alert(1)) ![i](file:///etc/passwd)\n",  # links it drops, where we name an error
    "A[^n] and again[^n].\n\n[^n]: One note.\n",  # repeated references, numbered its own way
    "B[^b] then A[^a].\n\n[^a]: First note.\n\n[^b]: Second note.\n",  # notes in another order than referenced
    '- a list\n- "quoted" at the start of an item\n',  # a quote at the edge of a block's text
    '| Said |\n|---|\n| he said "yes" twice |\n',  # a quote in a table
    'He said "yes"\n\n- and a list after it\n',  # a quote closing a block
    'A "quoted" word.\n\nA heading\n---------\n',  # a setext heading: it curls no quotes at all
    "<https://a.org/caf%C3%A9> and <b>raw</b>\n",  # autolink text decoded, raw HTML linted at its line
    "An entity &#x202E; writing a direction control.\n",
    "A ^[inline footnote].\n",
    "A long page. " * 3000,  # longer than the compiled parser may read without a time budget
    "[a]: a.md\n" * 65 + "[a]\n",  # more link definitions than it reads in good time
])
def test_what_the_compiled_parser_would_read_otherwise_goes_to_markdown_it_py(text):
    assert compiled.read(text) is None
    assert reading(text, True) == reading(text, False)


def test_a_body_the_compiled_parser_takes_is_rendered_by_it():
    """Not a test that passes whichever parser runs: this body takes the compiled path."""
    text = "## Aims\n\nSee [the workforce network](../networks/workforce.md#aims).\n"
    parsed = markdown.parse(text)
    assert parsed.html is not None
    assert [(h.level, h.id, h.title) for h in parsed.headings] == [(2, "aims", "Aims")]
    assert [(attr, token.attrGet(attr), line) for token, attr, line in markdown.link_tokens(parsed.tokens)] == [
        ("href", "../networks/workforce.md#aims", 2)]


def test_the_pathological_inputs_stay_cheap_at_the_size_it_reads():
    """Bodies up to compiled.LARGEST have no time budget there; the inputs that make parsers slow, cut to
    that size (or with that many link definitions), must still take a small part of the budget."""
    import time

    from hostile.test_pathological_markdown import PATHOLOGICAL

    for name, text in PATHOLOGICAL.items():
        cut = text[:compiled.LARGEST]
        started = time.thread_time()
        compiled.read(cut)
        assert time.thread_time() - started < markdown.PARSE_SECONDS / 5, name


def test_the_real_site_is_byte_for_byte_the_same_without_the_compiled_parser(real_project, tmp_path):
    import subprocess

    outputs = {}
    for name, setting in (("compiled", {}), ("python", {"ECOSITE_MARKDOWN": "python"})):
        out = tmp_path / name
        subprocess.run([sys.executable, "-m", "ecosite", "build", "--root", str(real_project), "--out", str(out),
                        "--no-search"], check=True, capture_output=True, env={**os.environ, **setting}, timeout=300)
        shutil.rmtree(real_project / ".ecosite-cache")
        outputs[name] = {path.relative_to(out).as_posix(): path.read_bytes() for path in out.rglob("*") if path.is_file()}
    assert outputs["compiled"] == outputs["python"]
    assert len(outputs["compiled"]) > 50
