#!/usr/bin/env python3
"""Build the site: `python build.py` is `ecosite build`; `python build.py ARGS` is `ecosite ARGS`."""

import sys

from ecosite.cli import run

if __name__ == "__main__":
    run(sys.argv[1:])
