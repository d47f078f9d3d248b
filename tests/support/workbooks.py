"""实施清单 workbooks built with openpyxl, in both shapes the province's exports come in."""

from __future__ import annotations

from pathlib import Path

ITEM_HEADERS = ["事项编码", "实施编码", "事项名称", "事项类型", "实施主体", "办件类型", "法定办结时限",
                "承诺办结时限", "收费标准", "咨询电话", "别名"]
ITEM_KEYS = ["item_code", "code", "name", "type", "department", "kind", "statutory", "promised", "fee",
             "phone", "aliases"]
MATERIAL_HEADERS = ["材料名称", "材料形式", "份数", "必要性", "情形", "备注"]
MATERIAL_KEYS = ["name", "form", "copies", "need", "situation", "note"]


def item(code: str, name: str, *materials: dict, **fields: str) -> dict:
    base = {"item_code": f"11370112MB{code[-3:]}", "code": code, "name": name, "type": "行政许可",
            "department": "区市场监督管理局", "kind": "承诺件", "statutory": "20个工作日",
            "promised": "5个工作日", "fee": "不收费", "phone": "0531-88888888", "aliases": ""}
    base.update(fields)
    base["materials"] = list(materials)
    return base


def material(name: str, **fields: str) -> dict:
    base = {"name": name, "form": "原件", "copies": "1份", "need": "必要", "situation": "", "note": ""}
    base.update(fields)
    return base


def two_sheets(path: Path, items: list[dict], *, title: str | None = "历城区政务服务事项实施清单") -> Path:
    """Sheets 事项 and 材料 joined on 实施编码; columns in a shuffled order, an extra column."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "事项"
    order = [9, 2, 0, 1, 5, 4, 3, 6, 7, 8, 10]  # not the export's order: headers are found by text
    if title:
        sheet.append([title])
    sheet.append([ITEM_HEADERS[i] for i in order] + ["更新时间"])
    for it in items:
        sheet.append([it[ITEM_KEYS[i]] for i in order] + ["2026-11-01"])
    mats = book.create_sheet("材料")
    mats.append(["实施编码"] + MATERIAL_HEADERS)
    for it in items:
        for m in it["materials"]:
            mats.append([it["code"]] + [m[k] for k in MATERIAL_KEYS])
    book.save(path)
    return path


def one_sheet(path: Path, items: list[dict], *, merge: bool = True) -> Path:
    """One sheet, a row per material, title rows above the header, the item's columns merged
    down over its materials (``merge``) or left blank on the continuation rows."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "实施清单"
    width = len(ITEM_HEADERS) + len(MATERIAL_HEADERS)
    sheet.append(["历城区政务服务事项实施清单"])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    sheet.append(["填报单位：区行政审批服务局", None, None, "导出日期：2026-11-30"])
    headers = [h if h != "事项名称" else "事项名称\n（必填）" for h in ITEM_HEADERS] + MATERIAL_HEADERS
    sheet.append(headers)
    row = sheet.max_row + 1
    for it in items:
        mats = it["materials"] or [material("")]
        for n, m in enumerate(mats):
            item_part = [it[k] if n == 0 else None for k in ITEM_KEYS]
            sheet.append(item_part + [m[k] or None for k in MATERIAL_KEYS])
        if merge and len(mats) > 1:
            for col in range(1, len(ITEM_HEADERS) + 1):
                sheet.merge_cells(start_row=row, start_column=col, end_row=row + len(mats) - 1, end_column=col)
        row += len(mats)
    book.save(path)
    return path
