"""Markdown: markdown-it-py configured once, with our link and heading rules."""
