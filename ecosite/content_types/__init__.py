"""The content types, one module each; ecosite/registry.py lists them."""
