"""`clerk catalog import` on what halls really have: a province's export with optional columns
missing and cells left blank (warnings, defaults, ``--strict``), every problem at once, and the
hostile cells seen in real exports (issue 25)."""

from __future__ import annotations

import datetime
import zipfile
from pathlib import Path

import pytest

from clerk.catalog import LimitUnit, Need, TimeLimit, load_catalog
from clerk.catalog.importer import DEFAULT_FEE, DEFAULT_PHONE, DEFAULT_RESULT, ImportError_, read_workbook
from clerk.cli import main
from clerk.domain.intake import MaterialMark, MaterialStatus, VerdictState, assess
from tests.support.workbooks import compound_file, item, material, one_sheet, shared_string, two_sheets

# The shape: one sheet, title rows, merged item cells, no 咨询电话 column, one blank
# 收费标准, 情形必要 materials and no 情形 column.  Columns once 咨询电话 and 情形 are dropped:
# A 事项编码, B 实施编码, C 事项名称, D 事项类型, E 实施主体, F 办件类型, G 法定, H 承诺, I 收费标准,
# J 别名, K 材料名称, L 材料形式, M 份数, N 必要性, O 备注; title rows 1-2, header row 3.
REAL = [
    item("R-001", "食品经营许可（新办）",
         material("营业执照", form="复印件"),
         material("授权委托书", need="情形必要", note="委托他人办理的需提供"),
         material("代理人身份证（委托代理人办理的）", need="情形必要"),
         material("场地证明", need="情形必要"),
         aliases="食品许可证"),
    item("R-002", "内地居民离婚登记", material("结婚证"), department="区民政局", fee="", aliases="办离婚"),
]


def _real(tmp_path: Path, **kwargs) -> Path:
    return one_sheet(tmp_path / "实施清单.xlsx", REAL, drop=("咨询电话", "情形"), **kwargs)


def _import(capsys, book: Path, out: Path, *extra: str) -> tuple[int, list[str], str]:
    code = main(["catalog", "import", str(book), "-o", str(out), *extra])
    captured = capsys.readouterr()
    return code, captured.out.splitlines(), captured.err


def test_a_real_export_with_missing_columns_and_blanks_imports_with_a_warning_per_cell(tmp_path, capsys):
    out = tmp_path / "catalog"
    code, lines, err = _import(capsys, _real(tmp_path), out)
    assert code == 0
    w = "实施清单.xlsx!实施清单!"
    assert lines == [
        f"{w}A3: 表头没有「咨询电话」列：咨询电话导入为「{DEFAULT_PHONE}」（警告）",
        f"{w}A3: 表头没有「办理结果名称」列：办理结果名称导入为「{DEFAULT_RESULT}」（警告）",
        f"{w}A3: 表头没有「送达方式」列：送达方式导入为「窗口领取、EMS邮寄」（警告）",
        f"{w}A3: 表头没有「情形」列：情形必要的材料导入为必要材料，不适用时由窗口标记「不适用」（警告）",
        f"{w}I8: 收费标准为空：导入为「{DEFAULT_FEE}」（不收费请填写“不收费”）（警告）",
        f"已导入 2 个事项、5 项材料 → {out / 'imported.yaml'}",
    ]
    assert "共 5 条警告" in err and "--strict" in err
    catalog = load_catalog(out)
    food, divorce = catalog.items["R-001"], catalog.items["R-002"]
    assert (food.phone, divorce.fee, divorce.result_name) == (DEFAULT_PHONE, DEFAULT_FEE, DEFAULT_RESULT)
    # 情形必要 without a 情形: on the checklist, the clerk marks 不适用 when it does not apply,
    # and the requirement says when it applies where the export says so (note, name).
    conditional = food.materials[1:]
    assert [m.need for m in conditional] == [Need.REQUIRED] * 3
    assert [m.requirement for m in conditional] == [
        "授权委托书（原件1份）：委托他人办理的需提供（情形必要：委托他人办理的需提供；不适用时标记“不适用”）",
        "代理人身份证（委托代理人办理的）（原件1份）。（情形必要：委托代理人办理的；不适用时标记“不适用”）",
        "场地证明（原件1份）。（情形必要：不适用时标记“不适用”）",
    ]
    checklist = catalog.checklist("R-001")
    marks = {e.material.key: MaterialMark(MaterialStatus.COPY if n == 0 else MaterialStatus.NOT_APPLICABLE)
             for n, e in enumerate(checklist.entries)}
    assert assess(checklist, marks).state is VerdictState.COMPLETE


def test_blank_optional_cells_warn_at_their_cell_and_delivery_is_read(tmp_path, capsys):
    items = [
        item("D-001", "事项甲", material("身份证", form="", copies="", need=""), aliases="", kind="",
             promised="即办", statutory="即办", delivery="窗口领取", result=""),
        item("D-002", "事项乙", material("照片"), delivery="邮寄送达", result="准予登记通知书"),
        item("D-003", "事项丙", material("照片"), delivery="窗口领取、快递、网上送达", result="证书"),
        item("D-004", "事项丁", material("照片"), delivery="", result="证书"),
    ]
    book = one_sheet(tmp_path / "d.xlsx", items, extra=(("送达方式", "delivery"), ("办理结果名称", "result")))
    imported = read_workbook(book)
    # Columns: F 办件类型, K 别名, L 材料名称 … O 必要性; L 送达方式 and M 办理结果名称 follow 别名.
    w = "d.xlsx!实施清单!"
    assert imported.warnings == [
        f"{w}F4: 办件类型为空：按承诺办结时限导入为即办件",
        f"{w}K4: 没有别名：只能按名称、编码和拼音检索",
        f"{w}M4: 办理结果名称导入为「{DEFAULT_RESULT}」",
        f"{w}O4: 材料形式导入为「原件」",
        f"{w}P4: 份数导入为 1",
        f"{w}Q4: 必要性导入为「必要」",
        f"{w}K5: 没有别名：只能按名称、编码和拼音检索",
        f"{w}K6: 没有别名：只能按名称、编码和拼音检索",
        f"{w}L6: 送达方式中「网上送达」本系统不支持，只导入 窗口领取、EMS邮寄",
        f"{w}K7: 没有别名：只能按名称、编码和拼音检索",
        f"{w}L7: 送达方式为空：导入为「窗口领取、EMS邮寄」",
    ]
    by_code = {i["code"]: i for i in imported.items}
    assert [by_code[c]["delivery"] for c in ("D-001", "D-002", "D-003", "D-004")] == [
        ["窗口领取"], ["EMS邮寄"], ["窗口领取", "EMS邮寄"], ["窗口领取", "EMS邮寄"]]
    assert by_code["D-001"]["kind"] == "即办件"


def test_strict_turns_every_warning_into_an_error_and_writes_nothing(tmp_path, capsys):
    out = tmp_path / "catalog"
    code, lines, err = _import(capsys, _real(tmp_path), out, "--strict")
    assert code == 1
    assert len(lines) == 5 and not any(line.endswith("（警告）") for line in lines)
    assert "实施清单.xlsx!实施清单!I8: 收费标准为空" in lines[-1]
    assert "共 5 个错误" in err and "未写入任何文件" in err
    assert not out.exists()


@pytest.mark.parametrize("missing", ["实施主体", "事项名称", "实施编码"])
def test_a_missing_required_header_is_reported_with_every_bad_cell(tmp_path, capsys, missing):
    items = [item("H-001", "事项甲", material("身份证", need="可能"), material("照片", copies="若干")),
             item("H-002", "事项乙", material("户口簿", form="扫描件"))]
    drop = ("实施编码", "事项编码") if missing == "实施编码" else (missing,)
    book = one_sheet(tmp_path / "h.xlsx", items, drop=drop)
    with pytest.raises(ImportError_) as caught:
        read_workbook(book)
    header = "事项编码或实施编码" if missing == "实施编码" else missing
    problems = [p.split(": ", 1)[1] for p in caught.value.problems]
    assert problems == [
        f"表头缺少「{header}」列",
        "必要性只能是 必要、非必要、容缺 或 情形必要，实际是「可能」",
        "份数应为正整数（如 1、1份、2份），实际是「若干」",
        "材料形式只能是 原件、复印件、原件和复印件 或 电子，实际是「扫描件」",
    ]


def test_a_missing_header_on_the_materials_sheet_is_reported_with_the_bad_cells(tmp_path):
    book = two_sheets(tmp_path / "t.xlsx", [item("T-001", "事项甲", material("身份证", need="可能"))])
    from openpyxl import load_workbook

    wb = load_workbook(book)
    wb["材料"]["B1"] = "文件"  # 材料名称 renamed away
    wb.save(book)
    with pytest.raises(ImportError_) as caught:
        read_workbook(book)
    assert caught.value.problems == [
        "t.xlsx!材料!A1: 表头缺少「材料名称」列",
        "t.xlsx!材料!E2: 必要性只能是 必要、非必要、容缺 或 情形必要，实际是「可能」",
    ]


def test_a_duplicate_code_merged_over_its_materials_is_reported_once(tmp_path):
    items = [item("U-001", "事项甲", material("身份证")),
             item("U-001", "事项乙", material("户口簿"), material("照片"), material("申请表"))]
    book = one_sheet(tmp_path / "u.xlsx", items)
    with pytest.raises(ImportError_) as caught:
        read_workbook(book)
    assert caught.value.problems == ["u.xlsx!实施清单!B5: 实施编码 U-001 重复（首次出现在 实施清单!B4）"]


def _one_problem(book: Path) -> str:
    with pytest.raises(ImportError_) as caught:
        read_workbook(book)
    [problem] = caught.value.problems
    return problem


def test_a_date_in_a_text_column_is_an_error_not_a_material_named_after_it(tmp_path):
    book = one_sheet(tmp_path / "x.xlsx", [item("X-001", "事项甲", material(datetime.datetime(2026, 3, 1)))])
    assert _one_problem(book) == ("x.xlsx!实施清单!L4: 「材料名称」应为文字，这个单元格却是日期（2026-03-01）："
                                  "请把单元格格式设为「文本」后重新填写")


def test_a_date_where_a_limit_belongs_says_it_is_a_date(tmp_path):
    book = one_sheet(tmp_path / "x.xlsx", [item("X-001", "事项甲", material("身份证"),
                                                 statutory=datetime.datetime(2026, 3, 1))])
    assert _one_problem(book).startswith("x.xlsx!实施清单!G4: 「法定办结时限」应为文字，这个单元格却是日期（2026-03-01）")


def test_a_number_in_a_text_column_is_an_error(tmp_path):
    book = one_sheet(tmp_path / "x.xlsx", [item("X-001", "事项甲", material("身份证"), phone=53188888888)])
    assert _one_problem(book).startswith(
        "x.xlsx!实施清单!J4: 「咨询电话」应为文字，这个单元格却是数字（53188888888；编码、电话的前导 0")


def test_numbers_stay_welcome_where_numbers_belong(tmp_path):
    book = one_sheet(tmp_path / "x.xlsx", [item("X-001", "事项甲", material("身份证", copies=2), statutory=20,
                                                 promised=5, fee=0)])
    [imported] = read_workbook(book).items
    assert (imported["statutory_days"], imported["promised_days"], imported["fee"]) == (20, 5, "不收费")
    assert imported["materials"][0]["copies"] == 2  # type: ignore[index]


def test_a_formula_without_a_cached_value_is_an_error(tmp_path):
    # openpyxl writes a formula without its result, as a program-made export does (Excel would store one).
    book = one_sheet(tmp_path / "x.xlsx", [item("X-001", "事项甲", material("身份证", copies="=1+1"))])
    assert _one_problem(book) == (
        "x.xlsx!实施清单!N4: 「份数」是公式，但文件中没有它的计算结果（由程序生成、从未在 Excel 中计算过）："
        "请在 Excel 或 WPS 中打开并保存，或把公式改为数值后再导入")


def test_a_hidden_sheet_holding_the_only_table_imports_with_a_warning(tmp_path):
    book = one_sheet(tmp_path / "x.xlsx", [item("X-001", "事项甲", material("身份证"), aliases="甲")],
                     hidden=True)
    imported = read_workbook(book)
    assert len(imported.items) == 1
    assert "x.xlsx!实施清单!A3: 工作表「实施清单」是隐藏的，事项取自这张隐藏的表：请确认它就是要导入的实施清单" in (
        imported.warnings)


@pytest.mark.parametrize(("text", "code_point", "kind"), [
    ("事项\u202e甲", "U+202E", "改变文字方向的不可见字符"),
    ("事项\u2028甲", "U+2028", "行分隔符"),  # a line separator: not a line break Excel writes
    ("事项\x85甲", "U+0085", "换行符"),  # NEL, a C1 control
    ("事项\u200b甲", "U+200B", "不可见的格式字符"),
])
def test_control_and_bidi_characters_in_a_name_are_refused_as_at_the_window(tmp_path, text, code_point, kind):
    book = one_sheet(tmp_path / "x.xlsx", [item("X-001", text, material("身份证"))])
    assert _one_problem(book) == f"x.xlsx!实施清单!C4: 「事项名称」含有{kind}（{code_point}），请删除后重新输入"


def test_a_control_character_escaped_in_shared_strings_is_refused(tmp_path):
    book = one_sheet(tmp_path / "x.xlsx", [item("X-001", "事项甲", material("身份证XCTRLX"))])
    shared_string(book, "身份证XCTRLX", "身份_x001B_证")  # how Excel stores an ESC in a cell (openpyxl keeps
    # the escape as text: the importer reads it as the ESC it stands for)
    assert _one_problem(book) == "x.xlsx!实施清单!L4: 「材料名称」含有不可见的控制字符（U+001B），请删除后重新输入"


def test_a_bad_value_is_never_quoted_back_with_its_hostile_characters(tmp_path):
    book = one_sheet(tmp_path / "x.xlsx", [item("X-001", "事项甲", material("身份证", form="原件\u202e件复"))])
    assert _one_problem(book) == "x.xlsx!实施清单!M4: 「材料类型」含有改变文字方向的不可见字符（U+202E），请删除后重新输入"


def test_a_six_thousand_character_name_meets_the_catalog_limit_at_its_cell(tmp_path):
    items = [item("X-001", "事" * 6000, material("身" * 6000, note="注" * 6000, need="过" * 6000))]
    book = one_sheet(tmp_path / "x.xlsx", items)
    with pytest.raises(ImportError_) as caught:
        read_workbook(book)
    assert caught.value.problems == [
        "x.xlsx!实施清单!C4: 「事项名称」过长：最多 100 个字，当前 6000 个字",
        "x.xlsx!实施清单!L4: 「材料名称」过长：最多 100 个字，当前 6000 个字",
        "x.xlsx!实施清单!O4: 必要性只能是 必要、非必要、容缺 或 情形必要，实际是「" + "过" * 30 + "…（共 6000 个字）」",
    ]
    book = one_sheet(tmp_path / "y.xlsx", [item("X-001", "事项甲", material("身份证", note="注" * 6000))])
    assert _one_problem(book) == (
        "y.xlsx!实施清单!Q4: 材料要求过长：材料名称、形式、份数和备注合计最多 500 个字，当前 6010 个字")


@pytest.mark.parametrize(("make", "says"), [
    (lambda p: compound_file(p, "EncryptionInfo", "EncryptedPackage"), "文件设有打开密码（加密的 Excel 工作簿）"),
    (lambda p: compound_file(p, "Workbook", "\x05SummaryInformation"),
     "这是旧版 Excel 97-2003 工作簿（.xls），只是扩展名为 .xlsx：请在 Excel 或 WPS 中打开，另存为「Excel 工作簿（*.xlsx）」"),
    (lambda p: p.write_bytes(b"<html><body><table><tr><td>1</td></tr></table></body></html>"),
     "这是网页（HTML）格式的表格"),
    (lambda p: p.write_bytes("事项名称,材料名称\n甲,乙\n".encode()), "这不是 Excel 工作簿（.xlsx），可能是文本或 CSV 文件"),
    (lambda p: p.write_bytes(b"%PDF-1.7\n"), "这是 PDF 文件"),
    (lambda p: p.write_bytes(b""), "文件是空的"),
])
def test_a_file_that_is_not_an_xlsx_is_named_in_chinese(tmp_path, make, says):
    book = tmp_path / "清单.xlsx"
    make(book)
    problem = _one_problem(book)
    assert problem.startswith(f"清单.xlsx: 无法读取工作簿：{says}")
    assert "zip" not in problem


def test_openpyxl_english_messages_are_said_in_chinese(tmp_path):
    docx = tmp_path / "a.xlsx"
    with zipfile.ZipFile(docx, "w") as z:
        z.writestr("word/document.xml", "<w:document/>")
    assert _one_problem(docx).startswith("a.xlsx: 无法读取工作簿：这是压缩包，但其中没有 Excel 工作簿")
    good = one_sheet(tmp_path / "b.xlsx", [item("X-001", "事项甲", material("身份证"))])
    cut = tmp_path / "c.xlsx"
    cut.write_bytes(good.read_bytes()[: good.stat().st_size // 2])  # a copy that stopped half-way
    assert _one_problem(cut).startswith("c.xlsx: 无法读取工作簿：文件已损坏（压缩包不完整，BadZipFile）")


def test_chinese_numerals_in_limits_are_read(tmp_path):
    book = one_sheet(tmp_path / "x.xlsx", [item("X-001", "事项甲", material("身份证"), statutory="三个月",
                                                 promised="二十个工作日")])
    [imported] = read_workbook(book).items
    out = tmp_path / "catalog"
    from clerk.catalog.importer import write_catalog

    write_catalog([imported], out, "x.xlsx")
    found = load_catalog(out).items["X-001"]
    assert (found.statutory, found.promised) == (TimeLimit(3, LimitUnit.MONTHS), TimeLimit(20))


def test_a_hidden_sheet_is_passed_over_for_a_visible_one_and_not_checked(tmp_path):
    book = one_sheet(tmp_path / "x.xlsx", [item("X-001", "事项甲", material("身份证"), aliases="甲")])
    from openpyxl import load_workbook

    wb = load_workbook(book)
    old = wb.copy_worksheet(wb["实施清单"])
    old.title, old.sheet_state = "旧版", "hidden"
    old["C4"] = "旧\u202e事项"  # a leftover, hidden sheet of last year's export
    wb.move_sheet(old, offset=-1)
    wb.save(book)
    imported = read_workbook(book)
    assert [i["name"] for i in imported.items] == ["事项甲"]
    assert not any("隐藏" in w or "旧版" in w for w in imported.warnings)
