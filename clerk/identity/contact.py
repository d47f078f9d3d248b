"""Phone numbers (手机、固定电话) and postcodes (邮政编码)."""

from __future__ import annotations

import re

from clerk.identity.check import Check, failed, is_digits, normalise, passed

_SEPARATORS = re.compile(r"[\s\-－—()（）.]")
# re.ASCII: \d is 0-9 only, not every script's decimal digits.
_COUNTRY_PREFIX = re.compile(r"^(?:\+86|0086|86)(?=1\d{10}$)", re.ASCII)
_MOBILE = re.compile(r"^1[3-9]\d{9}$", re.ASCII)
# Area code: 010 and 020–029 are three digits, all others 0 + three digits.
_LANDLINE = re.compile(
    r"^(?P<area>0(?:10|2\d|[3-9]\d{2}))-?(?P<local>[1-9]\d{6,7})"
    r"(?:(?:-|转|EXT\.?|X|#)(?P<ext>\d{1,6}))?$",
    re.ASCII,
)


def _digits_only(value: str) -> str:
    return _SEPARATORS.sub("", normalise(value))


def check_mobile(value: str) -> Check:
    """11-digit mobile number 1[3-9]xxxxxxxxx; +86/0086/86 prefix, spaces and dashes allowed."""
    v = _COUNTRY_PREFIX.sub("", _digits_only(value))
    if not v:
        return failed(v, "请输入手机号码")
    if not is_digits(v):
        return failed(v, "手机号码只能包含数字")
    if len(v) != 11:
        return failed(v, f"手机号码应为11位，当前为{len(v)}位")
    if not _MOBILE.match(v):
        return failed(v, f"手机号码应以13至19开头，当前为 {v[:2]}")
    return passed(v)


def check_landline(value: str) -> Check:
    """Landline with area code (区号): ``0531-12345678``, ``010 1234 5678``, ``(0531)1234567-123``.

    Normalised to ``区号-号码`` plus ``-分机`` when there is an extension.
    """
    text = normalise(value)
    if not text:
        return failed(text, "请输入固定电话号码")
    # Keep the first separator after the area code and before an extension
    # meaningful; drop the others (spaces, brackets, dots).
    compact = re.sub(r"[\s()（）.]", "", text).replace("－", "-").replace("—", "-")
    match = _LANDLINE.match(compact)
    if not match:
        parts = compact.split("-")
        local = re.sub(r"\D", "", compact)
        if not compact.startswith("0"):
            return failed(text, "固定电话须带区号，例如 0531-12345678")
        if len(parts) >= 2 and parts[1] and not 7 <= len(parts[1]) <= 8:
            return failed(text, f"固定电话号码（不含区号）应为7或8位，当前为{len(parts[1])}位")
        return failed(text, f"固定电话号码 {local} 格式不正确，应为区号加7或8位号码，例如 0531-12345678")
    normal = f"{match['area']}-{match['local']}"
    if match["ext"]:
        normal += f"-{match['ext']}"
    return passed(normal)


def check_phone(value: str) -> Check:
    """A mobile or a landline number; the reason follows what the input looks like."""
    mobile = check_mobile(value)
    if mobile.ok:
        return mobile
    landline = check_landline(value)
    if landline.ok:
        return landline
    digits = _COUNTRY_PREFIX.sub("", _digits_only(value))
    if digits.startswith("0"):
        return landline
    if digits.startswith("1"):
        return mobile
    if not digits:
        return failed(digits, "请输入联系电话")
    return failed(digits, "联系电话应为11位手机号码，或带区号的固定电话（例如 0531-12345678）")


def check_postcode(value: str) -> Check:
    """6-digit 邮政编码; the first digit is 0–8 (9 is not assigned in the mainland)."""
    v = normalise(value)
    if not v:
        return failed(v, "请输入邮政编码")
    if not is_digits(v) or len(v) != 6:
        return failed(v, f"邮政编码应为6位数字，当前为 {v}")
    if v[0] == "9":
        return failed(v, "邮政编码首位不能是 9")
    return passed(v)
