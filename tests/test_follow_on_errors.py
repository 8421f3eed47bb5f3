"""One mistake, one error: a file that fails to load yields its own errors only.

What refers to the broken file (links, the navigation, news items and summit sessions naming a network)
is not reported again: those problems are counted in one line after the real error. A fuzz property
injects one syntax error into any YAML of the real site and asserts no other file is blamed.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from conftest import REPO, SITES, copy_project
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_invalid_content import build_errors

from ecosite.commands.build import generate
from ecosite.errors import BuildError
from ecosite.project import Project

NETWORK = "content/networks/workforce.md"


def _edit(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text()
    assert old in text, f"{old!r} not in {rel}"
    path.write_text(text.replace(old, new, 1))


def test_a_tab_in_a_network_is_one_error_and_a_count_of_what_uses_it(real_project: Path):
    _edit(real_project, NETWORK, "    as_of: 2024", "\tas_of: 2024")
    code, lines = build_errors(real_project)
    assert code == 1
    assert len(lines) == 2, lines
    assert lines[0].startswith(f"{NETWORK}:7: ")
    assert lines[1] == f"10 more problems in files that use {NETWORK}; fix it first"


def test_the_closing_line_counts_only_the_real_problem(real_project: Path):
    _edit(real_project, NETWORK, "    as_of: 2024", "\tas_of: 2024")
    result = subprocess.run([sys.executable, "-m", "ecosite", "build", "--root", str(real_project)],
                            capture_output=True, text=True, cwd=real_project,
                            env={**os.environ, "PYTHONPATH": str(REPO)})
    assert result.stderr.splitlines()[-1] == "Build failed: 1 problem; output/ was not changed."


def test_a_new_page_with_an_unclosed_quote_does_not_blame_the_navigation(real_project: Path):
    (real_project / "content/about/team.md").write_text('---\ntitle: "Our team\nsummary: Who we are\n---\n\nText.\n')
    _edit(real_project, "content/site.yaml", "  - title: Summit\n", "  - title: Team\n    page: about/team.md\n"
                                                                    "  - title: Summit\n")
    code, lines = build_errors(real_project)
    assert code == 1
    assert [line.partition(":")[0] for line in lines[:-1]] == ["content/about/team.md"]
    assert lines[-1] == "1 more problem in files that use content/about/team.md; fix it first"


def test_a_news_item_naming_an_unknown_network_is_a_content_error_at_its_line(real_project: Path):
    _edit(real_project, "content/news/cancer-workforce-fund.md", "  - workforce\n", "  - workfroce\n")
    code, lines = build_errors(real_project)
    assert (code, lines) == (1, ["content/news/cancer-workforce-fund.md:6: networks: there is no network "
                                 "`workfroce` - did you mean `workforce`?"])


def test_a_follow_on_whose_cause_is_fine_is_still_reported(tmp_path: Path):
    """A link to a page that does not exist at all is a real error of the linking page."""
    site = copy_project(SITES / "small", tmp_path / "small")
    (site / "content/x.md").write_text("---\ntitle: X\n---\n\n[gone](gone.md)\n")
    code, lines = build_errors(site)
    assert code == 1
    assert lines == ["content/x.md:5: the link points to content/gone.md, which does not exist - "
                     "correct the path, relative to this file"]


# -- the property: one injected syntax error never yields errors in other files ------------------

def _yaml_lines(root: Path) -> list[tuple[str, int]]:
    """(file, 0-based line) of every front matter or data line of the real site."""
    places = []
    for path in sorted((root / "content").rglob("*")):
        rel = path.relative_to(root).as_posix()
        if path.suffix in (".yaml", ".yml"):
            places += [(rel, n) for n in range(len(path.read_text().splitlines()))]
        elif path.suffix == ".md":
            lines = path.read_text().splitlines()
            end = lines.index("---", 1)
            places += [(rel, n) for n in range(1, end)]
    return places


MISTAKES = {
    "a tab before the line": lambda line: "\t" + line,
    "an unclosed quote": lambda line: line + ' "unclosed' if ": " in line else '"' + line,
    "a key indented wrongly": lambda line: line + "\n   wrong: indentation",
    "an unclosed list": lambda line: line.split(":")[0] + ": [one, two" if ":" in line else "[" + line,
    "a colon inside a value": lambda line: line + "\nbroken: value: with colon",
}

_PROJECT = copy_project(REPO, Path(tempfile.mkdtemp(prefix="ecosite-follow-on-")) / "project")
_PLACES = _yaml_lines(_PROJECT)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True)
@given(place=st.sampled_from(_PLACES), mistake=st.sampled_from(sorted(MISTAKES)))
def test_one_syntax_error_never_yields_errors_in_other_files(place: tuple[str, int], mistake: str):
    rel, index = place
    path = _PROJECT / rel
    original = path.read_text()
    lines = original.split("\n")
    lines[index] = MISTAKES[mistake](lines[index])
    path.write_text("\n".join(lines))
    try:
        generate(Project(_PROJECT, _PROJECT / "output", search=False))
    except BuildError as failure:
        assert {error.path for error in failure.errors} == {rel}, failure.lines
        assert all(line.endswith(f"files that use {rel}; fix it first") for line in failure.follow_ons)
    else:  # some edits are still valid YAML (a quote that closes a later one): nothing else may break
        pass
    finally:
        path.write_text(original)


def test_the_property_can_fail():
    """The property's check sees other files: a broken link elsewhere is blamed on its own file."""
    broken, linking = _PROJECT / "content/about/mission.md", _PROJECT / "content/index.md"
    originals = {path: path.read_text() for path in (broken, linking)}
    try:
        broken.write_text(originals[broken].replace("---\n", "---\n\tbroken: tab\n", 1))
        linking.write_text(originals[linking] + "\n[x](nowhere.md)\n")
        with pytest.raises(BuildError) as failure:
            generate(Project(_PROJECT, _PROJECT / "output", search=False))
        assert {e.path for e in failure.value.errors} == {"content/about/mission.md", "content/index.md"}
    finally:
        for path, text in originals.items():
            path.write_text(text)
