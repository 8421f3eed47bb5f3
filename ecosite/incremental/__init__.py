"""The incremental engine: build state, change detection, the build cache, worker processes."""
