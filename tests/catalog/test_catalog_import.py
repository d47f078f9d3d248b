"""`clerk catalog import`: the 实施清单 export in both shapes, every problem at its cell."""

from __future__ import annotations

from pathlib import Path

import pytest

from clerk.catalog import LimitUnit, MaterialForm, Need, TimeLimit, load_catalog
from clerk.catalog.importer import ImportError_, import_workbook, parse_limit
from clerk.cli import main
from tests.support.workbooks import item, material, one_sheet, two_sheets

FOOD = item(
    "370112-SCJG-007", "食品经营许可（新办）",
    material("营业执照", form="复印件"),
    material("食品安全管理制度\n文本", form="原件和复印件", copies="2份", note="加盖公章"),
    material("健康证明", need="容缺", copies="1"),
    material("授权委托书", need="情形必要", situation="委托代理人办理的"),
    material("代理人身份证", need="情形必要", situation="委托代理人办理的", form="电子"),
    material("平面图", need="非必要"),
    aliases="食品许可证、餐饮许可证",
)
DIVORCE = item("370112-MZJ-007", "内地居民离婚登记", material("结婚证"),
               department="区民政局", type="行政确认", statutory="30日", promised="30天")
MARRIAGE = item("370112-MZJ-001", "内地居民结婚登记", material("户口簿"), department="区民政局",
                kind="即办件", statutory="即办", promised="当场办结")
LONG = item("370112-ZJJ-001", "建筑工程施工许可证核发", material("施工合同"), department="区住房城乡建设局",
            statutory="3个月", promised="20工作日", fee="按规定收取", phone="０５３１－８８８８８８８８")
ALL = [FOOD, DIVORCE, MARRIAGE, LONG]


@pytest.mark.parametrize("shape", ["two_sheets", "one_sheet_merged", "one_sheet_blank"])
def test_both_shapes_give_the_same_catalog(tmp_path: Path, capsys, shape):
    book = tmp_path / "清单.xlsx"
    if shape == "two_sheets":
        two_sheets(book, ALL)
    else:
        one_sheet(book, ALL, merge=shape == "one_sheet_merged")
    out = tmp_path / "catalog"
    assert main(["catalog", "import", str(book), "-o", str(out)]) == 0
    *warnings, done = capsys.readouterr().out.splitlines()
    assert done == f"已导入 4 个事项、9 项材料 → {out / 'imported.yaml'}"
    assert warnings and all(w.endswith("（警告）") for w in warnings)  # no 送达方式 column, blank 别名 …
    assert main(["catalog", "check", str(out)]) == 0
    catalog = load_catalog(out)
    food = catalog.items["370112-SCJG-007"]
    assert (food.name, food.department, food.item_type, food.fee) == (
        "食品经营许可（新办）", "区市场监督管理局", "行政许可", "不收费")
    assert food.aliases == ("食品许可证", "餐饮许可证")
    assert [m.name for m in food.materials] == [
        "营业执照", "食品安全管理制度文本", "健康证明", "授权委托书", "代理人身份证", "平面图"]
    forms = [(m.form, m.copies, m.need, m.tolerable) for m in food.materials]
    assert forms == [
        (MaterialForm.COPY, 1, Need.REQUIRED, False), (MaterialForm.ORIGINAL, 2, Need.REQUIRED, False),
        (MaterialForm.ORIGINAL, 1, Need.REQUIRED, True), (MaterialForm.ORIGINAL, 1, Need.CONDITIONAL, False),
        (MaterialForm.ELECTRONIC, 1, Need.CONDITIONAL, False), (MaterialForm.ORIGINAL, 1, Need.OPTIONAL, False),
    ]
    assert food.materials[1].requirement == "食品安全管理制度文本（原件和复印件2份）：加盖公章"
    [situation] = food.situations
    assert situation.question == "是否属于以下情形：委托代理人办理的"
    assert [o.label for o in situation.options] == ["否", "是"]
    assert len(catalog.checklist(food.code, {situation.key: "是"}).entries) == 6
    assert len(catalog.checklist(food.code).entries) == 4
    assert catalog.items["370112-MZJ-007"].statutory == TimeLimit(30, LimitUnit.CALENDAR_DAYS)
    assert catalog.items["370112-MZJ-007"].promised == TimeLimit(30, LimitUnit.CALENDAR_DAYS)
    marriage = catalog.items["370112-MZJ-001"]
    assert marriage.promised == TimeLimit(0, LimitUnit.IMMEDIATE) and marriage.kind.value == "即办件"
    long = catalog.items["370112-ZJJ-001"]
    assert (long.statutory, long.promised) == (TimeLimit(3, LimitUnit.MONTHS), TimeLimit(20))
    assert long.phone == "0531-88888888" and long.fee == "按规定收取"
    assert catalog.search("餐饮许可证")[0].code == "370112-SCJG-007"


@pytest.mark.parametrize(("text", "limit"), [
    ("20个工作日", TimeLimit(20)), ("20工作日", TimeLimit(20)), ("２０ 个工作日", TimeLimit(20)),
    ("即办", TimeLimit(0, LimitUnit.IMMEDIATE)), ("当场办结", TimeLimit(0, LimitUnit.IMMEDIATE)),
    ("30日", TimeLimit(30, LimitUnit.CALENDAR_DAYS)), ("30天", TimeLimit(30, LimitUnit.CALENDAR_DAYS)),
    ("30个自然日", TimeLimit(30, LimitUnit.CALENDAR_DAYS)), ("3个月", TimeLimit(3, LimitUnit.MONTHS)),
    ("15", TimeLimit(15)), ("若干", None), ("", None), ("0个工作日", None),
    ("二十个工作日", TimeLimit(20)), ("十五个工作日", TimeLimit(15)), ("三个月", TimeLimit(3, LimitUnit.MONTHS)),
    ("两个月", TimeLimit(2, LimitUnit.MONTHS)), ("一百二十日", TimeLimit(120, LimitUnit.CALENDAR_DAYS)),
    ("六十天", TimeLimit(60, LimitUnit.CALENDAR_DAYS)), ("二三个工作日", None), ("零个工作日", None),
])
def test_time_limit_text_forms(text, limit):
    from clerk.catalog.sheets import clean

    assert parse_limit(clean(text)) == limit


def test_every_bad_cell_is_reported_at_once_and_nothing_is_written(tmp_path: Path, capsys):
    bad = [
        item("A-001", "事项甲", material("身份证", need="可选"), material("照片", copies="若干")),
        item("A-002", "事项乙"),  # no materials
        item("A-001", "事项丙", material("户口簿")),  # duplicate code
        item("A-004", "事项丁", material("申请书", form="扫描件"), statutory="尽快", promised="5个工作日",
             kind="普通件"),
        item("A-005", "事项戊", material("委托书", need="情形必要")),
    ]
    book = two_sheets(tmp_path / "bad.xlsx", bad)
    out = tmp_path / "catalog"
    assert main(["catalog", "import", str(book), "-o", str(out)]) == 1
    output = capsys.readouterr().out.splitlines()
    lines = [line for line in output if not line.endswith("（警告）")]
    # 事项 sheet: title row 1, header row 2, items from row 3; columns as two_sheets orders them.
    # 材料 sheet: header row 1; columns A 实施编码, B 材料名称, C 形式, D 份数, E 必要性, F 情形.
    # 事项 sheet: title row 1, header row 2, items from row 3, columns in two_sheets' order
    # (B 事项名称, D 实施编码, E 办件类型, H 法定办结时限).  材料 sheet: header row 1, then
    # A 实施编码, B 材料名称, C 材料形式, D 份数, E 必要性, F 情形.  Sorted by sheet, row, column.
    assert lines == [
        "bad.xlsx!事项!B4: 事项 A-002 没有任何材料",
        "bad.xlsx!事项!D5: 实施编码 A-001 重复（首次出现在 事项!D3）",
        "bad.xlsx!事项!E6: 办件类型只能是 即办件 或 承诺件，实际是「普通件」",
        "bad.xlsx!事项!H6: 法定办结时限无法识别「尽快」（应如 20个工作日、二十个工作日、即办、30日、3个月）",
        "bad.xlsx!材料!E2: 必要性只能是 必要、非必要、容缺 或 情形必要，实际是「可选」",
        "bad.xlsx!材料!D3: 份数应为正整数（如 1、1份、2份），实际是「若干」",
        "bad.xlsx!材料!C5: 材料形式只能是 原件、复印件、原件和复印件 或 电子，实际是「扫描件」",
    ]
    # 情形必要 without a 情形 is merely missing: a warning, listed with the errors
    assert "bad.xlsx!材料!F6: 情形必要的材料没有写明适用情形：导入为必要材料，不适用时由窗口标记「不适用」（警告）" in output
    assert not out.exists()


def test_one_sheet_problems_name_their_cells(tmp_path: Path, capsys):
    bad = [item("B-001", "事项甲", material("身份证"), material("照片", copies="若干")),
           item("B-001", "事项乙", material("户口簿"))]
    book = one_sheet(tmp_path / "one.xlsx", bad)
    with pytest.raises(ImportError_) as caught:
        import_workbook(book)
    # Header on row 3; B-001 rows 4-5 (merged), the duplicate on row 6. Columns: B 实施编码, N 份数.
    assert caught.value.problems == [
        "one.xlsx!实施清单!N5: 份数应为正整数（如 1、1份、2份），实际是「若干」",
        "one.xlsx!实施清单!B6: 实施编码 B-001 重复（首次出现在 实施清单!B4）",
    ]


def test_a_workbook_without_a_header_is_refused(tmp_path: Path):
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["随便写的", "表格"])
    book.save(tmp_path / "x.xlsx")
    with pytest.raises(ImportError_, match="找不到实施清单表头"):
        import_workbook(tmp_path / "x.xlsx")
    (tmp_path / "not.xlsx").write_text("not a workbook", encoding="utf-8")
    with pytest.raises(ImportError_, match="无法读取工作簿"):
        import_workbook(tmp_path / "not.xlsx")


def test_an_import_that_breaks_the_folder_restores_it(tmp_path: Path, capsys):
    out = tmp_path / "catalog"
    assert main(["catalog", "import", str(two_sheets(tmp_path / "a.xlsx", ALL)), "-o", str(out)]) == 0
    before = (out / "imported.yaml").read_bytes()
    (out / "bundles.yaml").write_text(
        'bundles:\n  - code: "YJS-HY"\n    name: 婚姻一件事\n    items: ["370112-MZJ-001", "370112-MZJ-007"]\n',
        encoding="utf-8")
    assert main(["catalog", "check", str(out)]) == 0
    smaller = two_sheets(tmp_path / "b.xlsx", [FOOD, MARRIAGE, LONG])  # 离婚登记 dropped
    assert main(["catalog", "import", str(smaller), "-o", str(out)]) == 1
    captured = capsys.readouterr()
    assert "一件事 YJS-HY 包含未定义的事项 370112-MZJ-007" in captured.out
    assert "已恢复原文件" in captured.err
    assert (out / "imported.yaml").read_bytes() == before
