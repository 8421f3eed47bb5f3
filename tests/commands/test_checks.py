"""`ecosite check`: what it finds in a built folder, where it says the problem comes from, and its exit codes."""

from __future__ import annotations

import signal
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import REPO, SITES, copy_project

from ecosite.cli import main
from ecosite.commands.build import build
from ecosite.incremental import workers
from ecosite.project import Project


@dataclass
class Outcome:
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def check(capsys, monkeypatch):
    """Run `ecosite check ARGS` in this process (as the command line does) and capture what it prints."""
    def run(*args: str, cwd: Path = REPO) -> Outcome:
        monkeypatch.chdir(cwd)
        capsys.readouterr()
        previous = signal.getsignal(signal.SIGTERM)  # main() installs its own handler
        try:
            code = main(["check", *args])
        finally:
            signal.signal(signal.SIGTERM, previous)
        printed = capsys.readouterr()
        return Outcome(code, printed.out, printed.err)
    return run


@pytest.fixture
def small(tmp_path: Path) -> Path:
    return copy_project(SITES / "small", tmp_path / "small")


def built(project: Path, **options) -> Path:
    build(Project(project, project / "output", **options))
    return project / "output"


def test_the_real_site_passes_a_strict_check(check, built_site: Path):
    result = check("--out", str(built_site), "--strict")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    pages = len(list(built_site.rglob("*.html"))) - len(list(built_site.glob("pagefind/**/*.html")))
    assert result.stdout == f"Check passed: {pages} pages, 0 errors, 0 warnings.\n"


def test_a_link_to_a_page_missing_from_the_output_names_the_markdown_line(check, small: Path):
    out = built(small)
    (out / "networks/beta-network/index.html").unlink()  # e.g. a page lost by a hand-made upload
    result = check("--root", str(small), cwd=small)
    assert result.returncode == 1
    assert ("content/index.md:8: the link /networks/beta-network/ leads to no page or file in the output "
            "(in index.html) - correct the link, or add the page it should lead to") in result.stderr.splitlines()
    assert result.stdout == "Check failed: 4 pages, 2 errors, 0 warnings.\n"


def test_a_broken_anchor_is_an_error_at_its_link(check, small: Path):
    out = built(small)
    alpha = out / "networks/alpha/index.html"
    alpha.write_text(alpha.read_text().replace('id="aims"', 'id="goals"'))
    result = check("--root", str(small), cwd=small)
    assert result.returncode == 1
    assert ("content/index.md:8: the link /networks/alpha/#aims names #aims, which is not on "
            "networks/alpha/index.html (in index.html) - link to an id (heading) that exists on that page") in result.stderr


def test_template_mistakes_are_found_and_named_by_page(check, small: Path):
    base = small / "templates/base.html"
    html = base.read_text()
    assert "</main>" in html
    base.write_text(html.replace("</main>", '<img src="{{ url(\'/nowhere.png\') }}"><a href="#missing">x</a></main>'))
    out = built(small)
    result = check("--root", str(small), "--out", str(out), cwd=small)
    errors = result.stderr.splitlines()
    assert result.returncode == 1
    assert ("content/networks/beta.md:1: the image /nowhere.png has no alt text (in networks/beta-network/index.html)"
            " - describe the image: ![what it shows](file.png)") in errors
    assert ("content/networks/beta.md:1: the link /nowhere.png leads to no page or file in the output "
            "(in networks/beta-network/index.html) - correct the link, or add the page it should lead to") in errors
    assert ("content/networks/beta.md:1: the link #missing names #missing, which is not on "
            "networks/beta-network/index.html (in networks/beta-network/index.html) - link to an id (heading) that exists "
            "on that page") in errors


def test_warnings_fail_only_with_strict(check, small: Path):
    base = small / "templates/base.html"
    html = base.read_text()
    assert "</main>" in html
    base.write_text(html.replace("</main>", '<h1>Second</h1><img src="{{ asset(\'img/logo.svg\') }}" alt=""></main>'))
    out = built(small)
    relaxed = check("--root", str(small), "--out", str(out), cwd=small)
    strict = check("--root", str(small), "--out", str(out), "--strict", cwd=small)
    assert relaxed.returncode == 0, relaxed.stderr
    assert strict.returncode == 1
    assert ("warning: content/index.md:1: the page has 2 h1 headings, not exactly one (in index.html) - "
            "keep one main heading (the page title); start body headings at ##") in strict.stderr.splitlines()
    assert relaxed.stdout.startswith("Check passed: ") and strict.stdout.startswith("Check failed: ")


def test_links_that_leave_the_base_path_are_errors(check, small: Path):
    out = built(small, base_url="https://example.org/eco/")
    home = out / "index.html"
    home.write_text(home.read_text().replace('href="/eco/networks/', 'href="/networks/', 1))
    result = check("--root", str(small), "--out", str(out), cwd=small)
    assert result.returncode == 1
    assert "the link /networks/" in result.stderr and "leads outside the site's address /eco/" in result.stderr


def test_an_output_built_for_another_address_is_refused(check, small: Path):
    out = built(small)
    result = check("--root", str(small), "--out", str(out), "--base-url", "https://example.org/eco/", cwd=small)
    assert result.returncode == 1
    assert result.stderr == ("ecosite: output/ was built for https://example.org/, not https://example.org/eco/; "
                             "build it again with `ecosite build --base-url https://example.org/eco/`\n")


def test_an_output_built_with_drafts_is_refused_unless_asked_for(check, small: Path):
    assert main(["build", "--root", str(small), "--drafts"]) == 0
    refused = check("--root", str(small), cwd=small)
    assert refused.returncode == 1
    assert refused.stderr == ("ecosite: output/ was built with --drafts; build it again as it will be published "
                              "(`ecosite build`), or pass the same --drafts to the check\n")
    assert check("--root", str(small), "--drafts", cwd=small).returncode == 0


def test_an_output_older_than_the_content_is_refused(check, small: Path):
    assert main(["build", "--root", str(small)]) == 0
    page = small / "content/networks/alpha.md"
    page.write_text(page.read_text() + "\nMore.\n")
    refused = check("--root", str(small), cwd=small)
    assert refused.returncode == 1
    assert refused.stderr == ("ecosite: content/networks/alpha.md changed after output/ was built; "
                              "run `ecosite build` first, then check\n")


def test_a_canonical_link_for_another_address_is_an_error(check, small: Path):
    out = built(small)
    (small / ".ecosite-cache/outputs.json").unlink()  # an output from elsewhere: only its pages tell
    result = check("--root", str(small), "--out", str(out), "--base-url", "https://example.org/eco/", cwd=small)
    assert result.returncode == 1
    assert ("the canonical link https://example.org/ is not this page's address https://example.org/eco/"
            in result.stderr)


def test_checking_a_folder_that_was_never_built_is_a_usage_error(check, tmp_path: Path):
    result = check("--out", str(tmp_path / "missing"))
    assert result.returncode == 2
    assert "does not exist; build the site first with `ecosite build`" in result.stderr


def test_a_search_page_built_without_its_index_is_reported_with_the_fix(check, tmp_path: Path):
    build(Project(REPO, tmp_path / "out", search=False))
    result = check("--out", str(tmp_path / "out"))
    assert result.returncode == 1
    assert ("content/search.md:1: the link /pagefind/pagefind-ui.js leads to no page or file in the output "
            "(in search/index.html) - the search index is missing: build without --no-search") in result.stderr


def test_a_check_spread_over_worker_processes_reports_what_one_process_reports(check, small: Path, monkeypatch):
    out = built(small)
    (out / "networks/beta-network/index.html").unlink()
    alpha = out / "networks/alpha/index.html"
    alpha.write_text(alpha.read_text().replace('id="aims"', 'id="goals"'))
    monkeypatch.setenv("ECOSITE_JOBS", "1")
    alone = check("--root", str(small), cwd=small)
    monkeypatch.setenv("ECOSITE_JOBS", "2")
    monkeypatch.setattr(workers, "POOL_THRESHOLD", 1)  # a tuning constant: workers for a site of four pages
    spread = check("--root", str(small), cwd=small)
    assert (spread.returncode, spread.stdout, spread.stderr) == (alone.returncode, alone.stdout, alone.stderr)
    assert "content/index.md:8: the link /networks/alpha/#aims names #aims" in spread.stderr
    assert spread.stdout == "Check failed: 4 pages, 4 errors, 0 warnings.\n"
