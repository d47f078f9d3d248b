"""What a ``clerk`` command prints reaches a terminal as text, never as control.

A listing prints stored text (a clerk's name, an applicant's, a queue's), an
error repeats what was typed; a row written before the text rule, or by another
system, may hold ESC or a bidi override.  ``escaped_output`` puts a thin layer
over ``sys.stdout`` and ``sys.stderr`` for the length of a command: every
character the text rule refuses (``clerk.characters``) except the command's own
line breaks and tabs is shown visibly (ESC as ␛, U+202E as ``<U+202E>``).
Textual writes to ``sys.__stdout__``/``sys.__stderr__`` and is not affected.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

from clerk.characters import terminal_safe

__all__ = ["EscapingStream", "escaped_output"]

#: The only controls a command writes on purpose: line ends and the tabs between columns.
_KEPT = "\n\t"


class EscapingStream:
    """A text stream that writes to ``target`` with refused characters made visible."""

    def __init__(self, target: TextIO) -> None:
        self.target = target

    def write(self, text: str) -> int:
        self.target.write(terminal_safe(text, keep=_KEPT))
        return len(text)

    def writelines(self, lines: Iterator[str]) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        self.target.flush()

    def isatty(self) -> bool:
        return self.target.isatty()

    def fileno(self) -> int:
        return self.target.fileno()

    def writable(self) -> bool:
        return True

    @property
    def encoding(self) -> str:
        return self.target.encoding

    @property
    def errors(self) -> str | None:
        return self.target.errors


@contextmanager
def escaped_output() -> Iterator[None]:
    """For the ``with`` block, ``sys.stdout`` and ``sys.stderr`` escape what they print."""
    stdout, stderr = sys.stdout, sys.stderr
    sys.stdout = EscapingStream(stdout)
    sys.stderr = EscapingStream(stderr)
    try:
        yield
    finally:
        sys.stdout, sys.stderr = stdout, stderr
