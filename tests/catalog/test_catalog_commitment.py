"""告知承诺制 in the catalog: read from YAML and the 实施清单, checked with file:line, frozen, merged, diffed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from clerk.catalog import (
    CatalogError,
    Commitment,
    LimitUnit,
    TimeLimit,
    VerifyMethod,
    checklist_from_dict,
    checklist_to_dict,
    load_catalog,
)
from clerk.catalog.diff import diff_catalogs
from clerk.catalog.importer import ImportError_, import_workbook, write_catalog
from clerk.cli import main
from tests.support.commitments import GOOD, MATERIALS, head
from tests.support.workbooks import item, material, one_sheet, two_sheets


def write(tmp_path: Path, text: str, name: str = "catalog.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def problems_of(path: Path) -> list[str]:
    with pytest.raises(CatalogError) as caught:
        load_catalog(path)
    return [str(p) for p in caught.value.problems]


def line_of(text: str, marker: str) -> int:
    [line] = [n for n, line in enumerate(text.splitlines(), 1) if marker in line]
    return line


# -- reading the YAML ---------------------------------------------------------------


def test_a_material_and_an_item_are_marked_in_yaml(tmp_path):
    catalog = load_catalog(write(tmp_path, GOOD))
    item_ = catalog.items["A-1"]
    assert item_.commitment == Commitment(
        "审批前现场核查", VerifyMethod.SITE, TimeLimit(30, LimitUnit.CALENDAR_DAYS), 20,
        "经营场所和设施符合《公共场所卫生管理条例》规定的卫生要求")
    by_key = {m.key: m for m in item_.materials}
    assert by_key["id-card"].commitment is None
    # replaces defaults to the material's own name; a bare number is working days; sample defaults to 100
    assert by_key["no-crime"].commitment == Commitment("无犯罪记录证明", VerifyMethod.DATA, TimeLimit(20), 100)
    assert by_key["health"].commitment == Commitment("健康合格证明", VerifyMethod.ASK, TimeLimit(20), 50)
    assert catalog.items["A-2"].commitment is None
    # the mark is per item: the shared material itself carries none
    assert catalog.materials["no-crime"].commitment is None
    assert str(by_key["no-crime"].commitment) == "以承诺代替无犯罪记录证明，受理后 20 个工作日内数据核查"


def test_catalog_check_reports_every_commitment_problem_with_its_line(tmp_path, capsys):
    text = MATERIALS + "items:\n" + head("A-1") + """\
    commitment: {method: 现场核查, within: 20}
    materials:
      - ref: id-card
        commitment: {method: 电话核查, within: 20}
      - ref: no-crime
        commitment: {method: 数据核查, within: 0}
      - ref: health
        commitment: {method: 数据核查, within: 即办}
""" + head("A-2") + """\
    commitment: {replaces: "", method: 现场核查, within: 20}
    materials:
      - ref: id-card
        commitment: {method: 数据核查, within: 20, sample: 0}
      - ref: no-crime
        commitment: {method: 数据核查, within: 20, sample: 150}
      - ref: health
        commitment: {method: 数据核查, within: 若干日}
""" + head("A-3") + """\
    materials:
      - ref: id-card
        tolerable: true
        commitment: {method: 数据核查, within: 20}
      - ref: no-crime
        need: 非必要
        commitment: {method: 数据核查, within: 20}
      - ref: health
        commitment: {method: 数据核查, whithin: 20}
""" + head("A-4") + """\
    commitment: true
    materials:
      - ref: id-card
        commitment: {replaces: "  ", method: 数据核查, within: -3}
"""
    path = write(tmp_path, text)
    assert main(["catalog", "check", str(path)]) == 1
    out = capsys.readouterr().out.splitlines()
    expected = [
        (line_of(text, "{method: 现场核查, within: 20}"), "事项 A-1 的告知承诺（commitment）缺少字段 replaces"),
        (line_of(text, "电话核查"), "method 只能是 数据核查 | 现场核查 | 部门协查，实际是 '电话核查'"),
        (line_of(text, "within: 0}"), "within（核查时限）应大于 0"),
        (line_of(text, "within: 即办}"), "within（核查时限）应大于 0"),
        (line_of(text, 'replaces: "", method'), "replaces 不能为空"),
        (line_of(text, "sample: 0}"), "sample（抽查比例）应为 1 到 100 之间的百分数，实际是 '0'"),
        (line_of(text, "sample: 150}"), "sample（抽查比例）应为 1 到 100 之间的百分数，实际是 '150'"),
        (line_of(text, "若干日"), "within（核查时限）无法识别 '若干日'"),
        (line_of(text, "tolerable: true") + 1, "事项 A-3 的材料 id-card 不能既容缺又可告知承诺"),
        (line_of(text, "need: 非必要") + 1, "事项 A-3 的材料 no-crime 是非必要材料，无需以告知承诺代替"),
        (line_of(text, "whithin"), "未知字段 whithin"),
        (line_of(text, "commitment: true"), "事项 A-4 的告知承诺（commitment）应为映射"),
        (line_of(text, 'replaces: "  "'), "replaces 不能为空"),
        (line_of(text, "within: -3"), "within（核查时限）应大于 0"),
    ]
    for line, fragment in expected:
        prefix = f"{path}:{line}: "
        assert any(p.startswith(prefix) and fragment in p for p in out), (
            f"expected {prefix}…{fragment}… in:\n" + "\n".join(out))
    # a good file of the same shape passes, and says what it marks
    assert main(["catalog", "check", str(write(tmp_path, GOOD, "good.yaml"))]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "告知承诺：1 个事项实行告知承诺制，3 项材料可告知承诺"


def test_an_item_on_commitment_may_be_decided_on_the_spot(tmp_path):
    """告知承诺制 is what lets a licence be issued at the window (当场发证): a 即办件 with an
    item-level commitment is the usual case, not a contradiction."""
    catalog = load_catalog(write(tmp_path, GOOD))
    assert catalog.items["A-1"].kind.value == "即办件" and catalog.items["A-1"].commitment is not None


# -- the frozen checklist and bundles -------------------------------------------------


def test_the_frozen_checklist_keeps_the_commitment_and_old_ones_still_load(tmp_path):
    catalog = load_catalog(write(tmp_path, GOOD))
    checklist = catalog.checklist("A-1")
    data = json.loads(json.dumps(checklist_to_dict(checklist), ensure_ascii=False))
    assert checklist_from_dict(data) == checklist
    frozen = {e["key"]: e for e in data["entries"]}
    assert frozen["no-crime"]["commitment"] == {
        "replaces": "无犯罪记录证明", "method": "数据核查", "within": [20, "工作日"], "sample_percent": 100,
        "basis": ""}
    assert "commitment" not in frozen["id-card"]  # a checklist without commitments freezes as before
    # a checklist stored before 告知承诺 existed
    old = {"catalog_version": "v0", "code": "A-1", "item_codes": ["A-1"], "answers": [],
           "entries": [{"key": "no-crime", "name": "无犯罪记录证明", "form": "原件", "copies": 1, "need": "必要",
                        "tolerable": False, "requirement": "证明。", "alt_group": None, "needed_by": ["A-1"]}]}
    [entry] = checklist_from_dict(old).entries
    assert entry.material.commitment is None


def test_a_damaged_frozen_commitment_is_refused(tmp_path):
    from clerk.catalog import ChecklistError

    data = checklist_to_dict(load_catalog(write(tmp_path, GOOD)).checklist("A-1"))
    data["entries"][1]["commitment"]["method"] = "电话核查"
    with pytest.raises(ChecklistError, match="已损坏"):
        checklist_from_dict(data)


def test_a_bundle_keeps_a_commitment_only_when_every_item_allows_it(tmp_path):
    merged = load_catalog(write(tmp_path, GOOD)).checklist("B-1")
    by_key = {e.material.key: e.material for e in merged.entries}
    # 健康证明: on commitment for A-1 only, A-2 wants the paper -> brought
    assert by_key["health"].commitment is None
    # 无犯罪记录证明: both allow it -> the stricter terms (A-2's 10 days, A-1's whole share)
    assert by_key["no-crime"].commitment == Commitment("无犯罪记录证明", VerifyMethod.DATA, TimeLimit(10), 100)


def test_catalog_diff_shows_a_changed_commitment(tmp_path, capsys):
    old = write(tmp_path, GOOD, "old.yaml")
    new = write(tmp_path, GOOD.replace("commitment: {method: 数据核查, within: 20}", "commitment: {method: 数据核查, within: 15}")
                .replace("    commitment:\n      replaces: 审批前现场核查\n      method: 现场核查\n      within: 30日\n"
                         "      sample: 20%\n      basis: 经营场所和设施符合《公共场所卫生管理条例》规定的卫生要求\n", ""),
                "new.yaml")
    diff = diff_catalogs(load_catalog(old), load_catalog(new))
    lines = diff.lines()
    assert "  * A-1 测试事项A-1" in lines
    assert ("      告知承诺制：以承诺代替审批前现场核查，受理后 30 日（自然日）内现场核查（抽查 20%）；"
            "承诺内容：经营场所和设施符合《公共场所卫生管理条例》规定的卫生要求 → （空）") in lines
    assert ("      材料「无犯罪记录证明」：告知承诺：以承诺代替无犯罪记录证明，受理后 20 个工作日内数据核查 → "
            "以承诺代替无犯罪记录证明，受理后 15 个工作日内数据核查") in lines


# -- the 实施清单 import ----------------------------------------------------------------

MATERIAL_COLUMNS = (("可告知承诺", "commitment"), ("核查方式", "method"), ("核查时限", "within"),
                    ("抽查比例", "sample"))
ITEM_COLUMNS = (("实行告知承诺制", "commit"), ("承诺替代内容", "replaces"), ("核查方式", "method"),
                ("核查时限", "within"), ("抽查比例", "sample"), ("承诺内容", "basis"))
HYGIENE = item(
    "370112-GGWS-001", "公共场所卫生许可（新办）",
    material("营业执照", form="复印件"),
    material("从业人员健康证明", commitment="是", method="数据核查", within="20个工作日"),
    material("卫生检测报告", commitment="可告知承诺", method="现场检查", within="30日", sample="20%"),
    material("平面图", commitment="否"),
    commit="是", replaces="审批前现场核查", method="现场核查", within="二十个工作日", sample=0.1,  # a 10% cell
    basis="经营场所符合卫生要求",
)
PLAIN = item("370112-MZJ-001", "内地居民结婚登记", material("户口簿"), department="区民政局",
             kind="即办件", statutory="即办", promised="当场办结")


def test_the_import_reads_commitments_from_both_sheets(tmp_path: Path):
    book = two_sheets(tmp_path / "清单.xlsx", [HYGIENE, PLAIN], extra=ITEM_COLUMNS, material_extra=MATERIAL_COLUMNS)
    out = tmp_path / "catalog"
    write_catalog(import_workbook(book), out, "清单.xlsx")
    catalog = load_catalog(out)
    hygiene = catalog.items["370112-GGWS-001"]
    assert hygiene.commitment == Commitment("审批前现场核查", VerifyMethod.SITE, TimeLimit(20), 10, "经营场所符合卫生要求")
    assert [m.commitment for m in hygiene.materials] == [
        None,
        Commitment("从业人员健康证明", VerifyMethod.DATA, TimeLimit(20), 100),
        Commitment("卫生检测报告", VerifyMethod.SITE, TimeLimit(30, LimitUnit.CALENDAR_DAYS), 20),
        None,
    ]
    assert catalog.items["370112-MZJ-001"].commitment is None


def test_the_import_reads_material_commitments_from_one_sheet(tmp_path: Path):
    book = one_sheet(tmp_path / "清单.xlsx", [HYGIENE | {"commit": ""}, PLAIN], material_extra=MATERIAL_COLUMNS)
    [hygiene, _] = import_workbook(book)
    materials = hygiene["materials"]
    assert isinstance(materials, list)
    assert [m.get("commitment") for m in materials] == [
        None, {"method": "数据核查", "within": 20}, {"method": "现场核查", "within": "30日", "sample": 20}, None]


def test_the_import_names_the_cell_of_every_commitment_problem(tmp_path: Path):
    bad = item(
        "370112-GGWS-002", "公共场所卫生许可（变更）",
        material("营业执照", commitment="也许"),
        material("健康证明", commitment="是", within="20个工作日"),
        material("检测报告", commitment="是", method="电话核查", within="即办", sample="150%"),
        material("平面图", commitment="是", need="容缺", method="数据核查", within="20"),
        commit="是", method="现场核查", within="20",
    )
    book = two_sheets(tmp_path / "清单.xlsx", [bad], extra=ITEM_COLUMNS, material_extra=MATERIAL_COLUMNS)
    with pytest.raises(ImportError_) as caught:
        import_workbook(book)
    problems = caught.value.problems
    # 材料 sheet: 实施编码 A, 材料名称… 备注 B–G, 可告知承诺 H, 核查方式 I, 核查时限 J, 抽查比例 K
    for expected in [
        "清单.xlsx!材料!H2: 「可告知承诺」只能填 是 或 否，实际是「也许」",
        "清单.xlsx!材料!I3: 可告知承诺的材料没有填写「核查方式」",
        "清单.xlsx!材料!I4: 核查方式只能是 数据核查、现场核查 或 部门协查，实际是「电话核查」",
        "清单.xlsx!材料!J4: 核查时限无法识别「即办」",
        "清单.xlsx!材料!K4: 抽查比例应为 1% 到 100% 之间（如 20%、100%），实际是「150%」",
        "清单.xlsx!材料!H5: 容缺材料须限期补交，告知承诺的材料不再提交：一项材料只能二选一",
    ]:
        assert any(p.startswith(expected) for p in problems), f"{expected} not in:\n" + "\n".join(problems)
    # the item: 承诺替代内容 is required for an item (its column on the 事项 sheet, row 3)
    assert any("清单.xlsx!事项!" in p and "3: 实行告知承诺制的事项没有填写「承诺替代内容」" in p for p in problems)


@pytest.mark.parametrize(("text", "share"), [
    ("20%", 20), ("20％", 20), ("20", 20), ("百分之二十", 20), ("百分之百", 100), ("百分之一百", 100),
    ("全部", 100), ("逐件核查", 100), ("若干", None), ("", None), ("20.5%", None),
])
def test_share_spellings(text, share):
    from clerk.catalog.limits import parse_percent

    assert parse_percent(text) == share
