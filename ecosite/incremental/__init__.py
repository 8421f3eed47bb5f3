"""Incremental building: build state, the stages as the engine runs them (reusing the last build), the cache, workers."""
