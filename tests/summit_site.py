"""The summit fixture site (tests/sites/summit): a programme exercising every summit feature.

It reuses the real templates and static files, so the tests check what the organisation's site
would publish for a full programme, including a day on which the clocks go back.
"""

from __future__ import annotations

import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SUMMIT_SITE = Path(__file__).resolve().parent / "sites" / "summit"


def summit_project(target: Path) -> Path:
    """A writable copy of the fixture site with the real templates and static files."""
    shutil.copytree(SUMMIT_SITE / "content", target / "content")
    shutil.copytree(REPO / "templates", target / "templates")
    shutil.copytree(REPO / "content" / "static", target / "content" / "static")
    return target


def build_summit_site(target: Path) -> Path:
    """Build the fixture into target/output and return that folder."""
    from ecosite.pipeline import Project, build

    project = summit_project(target / "project")
    out = target / "output"
    build(Project(project, out))
    return out
