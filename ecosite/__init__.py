"""ecosite: the static site generator behind the European Cancer Organisation's website."""

__version__ = "0.1.0"
