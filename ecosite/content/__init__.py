"""Reading content: discovery, text decoding, strict YAML, front matter, typed records, site.yaml."""
