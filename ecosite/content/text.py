"""Which characters content may not hide: the one policy for invisible and bidirectional characters.

A reader cannot see them, and they can make text or a link address say something other than what
the editor saw (a right-to-left override turns `txt.exe` around). Files refuse them outright; YAML
escapes and Markdown link text are checked against the same sets.
"""

from __future__ import annotations

import re

# C0 and C1 control characters (tab and newline excepted) and the noncharacters YAML and XML refuse.
CONTROLS = frozenset({chr(c) for c in range(0x20) if chr(c) not in "\t\n"} | {chr(c) for c in range(0x7F, 0xA0)}
                     | {"\ufffe", "\uffff"})
# Embeddings, overrides and isolates: they reorder the text around them.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
FORBIDDEN_IN_FILES = CONTROLS | BIDI_CONTROLS
# What a double-quoted YAML escape ("\0", "\e", "\u202E", "\u2028") can put into a value.
FORBIDDEN_IN_ESCAPES = CONTROLS | BIDI_CONTROLS | {"\u2028", "\u2029"}


def finder(characters: frozenset[str]) -> re.Pattern[str]:
    """A pattern finding any of `characters`: one search of a whole file, where a set per line took a
    tenth of reading a page."""
    return re.compile("[" + "".join(re.escape(c) for c in sorted(characters)) + "]")


FIND_FORBIDDEN_IN_FILES = finder(FORBIDDEN_IN_FILES)
FIND_FORBIDDEN_IN_ESCAPES = finder(FORBIDDEN_IN_ESCAPES)
# What a browser drops from a link address before reading its scheme (so `java\tscript:` is javascript:).
IGNORED_IN_URLS = re.compile(r"[\x00-\x20\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]")
