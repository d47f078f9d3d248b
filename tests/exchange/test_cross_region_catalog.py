"""跨域通办 catalog (issue 29): the other regions' items, read and checked like the hall's own but
kept apart, found by the same search with their region named, after the hall's own."""

from __future__ import annotations

import os

import pytest

from bench.bench_search_quality import grade, load_queries
from clerk.catalog import CatalogError, load_catalog
from clerk.cli import main
from tests.support.cross_region import CROSS_REGION, ROOT, with_regions
from tests.support.exchange import HALL_B

SHIPPED = ROOT / "data" / "catalog"


@pytest.fixture(scope="module")
def both():
    return load_catalog(SHIPPED, CROSS_REGION)


@pytest.fixture(scope="module")
def own():
    return load_catalog(SHIPPED)


def test_the_shipped_list_is_kept_apart_from_the_halls_own(both, own):
    assert len(both.items) == len(own.items) and len(both.bundles) == len(own.bundles)
    assert not set(both.items) & set(both.regional)
    assert 8 <= len(both.regional) <= 12
    regions = {item.region.code: item.region for item in both.regional.values()}
    assert sorted(regions) == ["310115", "440305", "510107"]
    assert regions["440305"].hall_id == HALL_B  # the exchange partner the packets go to
    assert {r.hall_id for r in regions.values()} >= {"310115-浦东新区市民中心", "510107-武侯区政务服务中心"}
    assert all(r.transfer_days > 0 and r.phone and r.address for r in regions.values())
    assert both.get("440305-KY-001").region.name == "深圳市南山区"
    assert both.version != own.version  # a case freezes the catalog it was taken in with


def test_the_shipped_list_loads_beside_another_halls_catalog():
    catalog = with_regions()  # the tests' small hall: the list refers to none of the hall's materials
    assert len(catalog.regional) == len(load_catalog(SHIPPED, CROSS_REGION).regional)


def _problems(tmp_path, text: str) -> list[str]:
    folder = tmp_path / "other"
    folder.mkdir()
    (folder / "x.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(CatalogError) as caught:
        load_catalog(SHIPPED, folder)
    return [str(p) for p in caught.value.problems]


ITEM = """  - code: "{code}"
    name: 测试事项
    department: 某局
    kind: 承诺件
    statutory_days: 20
    promised_days: 10{unit}
    fee: 不收费
    result: 结果
    delivery: [窗口领取]
    phone: 0755-1
    materials:
      - ref: id-card
"""
REGION = """region:
  code: "{code}"
  name: 深圳市南山区
  body: 深圳市南山区政务服务中心
  phone: 0755-2
  address: 某路1号
  transfer_days: 3
"""


def test_a_file_without_its_region_is_refused_with_file_and_line(tmp_path):
    problems = _problems(tmp_path, "items:\n" + ITEM.format(code="440305-T-001", unit=""))
    assert problems == [f"{tmp_path / 'other' / 'x.yaml'}:1: 跨域通办事项文件缺少 region"
                        "（办理地：行政区划代码、名称、办理机构、电话、地址、移交时限）"]


def test_region_and_item_problems_name_file_and_line(tmp_path):
    text = REGION.format(code="44030") + "items:\n" + ITEM.format(code="370112-SCJG-001", unit="") + ITEM.format(
        code="440305-T-002", unit="\n    promised_unit: 自然日")
    problems = _problems(tmp_path, text)
    file = tmp_path / "other" / "x.yaml"
    assert f"{file}:2: 办理地（region）的 code 应为 6 位行政区划代码（如 440305），实际是 '44030'" in problems
    # the hall's own code cannot be another region's too
    assert any(p.startswith(f"{file}:9: 编码 370112-SCJG-001 重复（首次定义于 {SHIPPED}") for p in problems)


def test_a_limit_that_is_not_in_working_days_is_refused(tmp_path):
    text = REGION.format(code="440305") + "items:\n" + ITEM.format(
        code="440305-T-002", unit="\n    promised_unit: 自然日\n    statutory_unit: 自然日")
    assert _problems(tmp_path, text) == [
        f"{tmp_path / 'other' / 'x.yaml'}:9: 跨域通办事项 440305-T-002 的承诺时限应以工作日计（或即办），"
        "实际是 10 日（自然日）：收件地按工作日加上移交时限承诺办结日期"]


def test_bundles_belong_to_the_halls_own_catalog(tmp_path):
    text = REGION.format(code="440305") + "bundles: []\n"
    (problem,) = _problems(tmp_path, text)
    assert problem.startswith(f"{tmp_path / 'other' / 'x.yaml'}:8: 文件顶层中有未知字段 bundles")


def test_catalog_check_checks_both_sources(capsys, tmp_path, monkeypatch):
    from clerk.config import get_settings

    monkeypatch.setenv("CLERK_CONFIG", os.devnull)
    monkeypatch.setenv("CLERK_CATALOG_DIR", str(SHIPPED))
    monkeypatch.setenv("CLERK_CROSS_REGION_DIR", str(CROSS_REGION))
    get_settings.cache_clear()
    assert main(["catalog", "check"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[1] == "跨域通办：11 个其他地区事项，办理地 3 个（跨域·上海市浦东新区、跨域·成都市武侯区、跨域·深圳市南山区）"

    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "a.yaml").write_text(REGION.format(code="440305") + "items:\n" + ITEM.format(
        code="440305-T-001", unit="").replace("    fee: 不收费\n", ""), encoding="utf-8")
    monkeypatch.setenv("CLERK_CROSS_REGION_DIR", str(broken))
    get_settings.cache_clear()
    assert main(["catalog", "check"]) == 1
    assert f"{broken / 'a.yaml'}:9: 事项缺少字段 fee" in capsys.readouterr().out
    get_settings.cache_clear()


def test_search_names_the_region_and_ranks_it_after_the_halls_own(both):
    hits = both.search("住房公积金异地转移接续")
    assert [(h.code, h.label) for h in hits[:2]] == [
        ("370112-GJJ-008", "住房公积金异地转移接续"),
        ("440305-KY-003", "住房公积金异地转移接续〔跨域·深圳市南山区〕")]
    (only,) = [h for h in both.search("异地就医") if h.region]
    assert only.label == "跨省异地就医登记备案〔跨域·深圳市南山区〕"
    assert both.search("职业资格证书核验")[0].label == "职业资格证书核验〔跨域·上海市浦东新区〕"


def test_a_full_list_of_the_halls_own_leaves_room_for_the_other_regions(both):
    hits = both.search("证", limit=8)
    assert len(hits) == 8 and not hits[0].region
    assert any(h.region for h in hits)


def test_the_other_regions_take_no_first_place_from_the_halls_own(both, own):
    """bench/search_queries.toml: every query the hall's own catalog answers has the same first hit
    with the list loaded (one it does not answer may find another region's item), and the
    right-first rate is the same."""
    queries = load_queries()
    assert queries
    for query in queries:
        mine, before = both.search(query.text), own.search(query.text)
        if before:
            assert mine[0].code == before[0].code, query.text
        else:
            assert all(hit.region for hit in mine), query.text
    assert grade(both, queries).first_rate == grade(own, queries).first_rate
