"""The result every identity check returns, and input normalisation."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class Check:
    """``ok`` with the normalised ``value``; otherwise ``reason`` says why, in Chinese."""

    ok: bool
    value: str
    reason: str = ""

    def __bool__(self) -> bool:
        return self.ok


def normalise(value: str) -> str:
    """NFKC (full-width digits and letters typed through a Chinese IME become
    ASCII), upper-case, and drop all whitespace."""
    text = unicodedata.normalize("NFKC", value or "")
    return "".join(text.split()).upper()


def is_digits(text: str) -> bool:
    """Only ASCII digits 0-9 (``str.isdigit`` also takes Arabic-Indic, Thai, superscript… digits)."""
    return text.isascii() and text.isdigit()


def passed(value: str) -> Check:
    return Check(True, value, "")


def failed(value: str, reason: str) -> Check:
    return Check(False, value, reason)
