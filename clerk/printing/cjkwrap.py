"""CJK line breaking (禁则): break between any two CJK characters, keep Latin
runs (numbers, codes, URLs) whole unless longer than a line, never start a
line with closing punctuation nor end one with opening punctuation.
"""

from __future__ import annotations

import re
from functools import lru_cache

from reportlab.pdfbase.pdfmetrics import stringWidth

from clerk.printing.fonts import face_for

_TOKENS = re.compile(r"[A-Za-z0-9@._\-/:#+%*]+|\s+|.", re.S)
NO_START = set("，。、；：？！）】》」』”’…—％,.;:?!)]}%·")  # never at the start of a line
NO_END = set("（【《「『“‘([{")  # never at the end of a line


@lru_cache(maxsize=65536)
def _char_width(font: str, ch: str) -> float:
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
        last = "".join(line).rstrip()
        if lines and _is_widow(last):
            last = _pull_back(lines, last, font, size, rest)
        lines.append(last)
    return lines


def _is_widow(line: str) -> bool:
    """A last line of at most one character besides punctuation (``结。``)."""
    body = [ch for ch in line if ch not in NO_START and ch not in NO_END and not ch.isspace()]
    return 0 < len(line) and len(body) <= 1 and len(line) <= 3


def _pull_back(lines: list[str], last: str, font: str, size: float, width: float) -> str:
    """Move characters from the line before to the widow so it holds at least two.

    Never splits a Latin run, never leaves closing punctuation at the start of
    the new last line nor opening punctuation at the end of the line before.
    """
    prev = lines[-1]
    tokens: list[str] = _TOKENS.findall(prev)
    moved = ""
    while len(tokens) > 2:
        tok = tokens.pop()
        moved = tok + moved
        if text_width(moved + last, font, size) > width:
            return last
        if tok[0] in NO_START or (tokens and tokens[-1] in NO_END):
            continue
        if not _is_widow(moved + last):
            lines[-1] = "".join(tokens).rstrip()
            return moved + last
    return last
