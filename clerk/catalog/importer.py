"""``clerk catalog import``: the 实施清单 spreadsheet export -> catalog YAML.

Two shapes (docs/catalog.md): sheets ``事项`` and ``材料`` joined on 实施编码 or
事项编码, or one sheet with a row per material and the item's columns merged
down (or left blank) over its materials.  Every problem is collected as
``FILE!SHEET!CELL: message``; nothing is written unless there is none, and the
written folder is loaded back with ``load_catalog`` before the import reports
success (a failure restores what was there).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from clerk.catalog.errors import CatalogError
from clerk.catalog.loader import load_catalog
from clerk.catalog.model import ItemKind, LimitUnit, MaterialForm, Need, TimeLimit
from clerk.catalog.sheets import COLUMNS, Row, Table, read_tables
from clerk.characters import refusal

OUTPUT_FILE = "imported.yaml"
DEFAULT_DELIVERY = ("窗口领取", "EMS邮寄")
DEFAULT_RESULT = "办理结果"

_WORKING = re.compile(r"(\d+)(?:个)?工作日")
_CALENDAR = re.compile(r"(\d+)(?:个)?(?:自然日|日历日|日|天)")
_MONTHS = re.compile(r"(\d+)(?:个)?月")
_IMMEDIATE = re.compile(r"即办|即时办结|当场办结|立即办结|当场办理|当场")
_COPIES = re.compile(r"(\d+)(?:份|张|套|本|页)?")
_ALIAS_SPLIT = re.compile(r"[、,;/|\s]+")
_FORMS = {
    "原件": (MaterialForm.ORIGINAL, ""), "复印件": (MaterialForm.COPY, ""),
    "原件和复印件": (MaterialForm.ORIGINAL, "原件和复印件"), "原件及复印件": (MaterialForm.ORIGINAL, "原件和复印件"),
    "原件、复印件": (MaterialForm.ORIGINAL, "原件和复印件"), "电子": (MaterialForm.ELECTRONIC, ""),
    "电子版": (MaterialForm.ELECTRONIC, ""), "电子材料": (MaterialForm.ELECTRONIC, ""),
    "电子证照": (MaterialForm.ELECTRONIC, ""),
}
_NEEDS = {"必要": (Need.REQUIRED, False), "非必要": (Need.OPTIONAL, False),
          "容缺": (Need.REQUIRED, True), "情形必要": (Need.CONDITIONAL, False)}
_FREE = {"否", "无", "不收费", "免费", "0", "0元"}


class ImportError_(Exception):
    """The workbook cannot be imported; ``problems`` lists every reason at once."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass
class _Item:
    code: str
    row: Row
    fields: dict[str, str]
    materials: list[dict[str, object]] = field(default_factory=list)
    situations: dict[str, list[str]] = field(default_factory=dict)  # 情形 text -> material keys
    material_rows: int = 0  # rows naming a material, valid or not


def parse_limit(text: str) -> TimeLimit | None:
    """A time-limit cell: 20个工作日 / 20工作日 / 即办 / 当场办结 / 30日 / 30天 / 3个月 / 20."""
    text = text.replace(" ", "")
    if not text:
        return None
    if _IMMEDIATE.fullmatch(text):
        return TimeLimit(0, LimitUnit.IMMEDIATE)
    for pattern, unit in ((_WORKING, LimitUnit.WORKING_DAYS), (_MONTHS, LimitUnit.MONTHS),
                          (_CALENDAR, LimitUnit.CALENDAR_DAYS)):
        found = pattern.fullmatch(text)
        if found and int(found.group(1)) > 0:
            return TimeLimit(int(found.group(1)), unit)
    if text.isdigit() and int(text) > 0:  # a bare number of days: working days (行政许可法 art. 82)
        return TimeLimit(int(text))
    return None


def import_workbook(path: Path | str) -> list[dict[str, object]]:
    """The catalog items of a workbook, as the mappings the YAML holds.

    Raises ``ImportError_`` with every problem as ``FILE!SHEET!CELL: message``.
    """
    path = Path(path)
    problems: list[str] = []
    try:
        tables, skipped = read_tables(path)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise ImportError_([f"{path.name}: 无法读取工作簿：{exc}"]) from exc
    for table in tables:  # the one text rule, at the cell it came from
        for row in table.rows:
            for name, cell in row.cells.items():
                refused = refusal(f"「{COLUMNS[name][0]}」", cell.value)
                if refused is not None and name not in row.merged:
                    problems.append(f"{cell.ref}: {refused}")
    by_sheet = {t.sheet: t for t in tables}
    if "事项" in by_sheet and "材料" in by_sheet:
        items = _two_sheets(by_sheet["事项"], by_sheet["材料"], problems)
    else:
        single = next((t for t in tables if {"name", "material"} <= set(t.columns)), None)
        if single is None:
            found = "、".join(t.sheet for t in tables) or "无"
            raise ImportError_([f"{path.name}: 找不到实施清单表头：需要「事项」和「材料」两张表，或一张同时含"
                                f"「事项名称」和「材料名称」列的表（识别到表头的工作表：{found}）"])
        items = _one_sheet(single, problems)
    result = [_finish(item, problems) for item in items]
    if problems:
        order = {t.sheet: n for n, t in enumerate(tables)}
        raise ImportError_(sorted(dict.fromkeys(problems), key=lambda p: _where(p, order)))
    return result


_CELL = re.compile(r"^[^!]*!([^!]*)!([A-Z]+)(\d+):")


def _where(problem: str, order: dict[str, int]) -> tuple[int, int, int, str]:
    """Sort key of a problem: sheet, row, column."""
    found = _CELL.match(problem)
    if found is None:
        return (-1, 0, 0, problem)
    sheet, letters, row = found.groups()
    column = 0
    for letter in letters:
        column = column * 26 + ord(letter) - 64
    return (order.get(sheet, len(order)), int(row), column, problem)


def _require_columns(table: Table, names: dict[str, str], problems: list[str]) -> bool:
    missing = [label for name, label in names.items() if name not in table.columns]
    if not ({"impl_code", "item_code"} & set(table.columns)):
        missing.insert(0, "事项编码或实施编码")
    for label in missing:
        problems.append(f"{table.header_ref}: 表头缺少「{label}」列")
    return not missing


_ITEM_COLUMNS = {"name": "事项名称", "department": "实施主体", "kind": "办件类型",
                 "statutory": "法定办结时限", "promised": "承诺办结时限", "phone": "咨询电话"}
_MATERIAL_COLUMNS = {"material": "材料名称", "form": "材料类型", "need": "必要性"}


def _code_field(*tables: Table) -> str:
    """Join on 实施编码 when every table has it, else on 事项编码."""
    return "impl_code" if all("impl_code" in t.columns for t in tables) else "item_code"


def _two_sheets(items_table: Table, materials_table: Table, problems: list[str]) -> list[_Item]:
    ok = _require_columns(items_table, _ITEM_COLUMNS, problems)
    ok = _require_columns(materials_table, _MATERIAL_COLUMNS, problems) and ok
    if not ok:
        return []
    key = _code_field(items_table, materials_table)
    items: dict[str, _Item] = {}
    for row in items_table.rows:
        item = _start_item(row, key, items, problems)
        if item is not None:
            items[item.fields["_join"]] = item
    for row in materials_table.rows:
        join = row.text(key)
        if not join:
            problems.append(f"{row.ref(key)}: 材料缺少{_label(key)}，无法对应到事项")
            continue
        item = items.get(join)
        if item is None:
            problems.append(f"{row.ref(key)}: {_label(key)} {join} 在「事项」表中不存在")
            continue
        _add_material(item, row, problems)
    return list(items.values())


def _one_sheet(table: Table, problems: list[str]) -> list[_Item]:
    if not _require_columns(table, {**_ITEM_COLUMNS, **_MATERIAL_COLUMNS}, problems):
        return []
    key = _code_field(table)
    items: dict[str, _Item] = {}
    current: _Item | None = None
    for row in table.rows:
        if _starts_item(row, key, current):
            current = _start_item(row, key, items, problems)
            if current is None:
                continue  # reported; its material rows are skipped with it
            items[current.fields["_join"]] = current
        if current is None:
            problems.append(f"{row.ref('material')}: 材料行之前没有事项（缺少{_label(key)}和事项名称）")
            continue
        if row.text("material"):
            _add_material(current, row, problems)
    return list(items.values())


def _starts_item(row: Row, key: str, current: _Item | None) -> bool:
    """A row opens an item when its code differs from the running item's, or when it
    writes (not merges) a different item name: a blank or merged code continues."""
    code, name = row.text(key), row.text("name")
    if current is None:
        return bool(code or name)
    if code and code != current.fields["_join"]:
        return True
    fresh_name = bool(name) and "name" not in row.merged and name != current.row.text("name")
    return fresh_name and key not in row.merged


def _label(key: str) -> str:
    return "实施编码" if key == "impl_code" else "事项编码"


def _start_item(row: Row, key: str, seen: dict[str, _Item], problems: list[str]) -> _Item | None:
    code = row.text("impl_code") or row.text("item_code")
    join = row.text(key)
    if not code or not join:
        problems.append(f"{row.ref(key)}: 事项缺少{_label(key)}")
        return None
    if join in seen:
        first = seen[join].row.ref(key)
        problems.append(f"{row.ref(key)}: {_label(key)} {join} 重复（首次出现在 {first.split('!', 1)[1]}）")
        return None
    return _Item(code, row, {"_join": join})


def _add_material(item: _Item, row: Row, problems: list[str]) -> None:
    item.material_rows += 1
    name = row.text("material")
    if not name:
        problems.append(f"{row.ref('material')}: 材料名称为空")
        return
    form_text = row.text("form")
    form = _FORMS.get(form_text.replace(" ", ""))
    if form is None:
        problems.append(f"{row.ref('form')}: 材料形式只能是 原件、复印件、原件和复印件 或 电子，实际是「{form_text}」")
    copies_text = row.text("copies").replace(" ", "") or "1"
    copies_match = _COPIES.fullmatch(copies_text)
    copies = int(copies_match.group(1)) if copies_match else 0
    if copies <= 0:
        problems.append(f"{row.ref('copies')}: 份数应为正整数（如 1、1份、2份），实际是「{row.text('copies')}」")
    need_text = row.text("need").replace(" ", "") or "必要"
    need = _NEEDS.get(need_text)
    if need is None:
        problems.append(f"{row.ref('need')}: 必要性只能是 必要、非必要、容缺 或 情形必要，实际是「{need_text}」")
    situation = row.text("situation")
    if need is not None and need[0] is Need.CONDITIONAL and not situation:
        problems.append(f"{row.ref('situation', row.ref('need'))}: 情形必要的材料须在「情形」列写明适用情形")
    if form is None or copies <= 0 or need is None:
        return
    key = f"{_slug(item.code)}-m{len(item.materials) + 1:02d}"
    note = row.text("note")
    form_note = form[1] or form[0].value
    requirement = f"{name}（{form_note}{copies}份）" + (f"：{note}" if note else "。")
    material: dict[str, object] = {"key": key, "name": name, "form": form[0].value, "copies": copies,
                                   "requirement": requirement}
    if need[0] is not Need.REQUIRED:
        material["need"] = need[0].value
    if need[1]:
        material["tolerable"] = True
    if need[0] is Need.CONDITIONAL:
        item.situations.setdefault(situation, []).append(key)
    item.materials.append(material)


def _slug(code: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", code.lower()).strip("-") or "item"


def _finish(item: _Item, problems: list[str]) -> dict[str, object]:
    row = item.row
    out: dict[str, object] = {"code": item.code}
    name = row.text("name")
    if not name:
        problems.append(f"{row.ref('name')}: 事项名称为空")
    out["name"] = name
    if row.text("item_type"):
        out["item_type"] = row.text("item_type")
    aliases = [a for a in _ALIAS_SPLIT.split(row.text("aliases")) if a]
    if aliases:
        out["aliases"] = list(dict.fromkeys(aliases))
    out["department"] = row.text("department")
    if not out["department"]:
        problems.append(f"{row.ref('department')}: 实施主体为空")
    kind_text = row.text("kind").replace(" ", "")
    kind = {"即办件": ItemKind.ON_THE_SPOT, "即办": ItemKind.ON_THE_SPOT,
            "承诺件": ItemKind.PROMISED, "承诺": ItemKind.PROMISED}.get(kind_text)
    if kind is None:
        problems.append(f"{row.ref('kind')}: 办件类型只能是 即办件 或 承诺件，实际是「{kind_text}」")
    out["kind"] = kind.value if kind else ""
    limits = {}
    for which, label in (("statutory", "法定办结时限"), ("promised", "承诺办结时限")):
        limit = parse_limit(row.text(which))
        if limit is None:
            problems.append(f"{row.ref(which)}: {label}无法识别「{row.text(which)}」"
                            "（应如 20个工作日、即办、30日、3个月）")
        limits[which] = limit
    if limits["statutory"] and limits["promised"]:
        if limits["promised"].surely_longer_than(limits["statutory"]):
            problems.append(f"{row.ref('promised')}: 承诺办结时限（{limits['promised']}）超过法定办结时限"
                            f"（{limits['statutory']}）")
    for which in ("statutory", "promised"):
        limit = limits[which] or TimeLimit(1)
        out[f"{which}_days"] = limit.count
        if limit.unit is not LimitUnit.WORKING_DAYS:
            out[f"{which}_unit"] = limit.unit.value
    out["fee"] = _fee(row, problems)
    out["result"] = row.text("result") or DEFAULT_RESULT
    out["delivery"] = list(DEFAULT_DELIVERY)
    out["phone"] = row.text("phone")
    if not out["phone"]:
        problems.append(f"{row.ref('phone')}: 咨询电话为空")
    if not item.material_rows:  # (rows with bad cells are reported where they are)
        problems.append(f"{row.ref('name')}: 事项 {item.code} 没有任何材料")
    out["materials"] = item.materials
    if item.situations:
        out["situations"] = [
            {"key": f"s{n}", "question": f"是否属于以下情形：{text}",
             "options": [{"label": "否"}, {"label": "是", "adds": keys}]}
            for n, (text, keys) in enumerate(item.situations.items(), 1)
        ]
    return out


def _fee(row: Row, problems: list[str]) -> str:
    standard, charged = row.text("fee"), row.text("charged").replace(" ", "")
    if standard and standard.replace(" ", "") not in _FREE:
        return standard
    if standard or charged in _FREE:
        return "不收费"
    if charged:
        problems.append(f"{row.ref('fee', row.ref('charged'))}: 收费事项须在「收费标准」列写明收费标准")
    else:
        problems.append(f"{row.ref('fee', row.ref('charged', row.ref('name')))}: 缺少收费标准（不收费请填写“不收费”）")
    return ""


def catalog_yaml(items: list[dict[str, object]], source: str) -> str:
    head = (f"# Imported by `clerk catalog import` from {source}.\n"
            "# Edit the spreadsheet and import again rather than editing this file by hand.\n")
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # libyaml: 4x faster on a full export
    return head + yaml.dump({"items": items}, Dumper=dumper, allow_unicode=True, sort_keys=False, width=10_000)


def write_catalog(items: list[dict[str, object]], out_dir: Path | str, source: str) -> Path:
    """Write ``imported.yaml`` into ``out_dir`` and load the folder back.

    Raises ``CatalogError`` (and restores the folder as it was) when the folder
    does not load with the new file, e.g. a hand-written bundle names an item
    the new export no longer has.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / OUTPUT_FILE
    previous = target.read_bytes() if target.exists() else None
    staging = out_dir / f".{OUTPUT_FILE}.tmp"
    staging.write_text(catalog_yaml(items, source), encoding="utf-8")
    os.replace(staging, target)
    try:
        load_catalog(out_dir)
    except CatalogError:
        if previous is None:
            target.unlink()
        else:
            target.write_bytes(previous)
        raise
    return target
