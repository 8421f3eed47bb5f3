"""The linked site: pages with URLs, sections, assets and cross references."""
