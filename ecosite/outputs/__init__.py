"""Outputs besides the pages: sitemap, feed, redirects, search index, minify, gzip."""
