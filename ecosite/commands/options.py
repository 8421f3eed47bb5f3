"""Options several commands share, declared once so they read and behave the same everywhere."""

from __future__ import annotations

import argparse
from pathlib import Path


def add_root(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--root", type=Path, default=Path("."), help="project folder (default: current folder)")


def add_future(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--future", action="store_true",
                        help="include pages dated in the future (otherwise each waits for its date)")
