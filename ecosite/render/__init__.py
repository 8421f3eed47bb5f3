"""Rendering: the Jinja environment, template helpers and dependency recording."""
