"""Realistic, valid applicant data for `clerk demo`, the hall simulation and the fault tests.

Resident IDs and credit codes carry correct check characters (computed with
the same functions ``clerk.identity`` checks them with); every value is
checked before it is handed out, so a generator bug shows up here and not as
an ``IntakeError`` in the middle of a simulated day.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from clerk.domain.intake import Applicant, ApplicantKind
from clerk.identity import check_mobile, check_resident_id, check_uscc, check_waybill
from clerk.identity.resident_id import id_check_char
from clerk.identity.uscc import USCC_CHARS, uscc_check_char
from clerk.identity.waybill import s10_check_digit

# Districts of Jinan (370102 历下 … 370112 历城) and a few neighbours.
REGIONS = ("370102", "370103", "370104", "370105", "370112", "370113", "370181", "370911", "110105", "320106")
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰"
COMPANY = ("泉城", "历下", "明湖", "趵突", "千佛", "华山", "舜耕", "齐鲁")
TRADE = ("餐饮管理", "商贸", "教育咨询", "建筑工程", "医疗器械", "文化传媒", "物流")
STREETS = ("山大路", "经十路", "泉城路", "花园路", "解放路", "历山路", "工业南路")
MOBILE_PREFIXES = ("133", "135", "136", "138", "139", "150", "152", "158", "166", "176", "186", "189")


def resident_id(rng: random.Random, *, today: date | None = None) -> str:
    today = today or date.today()
    born = today - timedelta(days=rng.randint(18 * 365, 80 * 365))
    first17 = f"{rng.choice(REGIONS)}{born:%Y%m%d}{rng.randint(0, 999):03d}"
    value = first17 + id_check_char(first17)
    assert check_resident_id(value, today=today).ok, value
    return value


def uscc(rng: random.Random) -> str:
    # 9 = 市场监管, 1 = 企业; region; 9-char organisation code (digits + letters).
    org = "".join(rng.choice(USCC_CHARS[:10] if i < 8 else USCC_CHARS) for i in range(9))
    first17 = f"91{rng.choice(REGIONS)}{org}"
    value = first17 + uscc_check_char(first17)
    assert check_uscc(value).ok, value
    return value


def mobile(rng: random.Random) -> str:
    value = rng.choice(MOBILE_PREFIXES) + f"{rng.randint(0, 99_999_999):08d}"
    assert check_mobile(value).ok, value
    return value


def waybill(rng: random.Random) -> str:
    serial = f"{rng.randint(0, 99_999_999):08d}"
    value = f"E{rng.choice('ABCDEFGHJ')}{serial}{s10_check_digit(serial)}CN"
    assert check_waybill(value).ok, value
    return value


def address(rng: random.Random) -> str:
    return f"济南市{rng.choice(('历下区', '市中区', '历城区', '槐荫区'))}{rng.choice(STREETS)}{rng.randint(1, 300)}号"


def person_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def applicant(rng: random.Random, *, organisation: bool = False, today: date | None = None) -> Applicant:
    if organisation:
        name = f"济南{rng.choice(COMPANY)}{rng.choice(TRADE)}有限公司"
        return Applicant(ApplicantKind.ORG, name, uscc(rng), mobile(rng), address(rng), "250100",
                         contact_name=person_name(rng))
    return Applicant(ApplicantKind.PERSON, person_name(rng), resident_id(rng, today=today), mobile(rng), address(rng),
                     "250100")
