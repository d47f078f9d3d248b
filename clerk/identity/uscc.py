"""统一社会信用代码 (GB 32100-2015): 18 characters over 0-9 and A-Z without I O Z S V.

Layout: 1 registration authority (登记管理部门码), 1 organisation type (机构类别码),
6-digit region of the registering office (登记管理机关行政区划码), 9-character
subject code (主体标识码, the GB 11714 organisation code), 1 check character
(MOD 31 over the first 17).
"""

from __future__ import annotations

from clerk.identity.check import Check, failed, is_digits, normalise, passed

USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)  # 3^i mod 31
_VALUE = {c: i for i, c in enumerate(USCC_CHARS)}

# Registration authority -> allowed organisation-type characters, as assigned by
# the code administration (国家标准委) on top of GB 32100-2015:
# 1 机构编制, 2 外交, 3 司法行政, 4 文化, 5 民政, 6 旅游, 7 宗教, 8 工会,
# 9 市场监管（工商）, A 中央军委改革和编制办公室, N 农业农村, Y 其他.
USCC_TYPES: dict[str, str] = {
    "1": "1239",
    "2": "19",
    "3": "123459",
    "4": "19",
    "5": "1239",
    "6": "129",
    "7": "129",
    "8": "19",
    "9": "123",
    "A": "19",
    "N": "1239",
    "Y": "19",
}


def uscc_check_char(first17: str) -> str:
    total = sum(_VALUE[c] * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_CHARS[(31 - total % 31) % 31]


def check_uscc(value: str) -> Check:
    """Check a 统一社会信用代码."""
    v = normalise(value)
    if not v:
        return failed(v, "请输入统一社会信用代码")
    if len(v) != 18:
        return failed(v, f"统一社会信用代码应为18位，当前为{len(v)}位")
    for position, char in enumerate(v, start=1):
        if char not in _VALUE:
            return failed(
                v, f"统一社会信用代码第{position}位 {char} 不是允许的字符（数字或除 I、O、Z、S、V 外的大写字母）"
            )
    authority, kind = v[0], v[1]
    if authority not in USCC_TYPES:
        return failed(v, f"登记管理部门代码 {authority} 无效")
    if kind not in USCC_TYPES[authority]:
        return failed(v, f"机构类别代码 {kind} 与登记管理部门代码 {authority} 不匹配")
    if not is_digits(v[2:8]):
        return failed(v, f"第3至8位应为行政区划代码（6位数字），当前为 {v[2:8]}")
    expected = uscc_check_char(v[:17])
    if v[17] != expected:
        return failed(v, f"校验位应为 {expected}，当前为 {v[17]}")
    return passed(v)
