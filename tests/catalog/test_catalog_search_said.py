"""Search finds what people say (issue 25): words apart, everyday words, codes without the
area prefix, typos that sound right, and the action said (补, 注销, 迁 …) weighing."""

from __future__ import annotations

import pytest

from bench.bench_search_quality import grade, load_queries, repo_catalog
from clerk.catalog import Bundle, Catalog
from clerk.catalog.normalise import Synonyms
from tests.support.catalog_items import make_item

# The right-first rate of bench/search_queries.toml on the shipped catalog when it was
# measured (327 of 330): it may rise, not fall.
RIGHT_FIRST = 0.99


@pytest.fixture(scope="module")
def shipped() -> Catalog:
    return repo_catalog()


def first(catalog: Catalog, query: str) -> str | None:
    hits = catalog.search(query)
    return hits[0].code if hits else None


# Every miss the issue lists, with the item a clerk expects first.
ISSUE_MISSES = [
    # words not contiguous in the official name
    ("个体户注销", "370112-SCJG-003"),
    ("个体户变更", "370112-SCJG-002"),
    ("营业执照变更", "370112-SCJG-002"),
    ("营业执照注销", "370112-SCJG-006"),
    ("补办身份证", "370112-GAFJ-002"),
    ("港澳签注", "370112-GACRJ-004"),
    ("消防检查", "370112-XFJY-001"),
    ("护士注册", "370112-WSJK-005"),
    ("生育报销", "370112-YBJ-002"),
    ("烟草许可证", "370112-YC-001"),
    ("道路挖掘", "370112-CGJ-002"),
    ("排水许可", "370112-CXSW-001"),
    # everyday words with no alias
    ("网吧", "370112-WLJ-002"),
    ("KTV", "370112-WLJ-001"),
    ("理发店", "370112-WSJK-001"),
    ("汽修", "370112-JTJ-002"),
    ("危化品", "370112-YJJ-001"),
    ("招牌", "370112-CGJ-001"),
    ("慢性病", "370112-YBJ-004"),
    ("出生证明", "YJS-XSE"),
    # a code without its area prefix; a two-character typo
    ("SCJG-007", "370112-SCJG-007"),
    ("scjg007", "370112-SCJG-007"),
    ("离昏", "370112-MZJ-007"),
    # the wrong item first
    ("补结婚证", "370112-MZJ-002"),
    ("医保", "370112-YBJ-001"),
]


@pytest.mark.parametrize(("query", "code"), ISSUE_MISSES)
def test_every_miss_named_in_the_issue_finds_its_item_first(shipped, query, code):
    hits = shipped.search(query)
    assert hits and hits[0].code == code, [(h.code, h.name, h.score, h.via) for h in hits[:3]]


def test_moving_a_household_is_not_a_birth_registration(shipped):
    # 迁户口 finds 户口迁移, never 出生登记 (上户口 is one character off, but 迁 is an action
    # said, not a typo); 户口迁出 and 落户 said alone are moves too.
    assert first(shipped, "迁户口") == "370112-GAFJ-004"
    assert first(shipped, "户口迁出") == "370112-GAFJ-009"
    assert first(shipped, "落户") == "370112-GAFJ-004"
    assert first(shipped, "新生儿落户") == "370112-GAFJ-001"
    catalog = Catalog("v", {
        "A": make_item("A", "出生登记（户口申报）", ("上户口",)),
        "B": make_item("B", "户口迁移（省内）"),
    })
    assert first(catalog, "迁户口") == "B"
    assert first(catalog, "上户口") == "A"


def test_query_set_right_first_rate_does_not_drop(shipped):
    result = grade(shipped, load_queries())
    assert result.queries >= 200
    misses = [(q.text, q.code, found) for q, found in result.misses]
    assert result.first_rate >= RIGHT_FIRST, misses


def test_words_apart_rank_below_the_words_together():
    catalog = Catalog("v", {
        "A": make_item("A", "个体工商户设立登记", ("个体户",)),
        "B": make_item("B", "个体工商户注销登记"),
        "C": make_item("C", "注销个体户须知"),
    })
    hits = catalog.search("注销个体户")
    assert [h.code for h in hits] == ["C", "B"]  # C holds the words together; A lacks 注销
    assert hits[0].score // 1000 == 2 and hits[1].score // 1000 == 0
    assert [h.code for h in catalog.search("个体户注销")] == ["B", "C"]  # words in any order
    assert catalog.search("个体户迁移") == []  # every word said must be there


def test_fillers_people_add_are_skipped_but_not_required():
    catalog = Catalog("v", {
        "A": make_item("A", "互联网上网服务营业场所经营许可"),
        "B": make_item("B", "食品经营许可（新办）"),
        "C": make_item("C", "食品经营许可（变更）"),
    })
    assert first(catalog, "办上网服务经营许可证") == "A"
    # 办 asks for the licence itself, not a change to it
    assert [h.code for h in catalog.search("办食品经营许可证")][:2] == ["B", "C"]
    assert first(catalog, "食品经营许可证变更") == "C"


def test_an_action_said_weighs_toward_the_item_that_carries_it():
    catalog = Catalog("v", {
        "A": make_item("A", "婚姻登记证补领"),
        "B": make_item("B", "婚姻登记证核发"),
        "C": make_item("C", "营业执照注销"),
        "D": make_item("D", "营业执照变更"),
        "E": make_item("E", "营业执照核发"),
    })
    assert first(catalog, "婚姻登记证") == "B"  # nothing said: not the replacement
    assert first(catalog, "补婚姻登记证") == "A"
    assert first(catalog, "营业执照") == "E"
    assert first(catalog, "注销营业执照") == "C"
    assert first(catalog, "营业执照变更") == "D"


def test_a_code_without_its_area_prefix_or_punctuation():
    catalog = Catalog("v", {
        "370112-SCJG-007": make_item("370112-SCJG-007", "食品经营许可（新办）"),
        "370112-SCJG-070": make_item("370112-SCJG-070", "食品经营许可（变更）"),
    }, {"YJS-KCG": Bundle("YJS-KCG", "开餐馆“一件事”", ("370112-SCJG-007",))})
    for query in ("SCJG-007", "scjg007", "SCJG 007", "370112scjg007", "ＳＣＪＧ－００７"):
        hits = catalog.search(query)
        assert hits[0].code == "370112-SCJG-007" and hits[0].score // 1000 == 3, query
    assert {h.code for h in catalog.search("scjg0")} == {"370112-SCJG-007", "370112-SCJG-070"}
    assert first(catalog, "yjs-kcg") == "YJS-KCG"
    assert catalog.search("CJG-007") == []  # inside a code is not a code


def test_a_typo_that_sounds_right_comes_before_one_that_only_looks_close():
    catalog = Catalog("v", {
        "A": make_item("A", "内地居民离婚登记"),
        "B": make_item("B", "居民身份证换领"),
        "C": make_item("C", "社会保障卡申领", ("社保卡",)),
    })
    hits = catalog.search("离昏")  # two characters: too short for the one-character-off guess
    assert [h.code for h in hits] == ["A"] and hits[0].score // 1000 == 0
    assert first(catalog, "身分证") == "B"
    hit = catalog.search("社报卡")[0]
    assert (hit.code, hit.via) == ("C", "社保卡")
    assert catalog.search("离口") == []  # neither sounds nor looks like anything


def test_everyday_words_come_from_the_synonym_table_not_the_code():
    items = {"A": make_item("A", "互联网上网服务营业场所经营许可")}
    assert Catalog("v", items, synonyms=Synonyms()).search("网吧") == []
    table = Synonyms(leads_to={"网吧": ("互联网上网服务营业场所",)})
    assert first(Catalog("v", items, synonyms=table), "开网吧") == "A"
