"""Free text typed by a person (names, addresses, reasons): what the domain accepts.

Input from people and devices is data, never terminal control: the one rule of
``clerk.characters`` (no control, format, bidi, separator, private-use or
unassigned character; LF only in a multi-line field) is applied here with the
field's Chinese label, so the reason names the field and the character
(``U+202E``).  Lengths are the domain's, the same on SQLite and PostgreSQL, and
below every column that holds them, so a long value is refused here, never by
the database.

``printable`` is the other half: how a stored value is shown (old rows and
other systems' data may predate these checks), with every refused character
made visible and the length cut for a screen.
"""

from __future__ import annotations

from clerk.characters import (
    ADDRESS_MAX,
    CLERK_ID_MAX,
    NAME_MAX,
    NOTE_MAX,
    PAUSE_REASON_MAX,
    PERSON_NAME_MAX,
    SUMMARY_MAX,
    refusal,
    terminal_safe,
)
from clerk.identity.check import Check

__all__ = [
    "ADDRESS_MAX", "CLERK_ID_MAX", "NAME_MAX", "NOTE_MAX", "PAUSE_REASON_MAX", "PERSON_NAME_MAX", "SUMMARY_MAX",
    "check_text", "printable", "text_problems",
]


def check_text(value: str, label: str, limit: int, *, multiline: bool = False) -> Check:
    """Whether ``value`` may be stored as the field ``label`` (Chinese reason if not)."""
    reason = refusal(label, value, limit, multiline=multiline)
    return Check(True, value) if reason is None else Check(False, value, reason)


def text_problems(*fields: tuple[str, str, int]) -> list[str]:
    """The reasons for every (value, label, limit) that ``check_text`` refuses."""
    found = []
    for value, label, limit in fields:
        result = check_text(value, label, limit)
        if not result.ok:
            found.append(result.reason)
    return found


def printable(value: object, limit: int | None = 200) -> str:
    """``value`` as plain text safe for a terminal: refused characters made visible one for
    one (controls as pictures such as ␛, the others as U+FFFD), cut at ``limit``."""
    text = "" if value is None else str(value)
    cut = limit is not None and len(text) > limit
    if limit is not None and cut:
        text = text[: limit - 1]
    text = terminal_safe(text, one_for_one=True)
    return text + "…" if cut else text
