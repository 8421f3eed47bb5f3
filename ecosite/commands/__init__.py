"""The commands: build, serve, check, new, schema; one module each, found by cli.COMMANDS."""
