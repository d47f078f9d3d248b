"""`clerk catalog diff OLD NEW`: what a supervisor reads before switching catalogs."""

from __future__ import annotations

import copy
from pathlib import Path

from clerk.catalog import load_catalog
from clerk.catalog.diff import diff_catalogs
from clerk.catalog.importer import import_workbook, write_catalog
from clerk.cli import main
from tests.support.workbooks import item, material, two_sheets

OLD = [
    item("A-001", "食品经营许可（新办）", material("营业执照", form="复印件"), material("平面图", need="非必要"),
         material("健康证明")),
    item("A-002", "内地居民离婚登记", material("结婚证"), department="区民政局", statutory="30日", promised="30日"),
    item("A-003", "养老机构备案", material("备案书")),
]


def catalog_dir(tmp_path: Path, name: str, items: list[dict]) -> Path:
    out = tmp_path / name
    write_catalog(import_workbook(two_sheets(tmp_path / f"{name}.xlsx", items)), out, name)
    return out


def test_diff_lists_added_removed_and_changed_items_and_materials(tmp_path: Path, capsys):
    new = copy.deepcopy(OLD)
    food = new[0]
    food["promised"] = "3个工作日"
    food["phone"] = "0531-66666666"
    food["materials"] = [material("健康证明", copies="2份"), material("营业执照", form="原件"),
                         material("食品安全管理制度")]  # reordered, 平面图 gone, one new
    del new[1]
    new.append(item("A-004", "托育机构备案", material("备案书"), department="区卫生健康局"))
    old_dir, new_dir = catalog_dir(tmp_path, "old", OLD), catalog_dir(tmp_path, "new", new)
    old_cat, new_cat = load_catalog(old_dir), load_catalog(new_dir)
    assert main(["catalog", "diff", str(old_dir), str(new_dir)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines == [
        f"事项目录对比：旧版本 {old_cat.version[:8]}（3 个事项，0 个一件事） → 新版本 {new_cat.version[:8]}"
        "（3 个事项，0 个一件事）",
        "新增 1 项：",
        "  + A-004 托育机构备案（区卫生健康局，承诺件，承诺 5 个工作日）",
        "删除 1 项：",
        "  - A-002 内地居民离婚登记（区民政局，承诺件，承诺 30 日（自然日））",
        "变更 1 项：",
        "  * A-001 食品经营许可（新办）",
        "      承诺时限：5 个工作日 → 3 个工作日",
        "      咨询电话：0531-88888888 → 0531-66666666",
        "      新增材料：食品安全管理制度（原件1份，必要）",
        "      删除材料：平面图",
        "      材料「营业执照」：形式：复印件 → 原件；要求：营业执照（复印件1份）。 → 营业执照（原件1份）。",
        "      材料「健康证明」：份数：1 → 2；要求：健康证明（原件1份）。 → 健康证明（原件2份）。",
        "合计：新增 1，删除 1，变更 1，未变 1。",
        "在办件按受理时冻结的材料清单继续办理，切换目录不影响它们。",
    ]


def test_the_same_catalog_has_no_changes(tmp_path: Path, capsys):
    one = catalog_dir(tmp_path, "one", OLD)
    diff = diff_catalogs(load_catalog(one), load_catalog(one))
    assert diff.empty and diff.unchanged == 3
    assert diff.lines()[-1] == "两个版本的事项、一件事和材料完全相同。"


def test_a_broken_side_is_reported_and_fails(tmp_path: Path, capsys):
    one = catalog_dir(tmp_path, "one", OLD)
    assert main(["catalog", "diff", str(one), str(tmp_path / "missing")]) == 1
    assert "请先运行 clerk catalog check" in capsys.readouterr().err
