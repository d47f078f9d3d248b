"""Search by what people say: normalised queries, aliases, synonyms, typos, hall counts."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.bench_search_quality import repo_catalog
from clerk.catalog import Catalog, CatalogError, load_catalog
from clerk.catalog.normalise import SynonymError, Synonyms, load_synonyms, normalise
from tests.support.catalog_items import make_item


@pytest.fixture(scope="module")
def shipped() -> Catalog:
    return repo_catalog()  # this checkout's data/catalog and synonym table


def names(hits) -> list[str]:
    return [h.name for h in hits]


# Every query the issue names, with the item or bundle a clerk expects first.
ISSUE_QUERIES = [
    ("营业执照", "370112-SCJG-001"),  # 个体工商户设立登记 (shortest registration item)
    ("医保", "370112-YBJ-001"),  # enrolment, not 异地就医备案 (issue 25)
    ("社保卡", "370112-RSJ-001"),
    ("低保", "370112-MZJ-004"),
    ("公积金", "370112-GJJ-001"),
    ("开店", "YJS-KCG"),
    ("上户口", "370112-GAFJ-001"),
    ("办身份证", "370112-GAFJ-002"),
    ("离婚", "370112-MZJ-007"),
]


@pytest.mark.parametrize(("query", "code"), ISSUE_QUERIES)
def test_every_query_named_in_the_issue_finds_its_item(shipped, query, code):
    hits = shipped.search(query, limit=12)
    assert hits, f"{query} finds nothing"
    assert hits[0].code == code, [(h.code, h.name, h.via) for h in hits]


def test_word_searches_find_the_whole_family(shipped):
    registration = {h.code for h in shipped.search("营业执照")}
    assert {"370112-SCJG-001", "370112-SCJG-004"} <= registration  # 个体 and 公司 设立登记
    medical = {h.code for h in shipped.search("医保")}
    assert {"370112-YBJ-001", "370112-YBJ-006"} <= medical  # 医疗保险 in the name, found by 医保
    assert {h.kind for h in shipped.search("开店")} == {"bundle", "item"}
    assert shipped.search("社保卡")[0].via == "社保卡"


def test_full_width_brackets_and_traditional_queries_match(shipped):
    half = [h.code for h in shipped.search("spjy")]
    assert len(half) == 3
    assert [h.code for h in shipped.search("ｓｐｊｙ")] == half
    assert [h.code for h in shipped.search("ＳＰＪＹ")] == half
    exact = shipped.search("食品经营许可(新办)")
    assert exact[0].name == "食品经营许可（新办）" and exact[0].score // 1000 == 3
    assert shipped.search("食品经营许可 新办")[0].name == "食品经营许可（新办）"
    assert shipped.search("食品經營許可（新辦）")[0].name == "食品经营许可（新办）"
    assert shipped.search("３７０１１２-ＳＣＪＧ-００７")[0].code == "370112-SCJG-007"


def test_one_character_typos_come_after_real_matches():
    catalog = Catalog("v", {
        "A": make_item("A", "食品经营许可（新办）"),
        "B": make_item("B", "药品经营许可"),
        "C": make_item("C", "食品安全检查"),
    })
    assert names(catalog.search("食口经营")) == ["食品经营许可（新办）"]  # one wrong character
    assert names(catalog.search("食品营许可")) == ["食品经营许可（新办）"]  # one missing
    assert names(catalog.search("食品品经营")) == ["食品经营许可（新办）"]  # one extra
    hits = catalog.search("品经营许可")  # a substring of A and B: both real matches, no typo tier
    assert [h.score // 1000 for h in hits] == [1, 1]
    typo = catalog.search("食品经营计可")
    assert names(typo) == ["食品经营许可（新办）"] and typo[0].score // 1000 == 0
    assert catalog.search("食口") == []  # two characters: too short to guess
    assert catalog.search("口口经营") == []  # two characters wrong


def test_hall_counts_break_ties_within_a_tier_but_never_across():
    catalog = Catalog("v", {
        "A": make_item("A", "卫生许可（甲）"),
        "B": make_item("B", "卫生许可（乙）"),
        "C": make_item("C", "公共场所卫生许可"),
    })
    assert [h.code for h in catalog.search("卫生许可")] == ["A", "B", "C"]
    counted = catalog.search("卫生许可", counts={"B": 40, "A": 3, "C": 900})
    assert [h.code for h in counted] == ["B", "A", "C"]  # C is only a substring match
    assert [h.code for h in catalog.search("卫生许可", limit=1, counts={"B": 1})] == ["B"]


def test_counts_reach_past_the_limit_of_a_tier():
    items = {f"X{n:02d}": make_item(f"X{n:02d}", f"卫生许可{'甲' * n}") for n in range(1, 30)}
    catalog = Catalog("v", items)
    assert catalog.search("卫生许可", limit=3, counts={"X29": 5})[0].code == "X29"


def test_normalise():
    assert normalise(" ｓｐ ｊｙ ") == "spjy"
    assert normalise("食品經營許可（新辦）") == "食品经营许可新办"
    assert normalise("【开餐馆】“一件事”") == "开餐馆一件事"
    assert normalise("370112-SCJG-001") == "370112-scjg-001"


def test_synonym_variants_and_a_bad_table(tmp_path):
    table = Synonyms(same=(("医保", "医疗保险"),), leads_to={"开店": ("开餐馆",)})
    assert table.variants("基本医疗保险参保") == ["基本医保参保"]
    assert table.variants("开餐馆一件事") == ["开店"]
    assert table.variants("卫生许可") == []
    assert load_synonyms().leads_to["上户口"]
    bad = tmp_path / "bad.toml"
    bad.write_text('[[same]]\nwords = ["医保"]\n', encoding="utf-8")
    with pytest.raises(SynonymError, match="至少两个词"):
        load_synonyms(bad)


def test_aliases_are_validated_with_file_and_line(tmp_path: Path):
    path = tmp_path / "one.yaml"
    path.write_text(
        "materials:\n"
        "  - {key: id-card, name: 身份证, form: 原件, copies: 1, requirement: 原件。}\n"
        "items:\n"
        '  - code: "A-1"\n'
        "    name: 个体工商户设立登记\n"
        "    aliases:\n"
        "      - 办营业执照\n"
        "      - 办 营业执照\n"
        "      - ''\n"
        "      - 个体工商户（设立登记）\n"
        "    department: 区市场监督管理局\n    kind: 承诺件\n    statutory_days: 15\n    promised_days: 3\n"
        "    fee: 不收费\n    result: 营业执照\n    delivery: [EMS邮寄]\n    phone: 0531-88888888\n"
        "    materials: [{ref: id-card}]\n",
        encoding="utf-8",
    )
    with pytest.raises(CatalogError) as caught:
        load_catalog(path)
    problems = [str(p) for p in caught.value.problems]
    assert f"{path}:8: 事项 A-1 的别名「办 营业执照」与「办营业执照」重复" in problems
    assert any(p.startswith(f"{path}:9: ") and "非空文字" in p for p in problems)
    assert f"{path}:10: 事项 A-1 的别名「个体工商户（设立登记）」与「个体工商户设立登记」重复" in problems
    path.write_text(path.read_text(encoding="utf-8").replace("      - 办 营业执照\n      - ''\n", "")
                    .replace("      - 个体工商户（设立登记）\n", "      - 个体户\n"), encoding="utf-8")
    catalog = load_catalog(path)
    assert catalog.items["A-1"].aliases == ("办营业执照", "个体户")
    hit = catalog.search("个体户")[0]
    assert (hit.code, hit.via, hit.score // 1000) == ("A-1", "个体户", 3)
    assert catalog.search("byyzz")[0].code == "A-1"  # an alias's pinyin initials


def test_a_halls_own_synonym_table_beside_its_catalog(hall_copy: Path):
    assert load_catalog(hall_copy).search("防疫证") == []
    (hall_copy / "search-synonyms.toml").write_text('[leads_to]\n"防疫证" = ["卫生许可"]\n', encoding="utf-8")
    assert {h.code for h in load_catalog(hall_copy).search("防疫证")} == {"370112-GGWS-001", "370112-GGWS-002"}
    (hall_copy / "search-synonyms.toml").write_text('[[same]]\nwords = ["防疫证"]\n', encoding="utf-8")
    with pytest.raises(CatalogError) as caught:
        load_catalog(hall_copy)
    assert [str(p) for p in caught.value.problems] == [
        f"{hall_copy / 'search-synonyms.toml'}:1: 第 1 个 [[same]] 需要 words = [至少两个词]"]
