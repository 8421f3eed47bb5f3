"""The preview: build numbering, HTTP serving, file watching, live reload and the error overlay."""
