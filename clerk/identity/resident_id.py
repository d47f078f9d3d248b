"""居民身份证号码 (GB 11643-1999 公民身份号码): 18 characters.

Layout: 6-digit address code (地址码, GB/T 2260 region), 8-digit birth date
(出生日期码, YYYYMMDD), 3-digit sequence (顺序码), 1 check character (校验码)
computed with ISO 7064 MOD 11-2 over the first 17 digits.
"""

from __future__ import annotations

from datetime import date

from clerk.identity.check import Check, failed, is_digits, normalise, passed

# Weights 2^(17-i) mod 11 for positions 1..17 (ISO 7064 MOD 11-2).
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
# Check character indexed by (weighted sum mod 11).
ID_CHECK_CHARS = "10X98765432"

# First two digits of the address code: provinces (GB/T 2260), 71 台湾,
# 81 香港 and 82 澳门 (港澳居民居住证), 83 台湾居民居住证.
PROVINCE_CODES = frozenset(
    [11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46]
    + [50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83]
)
EARLIEST_BIRTH = date(1900, 1, 1)


def id_check_char(first17: str) -> str:
    """The MOD 11-2 check character for 17 digits."""
    total = sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECK_CHARS[total % 11]


def check_resident_id(value: str, *, today: date | None = None) -> Check:
    """Check a 居民身份证号码; ``today`` bounds the birth date (default: the system date)."""
    v = normalise(value)
    if not v:
        return failed(v, "请输入身份证号码")
    if len(v) != 18:
        reason = f"身份证号码应为18位，当前为{len(v)}位"
        if len(v) == 15 and is_digits(v):
            reason += "（15位的第一代身份证已停止使用）"
        return failed(v, reason)
    for position, char in enumerate(v[:17], start=1):
        if not is_digits(char):
            return failed(v, f"身份证号码第{position}位应为数字，当前为 {char}")
    if not (is_digits(v[17]) or v[17] == "X"):
        return failed(v, f"身份证号码最后一位应为数字或 X，当前为 {v[17]}")
    if int(v[:2]) not in PROVINCE_CODES:
        return failed(v, f"地区代码 {v[:2]} 无效")
    birth_text = v[6:14]
    try:
        birth = date(int(birth_text[:4]), int(birth_text[4:6]), int(birth_text[6:]))
    except ValueError:
        return failed(v, f"出生日期 {birth_text} 无效")
    if birth < EARLIEST_BIRTH:
        return failed(v, f"出生日期 {birth_text} 无效（早于1900年）")
    if birth > (today or date.today()):
        return failed(v, f"出生日期 {birth_text} 无效（晚于今天）")
    expected = id_check_char(v[:17])
    if v[17] != expected:
        return failed(v, f"校验位应为 {expected}，当前为 {v[17]}")
    return passed(v)
