"""Which line of a TOML text writes a given key (for ``file:line`` in messages).

A key may be bare (``window = 3``), quoted (``"办不了" = 5``) or quoted with
escapes (``"很难\\u202e办" = 10``, exactly how a hidden character is written
into a file on purpose); the left-hand side of each candidate line is read
with ``tomllib`` itself, so every spelling of the key is found.  Lines are
TOML's (LF only): U+2028 or U+0085 inside a value does not end one.
"""

from __future__ import annotations

import re
import tomllib

__all__ = ["defines", "lines_of"]

_ASSIGNMENT = re.compile(r"""\s*((?:"(?:[^"\\]|\\.)*"|'[^']*'|[A-Za-z0-9_-]+)(?:\s*\.\s*(?:"(?:[^"\\]|\\.)*"|'[^']*'|[A-Za-z0-9_-]+))*)\s*=""")


def lines_of(text: str) -> list[str]:
    """The lines of a TOML text as TOML counts them."""
    return text.split("\n")


def defines(line: str, key: str) -> bool:
    """Whether ``line`` assigns ``key`` (a one-part key; bare, quoted or escaped)."""
    match = _ASSIGNMENT.match(line)
    if match is None:
        return False
    try:
        parsed = tomllib.loads(f"{match.group(1)} = 0")
    except tomllib.TOMLDecodeError:
        return False
    return list(parsed) == [key]
