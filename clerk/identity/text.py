"""Free text typed by a person (names, addresses, reasons): what the domain accepts.

Input from people and devices is data, never terminal control: a name or an
address with a C0/C1 control character (NUL, ESC, ...) or a bidirectional
override (U+202A–U+202E, U+2066–U+2069, which make a printed notice read
differently from what was stored) is refused with a Chinese reason.  Lengths
are the domain's, the same on SQLite and PostgreSQL, and below every column
that holds them, so a long value is refused here, never by the database.

``printable`` is the other half: how a stored value is shown (old rows and
other systems' data may predate these checks), with every control character
and bidi mark made visible and the length cut for a screen.
"""

from __future__ import annotations

from clerk.identity.check import Check

#: Lengths in characters (the columns are wider: see store/tables*.py).
NAME_MAX = 100  # applicant / organisation / contact person / recipient
ADDRESS_MAX = 200  # mailing address
NOTE_MAX = 500  # reasons, comments, notes, references
SUMMARY_MAX = 1000  # a complaint's text

#: Bidirectional embeddings, overrides and isolates.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def is_control(ch: str) -> bool:
    """C0 (incl. TAB, CR, LF), DEL and C1 controls."""
    code = ord(ch)
    return code < 0x20 or 0x7F <= code <= 0x9F


def check_text(value: str, label: str, limit: int) -> Check:
    """Whether ``value`` may be stored as the field ``label`` (Chinese reason if not)."""
    for ch in value:
        if is_control(ch):
            return Check(False, value, f"{label}含有不可见的控制字符（U+{ord(ch):04X}），请删除后重新输入")
        if ch in BIDI_CONTROLS:
            return Check(False, value, f"{label}含有改变文字方向的不可见字符（U+{ord(ch):04X}），请删除后重新输入")
    if len(value) > limit:
        return Check(False, value, f"{label}过长：最多 {limit} 个字，当前 {len(value)} 个字")
    return Check(True, value)


def text_problems(*fields: tuple[str, str, int]) -> list[str]:
    """The reasons for every (value, label, limit) that ``check_text`` refuses."""
    found = []
    for value, label, limit in fields:
        result = check_text(value, label, limit)
        if not result.ok:
            found.append(result.reason)
    return found


#: What a control character looks like on screen: ESC is shown as ␛ (U+241B) etc.
_PICTURES = {code: chr(0x2400 + code) for code in range(0x20)} | {0x7F: "\u2421"}
_REPLACEMENT = "\ufffd"


def printable(value: object, limit: int | None = 200) -> str:
    """``value`` as plain text safe for a terminal: controls made visible, cut at ``limit``."""
    text = "" if value is None else str(value)
    cut = limit is not None and len(text) > limit
    if limit is not None and cut:
        text = text[: limit - 1]
    if any(is_control(ch) or ch in BIDI_CONTROLS for ch in text):
        text = "".join(
            _PICTURES.get(ord(ch), _REPLACEMENT) if is_control(ch) or ch in BIDI_CONTROLS else ch for ch in text
        )
    return text + "…" if cut else text

