"""Masking of identity numbers and phones on paper (个人信息保护法).

The shapes are ``clerk.identity``'s (``3701**********123X``, ``138****5678``);
an already masked value is printed as it is.
"""

from __future__ import annotations

from clerk.identity import mask_id, mask_phone, mask_uscc


def mask_id_number(value: str) -> str:
    """Mask a 居民身份证 number or a 统一社会信用代码 for printing."""
    value = value.strip()
    if not value or "*" in value:
        return value
    if len(value) == 18 and value[:17].isdigit():
        return mask_id(value)
    return mask_uscc(value)


def mask_phone_number(value: str) -> str:
    """Mask a mobile or landline number for printing."""
    value = value.strip()
    if not value or "*" in value:
        return value
    return mask_phone(value)
