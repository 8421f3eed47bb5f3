"""What every new content file starts with (`ecosite new`): plain-words notes, then the fields, as a draft."""

from __future__ import annotations

import json


def quoted(text: str) -> str:
    """A YAML double-quoted string (JSON's string syntax is valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def front_matter(lines: list[str]) -> str:
    return "---\n" + "\n".join(lines) + "\n---\n"


HEADER = [
    "# Everything between the two `---` lines is front matter: the page's fields, one `key: value`",
    "# per line. The text after the second `---` is the page itself, written in Markdown.",
    "# Lines starting with # are notes for you: they are never published and you may delete them.",
    "",
]

COMMON_TAIL = [
    "# true keeps this page off the published site while you write it; set it to false to publish.",
    "# (`make serve DRAFTS=1` previews drafts; `ecosite build --drafts` builds them.)",
    "draft: true",
    "# Old addresses of this page (e.g. /old-name/) that should keep working; one per line, `- /old-name/`.",
    "aliases: []",
    "# A different layout from templates/ (e.g. page.html). Leave empty for the usual layout.",
    "template:",
]
