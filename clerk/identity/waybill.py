"""EMS waybill numbers (邮件号).

Two forms are in use:

- UPU S10 (international and older domestic EMS): 2 service letters, an
  8-digit serial, a check digit and the 2-letter country code, e.g.
  ``EA123456785CN``.  Check digit: weights 8,6,4,2,3,5,9,7 over the serial,
  ``11 - sum % 11``, where 10 becomes 0 and 11 becomes 5.
- Domestic 13-digit numbers.  China Post publishes no check-digit scheme for
  them, so only the format (13 digits) is checked; a typo cannot be detected.
"""

from __future__ import annotations

import re

from clerk.identity.check import Check, failed, is_digits, normalise, passed

S10_WEIGHTS = (8, 6, 4, 2, 3, 5, 9, 7)
_S10 = re.compile(r"^[A-Z]{2}\d{9}[A-Z]{2}$", re.ASCII)


def s10_check_digit(serial: str) -> str:
    """The S10 check digit of an 8-digit serial number."""
    total = sum(int(c) * w for c, w in zip(serial, S10_WEIGHTS, strict=True))
    check = 11 - total % 11
    return {10: "0", 11: "5"}.get(check, str(check))


def check_waybill(value: str) -> Check:
    v = normalise(value).replace("-", "")
    if not v:
        return failed(v, "请输入邮件号")
    if is_digits(v):
        if len(v) != 13:
            return failed(v, f"国内 EMS 邮件号应为13位数字，当前为{len(v)}位")
        return passed(v)
    if len(v) != 13 or not _S10.match(v):
        return failed(v, "邮件号应为13位数字，或“2个字母＋9位数字＋2个字母”（例如 EA123456785CN）")
    expected = s10_check_digit(v[2:10])
    if v[10] != expected:
        return failed(v, f"邮件号校验位应为 {expected}，当前为 {v[10]}")
    return passed(v)
