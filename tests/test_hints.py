"""Every error an editor can meet says how to fix it.

Two nets: the source is scanned for every place an error is made (a ContentError, a YAML problem, a
validator's `ValueError("... | hint")`) and each must carry a hint; then a broad set of real
mistakes is built and every printed line must read `PATH:LINE: message - hint`.
"""

from __future__ import annotations

import ast
import functools
import re
from pathlib import Path

import pytest

from ecosite.cli import main

PACKAGE = Path(__file__).resolve().parent.parent / "ecosite"
VALIDATOR_WRAPPERS = {"AfterValidator", "BeforeValidator", "PlainValidator", "WrapValidator"}
ERROR_LINE = re.compile(r"^(?P<path>[^:\n]+?)(:(?P<line>\d+))?: (?P<message>.+?) - (?P<hint>\S.*)$")


def _name(node: ast.AST) -> str:
    return node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else ""


def _text(node: ast.AST | None) -> str | None:
    """The literal text of a string expression (f-string parts joined), or None if not literal."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)
    return None


def _argument(call: ast.Call, position: int, keyword: str) -> ast.AST | None:
    if len(call.args) > position:
        return call.args[position]
    return next((k.value for k in call.keywords if k.arg == keyword), None)


def _validator_functions(tree: ast.Module) -> set[str]:
    """Functions whose ValueError becomes an editor's message: pydantic validators and link resolvers."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _name(node.func) in VALIDATOR_WRAPPERS and node.args:
            names.add(_name(node.args[0]))
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            decorated = any("validator" in _name(d.func if isinstance(d, ast.Call) else d) for d in node.decorator_list)
            if decorated or node.name.startswith("resolve_"):
                names.add(node.name)
    return names


@functools.cache
def error_sites() -> list[tuple[str, int, str, str | None]]:
    """(file, line, kind, hint text or None when missing) for every error construction in ecosite/."""
    sites = []
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        validators = _validator_functions(tree)
        for function in [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))] + [tree]:
            in_validator = getattr(function, "name", None) in validators
            for node in ast.walk(function):
                if not isinstance(node, ast.Call):
                    continue
                kind = _name(node.func)
                where = (path.relative_to(PACKAGE).as_posix(), node.lineno)
                if kind == "ContentError":
                    hint = _argument(node, 3, "hint")
                    sites.append((*where, kind, None if hint is None else _text(hint) if _text(hint) is not None else "(computed)"))
                elif kind == "YamlProblem":
                    hint = _argument(node, 2, "hint")
                    sites.append((*where, kind, None if hint is None else _text(hint) or "(computed)"))
                elif kind == "ValueError" and node.args and (in_validator or " | " in (_text(node.args[0]) or "")):
                    text = _text(node.args[0])
                    sites.append((*where, kind, text.partition(" | ")[2] if text is not None else "(computed)"))
    return sorted(set(sites))


def test_the_scan_finds_the_errors_it_is_meant_to_check():
    kinds = [kind for _, _, kind, _ in error_sites()]
    assert kinds.count("ContentError") >= 40 and kinds.count("YamlProblem") >= 5 and kinds.count("ValueError") >= 8


def test_every_error_in_the_code_carries_a_hint():
    missing = [f"ecosite/{file}:{line}: {kind} without a hint"
               for file, line, kind, hint in error_sites() if not (hint or "").strip()]
    assert missing == [], "\n".join(missing)


def _write(path: Path, text: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text if isinstance(text, bytes) else text.encode())


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))


NETWORK = "content/networks/workforce.md"
NEWS = "content/news/cancer-workforce-fund.md"
PAGE = "content/about/mission.md"

# (name, {file: text}, [(file, old, new)], files to delete, expected start of one error line)
MISTAKES = [
    ("unknown site key", {}, [("content/site.yaml", "language: en", "languag: en")], [], "content/site.yaml:"),
    ("bad time zone", {}, [("content/site.yaml", "Europe/Brussels", "Europe/Bruxelles")], [], "content/site.yaml:"),
    ("no site.yaml", {}, [], ["content/site.yaml"], "content/site.yaml"),
    ("nav to nowhere", {}, [("content/site.yaml", "page: about/strategy.md", "page: about/plan.md")], [],
     "content/site.yaml"),
    ("no front matter", {PAGE: "Just text\n"}, [], [], f"{PAGE}:1:"),
    ("front matter never closed", {PAGE: "---\ntitle: Mission\n\nText\n"}, [], [], f"{PAGE}:1:"),
    ("colon in a value", {}, [(PAGE, "title: ", "title: Our mission: ")], [], f"{PAGE}:2:"),
    ("tab indentation", {PAGE: "---\ntitle: Mission\nsummary:\n\tindented\n---\nText\n"}, [], [], PAGE),
    ("duplicate key", {PAGE: "---\ntitle: A\ntitle: B\n---\nText\n"}, [], [], f"{PAGE}:3:"),
    ("yes for true", {PAGE: "---\ntitle: A\ndraft: yes\n---\nText\n"}, [], [], f"{PAGE}:3:"),
    ("anchor", {PAGE: "---\ntitle: &t A\nsummary: *t\n---\nText\n"}, [], [], PAGE),
    ("yaml tag", {PAGE: "---\ntitle: !!python/name:os.system A\n---\nText\n"}, [], [], PAGE),
    ("order not a number", {}, [(NETWORK, "order: 7", "order: seventh")], [], f"{NETWORK}:4:"),
    ("missing summary", {}, [(NETWORK, "summary: Tackling", "# Tackling")], [], NETWORK),
    ("typo in a key", {}, [(NETWORK, "co_chairs:", "co_chair:")], [], f"{NETWORK}:5:"),
    ("empty co-chair name", {}, [(NETWORK, "name: Mirjam Crul", "name: ''")], [], f"{NETWORK}:6:"),
    ("co-chair not a list", {}, [(NETWORK, "co_chairs:\n", "co_chairs: Mirjam Crul\nx_chairs:\n")], [], NETWORK),
    ("bad slug", {}, [(NETWORK, "order: 7", "order: 7\nslug: Work Force")], [], NETWORK),
    ("impossible date", {}, [(NEWS, "date: 2024-04-04", "date: 2024-13-45")], [], f"{NEWS}:4:"),
    ("not a web address", {}, [(NEWS, "source: https://", "source: www.")], [], NEWS),
    ("bad alias", {PAGE: "---\ntitle: A\naliases:\n  - Old Page\n---\nText\n"}, [], [], PAGE),
    ("missing template", {PAGE: "---\ntitle: A\ntemplate: fancy.html\n---\nText\n"}, [], [], PAGE),
    ("bad template name", {PAGE: "---\ntitle: A\ntemplate: ../x\n---\nText\n"}, [], [], PAGE),
    ("broken link", {PAGE: "---\ntitle: A\n---\n\nSee [x](nowhere.md).\n"}, [], [], f"{PAGE}:5:"),
    ("missing anchor", {PAGE: "---\ntitle: A\n---\n\nSee [x](strategy.md#nope).\n"}, [], [], f"{PAGE}:5:"),
    ("script link", {PAGE: "---\ntitle: A\n---\n\nSee [x](javascript:alert(1)).\n"}, [], [], PAGE),
    ("stray file", {"content/notes.txt": "notes"}, [], [], "content/notes.txt"),
    ("unknown data file", {"content/about/team.yaml": "people: []\n"}, [], [], "content/about/team.yaml"),
    ("empty data file", {"content/about/values.yaml": "\n"}, [], [], "content/about/values.yaml"),
    ("no values", {"content/about/values.yaml": "values: []\n"}, [], [], "content/about/values.yaml"),
    ("summit year", {}, [("content/summit/2025.yaml", "year: 2025", "year: twenty")], [], "content/summit/2025.yaml:1:"),
    ("summit attendance", {}, [("content/summit/2025.yaml", "attendance: hybrid", "attendance: both")], [],
     "content/summit/2025.yaml:6:"),
    ("summit session times", {}, [("content/summit/2025.yaml", "attendance: hybrid\n",
                                   "attendance: hybrid\ndays:\n  - date: 2025-11-19\n    sessions:\n"
                                   "      - id: opening\n        start: '10:00'\n        end: '9:00'\n"
                                   "        title: Opening\n        format: opening\n"
                                   "        networks: [no-such-network]\n")], [], "content/summit/2025.yaml:"),
    ("not UTF-8", {PAGE: "---\ntitle: Caf\xe9\n---\n".encode("latin-1")}, [], [], f"{PAGE}:2:"),
    ("invisible character", {PAGE: "---\ntitle: A\u202eB\n---\n"}, [], [], f"{PAGE}:2:"),
    ("unsafe file name", {"content/about/Über uns.md": "---\ntitle: A\n---\n"}, [], [], "content/about/Über uns.md"),
    ("same address twice", {"content/about/values-copy.md": "---\ntitle: A\nslug: values\n---\n"}, [], [], "content/about/"),
    ("template syntax", {}, [("templates/page.html", "{% block main %}", "{% block main %}{% if %}")], [],
     "templates/page.html:"),
    ("template undefined name", {}, [("templates/page.html", "{{ content }}", "{{ contnet }}")], [],
     "templates/page.html:"),
    ("level-1 heading, strict", {PAGE: "---\ntitle: A\n---\n\n# Title again\n"}, [], [], f"{PAGE}:"),
]


@pytest.mark.parametrize("name, files, edits, deletions, expected", MISTAKES, ids=[m[0] for m in MISTAKES])
def test_every_printed_error_has_a_location_and_a_hint(real_project, tmp_path, capsys, name, files, edits,
                                                       deletions, expected):
    for rel, text in files.items():
        _write(real_project / rel, text)
    for rel, old, new in edits:
        _edit(real_project / rel, old, new)
    for rel in deletions:
        (real_project / rel).unlink()
    code = main(["build", "--strict", "--root", str(real_project), "--out", str(tmp_path / "out")])
    captured = capsys.readouterr()
    assert code == 1, captured.out
    assert not (tmp_path / "out").exists()
    lines = captured.err.rstrip("\n").split("\n")
    assert re.fullmatch(r"Build failed: \d+ problems?; output/ was not changed\.", lines[-1])
    problems = [line for line in lines[:-1] if not line.startswith("warning: ")]
    assert problems, captured.err
    for line in lines[:-1]:
        match = ERROR_LINE.match(line.removeprefix("warning: "))
        assert match, f"not `PATH:LINE: message - hint`: {line}"
        assert "Traceback" not in line and "Error:" not in match["message"].split(" ", 1)[0]
    assert any(line.startswith(expected) for line in problems), captured.err
