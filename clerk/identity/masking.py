"""Masking personal numbers for lists and printed notices (个人信息保护法)."""

from __future__ import annotations

from clerk.identity.check import normalise
from clerk.identity.contact import check_landline, check_mobile


def mask_middle(text: str, head: int, tail: int) -> str:
    """Replace all but the first ``head`` and last ``tail`` characters with ``*``.

    A value too short for that keeps only a quarter of its length at each end,
    so that at least half of it is always hidden.
    """
    if head + tail >= len(text):
        head = tail = len(text) // 4
    return text[:head] + "*" * (len(text) - head - tail) + text[len(text) - tail :]


def mask_id(value: str) -> str:
    """``370102199001011234`` → ``3701**********1234`` (first 4, last 4)."""
    return mask_middle(normalise(value), 4, 4)


def mask_uscc(value: str) -> str:
    """``91350100M000100Y43`` → ``9135**********0Y43`` (first 4, last 4, like an ID)."""
    return mask_middle(normalise(value), 4, 4)


def mask_phone(value: str) -> str:
    """Mobile ``13812345678`` → ``138****5678``; landline ``0531-12345678`` → ``0531-****5678``."""
    mobile = check_mobile(value)
    if mobile.ok:
        return mask_middle(mobile.value, 3, 4)
    landline = check_landline(value)
    if landline.ok:
        area, local, *ext = landline.value.split("-")
        masked = f"{area}-{mask_middle(local, 0, 4)}"
        return "-".join([masked, *ext])
    return mask_middle(normalise(value), 3, 4)


def mask_name(value: str) -> str:
    """A person's or organisation's name for a list: ``张三`` → ``张*``, ``欧阳娜娜`` → ``欧***``
    (the first character and up to 4 stars); an organisation's long name keeps its first
    4 characters (city or brand) and ``****``."""
    text = value.strip()
    if len(text) <= 1:
        return "*" if text else ""
    if len(text) > 6:  # an organisation
        return text[:4] + "****"
    return text[0] + "*" * min(4, len(text) - 1)


def mask_address(value: str) -> str:
    """An address for a list: the first 6 characters (province, city, district) and ``****``."""
    text = value.strip()
    if len(text) <= 6:
        return text[: len(text) // 2] + "****" if text else ""
    return text[:6] + "****"
