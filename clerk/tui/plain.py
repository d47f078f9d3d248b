"""Text from people, files and devices, made safe to show.

Textual reads a ``str`` as markup in DataTable cells, ``Static``/``Label``
updates, toasts and the command palette: an applicant called ``[/]x`` crashes
the screen and ``[@click=app.quit]`` becomes an action.  Everything that did not
come from this code goes through ``plain`` (a ``rich.text.Text``, never parsed),
with control characters and bidi marks made visible (``clerk.identity.text``),
so no escape sequence reaches the terminal or the browser.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.text import Text

from clerk.characters import typed_refusal_class
from clerk.identity.text import printable

#: A table cell or one line shows at most this many characters (a 100,000-character
#: name stored before the length rule must not stall the screen).
CELL_LIMIT = 120
LINE_LIMIT = 400


def plain(value: object, *, style: str = "", limit: int | None = CELL_LIMIT) -> Text:
    """``value`` as literal text (``str(value)``), controls visible, cut at ``limit``."""
    if isinstance(value, Text):
        return value
    return Text(printable(value, limit), style=style)


def cells(*values: object) -> list[Text]:
    """A DataTable row: every value literal (a ``Text`` is kept with its style)."""
    return [plain(v) for v in values]


def lines(rows: Iterable[object], *, limit: int | None = LINE_LIMIT) -> Text:
    """Several lines (``str`` or ``Text``) as one literal ``Text`` for a ``Static``."""
    out = Text()
    for i, row in enumerate(rows):
        if i:
            out.append("\n")
        out.append_text(row if isinstance(row, Text) else plain(row, limit=limit))
    return out


def literal(text: Text, *, limit: int | None = LINE_LIMIT) -> Text:
    """A ``Text`` built by f-string from data, with its controls made visible
    (one character for one, so its styles stay where they were) and cut at ``limit``."""
    safe = text.copy()
    shown = printable(safe.plain, None)
    if shown != safe.plain:
        safe.plain = shown
    if limit is not None and len(safe) > limit:
        safe.truncate(limit, overflow="ellipsis")
    return safe


#: ``Input(restrict=TYPED)``: a key or a paste carrying a character the text rule refuses
#: (controls, bidi and zero-width marks, separators, the BOM, tags: ``clerk.characters``) is
#: refused at the keyboard; the domain refuses it again, and any other, on save.
TYPED = rf"[^{typed_refusal_class()}]*"
