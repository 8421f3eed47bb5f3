"""One error type for every stage, so the command line can print all problems the same way."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(order=True, unsafe_hash=True)
class ContentError(Exception):
    """A problem an editor can fix: where it is, what is wrong and how to fix it.

    It is an exception too, so a loader can raise the one problem that stops it reading a file.
    """

    path: str
    line: int
    message: str
    hint: str = ""

    def __str__(self) -> str:
        text = f"{self.path}:{max(self.line, 1)}: {self.message}"  # whole-file problems point at line 1
        return f"{text} - {self.hint}" if self.hint else text


class BuildError(Exception):
    """Raised once a stage has collected every problem it could find."""

    def __init__(self, errors: list[ContentError]):
        self.errors = sorted(set(errors))
        super().__init__("\n".join(str(e) for e in self.errors))


def fail_if(errors: list[ContentError]) -> None:
    """Raise all collected errors at once, or do nothing."""
    if errors:
        raise BuildError(errors)
