"""The district hall's business, tax, housing, transport, education, culture, urban, water,
agriculture and planning items (issue 25, "a catalog a district hall would recognise"):
found by what people say, branching where the real item branches, with the limits and
units of the 实施清单, and marked as representative in every file that holds them."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.bench_search_quality import repo_catalog
from clerk.catalog import Catalog
from clerk.catalog.model import LimitUnit

DATA = Path(__file__).resolve().parents[2] / "data" / "catalog"


@pytest.fixture(scope="module")
def shipped() -> Catalog:
    return repo_catalog()


def names(catalog: Catalog, code: str, answers: dict[str, str] | None = None) -> list[str]:
    return [e.material.name for e in catalog.checklist(code, answers or {}).entries]


# What applicants and clerks say at the window, with the item a clerk expects first.
SAID = [
    ("营业执照丢了", "370112-SCJG-020"),
    ("个人独资", "370112-SCJG-014"),
    ("合作社", "370112-SCJG-017"),
    ("注册分公司", "370112-SCJG-018"),
    ("小餐饮", "370112-SCJG-023"),
    ("代开发票", "370112-SW-004"),
    ("个税退税", "370112-SW-005"),
    ("交契税", "370112-SW-006"),
    ("完税证明", "370112-SW-010"),
    ("网签", "370112-ZJJ-005"),
    ("租房备案", "370112-ZJJ-006"),
    ("出租车资格证", "370112-JTJ-004"),
    ("网约车司机证", "370112-JTJ-005"),
    ("转学", "370112-JYTY-006"),
    ("小学入学", "370112-JYTY-005"),
    ("开旅行社", "370112-WLJ-004"),
    ("取水证", "370112-CXSW-002"),
    ("卖农药", "370112-NYNC-002"),
    ("农村盖房", "370112-ZRGH-004"),
    ("装修消防备案", "370112-ZJJ-009"),
]


@pytest.mark.parametrize(("query", "code"), SAID)
def test_what_people_say_finds_the_item_first(shipped, query, code):
    hits = shipped.search(query)
    assert hits and hits[0].code == code, [h.code for h in hits[:3]]


# Queries that found the right existing item before these items came: they still do.
KEPT = [
    ("营业执照", "370112-SCJG-001"),
    ("成立公司", "370112-SCJG-004"),
    ("企业注销", "370112-SCJG-006"),
    ("教师资格证", "370112-JYTY-003"),
    ("开饭馆", "YJS-KCG"),
    ("货车运输", "370112-JTJ-001"),
    ("消防验收", "370112-ZJJ-002"),
    ("危化品", "370112-YJJ-001"),
]


@pytest.mark.parametrize(("query", "code"), KEPT)
def test_the_new_items_do_not_take_what_existing_items_answer(shipped, query, code):
    assert shipped.search(query)[0].code == code


def test_second_hand_house_and_relief_add_their_papers_to_the_deed_tax(shipped):
    new_house = names(shipped, "370112-SW-006")
    assert "不动产权属转移合同" in new_house
    assert "原不动产权证书（房屋所有权证）" not in new_house
    second_hand = names(shipped, "370112-SW-006", {"deed-kind": "存量房（二手房）",
                                                    "deed-relief": "是"})
    assert {"原不动产权证书（房屋所有权证）", "居民户口簿", "婚姻状况证明"} <= set(second_hand)


def test_a_lost_licence_asks_for_the_notice_a_damaged_one_for_the_licence(shipped):
    lost = names(shipped, "370112-SCJG-020", {"licence-replace": "遗失补领"})
    damaged = names(shipped, "370112-SCJG-020", {"licence-replace": "破损换发"})
    assert "营业执照遗失公告" in lost and "破损的营业执照正、副本原件" not in lost
    assert "破损的营业执照正、副本原件" in damaged and "营业执照遗失公告" not in damaged


def test_a_refund_needs_a_bank_card_a_migrant_child_a_residence_permit(shipped):
    assert "本人社会保障卡或银行卡" not in names(shipped, "370112-SW-005")
    assert "本人社会保障卡或银行卡" in names(shipped, "370112-SW-005", {"iit-result": "申请退税"})
    migrant = "随迁子女父母居住证及就业（经营）证明"
    assert migrant not in names(shipped, "370112-JYTY-005")
    assert migrant in names(shipped, "370112-JYTY-005", {"edu-hukou": "进城务工人员随迁子女（非本区户籍）"})


@pytest.mark.parametrize(("code", "statutory", "promised"), [
    ("370112-CXSW-002", (45, LimitUnit.CALENDAR_DAYS), (20, LimitUnit.WORKING_DAYS)),  # 取水许可条例
    ("370112-ZJJ-004", (10, LimitUnit.CALENDAR_DAYS), (5, LimitUnit.WORKING_DAYS)),  # 商品房预售
    ("370112-WLJ-003", (3, LimitUnit.CALENDAR_DAYS), (2, LimitUnit.CALENDAR_DAYS)),  # 营业性演出
    ("370112-SW-004", (1, LimitUnit.WORKING_DAYS), (0, LimitUnit.IMMEDIATE)),  # 代开发票: 即办
    ("370112-SCJG-014", (3, LimitUnit.WORKING_DAYS), (1, LimitUnit.WORKING_DAYS)),  # 市场主体登记
])
def test_limits_keep_the_units_of_the_implementation_list(shipped, code, statutory, promised):
    item = shipped.items[code]
    assert (item.statutory_days, item.statutory_unit) == statutory
    assert (item.promised_days, item.promised_unit) == promised


@pytest.mark.parametrize("name", [
    "market.yaml", "tax-tobacco.yaml", "construction.yaml", "transport.yaml", "education.yaml",
    "culture.yaml", "urban.yaml", "safety.yaml", "agriculture.yaml", "natural-resources.yaml",
])
def test_each_file_says_it_must_be_checked_against_the_halls_own_list(name):
    head = "".join((DATA / name).read_text(encoding="utf-8").splitlines(keepends=True)[:3])
    assert "实施清单" in head and "MUST be checked" in head
