"""Masking of identity numbers and phones on paper (个人信息保护法).

Uses ``clerk.identity``'s ``mask_id`` / ``mask_phone`` / ``mask_uscc`` when
that package provides them; the local fallbacks below follow the same shapes
(``3701**********123X``, ``138****5678``) until it does.  An already masked
value is printed as it is.
"""

from __future__ import annotations


def mask_id_number(value: str) -> str:
    """Mask a 居民身份证 number or a 统一社会信用代码 for printing."""
    value = value.strip()
    if not value or "*" in value:
        return value
    try:
        from clerk.identity import mask_id, mask_uscc
    except ImportError:
        return _keep_ends(value, 4, 4)
    if len(value) == 18 and value[:17].isdigit():
        return mask_id(value)
    return mask_uscc(value)


def mask_phone_number(value: str) -> str:
    """Mask a mobile or landline number for printing."""
    value = value.strip()
    if not value or "*" in value:
        return value
    try:
        from clerk.identity import mask_phone
    except ImportError:
        return _keep_ends(value, 3, 4)
    return mask_phone(value)


def _keep_ends(value: str, head: int, tail: int) -> str:
    if len(value) <= head + tail:
        return value[:1] + "*" * (len(value) - 1)
    return value[:head] + "*" * (len(value) - head - tail) + value[-tail:]
