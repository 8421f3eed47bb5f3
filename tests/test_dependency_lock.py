"""The dependency lock: every dependency pinned, installed at its pin, and used by make and CI."""

from __future__ import annotations

import importlib.metadata
import re
import subprocess
import tomllib

from conftest import REPO

LOCK = REPO / "requirements.lock"


def pins() -> dict[str, str]:
    found = re.findall(r"^([A-Za-z0-9_.-]+)==(\S+)$", LOCK.read_text(), flags=re.M)
    return {normal(name): version for name, version in found}


def normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_every_dependency_of_the_project_is_pinned():
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    wanted = project["dependencies"] + project["optional-dependencies"]["test"]
    names = {normal(re.split(r"[\[<>=!~ ]", requirement)[0]) for requirement in wanted}
    assert names - set(pins()) == set()


def test_the_installed_versions_are_the_locked_ones():
    assert {name: importlib.metadata.version(name) for name in pins()} == pins()


def test_make_site_test_and_ci_install_from_the_lock():
    for target in (".venv/.installed-site", ".venv/.installed-test"):
        result = subprocess.run(["make", "-n", "-W", "pyproject.toml", target], capture_output=True, text=True,
                                cwd=REPO, timeout=60)
        assert "pip install -q -c requirements.lock -e " in result.stdout, result.stdout
    workflow = (REPO / ".github/workflows/publish.yml").read_text()
    assert "make site" in workflow and "requirements.lock" in workflow
    assert "make test" in (REPO / ".ci/run").read_text()
