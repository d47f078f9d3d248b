"""The one rule for which characters text from a person, a file or a device may hold.

Input is data, never terminal control or a trick of the eye: every door that
takes text (the window's forms, ``clerk`` commands, CSV and catalog files, the
config file, holiday and synonym tables) refuses a character whose Unicode
general category is

- ``Cc`` control (NUL, ESC, DEL, the C1 controls incl. U+0085, and TAB/CR/LF),
- ``Cf`` format (bidi embeddings, overrides, isolates and marks U+200E/U+200F,
  zero-width characters, the BOM U+FEFF, tag characters U+E0000–U+E007F),
- ``Zl``/``Zp`` line and paragraph separators (U+2028, U+2029),
- ``Co`` private use, ``Cs`` surrogates, ``Cn`` unassigned code points,

looked up in ``unicodedata`` (never a hand-made list).  One exception: code
points of the CJK extension planes 2 and 3 (U+20000–U+3FFFD) that this
Python's Unicode tables do not know yet are real names (a newer CJK extension,
a rare character in a person's name) and are allowed; the two noncharacters
at the end of each plane are not.  A multi-line field allows LF (and only LF).

Below every other package (layers in pyproject.toml): the catalog, the
calendar, the config and the identity checks all use it.
"""

from __future__ import annotations

import unicodedata

__all__ = [
    "ADDRESS_MAX",
    "CLERK_ID_MAX",
    "NAME_MAX",
    "NOTE_MAX",
    "PAUSE_REASON_MAX",
    "PERSON_NAME_MAX",
    "SUMMARY_MAX",
    "REFUSED_CATEGORIES",
    "code_point",
    "first_refused",
    "kind_of",
    "refused",
    "refusal",
    "terminal_safe",
    "typed_refusal_class",
]

#: Lengths in characters, per kind of field (the columns are wider: see store/tables*.py).
NAME_MAX = 100  # applicant / organisation / contact person / recipient; a catalog name
ADDRESS_MAX = 200  # mailing address
NOTE_MAX = 500  # reasons, comments, notes, references; a catalog requirement or description
SUMMARY_MAX = 1000  # a complaint's text
PERSON_NAME_MAX = 64  # 姓名 of a clerk's account or an appointment (their columns hold 64)
CLERK_ID_MAX = 32  # 工号 (the accounts' key column holds 32)
PAUSE_REASON_MAX = 100  # 暂停/离岗 reason of a window

#: The general categories refused in text (see the module doc).
REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Co", "Cs", "Cn"})

#: Characters whose Unicode Bidi_Class is one of these are bidirectional controls.
_BIDI_CLASSES = frozenset({"LRE", "RLE", "PDF", "LRO", "RLO", "LRI", "RLI", "FSI", "PDI"})
_LINE_BREAKS = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85")


def _cjk_extension(code: int) -> bool:
    """Planes 2–3 (Supplementary / Tertiary Ideographic), except each plane's two noncharacters."""
    return 0x20000 <= code <= 0x3FFFF and (code & 0xFFFE) != 0xFFFE


def refused(ch: str, *, multiline: bool = False) -> bool:
    """Whether the one character ``ch`` is refused in text (LF too, unless ``multiline``)."""
    if multiline and ch == "\n":
        return False
    category = unicodedata.category(ch)
    if category not in REFUSED_CATEGORIES:
        return False
    return not (category == "Cn" and _cjk_extension(ord(ch)))


def first_refused(value: str, *, multiline: bool = False) -> str | None:
    """The first refused character of ``value``, or None when every character may be stored."""
    for ch in value:
        if refused(ch, multiline=multiline):
            return ch
    return None


def code_point(ch: str) -> str:
    """``U+202E``: how a message names a character (never the character itself)."""
    return f"U+{ord(ch):04X}"


def kind_of(ch: str) -> str:
    """What a refused character is, in Chinese, for the clerk or the IT person."""
    category = unicodedata.category(ch)
    if category in ("Zl", "Zp"):
        return "行分隔符" if category == "Zl" else "段分隔符"
    if ch in _LINE_BREAKS:
        return "换行符"
    # LRM, RLM and ALM are strong characters, not bidi controls, to Unicode: named here for the
    # wording only (whether a character is refused is its category's business).
    if unicodedata.bidirectional(ch) in _BIDI_CLASSES or ch in "\u200e\u200f\u061c":
        return "改变文字方向的不可见字符"
    if category == "Cc":
        return "不可见的控制字符"
    if category == "Cf":
        return "不可见的格式字符"
    if category == "Co":
        return "私用区字符（各电脑显示不一）"
    if category == "Cs":
        return "无效的代理字符"
    return "未分配的字符"


def refusal(label: str, value: str, limit: int | None = None, *, multiline: bool = False) -> str | None:
    """The one-line Chinese reason ``value`` cannot be stored as the field ``label``, or None.

    The reason names the character by its code point and never quotes the value back.
    """
    bad = first_refused(value, multiline=multiline)
    if bad is not None:
        return f"{label}含有{kind_of(bad)}（{code_point(bad)}），请删除后重新输入"
    if limit is not None and len(value) > limit:
        return f"{label}过长：最多 {limit} 个字，当前 {len(value)} 个字"
    return None


#: Where the refused characters a keyboard, a paste or a scanner usually brings live: C0, C1, the
#: Arabic letter mark, general punctuation (zero-width, bidi, separators), the BOM, specials, tags.
_TYPED_BLOCKS = ((0x0000, 0x00FF), (0x0600, 0x06FF), (0x180E, 0x180E), (0x2000, 0x206F), (0xFE00, 0xFEFF),
                 (0xFFF0, 0xFFFF), (0xE0000, 0xE007F))


def typed_refusal_class() -> str:
    """A regex character class body (for ``[^...]``) of the refused characters in those blocks,
    for a text field's keyboard filter; the rest are refused by the domain on the next check."""
    found = [code for low, high in _TYPED_BLOCKS for code in range(low, high + 1) if refused(chr(code))]
    spans: list[tuple[int, int]] = []
    for code in found:
        if spans and spans[-1][1] == code - 1:
            spans[-1] = (spans[-1][0], code)
        else:
            spans.append((code, code))
    return "".join(f"\\U{low:08x}" if low == high else f"\\U{low:08x}-\\U{high:08x}" for low, high in spans)


#: What a control character looks like when shown: ESC is ␛ (U+241B), NUL ␀, DEL ␡.
_PICTURES = {code: chr(0x2400 + code) for code in range(0x20)} | {0x7F: "\u2421"}
_REPLACEMENT = "\ufffd"


def terminal_safe(text: str, *, keep: str = "", one_for_one: bool = False) -> str:
    """``text`` with every refused character made visible, so that nothing stored or typed
    reaches a terminal as control: a C0 control as its picture (ESC as ␛), any other as
    ``<U+202E>`` (or U+FFFD with ``one_for_one``, which keeps the length for styled text).
    ``keep`` lists characters passed unchanged (the CLI keeps its own LF and TAB)."""
    if text.isprintable():  # no refused character is printable: the common case is one pass in C
        return text
    # Each distinct character is looked up once (a listing repeats few), then replaced in C.
    bad = [ch for ch in set(text) if not ch.isprintable() and ch not in keep and refused(ch)]
    for ch in bad:
        picture = _PICTURES.get(ord(ch))
        text = text.replace(ch, picture or (_REPLACEMENT if one_for_one else f"<{code_point(ch)}>"))
    return text
