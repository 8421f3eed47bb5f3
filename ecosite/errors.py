"""One error type for every stage, so the command line can print all problems the same way."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass


@dataclass(order=True, unsafe_hash=True)
class ContentError(Exception):
    """A problem an editor can fix: where it is, what is wrong and how to fix it.

    It is an exception too, so a loader can raise the one problem that stops it reading a file.
    `cause` names the file whose own mistake made this one (a link to a page that failed to load):
    such follow-on problems are counted under the real one instead of listed (see BuildError).
    """

    path: str
    line: int
    message: str
    hint: str = ""
    cause: str = ""

    def __str__(self) -> str:
        text = f"{self.path}:{max(self.line, 1)}: {self.message}"  # whole-file problems point at line 1
        return f"{text} - {self.hint}" if self.hint else text


class BuildError(Exception):
    """Raised once a stage has collected every problem it could find.

    `errors` are the problems to show, sorted; a follow-on problem whose cause is among them is not
    listed but counted in one line per cause (`follow_ons`), shown after every real problem, so one
    mistake reads as one error. `collected` keeps every problem, for a later stage to add to.
    """

    def __init__(self, errors: list[ContentError]):
        self.collected = sorted(set(errors))
        failed = {e.path for e in self.collected if not e.cause}
        self.errors = [e for e in self.collected if e.cause not in failed]
        counts = Counter(e.cause for e in self.collected if e.cause in failed)
        self.follow_ons = [f"{count} more problem{'s' if count != 1 else ''} in files that use {cause}; fix it first"
                           for cause, count in sorted(counts.items())]
        super().__init__("\n".join(self.lines))

    def __reduce__(self) -> tuple[type[BuildError], tuple[list[ContentError]]]:
        """A worker process's error travels back whole, not as its text."""
        return (BuildError, (self.collected,))

    @property
    def lines(self) -> list[str]:
        """What an editor is shown: every real problem, then the follow-on counts."""
        return [str(e) for e in self.errors] + self.follow_ons


def fail_if(errors: list[ContentError]) -> None:
    """Raise all collected errors at once, or do nothing."""
    if errors:
        raise BuildError(errors)
