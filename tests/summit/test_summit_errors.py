"""What an editor sees when a summit programme is wrong: PATH:LINE: message - hint, exit 1, output kept."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from ecosite.cli import main
from summit_site import summit_project

FILE = "content/summit/2025.yaml"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return summit_project(tmp_path / "project")


def build_with(project: Path, programme: str, capsys) -> tuple[int, list[str]]:
    """Replace the 2025 programme, build, and return the exit code and the error lines printed."""
    (project / "content" / "summit" / "2025.yaml").write_text(textwrap.dedent(programme))
    code = main(["build", "--root", str(project), "--out", str(project.parent / "out")])
    lines = capsys.readouterr().err.splitlines()
    return code, [line for line in lines if line.startswith("content/")]


def line_of(programme: str, needle: str, nth: int = 1) -> int:
    """The 1-based line of the nth line containing `needle` (the tests never hard-code lines)."""
    hits = [i for i, text in enumerate(textwrap.dedent(programme).splitlines(), 1) if needle in text]
    return hits[nth - 1]


HEAD = """\
    year: 2025
    start_date: 2025-10-25
    end_date: 2025-10-26
    days:
      - date: 2025-10-25
        opens: "08:30"
        closes: "18:00"
        sessions:
"""


def without(text: str, key: str) -> str:
    """The YAML text without the line holding `key`."""
    return "".join(line for line in text.splitlines(keepends=True) if key not in line)


def session(sid: str, start: str, end: str, room: str = "Main hall", networks: str = "[workforce]") -> str:
    return f"""\
          - id: {sid}
            start: {start}
            end: {end}
            title: Session {sid}
            room: {room}
            format: plenary
            networks: {networks}
"""


def test_a_valid_programme_with_back_to_back_and_parallel_sessions_builds(project, capsys):
    programme = (HEAD + session("first", "09:00", "10:00") + session("second", "10:00", "11:00")
                 + session("parallel", "09:00", "10:00", room="Forum room"))
    code, errors = build_with(project, programme, capsys)
    assert (code, errors) == (0, [])


def test_end_not_after_start(project, capsys):
    programme = HEAD + session("first", "09:00", "09:00")
    code, errors = build_with(project, programme, capsys)
    assert code == 1
    assert errors == [f"{FILE}:{line_of(programme, 'end: 09:00')}: session `first` ends at 09:00, which is not "
                      "after its start at 09:00 - make `end` later than `start`"]


def test_a_session_past_midnight_is_told_to_end_on_its_day(project, capsys):
    programme = without(HEAD, "closes:") + session("late", "23:00", "00:30")
    code, errors = build_with(project, programme, capsys)
    assert errors == [f"{FILE}:{line_of(programme, 'end: 00:30')}: session `late` ends at 00:30, which is not "
                      "after its start at 23:00 - a session must end on the day it starts; split it over two days"]


def test_a_session_outside_its_day(project, capsys):
    programme = HEAD + session("early", "08:00", "09:00") + session("late", "17:30", "18:30")
    code, errors = build_with(project, programme, capsys)
    assert errors == [
        f"{FILE}:{line_of(programme, 'start: 08:00')}: session `early` starts at 08:00, before its day opens at "
        "08:30 - move the session into the day, or change `opens:`",
        f"{FILE}:{line_of(programme, 'end: 18:30')}: session `late` ends at 18:30, after its day closes at 18:00 - "
        "move the session into the day, or change `closes:`",
    ]


def test_a_day_outside_the_summit_dates(project, capsys):
    programme = HEAD.replace("- date: 2025-10-25", "- date: 2025-10-28") + session("first", "09:00", "10:00")
    code, errors = build_with(project, programme, capsys)
    assert errors == [f"{FILE}:{line_of(programme, 'date: 2025-10-28')}: the day 2025-10-28 is outside the summit's "
                      "dates (2025-10-25 to 2025-10-26) - correct the day's date, or start_date/end_date"]


def test_two_sessions_overlapping_in_one_room_name_both_lines(project, capsys):
    programme = HEAD + session("first", "09:00", "10:00") + session("second", "09:30", "10:30", room="main hall")
    code, errors = build_with(project, programme, capsys)
    first, second = line_of(programme, "start: 09:00"), line_of(programme, "start: 09:30")
    assert errors == [f"{FILE}:{second}: session `second` (09:30-10:30) overlaps session `first` (line {first}, "
                      "09:00-10:00) in the room main hall - change the time or the room of one of the two sessions"]


def test_an_unknown_network_slug(project, capsys):
    programme = HEAD + session("first", "09:00", "10:00", networks="\n              - workforce\n              - prevntion")
    code, errors = build_with(project, programme, capsys)
    assert errors == [f"{FILE}:{line_of(programme, '- prevntion')}: session `first` names the network `prevntion`, "
                      "which does not exist - did you mean `prevention`?"]


def test_a_duplicate_session_id_names_the_first(project, capsys):
    programme = HEAD + session("first", "09:00", "10:00") + session("first", "11:00", "12:00")
    code, errors = build_with(project, programme, capsys)
    assert errors == [f"{FILE}:{line_of(programme, 'id: first', 2)}: the session id `first` is already used on line "
                      f"{line_of(programme, 'id: first')} - give every session of the edition its own id"]


def test_a_time_skipped_when_the_clocks_go_forward(project, capsys):
    programme = (HEAD.replace("2025-10-25", "2025-03-30").replace("2025-10-26", "2025-03-31")
                 + session("night", "02:30", "04:00"))
    code, errors = build_with(project, programme, capsys)
    assert errors == [f"{FILE}:{line_of(programme, 'start: 02:30')}: 02:30 does not exist on 2025-03-30 in "
                      "Europe/Brussels: the clocks go forward that night - choose a time outside the skipped hour"]


def test_a_time_that_happens_twice_must_say_which(project, capsys):
    programme = (HEAD.replace("2025-10-25", "2025-10-26").replace("end_date: 2025-10-26", "end_date: 2025-10-27")
                 .replace("opens:", "title:") + session("night", "02:30", "04:00"))
    code, errors = build_with(project, programme, capsys)
    assert errors == [f"{FILE}:{line_of(programme, 'start: 02:30')}: 02:30 happens twice on 2025-10-26 in "
                      "Europe/Brussels: the clocks go back that night - say which one: `02:30+02:00` (the first) "
                      "or `02:30+01:00` (the second)"]


def test_an_offset_the_zone_never_has(project, capsys):
    programme = HEAD + session("first", '"09:00+05:00"', "10:00")
    code, errors = build_with(project, programme, capsys)
    line = line_of(programme, "+05:00")
    assert errors == [f"{FILE}:{line}: 09:00 on 2025-10-25 is never at "
                      "UTC+05:00 in Europe/Brussels - use +02:00, or drop the offset"]


def test_a_time_that_is_not_a_clock_time(project, capsys):
    programme = HEAD + session("first", "9.30", "10:00")
    code, errors = build_with(project, programme, capsys)
    assert errors == [f"{FILE}:{line_of(programme, 'start: 9.30')}: days[0].sessions[0].start: `9.30` is not a time "
                      "of day - write the local time as HH:MM on a 24-hour clock, e.g. 09:30 (quoting it is fine)"]


def test_an_unknown_format_lists_the_known_ones(project, capsys):
    programme = HEAD + session("first", "09:00", "10:00").replace("format: plenary", "format: keynote")
    code, errors = build_with(project, programme, capsys)
    assert len(errors) == 1
    assert errors[0].startswith(f"{FILE}:{line_of(programme, 'format: keynote')}: days[0].sessions[0].format: ")
    assert "'opening', 'plenary', 'forum', 'spotlight', 'showcase' or 'break'" in errors[0]


def test_the_year_must_match_the_file_name(project, capsys):
    programme = HEAD.replace("year: 2025", "year: 2024") + session("first", "09:00", "10:00")
    code, errors = build_with(project, programme, capsys)
    assert f"{FILE}:1: year is 2024 but the file is named 2025.yaml - rename the file to 2024.yaml or correct `year:`" in errors


def test_every_problem_is_reported_at_once_and_output_is_untouched(project, capsys):
    out = project.parent / "out"
    assert main(["build", "--root", str(project), "--out", str(out)]) == 0
    before = {p: p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}
    programme = (HEAD + session("first", "09:00", "09:00") + session("first", "09:30", "10:30")
                 + session("third", "10:00", "11:00", networks="[nowhere]"))
    capsys.readouterr()
    code, errors = build_with(project, programme, capsys)
    assert code == 1
    assert len(errors) == 4  # end, duplicate id, overlap, unknown network
    assert "Traceback" not in "\n".join(errors)
    assert {p: p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()} == before


def test_a_broken_link_in_a_description_is_an_error_and_an_insecure_one_a_warning(project, capsys):
    programme = HEAD + session("first", "09:00", "10:00") + (
        "            description: See [the plan](../about/plan.md) and [an old page](http://example.org/).\n")
    code, errors = build_with(project, programme, capsys)
    line = line_of(programme, "description:")
    assert errors == [f"{FILE}:{line}: the link points to content/about/plan.md, which does not exist (or is a "
                      "draft) - correct the path, relative to content/summit/"]
    programme = programme.replace("../about/plan.md", "../networks/workforce.md")
    code, _ = build_with(project, programme, capsys)
    assert code == 0
    code = main(["build", "--strict", "--root", str(project), "--out", str(project.parent / "out")])
    assert code == 1
    assert (f"{FILE}:{line}: the link `http://example.org/` is not secure (http) - use https:// if the site supports it"
            in capsys.readouterr().err)
