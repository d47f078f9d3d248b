"""Search as the clerk types: Chinese, full pinyin, initials, code prefix."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from clerk.catalog import Bundle, Catalog, Delivery, ItemKind, Material, MaterialForm, Need, ServiceItem

ID_CARD = Material("id-card", "身份证", MaterialForm.ORIGINAL, 1, Need.REQUIRED, False, "原件。")


def item(code: str, name: str) -> ServiceItem:
    return ServiceItem(
        code=code, name=name, department="区卫生健康局", kind=ItemKind.PROMISED,
        statutory_days=20, promised_days=5, fee="不收费", result_name="许可证",
        deliveries=(Delivery.EMS,), phone="0531-88888888", materials=(ID_CARD,),
    )


def catalog_of(*names: str, bundles: dict[str, str] | None = None) -> Catalog:
    items = {f"C-{n:03d}": item(f"C-{n:03d}", name) for n, name in enumerate(names)}
    made = {code: Bundle(code, name, tuple(items)[:2]) for code, name in (bundles or {}).items()}
    return Catalog("v", items, made)


def codes(hits) -> list[str]:
    return [h.code for h in hits]


def test_initials_find_items_anywhere_in_the_name(hall):
    assert set(codes(hall.search("wsxk"))) == {"370112-GGWS-001", "370112-GGWS-002"}
    assert codes(hall.search("spjy")) == ["370112-SPJY-001"]
    assert codes(hall.search("SPJY"))[0] == "370112-SPJY-001"


def test_full_pinyin_matches_on_syllable_boundaries_only(hall):
    assert set(codes(hall.search("weishengxuke"))) == {"370112-GGWS-001", "370112-GGWS-002"}
    assert set(codes(hall.search("wei sheng xu ke"))) == {"370112-GGWS-001", "370112-GGWS-002"}
    assert hall.search("eishengxuke") == []


def test_chinese_substring_and_code_prefix(hall):
    assert set(codes(hall.search("卫生许可"))) == {"370112-GGWS-001", "370112-GGWS-002"}
    assert codes(hall.search("370112-sp")) == ["370112-SPJY-001"]
    assert codes(hall.search("370112-HJ")) == ["370112-HJ-001"]
    # A code matches by its prefix, with or without the area prefix (370112-), not inside.
    assert codes(hall.search("GGWS-001")) == ["370112-GGWS-001"]
    assert set(codes(hall.search("ggws0"))) == {"370112-GGWS-001", "370112-GGWS-002"}
    assert hall.search("GWS-001") == [] and hall.search("12-GGWS-001") == []
    assert len(hall.search("370112")) == 9


def test_rank_is_exact_then_prefix_then_substring_with_bundles_mixed_in():
    catalog = catalog_of(
        "公共场所卫生许可", "卫生许可证注销", "卫生许可", "食品经营许可",
        bundles={"YJS-WS": "卫生许可一件事"},
    )
    hits = catalog.search("卫生许可")
    # Within a tier, a name carrying an action nobody said (注销) comes after one without.
    assert [h.name for h in hits] == ["卫生许可", "卫生许可一件事", "卫生许可证注销", "公共场所卫生许可"]
    assert [h.score // 1000 for h in hits] == [3, 2, 2, 1]
    assert [h.kind for h in hits] == ["item", "bundle", "item", "item"]
    assert [h.name for h in catalog.search("wsxk")][:1] == ["卫生许可"]
    assert catalog.search("C-002")[0].name == "卫生许可"


def test_limit_and_empty_queries(hall):
    assert len(hall.search("370112", limit=3)) == 3
    assert hall.search("370112", limit=3) == hall.search("370112")[:3]
    assert hall.search("") == [] and hall.search("   ") == [] and hall.search("x", limit=0) == []
    assert hall.search("没有这个事项") == []


def test_latin_and_digits_in_names_stand_for_themselves():
    catalog = catalog_of("ICP备案变更", "第2类医疗器械经营备案")
    assert codes(catalog.search("icpba")) == ["C-000"]
    assert codes(catalog.search("d2lylqx")) == ["C-001"]


NAMES = st.text(alphabet="卫生许可食品经营公共场所医疗机构出生登记社会保障卡变更注销新办", min_size=1, max_size=12)


@settings(max_examples=60, deadline=None)
@given(names=st.lists(NAMES, min_size=1, max_size=5), data=st.data())
def test_any_substring_of_a_name_finds_the_item(names, data):
    catalog = catalog_of(*names)
    which = data.draw(st.integers(0, len(names) - 1))
    name = names[which]
    start = data.draw(st.integers(0, len(name) - 1))
    end = data.draw(st.integers(start + 1, len(name)))
    hits = catalog.search(name[start:end], limit=len(names))
    assert f"C-{which:03d}" in codes(hits)
    # Above the typo tier (0), every hit found by its name holds the query (a synonym-table
    # form, e.g. 社保 for 社会保障, says so in ``via``).
    assert all(name[start:end] in h.name for h in hits if h.score >= 1000 and not h.via)
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


@settings(max_examples=60, deadline=None)
@given(name=NAMES, data=st.data())
def test_initials_of_any_run_of_characters_find_the_item(name, data):
    from pypinyin import Style, lazy_pinyin

    catalog = catalog_of(name)
    initials = "".join(lazy_pinyin(name, style=Style.FIRST_LETTER))
    start = data.draw(st.integers(0, len(initials) - 1))
    end = data.draw(st.integers(start + 1, len(initials)))
    assert codes(catalog.search(initials[start:end])) == ["C-000"]
