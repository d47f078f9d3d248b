"""CJK line breaking (禁则): break between any two CJK characters, keep Latin
runs (numbers, codes, URLs) whole unless longer than a line, never start a
line with closing punctuation nor end one with opening punctuation.
"""

from __future__ import annotations

import re
from functools import lru_cache

_TOKENS = re.compile(r"[A-Za-z0-9@._\-/:#+%*]+|\s+|.", re.S)
NO_START = set("，。、；：？！）】》」』”’…—％,.;:?!)]}%·")  # never at the start of a line
NO_END = set("（【《「『“‘([{")  # never at the end of a line


@lru_cache(maxsize=65536)
def _char_width(font: str, ch: str) -> float:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    from clerk.printing.fonts import face_for

    return stringWidth(ch, face_for(font, ch) or font, 1.0)


def text_width(text: str, font: str, size: float) -> float:
    return sum(_char_width(font, ch) for ch in text) * size


def wrap(text: str, font: str, size: float, width: float, rest_width: float | None = None) -> list[str]:
    """Break ``text`` into lines no wider than ``width`` (CJK rules, ``\\n`` kept).

    ``rest_width``: the width of every line after the first (a hanging indent).
    """
    rest = width if rest_width is None else rest_width
    lines: list[str] = []
    for para in text.split("\n"):
        tokens: list[str] = []
        for tok in _TOKENS.findall(para):
            too_long = len(tok) > 1 and text_width(tok, font, size) > min(width, rest)
            tokens.extend(tok if too_long else [tok])
        line: list[str] = []
        used = 0.0
        for tok in tokens:
            tw = text_width(tok, font, size)
            limit = rest if lines else width
            if used + tw <= limit or not line:
                line.append(tok)
                used += tw
                continue
            if tok.isspace():
                lines.append("".join(line).rstrip())
                line, used = [], 0.0
                continue
            carry: list[str] = []
            while len(line) > 1 and (carry or [tok])[0][0] in NO_START:
                carry.insert(0, line.pop())
            while len(line) > 1 and line[-1] in NO_END:
                carry.insert(0, line.pop())
            if text_width("".join(carry) + tok, font, size) > rest:
                line.extend(carry)
                carry = []
            lines.append("".join(line).rstrip())
            line = carry + [tok]
            used = text_width("".join(line), font, size)
        lines.append("".join(line).rstrip())
    return lines
