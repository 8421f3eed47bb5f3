"""Writing output/: a staging folder swapped in atomically, or changes applied in place."""
