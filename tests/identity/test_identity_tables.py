"""Table tests with published examples, each check character also worked out by hand."""

from __future__ import annotations

from datetime import date

import pytest

from clerk.identity import (
    Check,
    check_landline,
    check_mobile,
    check_phone,
    check_postcode,
    check_resident_id,
    check_uscc,
    check_waybill,
    id_check_char,
    mask_id,
    mask_phone,
    mask_uscc,
    s10_check_digit,
    uscc_check_char,
)

TODAY = date(2026, 11, 25)


# -- 居民身份证 --------------------------------------------------------------
# 11010519491231002X, the example printed in GB 11643-1999.  By hand, digits x
# weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2:
#   7+9+0+5+0+20+2+9+24+27+7+18+30+5+0+0+4 = 167; 167 mod 11 = 2; "10X98765432"[2] = X.
# 440524188001010014, the standard's second example (born 1880):
#   28+36+0+25+16+16+2+8+48+0+0+9+0+5+0+0+2 = 195; 195 mod 11 = 8; "10X98765432"[8] = 4.
def test_published_id_examples_by_hand():
    assert id_check_char("11010519491231002") == "X"
    assert id_check_char("44052418800101001") == "4"
    assert check_resident_id("11010519491231002X", today=TODAY) == Check(True, "11010519491231002X", "")


@pytest.mark.parametrize(
    ("value", "ok", "normalised", "reason"),
    [
        ("11010519491231002x", True, "11010519491231002X", ""),
        (" 110105 19491231 002X ", True, "11010519491231002X", ""),
        ("１１０１０５１９４９１２３１００２Ｘ", True, "11010519491231002X", ""),  # full-width IME input
        ("11010519491231002", False, "11010519491231002", "身份证号码应为18位，当前为17位"),
        ("110105491231002", False, "110105491231002", "身份证号码应为18位，当前为15位（15位的第一代身份证已停止使用）"),
        ("", False, "", "请输入身份证号码"),
        ("110105194912310025", False, "110105194912310025", "校验位应为 X，当前为 5"),
        ("11010519A91231002X", False, "11010519A91231002X", "身份证号码第9位应为数字，当前为 A"),
        ("11010519491231002Y", False, "11010519491231002Y", "身份证号码最后一位应为数字或 X，当前为 Y"),
        ("990105194912310021", False, "990105194912310021", "地区代码 99 无效"),
        ("110105199013400021", False, "110105199013400021", "出生日期 19901340 无效"),
        ("440524188001010014", False, "440524188001010014", "出生日期 18800101 无效（早于1900年）"),
        ("110105202612010021", False, "110105202612010021", "出生日期 20261201 无效（晚于今天）"),
    ],
)
def test_resident_id_table(value, ok, normalised, reason):
    assert check_resident_id(value, today=TODAY) == Check(ok, normalised, reason)


def test_hong_kong_macao_taiwan_residence_permits_are_accepted():
    for prefix in ("810000", "820000", "830000"):
        body = prefix + "19900101001"
        assert check_resident_id(body + id_check_char(body), today=TODAY).ok


# -- 统一社会信用代码 --------------------------------------------------------
# 91350100M000100Y43.  Values (A=10 … H=17, J=18 … N=22, P=23 … R=25, T=26, U=27,
# W=28, X=29, Y=30): 9 1 3 5 0 1 0 0 M=21 0 0 0 1 0 0 Y=30 4; x weights
# 1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28:
#   9+3+27+135+0+26+0+0+420+0+0+0+8+0+0+900+112 = 1640; 1640 mod 31 = 28; 31-28 = 3.
# (The embedded organisation code M000100Y4 is also GB 11714-valid:
#   M=22*3 + 1*5 + Y=34*2 = 139; 11 - 139 mod 11 = 4.)
def test_published_uscc_example_by_hand():
    assert uscc_check_char("91350100M000100Y4") == "3"
    assert check_uscc("91350100m000100y43") == Check(True, "91350100M000100Y43", "")


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("91350100M000100Y4", "统一社会信用代码应为18位，当前为17位"),
        ("91350100M000100Y42", "校验位应为 3，当前为 2"),
        ("91350100M0001O0Y43", "统一社会信用代码第14位 O 不是允许的字符（数字或除 I、O、Z、S、V 外的大写字母）"),
        ("B1350100M000100Y43", "登记管理部门代码 B 无效"),
        ("94350100M000100Y43", "机构类别代码 4 与登记管理部门代码 9 不匹配"),
        ("913501A0M000100Y43", "第3至8位应为行政区划代码（6位数字），当前为 3501A0"),
        ("", "请输入统一社会信用代码"),
    ],
)
def test_uscc_rejections(value, reason):
    result = check_uscc(value)
    assert (result.ok, result.reason) == (False, reason)


# -- phones and postcodes ----------------------------------------------------
@pytest.mark.parametrize(
    ("value", "normalised"),
    [
        ("13812345678", "13812345678"),
        ("+86 138 1234 5678", "13812345678"),
        ("86-138-1234-5678", "13812345678"),
        ("0086 19912345678", "19912345678"),
    ],
)
def test_mobile_accepted(value, normalised):
    assert check_mobile(value) == Check(True, normalised, "")
    assert check_phone(value) == Check(True, normalised, "")


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("1381234567", "手机号码应为11位，当前为10位"),
        ("12812345678", "手机号码应以13至19开头，当前为 12"),
        ("138a2345678", "手机号码只能包含数字"),
    ],
)
def test_mobile_rejected(value, reason):
    assert check_mobile(value).reason == reason
    assert check_phone(value).reason == reason


@pytest.mark.parametrize(
    ("value", "normalised"),
    [
        ("0531-12345678", "0531-12345678"),
        ("(010) 6655 8888", "010-66558888"),
        ("02166558888", "021-66558888"),
        ("0531 8888 888 转 12", "0531-8888888-12"),
        ("0311-2345678-8001", "0311-2345678-8001"),
    ],
)
def test_landline_accepted(value, normalised):
    assert check_landline(value) == Check(True, normalised, "")
    assert check_phone(value) == Check(True, normalised, "")


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("0531-1234", "固定电话号码（不含区号）应为7或8位，当前为4位"),
        ("66558888", "联系电话应为11位手机号码，或带区号的固定电话（例如 0531-12345678）"),
        ("0531-012345678", "固定电话号码（不含区号）应为7或8位，当前为9位"),
        ("", "请输入联系电话"),
    ],
)
def test_phone_rejected(value, reason):
    assert check_phone(value) == Check(False, check_phone(value).value, reason)


def test_postcode():
    assert check_postcode(" 250001 ") == Check(True, "250001", "")
    assert check_postcode("25000").reason == "邮政编码应为6位数字，当前为 25000"
    assert check_postcode("950000").reason == "邮政编码首位不能是 9"


# -- EMS waybills --------------------------------------------------------------
# S10 by hand, weights 8 6 4 2 3 5 9 7:
#   AA473124829GB (the UPU S10 example): 32+42+12+2+6+20+72+14 = 200; 200 mod 11 = 2; 11-2 = 9.
#   EA123456785CN: 8+12+12+8+15+30+63+56 = 204; 204 mod 11 = 6; 11-6 = 5.
#   serial 00000000: sum 0 -> 11 -> 5;  serial 00000008: 56 mod 11 = 1 -> 10 -> 0.
def test_s10_check_digits_by_hand():
    assert s10_check_digit("47312482") == "9"
    assert s10_check_digit("12345678") == "5"
    assert s10_check_digit("00000000") == "5"
    assert s10_check_digit("00000008") == "0"


@pytest.mark.parametrize(
    ("value", "ok", "reason"),
    [
        ("AA473124829GB", True, ""),
        ("ea123456785cn", True, ""),
        ("EA000000005CN", True, ""),
        ("EA000000080CN", True, ""),
        ("1178123456789", True, ""),  # domestic 13 digits: format only
        ("EA123456784CN", False, "邮件号校验位应为 5，当前为 4"),
        ("117812345678", False, "国内 EMS 邮件号应为13位数字，当前为12位"),
        ("E1123456785CN", False, "邮件号应为13位数字，或“2个字母＋9位数字＋2个字母”（例如 EA123456785CN）"),
    ],
)
def test_waybill(value, ok, reason):
    result = check_waybill(value)
    assert (result.ok, result.reason) == (ok, reason)
    if ok:
        assert result.value == value.upper()


# -- masking -------------------------------------------------------------------
def test_masks():
    assert mask_id("37010219900101123x") == "3701**********123X"
    assert mask_uscc("91350100M000100Y43") == "9135**********0Y43"
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("+86 138-1234-5678") == "138****5678"
    assert mask_phone("0531-12345678") == "0531-****5678"
    assert mask_phone("0531-2345678-12") == "0531-***5678-12"
    assert mask_id("1234") == "1**4"
    assert mask_id("") == ""
    assert mask_id("123") == "***"
    assert mask_phone("12345") == "1***5"
