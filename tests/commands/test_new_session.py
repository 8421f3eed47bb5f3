"""`ecosite new session YEAR TITLE`: a session with only its title joins the edition's programme,
builds at once (saying its time is not published), and gets its time later by uncommenting lines."""

from __future__ import annotations

import re
from pathlib import Path

import icalendar
import pytest

from ecosite.cli import main


def new_session(project: Path, year: str, title: str | None) -> int:
    return main(["new", "session", year, *([title] if title is not None else []), "--root", str(project)])


def build(project: Path) -> int:
    return main(["build", "--root", str(project), "--out", str(project / "output"), "--no-search"])


def session_item(html: str, session_id: str) -> str:
    start = html.index(">", html.index(f'id="session-{session_id}"')) + 1
    return " ".join(re.sub(r"<[^>]+>", " ", html[start:html.index("</div>\n</li>", start)]).split())


def test_a_new_session_ends_the_editions_list_and_builds_with_its_time_not_published(real_project: Path, capsys):
    programme = real_project / "content" / "summit" / "2024.yaml"
    before = programme.read_text()
    assert new_session(real_project, "2024", "Cancer and the EU budget: what next?") == 0
    out = capsys.readouterr().out
    text = programme.read_text()
    line = text.splitlines().index("  - id: cancer-and-the-eu-budget-what-next") + 1
    assert out.startswith(f"Added the session `cancer-and-the-eu-budget-what-next` to content/summit/2024.yaml "
                          f"at line {line}.")
    assert text.startswith(before[:before.index("launches:")]), "the earlier sessions are untouched"
    assert text.index("cancer-and-the-eu-budget-what-next") < text.index("launches:")
    assert '    title: "Cancer and the EU budget: what next?"' in text
    assert build(real_project) == 0
    html = (real_project / "output" / "summit" / "2024" / "index.html").read_text()
    assert session_item(html, "cancer-and-the-eu-budget-what-next").startswith(
        "Time not published Cancer and the EU budget: what next?")


def test_adding_a_network_then_the_time_when_announced(real_project: Path, capsys):
    assert new_session(real_project, "2025", "Workforce Wellbeing") == 0
    programme = real_project / "content" / "summit" / "2025.yaml"
    programme.write_text(programme.read_text().replace("    networks: []\n", "    networks: [workforce]\n", 1)
                         .replace("    # day: YYYY-MM-DD", "    day: 2025-11-19")
                         .replace('    # start: "09:15"', '    start: "09:15"')
                         .replace('    # end: "10:30"', '    end: "10:30"')
                         .replace("    # format: plenary", "    format: plenary"))
    assert build(real_project) == 0, capsys.readouterr().err
    out = real_project / "output"
    html = (out / "summit" / "2025" / "index.html").read_text()
    assert session_item(html, "workforce-wellbeing").startswith("09:15 – 10:30 Workforce Wellbeing Plenary")
    assert 'href="/summit/2025/workforce/"' in html
    (event,) = icalendar.Calendar.from_ical((out / "summit" / "2025" / "sessions" / "workforce-wellbeing.ics")
                                            .read_bytes()).walk("VEVENT")
    assert event.decoded("DTSTART").isoformat() == "2025-11-19T08:15:00+00:00"


def test_a_repeated_title_gets_its_own_id(real_project: Path, capsys):
    assert new_session(real_project, "2023", "Digital Health") == 0
    assert "Added the session `digital-health-2`" in capsys.readouterr().out  # 2023 already has `digital-health`
    assert build(real_project) == 0


def test_an_edition_without_sessions_gets_the_list(real_project: Path, capsys):
    assert new_session(real_project, "2019", "Resolution session") == 0
    text = (real_project / "content" / "summit" / "2019.yaml").read_text()
    assert text.endswith(text[text.index("sessions:\n  - id: resolution-session\n"):])
    programme = real_project / "content" / "summit" / "2020.yaml"
    programme.write_text(programme.read_text() + "sessions: []\n")
    assert new_session(real_project, "2020", "COVID-19 and cancer") == 0
    assert "sessions:\n  - id: covid-19-and-cancer\n" in programme.read_text()
    assert build(real_project) == 0


@pytest.mark.parametrize("year, title, code, message", [
    ("2031", "A session", 1, "content/summit/2031.yaml:1: there is no edition 2031 yet, so no session was added - "
                             "create content/summit/2031.yaml with at least `year: 2031` and `start_date:`"),
    ("26", "A session", 2, "ecosite new: `26` is not a year - write it as four digits, e.g. "
                           "`ecosite new session 2026 \"HPV elimination\"`"),
    ("2025", None, 2, "ecosite new: a session needs a title with letters or digits - "
                      "e.g. `ecosite new session 2026 \"HPV elimination\"`"),
    ("2025", "!!!", 2, "ecosite new: a session needs a title with letters or digits - "
                       "e.g. `ecosite new session 2026 \"HPV elimination\"`"),
])
def test_what_cannot_become_a_session_is_refused_and_nothing_is_written(real_project: Path, capsys, year, title,
                                                                        code, message):
    before = {p.name: p.read_text() for p in (real_project / "content" / "summit").glob("*.yaml")}
    assert new_session(real_project, year, title) == code
    assert capsys.readouterr().err.strip() == message
    assert {p.name: p.read_text() for p in (real_project / "content" / "summit").glob("*.yaml")} == before


def guide_blocks() -> list[str]:
    """The YAML examples of EDITING.md's summit section, in order."""
    guide = (Path(__file__).resolve().parents[2] / "EDITING.md").read_text(encoding="utf-8")
    part = guide[guide.index("## Update the summit programme"):guide.index("## Read an error")]
    return re.findall(r"```yaml\n(.*?)```", part, re.S)


def test_the_guides_examples_build_as_written(real_project: Path, capsys):
    """A session with a title and a network, then its time, then a launch in it: EDITING.md to the letter."""
    untimed, timed, launch = guide_blocks()
    programme = real_project / "content" / "summit" / "2025.yaml"
    head = programme.read_text().split("\nsessions:\n", 1)[0] + "\n"
    programme.write_text(head + untimed)
    assert build(real_project) == 0, capsys.readouterr().err
    html = (real_project / "output" / "summit" / "2025" / "index.html").read_text()
    assert session_item(html, "hpv-elimination").startswith("Time not published HPV elimination")
    assert 'href="/summit/2025/hpv-hepb-action/"' in html
    programme.write_text(head + "sessions:\n" + timed + launch)
    assert build(real_project) == 0, capsys.readouterr().err
    html = (real_project / "output" / "summit" / "2025" / "index.html").read_text()
    assert session_item(html, "hpv-elimination").startswith("09:15 – 10:30 HPV elimination Plenary · Main room")
    assert "Launched in this session: A Plan for Eliminating HPV Cancers" in session_item(html, "hpv-elimination")
    assert (real_project / "output" / "summit" / "2025" / "sessions" / "hpv-elimination.ics").is_file()


def test_a_second_name_is_only_for_sessions(real_project: Path, capsys):
    assert main(["new", "news", "Big", "news", "--root", str(real_project)]) == 2
    assert capsys.readouterr().err.strip() == ("ecosite new: unexpected `news` - only `ecosite new session YEAR "
                                               "TITLE` takes two names; quote a name that has spaces")
    assert not (real_project / "content" / "news" / "big.md").exists()
