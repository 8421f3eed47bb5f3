"""The European Cancer Summit: the programme model, its pages, calendars and JSON-LD."""
