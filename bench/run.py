"""The build benchmark (`make bench`): cold, no-op and incremental builds against a same-run baseline.

For each size (1,000 and 10,000 generated pages by default) it builds a synthetic site (bench/synth.py)
and measures, each scenario in its own process so peak memory is that scenario's alone:

  baseline    the simplest loop: read every page, parse it with markdown-it-py, write the HTML, one process
  cold        `ecosite build` with no cache (worker processes when the site is large)
  cold-1cpu   the same, forced into one process (ECOSITE_JOBS=1), to show what the workers buy
  no-op       a rebuild with nothing changed
  body-edit   a rebuild after adding a sentence to one page's body
  title-edit  a rebuild after changing one page's title
  template    a rebuild after changing the template news items use

Absolute times on a shared machine are noise, so every figure is also printed as a ratio to the
baseline measured in the same run, and rebuilds as a share of the cold build. The search index
(Pagefind, an external program) is left out: it is the same cost in every scenario that changes a page.

    python bench/run.py [--sizes 1000 10000] [--seed 7] [--keep]
"""

from __future__ import annotations

import argparse
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

SCENARIOS = ("baseline", "cold", "cold-1cpu", "no-op", "body-edit", "title-edit", "template")


def peak_mb() -> float:
    """Peak resident memory of this process or of any worker it started (KiB on Linux)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, workers) / 1024


def baseline(root: Path, out: Path) -> None:
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
    if scenario == "body-edit":
        page = edit_target(root)
        page.write_text(page.read_text(encoding="utf-8") + "\nA sentence added by the benchmark.\n", encoding="utf-8")
    elif scenario == "title-edit":
        page = edit_target(root)
        text = page.read_text(encoding="utf-8")
        page.write_text(text.replace("\ntitle: ", "\ntitle: Edited ", 1), encoding="utf-8")
    elif scenario == "template":
        template = root / "templates" / "news" / "page.html"
        template.write_text(template.read_text(encoding="utf-8") + "{# edited by the benchmark #}\n<!-- bench -->\n",
                            encoding="utf-8")


def run_scenario(scenario: str, root: Path, out: Path) -> dict:
    """Runs inside the child process: one measurement, returned as JSON-ready data."""
    prepare(scenario, root)
    if scenario == "baseline":
        started = time.perf_counter()
        baseline(root, out)
        return {"seconds": time.perf_counter() - started, "peak_mb": peak_mb(), "pages": None}
    from ecosite.pipeline import Project, build
    assert Path(sys.modules["ecosite"].__file__).is_relative_to(out.parent), "measuring the frozen copy"
    project = Project(root, out)
    project.search = False
    if scenario.startswith("cold"):
        shutil.rmtree(root / ".ecosite-cache", ignore_errors=True)
        shutil.rmtree(out, ignore_errors=True)
    started = time.perf_counter()
    result = build(project)
    return {"seconds": time.perf_counter() - started, "peak_mb": peak_mb(), "pages": len(result.site.pages)}


def measure(scenario: str, root: Path, out: Path) -> dict:
    env = dict(os.environ, ECOSITE_BENCH_ENGINE=str(out.parent / "engine"))
    if scenario == "cold-1cpu":
        env["ECOSITE_JOBS"] = "1"
    started = time.perf_counter()
    finished = subprocess.run([sys.executable, __file__, "--child", scenario, str(root), str(out)],
                              capture_output=True, text=True, env=env)
    wall = time.perf_counter() - started
    if finished.returncode != 0:
        raise SystemExit(f"{scenario} failed:\n{finished.stderr}")
    result = json.loads(finished.stdout.strip().splitlines()[-1])
    result["wall"] = wall
    return result


def report(size: int, results: dict[str, dict]) -> None:
    base = results["baseline"]["seconds"]
    cold = results["cold"]["seconds"]
    print(f"\n{size:,} generated pages ({results['cold']['pages']:,} pages built)")
    print(f"{'scenario':<12} {'build s':>9} {'process s':>10} {'x baseline':>11} {'% of cold':>10} {'peak MB':>8}")
    for name, result in results.items():
        share = f"{100 * result['seconds'] / cold:9.1f}%" if name not in ("baseline", "cold") else f"{'':>10}"
        print(f"{name:<12} {result['seconds']:9.2f} {result['wall']:10.2f} {result['seconds'] / base:11.3f} "
              f"{share} {result['peak_mb']:8.0f}")
    sys.stdout.flush()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--scenarios", nargs="+", default=list(SCENARIOS), choices=SCENARIOS)
    parser.add_argument("--keep", action="store_true", help="keep the generated sites in bench-sites/")
    parser.add_argument("--child", nargs=3, metavar=("SCENARIO", "ROOT", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        scenario, root, out = args.child
        print(json.dumps(run_scenario(scenario, Path(root), Path(out))))
        return 0
    import synth
    parent = HERE.parent / "bench-sites" if args.keep else Path(tempfile.mkdtemp(prefix="ecosite-bench-"))
    try:
        shutil.copytree(HERE.parent / "ecosite", parent / "engine" / "ecosite",
                        ignore=shutil.ignore_patterns("__pycache__"), dirs_exist_ok=True)
        for size in args.sizes:
            root = synth.write_site(parent / f"site-{size}", size, args.seed)
            results = {}
            for scenario in args.scenarios:
                out = parent / f"out-{size}-baseline" if scenario == "baseline" else parent / f"out-{size}"
                results[scenario] = measure(scenario, root, out)
                print(f"  {size:,} {scenario}: {results[scenario]['seconds']:.2f} s", file=sys.stderr, flush=True)
            report(size, results)
    finally:
        if not args.keep:
            shutil.rmtree(parent, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
