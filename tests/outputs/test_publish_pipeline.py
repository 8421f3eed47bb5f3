"""A publishing script under `set -euo pipefail`: a failed build or check stops it before the upload step."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO, SITES, copy_project

PIPELINE = """set -euo pipefail
ecosite build --root "$PROJECT" --out "$OUT" --no-search | tee "$WORK/build.log"
ecosite check --root "$PROJECT" --out "$OUT" --strict
touch "$WORK/published"
"""


def publish(project: Path, work: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PROJECT": str(project), "OUT": str(work / "out"), "WORK": str(work),
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}", "PYTHONPATH": str(REPO)}
    return subprocess.run(["bash", "-c", PIPELINE], env=env, capture_output=True, text=True, timeout=180)


@pytest.fixture
def small(tmp_path: Path) -> Path:
    return copy_project(SITES / "small", tmp_path / "small")


def test_a_good_site_is_published(small: Path, tmp_path: Path):
    result = publish(small, tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "published").exists()
    assert "Check passed" in result.stdout


def test_a_content_error_stops_the_pipeline_before_publishing(small: Path, tmp_path: Path):
    beta = small / "content/networks/beta.md"
    beta.write_text(beta.read_text().replace("[Alpha](alpha.md)", "[Alpha](gamma.md)"))
    result = publish(small, tmp_path)
    assert result.returncode == 1  # the build's exit code, even though its output went through `tee`
    assert "content/networks/beta.md:8: the link points to content/networks/gamma.md" in result.stderr
    assert not (tmp_path / "published").exists()
    assert not (tmp_path / "out").exists()


def test_a_check_error_stops_the_pipeline_before_publishing(small: Path, tmp_path: Path):
    base = small / "templates/base.html"
    base.write_text(base.read_text().replace("</main>", '<a href="{{ url(\'/gone/\') }}">gone</a></main>'))
    result = publish(small, tmp_path)
    assert result.returncode == 1
    assert "the link /gone/ leads to no page or file in the output" in result.stderr
    assert (tmp_path / "out/index.html").exists() and not (tmp_path / "published").exists()


def test_the_pages_workflow_builds_checks_then_uploads_and_deploys():
    import yaml

    workflow = yaml.safe_load((REPO / ".github/workflows/publish.yml").read_text())
    build_steps = workflow["jobs"]["build"]["steps"]
    commands = [step.get("uses") or step["run"] for step in build_steps]
    order = [next(i for i, c in enumerate(commands) if needle in c)
             for needle in ("actions/setup-python", "make site", "ecosite check --strict",
                            "actions/upload-pages-artifact")]
    assert order == sorted(order)
    assert build_steps[order[-1]]["with"]["path"] == "output"
    deploy = workflow["jobs"]["deploy"]
    assert deploy["needs"] == "build"
    assert [step["uses"].split("@")[0] for step in deploy["steps"]] == ["actions/deploy-pages"]
    assert workflow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}


def test_make_site_passes_build_flags_to_the_build():
    result = subprocess.run(["make", "-n", "site", "BUILD_FLAGS=--base-url https://example.org/eco/ --minify"],
                            cwd=REPO, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert ".venv/bin/ecosite build --base-url https://example.org/eco/ --minify" in result.stdout
