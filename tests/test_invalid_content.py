"""Bad input: every rule gives one clear line `PATH:LINE: message - hint`, all at once, exit 1."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, SITES, copy_project


def build_errors(root: Path, *args: str) -> tuple[int, list[str]]:
    result = subprocess.run([sys.executable, "-m", "ecosite", "build", "--root", str(root), *args],
                            capture_output=True, text=True, timeout=120, cwd=root,
                            env={**os.environ, "PYTHONPATH": str(REPO)})
    assert "Traceback" not in result.stderr, result.stderr
    return result.returncode, [line for line in result.stderr.splitlines() if not line.startswith("Build failed")]


def test_the_invalid_sample_site_reports_every_problem_at_once(tmp_path: Path):
    site = copy_project(SITES / "invalid", tmp_path / "invalid")
    shutil.copytree(SITES / "small/templates", site / "templates")  # the mistakes are all in content/
    code, lines = build_errors(site)
    assert code == 1
    assert lines == (SITES / "invalid/expected-errors.txt").read_text().splitlines()[:-1]
    assert not (site / "output").exists()


@pytest.fixture
def small(tmp_path: Path) -> Path:
    return copy_project(SITES / "small", tmp_path / "small")


def write(root: Path, rel: str, text: str | bytes) -> None:
    path = root / "content" / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text if isinstance(text, bytes) else text.encode())


PAGE = "---\ntitle: T\n{extra}---\n\n{body}\n"

CASES = {
    "yes is not a boolean": (
        "news/x.md", "---\ntitle: T\ndate: 2024-01-01\ndraft: yes\n---\n",
        "content/news/x.md:4: draft must be true or false - write `true` or `false` (not yes/no)"),
    "duplicate key": (
        "x.md", "---\ntitle: T\nsummary: a\ntitle: U\n---\n",
        "content/x.md:4: duplicate key `title` (first given on line 2) - keep one of the two and delete the other"),
    "anchors and aliases": (
        "x.md", "---\ntitle: &t T\nsummary: *t\n---\n",
        "content/x.md:2: YAML anchors and aliases (& and *) are not allowed - write the value out in full where it is needed"),
    "impossible date": (
        "news/x.md", "---\ntitle: T\ndate: 2023-02-29\n---\n",
        "content/news/x.md:3: date: `2023-02-29` is not a real date - write a real date as YYYY-MM-DD, optionally followed by HH:MM"),
    "unquoted colon": (
        "x.md", "---\ntitle: Summit: 2025\n---\n",
        'content/x.md:2: the text after `:` contains another `: ` - put quotes around the value (for example title: "Summit: 2025")'),
    "missing title": (
        "x.md", "---\nsummary: s\n---\n", "content/x.md:2: title is missing - add `title:` with its value"),
    "unknown key with suggestion": (
        "x.md", "---\ntitle: T\nsumary: s\n---\n", "content/x.md:3: unknown key `sumary` - did you mean `summary`?"),
    "front matter never closed": (
        "x.md", "---\ntitle: T\n\nBody\n",
        "content/x.md:1: the front matter is never closed - add a line with just `---` after the last front matter field"),
    "no front matter": (
        "x.md", "# Just text\n",
        "content/x.md:1: the page has no front matter - start the file with a line `---`, then `title: ...`, then another `---`"),
    "not UTF-8": (
        "x.md", "---\ntitle: caf\xe9\n---\n".encode("latin-1"),
        "content/x.md:2: the file is not UTF-8 text - save it as UTF-8 in your editor (File > Save with encoding > UTF-8)"),
    "bad slug": (
        "x.md", "---\ntitle: T\nslug: Hello World\n---\n",
        "content/x.md:3: slug: `Hello World` is not a valid slug - use lower-case letters, digits and hyphens, e.g. `digital-health`"),
    "file name that cannot be a URL": (
        "caf\u00e9 page.md", "---\ntitle: T\n---\n",
        "content/caf\u00e9 page.md:1: `caf\u00e9 page` cannot be part of a web address - rename the file or folder to "
        "lower-case letters, digits and hyphens, or set `slug:` in the front matter"),
    "slug collision": (
        "networks/gamma.md", "---\ntitle: G\norder: 3\nsummary: s\nslug: alpha\n---\n",
        "content/networks/gamma.md:5: the address /networks/alpha/ is also produced by content/networks/alpha.md - "
        "change `slug:` to an address no other page has"),
    "alias collision": (
        "about.md", "---\ntitle: About\naliases:\n  - /old/\n  - /networks/beta-network/\n---\n",
        "content/about.md:5: the address /networks/beta-network/ is also produced by content/networks/beta.md - "
        "change or drop this alias; no file needs renaming"),
    "link to a draft": (
        "x.md", PAGE.format(extra="", body="See [it](news/draft.md)."),
        "content/x.md:5: the link points to content/news/draft.md, which is a draft (`draft: true`) - "
        "publish it with `draft: false`, or remove the link until then"),
    "link without .md": (
        "about/x.md", PAGE.format(extra="", body="See [alpha](../networks/alpha)."),
        "content/about/x.md:5: the link points to content/networks/alpha, which is not a page or static file - "
        "did you mean `../networks/alpha.md`?"),
    "image written as a site address": (
        "about/x.md", PAGE.format(extra="", body="![Logo](/static/img/logo.svg)"),
        "content/about/x.md:5: the link `/static/img/logo.svg` is a web address, not a path to a file - "
        "write the path from this file instead: `../static/img/logo.svg`"),
    "page written as a site address": (
        "about/x.md", PAGE.format(extra="", body="See [beta](/networks/beta/)."),
        "content/about/x.md:5: the link `/networks/beta/` is a web address, not a path to a file - "
        "write the path from this file instead: `../networks/beta.md`"),
    "news naming an unknown network": (
        "news/x.md", "---\ntitle: T\ndate: 2024-01-01\nnetworks:\n  - alpha\n  - betta\n---\n",
        "content/news/x.md:6: networks: there is no network `betta` - did you mean `beta`?"),
    "missing link target": (
        "x.md", PAGE.format(extra="", body="See [alpha](networks/alpah.md)."),
        "content/x.md:5: the link points to content/networks/alpah.md, which does not exist - "
        "did you mean `networks/alpha.md`?"),
    "missing heading anchor": (
        "x.md", PAGE.format(extra="", body="Line one.\n\nSee [alpha](networks/alpha.md#goals)."),
        "content/x.md:7: content/networks/alpha.md has no heading with the id `goals` - its ids are: aims, aims-1"),
    "javascript link hidden by an entity": (
        "x.md", PAGE.format(extra="", body="[x](&#106;avascript:alert(1))"),
        "content/x.md:5: the link `javascript:alert(1)` uses the unsafe scheme `javascript:` - "
        "link to an https:// address or to another page's .md file"),
    "data image": (
        "x.md", PAGE.format(extra="", body="![x](data:image/png;base64,AAAA)"),
        "content/x.md:5: the link `data:image/png;base64,AAAA` uses the unsafe scheme `data:` - "
        "link to an https:// address or to another page's .md file"),
    "template outside templates/": (
        "x.md", PAGE.format(extra="template: ../../etc/passwd\n", body=""),
        "content/x.md:3: template: `../../etc/passwd` is not a template name - name a template file in templates/, e.g. `page.html`"),
    "template that does not exist": (
        "x.md", PAGE.format(extra="template: fancy.html\n", body=""),
        "content/x.md:3: the template `fancy.html` does not exist - name a file in templates/, or remove `template:` to use the default"),
    "unknown data file": (
        "about/people.yaml", "people: []\n",
        "content/about/people.yaml:1: no content model reads this data file - data files live at about/values.yaml "
        "or summit/<year>.yaml; move or rename it, or delete it"),
    "stray file": (
        "report.docx", b"PK\x03\x04",
        "content/report.docx:1: this file is not a page, a data file or a static file - pages end in .md and data in "
        ".yaml; put images, CSS and downloads in content/static/, or delete the file"),
    "bidirectional control character": (
        "x.md", "---\ntitle: T\n---\n\nPay \u202eevil\n",
        "content/x.md:5: invisible control character U+202E in the text - delete it; retype the line if you cannot see it"),
    "wrong type: string where a list belongs": (
        "networks/gamma.md", "---\ntitle: G\norder: 3\nsummary: s\nco_chairs: Ada Example\n---\n",
        "content/networks/gamma.md:5: co_chairs must be a list - write each item on its own line starting with `- `"),
    "YAML tag": (
        "x.md", "---\ntitle: !!python/object/apply:os.system [ls]\n---\n",
        "content/x.md:2: YAML tag `tag:yaml.org,2002:python/object/apply:os.system` is not allowed - "
        "remove the `!` tag; write plain text, numbers, lists and key: value pairs"),
    # YAML syntax errors: at the line where the broken construct starts, in the editor's words.
    "tab before a key": (
        "x.md", "---\ntitle: T\n\tsummary: s\n---\n",
        'content/x.md:3: this line is indented with a tab - YAML needs spaces: delete the tab and type spaces '
        'instead (in VS Code: "Convert Indentation to Spaces")'),
    "unclosed quote": (
        "x.md", '---\ntitle: "Our team\nsummary: Who we are\n---\n',
        'content/x.md:2: the quote " opened on this line is never closed - end the text with " on the same line: '
        '`title: "Our team"`'),
    "unclosed list": (
        "networks/gamma.md", "---\ntitle: G\nsources: [https://a.example/\norder: 3\nsummary: s\n---\n",
        "content/networks/gamma.md:3: the [ opened on this line is never closed - end it with ] on the same line: "
        "`sources: [https://a.example/]`"),
    "key indented too far": (
        "x.md", "---\ntitle: T\nsummary: s\n   order: 3\n---\n",
        "content/x.md:4: this line is not lined up with the line above it - start it at the beginning of the line, "
        "like line 3: `order: 3`"),
    "list field indented unlike its neighbours": (
        "networks/gamma.md", "---\ntitle: G\norder: 3\nsummary: s\nco_chairs:\n  - name: A\n  society: B\n---\n",
        "content/networks/gamma.md:7: this line is not lined up with the line above it - indent it by 4 spaces, "
        "like line 6: `    society: B`"),
    "no space after the dash": (
        "networks/gamma.md", "---\ntitle: G\norder: 3\nsummary: s\nco_chairs:\n  - name: A\n  -name: B\n---\n",
        "content/networks/gamma.md:7: a space is missing after the dash - write `- name: B`"),
    "no space after the only dash": (
        "networks/gamma.md", "---\ntitle: G\norder: 3\nsummary: s\nco_chairs:\n  -name: B\n---\n",
        "content/networks/gamma.md:6: co_chairs must be a list: a space is missing after the dash - "
        "write `- name: ...` (a dash, a space, then the field)"),
    "items under an empty list": (
        "news/x.md", "---\ntitle: T\ndate: 2024-01-01\nnetworks: []\n  - alpha\n---\n",
        "content/news/x.md:4: `networks: []` says the list is empty, but items follow it - remove the `[]` and write "
        "the list out, one item per line: `networks:` / `  - alpha`"),
    "text after a closing quote": (
        "x.md", '---\ntitle: "Our" team\n---\n',
        'content/x.md:2: text follows the closing quote - put the whole value inside the quotes: `title: "Our team"`'),
    "value starting with @": (
        "x.md", "---\ntitle: @ECO news\n---\n",
        'content/x.md:2: a value cannot start with @ - put quotes around the value, e.g. `title: "@ECO news"`'),
}

PARSER_JARGON = ("token", "<block", "'?'", "end of stream", "mapping values", "scalar", "<stream")


def test_no_parser_jargon_reaches_the_editor():
    assert not [text for _, _, text in CASES.values() if any(word in text for word in PARSER_JARGON)]


@pytest.mark.parametrize("rel, text, expected", CASES.values(), ids=CASES.keys())
def test_each_mistake_gets_one_clear_message(small: Path, rel: str, text, expected: str):
    write(small, rel, text)
    code, lines = build_errors(small)
    assert code == 1
    assert lines == [expected]


WARNINGS = {
    "raw HTML line break": (
        "x.md", PAGE.format(extra="", body="First line<br>\nsecond line."),
        "content/x.md:5: the HTML tag <br> is shown as text on the page (HTML is not allowed in pages) - for a line "
        "break end the line with a backslash \\, for a new paragraph leave a blank line"),
    "raw HTML embed on a later line of a paragraph": (
        "x.md", PAGE.format(extra="", body="Watch this:\n<iframe src=\"https://video.example/1\"></iframe>"),
        "content/x.md:6: the HTML tag <iframe> is shown as text on the page (HTML is not allowed in pages) - embedded "
        "content cannot be published from a page: link to it instead, e.g. [Watch the video](https://...)"),
    "unquoted # in a title": (
        "x.md", "---\ntitle: Europe's #1 cancer plan\n---\n",
        "content/x.md:2: `title` stops at ` #`: the page shows only `Europe's` - put the whole value in quotes: "
        "title: \"Europe's #1 cancer plan\""),
    "TODO left from ecosite new": (
        "x.md", PAGE.format(extra="", body="TODO: the page, in Markdown."),
        "content/x.md:5: a `TODO` placeholder from `ecosite new` is still here - replace it with the real text, "
        "or delete the line"),
}


@pytest.mark.parametrize("rel, text, expected", WARNINGS.values(), ids=WARNINGS.keys())
def test_what_would_come_out_wrong_is_a_warning_and_a_strict_error(small: Path, rel: str, text: str, expected: str):
    write(small, rel, text)
    result = subprocess.run([sys.executable, "-m", "ecosite", "build", "--root", str(small)], capture_output=True,
                            text=True, timeout=120, cwd=small, env={**os.environ, "PYTHONPATH": str(REPO)})
    assert result.returncode == 0
    assert result.stderr.splitlines() == [f"warning: {expected}"]
    assert build_errors(small, "--strict") == (1, [expected])


def test_html_inside_code_is_not_a_warning(small: Path):
    write(small, "x.md", PAGE.format(extra="", body="Write `<br>` in code, or:\n\n```\n<iframe></iframe>\n```"))
    assert build_errors(small, "--strict") == (0, [])


NAV = "nav:\n  - title: Home\n    page: index.md\n  - title: {title}\n    page: {page}\n"


@pytest.mark.parametrize("title, page, expected", [
    ("Networks", "networks/indx.md", "content/site.yaml:9: the navigation names content/networks/indx.md, which does "
     "not exist - did you mean `page: networks/index.md`?"),
    ("Draft", "news/draft.md", "content/site.yaml:9: the navigation names content/news/draft.md, which is a draft - "
     "set `draft: false` in content/news/draft.md to publish it, or remove this entry until then"),
], ids=["missing page", "draft page"])
def test_a_navigation_entry_to_no_page_is_reported_at_its_line(small: Path, title: str, page: str, expected: str):
    config = small / "content/site.yaml"
    text = config.read_text()
    config.write_text(text[:text.index("nav:")] + NAV.format(title=title, page=page) + text[text.index("social:"):])
    assert build_errors(small) == (1, [expected])


def test_unknown_site_setting_suggests_the_nearest_key(small: Path):
    config = small / "content/site.yaml"
    config.write_text(config.read_text().replace("timezone:", "timezon:"))
    code, lines = build_errors(small)
    assert (code, lines) == (1, ["content/site.yaml:4: unknown key `timezon` - did you mean `timezone`?"])


def test_a_symlink_leading_out_of_the_project_is_refused(small: Path, tmp_path: Path):
    secret = tmp_path / "secret.md"
    secret.write_text("---\ntitle: secret\n---\n")
    (small / "content/leak.md").symlink_to(secret)
    (small / "content/static/passwd.css").symlink_to("/etc/passwd")
    code, lines = build_errors(small)
    assert code == 1
    assert lines == [
        "content/leak.md:1: this symbolic link points outside content/ - copy the file here instead of linking to it",
        "content/static/passwd.css:1: this symbolic link points outside content/static/ - copy the file here instead of linking to it",
    ]


@pytest.mark.parametrize("leftover", ["about.md~", ".about.md.swp", "#about.md#", ".#about.md", "about.md.tmp",
                                      "about.md___jb_tmp___", "about.md___jb_old___", "~$report.docx", ".DS_Store"])
def test_what_editors_leave_beside_a_page_is_not_built(small: Path, leftover: str):
    write(small, leftover, "---\ntitle: Half saved\n---\n\nNot for publication.\n")
    code, lines = build_errors(small)
    assert (code, lines) == (0, [])
    assert not [p for p in (small / "output").rglob("*") if p.is_file() and "Half saved" in p.read_text(errors="replace")]


def test_bom_and_crlf_are_accepted(small: Path):
    write(small, "x.md", "\ufeff---\r\ntitle: Windows\r\n---\r\n\r\nSaved on Windows.\r\n".encode())
    code, lines = build_errors(small)
    assert (code, lines) == (0, [])
    assert "<p>Saved on Windows.</p>" in (small / "output/x/index.html").read_text()


def test_yaml_values_stay_as_written(small: Path):
    write(small, "x.md", "---\ntitle: 1.10\nsummary: 01234\n---\n\nAt 12:30.\n")
    code, _ = build_errors(small)
    assert code == 0
    assert "<h1>1.10</h1>" in (small / "output/x/index.html").read_text()


def test_out_may_not_be_a_source_folder(small: Path):
    for out in (".", "content", "templates", "content/static", ".."):
        result = subprocess.run([sys.executable, "-m", "ecosite", "build", "--out", out], cwd=small,
                                capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(REPO)})
        assert result.returncode == 2, out
        assert result.stderr.startswith("ecosite: --out "), result.stderr
    assert sorted(p.name for p in small.iterdir()) == ["content", "templates"]


def test_strict_turns_warnings_into_failure(small: Path):
    write(small, "x.md", PAGE.format(extra="", body="![](static/img/logo.svg)"))
    code, lines = build_errors(small)
    assert code == 0
    code, lines = build_errors(small, "--strict")
    assert (code, lines) == (1, ["content/x.md:5: an image has no alt text - describe the image inside the brackets: "
                                 "![what it shows](file.png)"])
