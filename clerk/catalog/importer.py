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
from clerk.catalog.limits import COUNT, chinese_number, limit_text, parse_limit, parse_percent
from clerk.catalog.loader import load_catalog
from clerk.catalog.model import Delivery, ItemKind, LimitUnit, MaterialForm, Need, TimeLimit, VerifyMethod
from clerk.catalog.sheets import (
    BOOLEAN,
    COLUMNS,
    DATE,
    FAILED,
    NUMBER,
    NUMERIC,
    UNCACHED,
    Cell,
    Row,
    Table,
    UnreadableWorkbook,
    read_tables,
)
from clerk.characters import NAME_MAX, NOTE_MAX, refusal, terminal_safe

OUTPUT_FILE = "imported.yaml"
DEFAULT_DELIVERY = ("窗口领取", "EMS邮寄")
DEFAULT_RESULT = "办理结果"
DEFAULT_PHONE = "请咨询办事窗口"
DEFAULT_FEE = "以窗口告知为准"
CHARGED_FEE = "收费（标准以窗口告知为准）"

_COPIES = re.compile(COUNT + r"(?:份|张|套|本|页)?")
_ALIAS_SPLIT = re.compile(r"[、,;/|\s]+")
_DELIVERY_SPLIT = re.compile(r"[、,;/|\s或和及]+")
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
_YES = {"是", "可", "可以", "适用", "实行", "y", "yes", "√", "✓", "可告知承诺", "实行告知承诺制"}
_NO = {"否", "不", "不可", "不适用", "不实行", "无", "n", "no", "×", "/", "-", "—"}
_METHODS = {
    VerifyMethod.DATA: ("数据核查", "数据比对", "共享数据核查", "信息共享核查", "系统核查", "网上核查"),
    VerifyMethod.SITE: ("现场核查", "现场检查", "实地核查", "现场核验"),
    VerifyMethod.ASK: ("部门协查", "部门核查", "协查", "函询", "发函核查"),
}
_METHOD_TEXT = {text: method for method, texts in _METHODS.items() for text in texts}
_PICKUP = re.compile(r"窗口|现场|自取|领取|当场|柜台")
_MAIL = re.compile(r"邮寄|EMS|ems|快递|寄递|邮政")
# Where an export says when a 情形必要 material applies: a clause such as 委托他人办理的 / 涉及…时.
_CLAUSE_SPLIT = re.compile(r"[，,。；;：:（）()]")
_WHEN = re.compile(r"(?:^(?:如|若|凡|对|属于)|(?:的|时|者)(?:需|须|应)?(?:提供|提交|出具)?$)")
_SHOWN = 30  # characters of a bad value quoted back in a message

#: field -> the most characters its value may have once imported (the catalog's own limits).
_LIMITS = {"name": NAME_MAX, "material": NAME_MAX, "department": NAME_MAX, "item_type": NAME_MAX,
           "result": NAME_MAX, "phone": NAME_MAX, "item_code": NAME_MAX, "impl_code": NAME_MAX,
           "fee": NOTE_MAX, "replaces": NAME_MAX, "basis": NOTE_MAX}
_QUESTION = "是否属于以下情形："


class ImportError_(Exception):
    """The workbook cannot be imported; ``problems`` lists every reason at once."""

    def __init__(self, problems: list[str], warnings: list[str] | None = None) -> None:
        self.problems = problems
        self.warnings = warnings or []  # the workbook's warnings, listed with the errors
        super().__init__("\n".join(problems))


@dataclass(frozen=True)
class Imported:
    """The catalog items of a workbook and the warnings: values it left out and the defaults used."""

    items: list[dict[str, object]]
    warnings: list[str]


class _Log:
    """Errors and warnings as ``FILE!SHEET!CELL: message``.

    ``absent``: fields whose column the sheet lacks, already reported once at the header,
    so their blank cells are not reported again row by row.
    """

    def __init__(self) -> None:
        self.errors: list[str] = []
        self.warnings: list[str] = []
        self.absent: set[str] = set()

    def error(self, ref: str, message: str) -> None:
        self.errors.append(f"{ref}: {message}")

    def warn(self, ref: str, message: str) -> None:
        self.warnings.append(f"{ref}: {message}")

    def blank(self, row: Row, name: str, message: str) -> None:
        """A blank optional cell imported with a default (nothing when the whole column is absent)."""
        if name not in self.absent:
            self.warn(row.ref(name), message)


@dataclass
class _Item:
    code: str
    row: Row
    fields: dict[str, str]
    materials: list[dict[str, object]] = field(default_factory=list)
    situations: dict[str, list[str]] = field(default_factory=dict)  # 情形 text -> material keys
    material_rows: int = 0  # rows naming a material, valid or not


def import_workbook(path: Path | str, *, strict: bool = False) -> list[dict[str, object]]:
    """The catalog items of a workbook, as the mappings the YAML holds (see ``read_workbook``)."""
    return read_workbook(path, strict=strict).items


def read_workbook(path: Path | str, *, strict: bool = False) -> Imported:
    """The catalog items of a workbook and its warnings.

    Raises ``ImportError_`` with every error as ``FILE!SHEET!CELL: message`` (and the
    warnings beside them); with ``strict`` every warning is an error too.
    """
    path = Path(path)
    log = _Log()
    try:
        tables, skipped = read_tables(path)
    except UnreadableWorkbook as exc:
        raise ImportError_([f"{terminal_safe(path.name)}: 无法读取工作簿：{exc}"]) from exc
    by_sheet = {t.sheet: t for t in tables}
    if "事项" in by_sheet and "材料" in by_sheet:
        used = [by_sheet["事项"], by_sheet["材料"]]
    else:
        candidates = sorted((t for t in tables if _one_table(t)),
                            key=lambda t: (t.hidden, not {"name", "material"} <= set(t.columns)))
        if not candidates:
            found = "、".join(terminal_safe(t.sheet) for t in tables) or "无"
            raise ImportError_([f"{terminal_safe(path.name)}: 找不到实施清单表头：需要「事项」和「材料」两张表，"
                                f"或一张同时含「事项名称」和「材料名称」列的表（识别到表头的工作表：{found}）"])
        used = [candidates[0]]
    for table in used:  # only the sheets imported: a leftover sheet's cells are none of our business
        _check_cells(table, log)
    items = _two_sheets(used[0], used[1], log) if len(used) == 2 else _one_sheet(used[0], log)
    for table in used:
        if table.hidden:
            log.warn(table.header_ref, f"工作表「{terminal_safe(table.sheet)}」是隐藏的，事项取自这张隐藏的表："
                                       "请确认它就是要导入的实施清单")
    result = [_finish(item, log) for item in items]
    order = {t.sheet: n for n, t in enumerate(tables)}
    warnings = _sorted(log.warnings, order)
    errors = _sorted(log.errors + (log.warnings if strict else []), order)
    if errors:
        raise ImportError_(errors, [] if strict else warnings)
    return Imported(result, warnings)


def _one_table(table: Table) -> bool:
    """A sheet that may hold the whole 实施清单: item columns and material columns (one of
    their headers may be missing: that is then reported, with every bad cell of the others)."""
    columns = set(table.columns)
    return bool(columns & {"name", "impl_code", "item_code"}) and bool(columns & {"material", "form", "copies", "need"})


def _sorted(problems: list[str], order: dict[str, int]) -> list[str]:
    return sorted(dict.fromkeys(problems), key=lambda p: _where(p, order))


def _show(value: str) -> str:
    """A cell's value quoted back in a message: terminal-safe and short."""
    value = terminal_safe(value)
    return value if len(value) <= _SHOWN else value[:_SHOWN] + f"…（共 {len(value)} 个字）"


def _label(name: str) -> str:
    return COLUMNS[name][0]


def _check_cells(table: Table, log: _Log) -> None:
    """What no column may hold: refused characters, over-long text, dates, numbers in text
    columns, formulas without a result.  A cell so reported reads as blank from then on, so
    it is not reported a second time as blank or unreadable."""
    for row in table.rows:
        for name, cell in row.cells.items():
            message = _cell_problem(name, cell)
            if message is not None:
                if name not in row.merged:  # a merge is reported once, at its first cell
                    log.error(cell.ref, message)
                row.cells[name] = Cell("", cell.ref)
                row.bad.add(name)


def _cell_problem(name: str, cell: Cell) -> str | None:
    limit = _LIMITS.get(name)
    if not cell.kind and not cell.refused and cell.value.isprintable() and (limit is None or len(cell.value) <= limit):
        return None  # the common case, in C: every refused character is unprintable
    label = f"「{_label(name)}」"
    if cell.refused:
        return refusal(label, cell.refused)
    if cell.kind == UNCACHED:
        return (f"{label}是公式，但文件中没有它的计算结果（由程序生成、从未在 Excel 中计算过）："
                "请在 Excel 或 WPS 中打开并保存，或把公式改为数值后再导入")
    if cell.kind == FAILED:
        return f"{label}的公式出错（{_show(cell.value)}）：请在表格中改正后再导入"
    if cell.kind == DATE:
        return (f"{label}应为文字，这个单元格却是日期（{_show(cell.value.removesuffix(' 00:00:00'))}）："
                "请把单元格格式设为「文本」后重新填写")
    if cell.kind == BOOLEAN or (cell.kind == NUMBER and name not in NUMERIC):
        what = "真/假值" if cell.kind == BOOLEAN else "数字"
        return (f"{label}应为文字，这个单元格却是{what}（{_show(cell.value)}；编码、电话的前导 0 "
                "和长编码的末几位会丢失）：请把单元格格式设为「文本」后重新填写")
    return refusal(label, cell.value, limit)


_CELL = re.compile(r"^[^!]*!([^!]*)!([A-Z]+)(\d+):")


def _where(problem: str, order: dict[str, int]) -> tuple[int, int, int]:
    """Sort key of a problem: sheet, row, column (problems at one cell keep the order found)."""
    found = _CELL.match(problem)
    if found is None:
        return (-1, 0, 0)
    sheet, letters, row = found.groups()
    column = 0
    for letter in letters:
        column = column * 26 + ord(letter) - 64
    return (order.get(sheet, len(order)), int(row), column)


# Required columns (an error when absent) and optional ones (a warning and a default).
_ITEM_COLUMNS = {"name": "事项名称", "department": "实施主体", "statutory": "法定办结时限",
                 "promised": "承诺办结时限"}
_MATERIAL_COLUMNS = {"material": "材料名称"}
_ITEM_OPTIONAL = {
    "kind": "按承诺办结时限判断：即办的为即办件，其余为承诺件",
    "phone": f"咨询电话导入为「{DEFAULT_PHONE}」",
    "fee": f"收费标准导入为「{DEFAULT_FEE}」（「是否收费」列写明不收费的除外）",
    "aliases": "没有别名：只能按名称、编码和拼音检索",
    "result": f"办理结果名称导入为「{DEFAULT_RESULT}」",
    "delivery": f"送达方式导入为「{'、'.join(DEFAULT_DELIVERY)}」",
}
_MATERIAL_OPTIONAL = {
    "form": "材料形式导入为「原件」", "copies": "份数导入为 1",
    "need": "必要性导入为「必要」",
    "situation": "情形必要的材料导入为必要材料，不适用时由窗口标记「不适用」",
}


def _require_columns(table: Table, names: dict[str, str], optional: dict[str, str], log: _Log) -> None:
    """Report absent columns: required ones as errors, optional ones as one warning each."""
    present = set(table.columns)
    if not ({"impl_code", "item_code"} & present):
        log.error(table.header_ref, "表头缺少「事项编码或实施编码」列")
        log.absent |= {"impl_code", "item_code"}
    for name, label in names.items():
        if name not in present:
            log.error(table.header_ref, f"表头缺少「{label}」列")
            log.absent.add(name)
    for name, default in optional.items():
        if name == "fee" and "charged" in present:
            continue
        if name not in present:
            log.warn(table.header_ref, f"表头没有「{_label(name)}」列：{default}")
            log.absent.add(name)


def _code_field(*tables: Table) -> str | None:
    """Join on 实施编码 when every table has it, else on 事项编码 (None: neither)."""
    for key in ("impl_code", "item_code"):
        if all(key in t.columns for t in tables):
            return key
    return None


def _two_sheets(items_table: Table, materials_table: Table, log: _Log) -> list[_Item]:
    _require_columns(items_table, _ITEM_COLUMNS, _ITEM_OPTIONAL, log)
    material_log = _Log()  # the 材料 sheet names its own absent columns
    _require_columns(materials_table, _MATERIAL_COLUMNS, _MATERIAL_OPTIONAL, material_log)
    log.errors += [p for p in material_log.errors if "编码" not in p]  # 编码 on 材料: reported below
    log.warnings += material_log.warnings
    log.absent |= material_log.absent - {"impl_code", "item_code"}
    key = _code_field(items_table, materials_table)
    if key is None and _code_field(items_table) is not None:
        log.error(materials_table.header_ref, "表头缺少「实施编码」或「事项编码」列，材料无法对应到事项")
    items: dict[str, _Item] = {}
    unkept: list[_Item] = []  # items without a code or with a duplicate one: checked, never kept
    for row in items_table.rows:
        item = _start_item(row, key or _code_field(items_table), items, log)
        if item.code:
            items[item.fields["_join"]] = item
        else:
            unkept.append(item)
    loose = _Item("", Row(0, {}), {"_join": ""})  # materials that join no item: their cells are still checked
    for row in materials_table.rows:
        if key is None:
            _add_material(loose, row, log)
            continue
        join = row.text(key)
        owner = items.get(join)
        if not join and key not in row.bad:
            log.error(row.ref(key), f"材料缺少{_label(key)}，无法对应到事项")
        elif join and owner is None:
            log.error(row.ref(key), f"{_label(key)} {_show(join)} 在「事项」表中不存在")
        _add_material(owner or loose, row, log)
    return [*items.values(), *unkept]


def _one_sheet(table: Table, log: _Log) -> list[_Item]:
    _require_columns(table, _ITEM_COLUMNS | _MATERIAL_COLUMNS, _ITEM_OPTIONAL | _MATERIAL_OPTIONAL, log)
    key = _code_field(table)
    items: dict[str, _Item] = {}
    unkept: list[_Item] = []  # items without a code or with a duplicate one: checked, never kept
    current: _Item | None = None
    loose = _Item("", Row(0, {}), {"_join": ""})
    for row in table.rows:
        if _starts_item(row, key, current):
            current = _start_item(row, key, items, log)
            if current.code:
                items[current.fields["_join"]] = current
            else:
                unkept.append(current)
        if current is None:
            if key is not None and not row.text(key) and not row.text("name"):
                log.error(row.ref("material"), f"材料行之前没有事项（缺少{_label(key)}和事项名称）")
            _add_material(loose, row, log)  # its cells are checked all the same
            continue
        if row.text("material") or "material" in row.bad:
            _add_material(current, row, log)
    return [*items.values(), *unkept]


def _starts_item(row: Row, key: str | None, current: _Item | None) -> bool:
    """A row opens an item when its code differs from the running item's, or when it
    writes (not merges) a different item name: a blank or merged code continues.
    Without a code column, a written name opens an item."""
    code, name = (row.text(key) if key else ""), row.text("name")
    if current is None:
        return bool(code or name)
    if code and code != current.fields["_join"]:
        return True
    fresh_name = bool(name) and "name" not in row.merged and name != current.row.text("name")
    return fresh_name and (key is None or key not in row.merged)


def _start_item(row: Row, key: str | None, seen: dict[str, _Item], log: _Log) -> _Item:
    """The item a row opens; without a code (``code`` empty) when it has none or a duplicate
    one (reported): such an item is never kept, but its cells and materials are still checked."""
    if key is None:  # no code column (reported at the header): the row's cells are still checked
        return _Item("", row, {"_join": f"row-{row.number}"})
    code = row.text("impl_code") or row.text("item_code")
    join = row.text(key)
    if not code or not join:
        if key not in row.bad:
            log.error(row.ref(key), f"事项缺少{_label(key)}")
        return _Item("", row, {"_join": ""})
    if join in seen:
        first = seen[join].row.ref(key)
        log.error(row.ref(key), f"{_label(key)} {_show(join)} 重复（首次出现在 {first.split('!', 1)[1]}）")
        return _Item("", row, {"_join": join})  # its merged rows continue it, not reopen it
    return _Item(code, row, {"_join": join})


def _count(text: str) -> int:
    found = _COPIES.fullmatch(text)
    return (chinese_number(found.group(1)) or 0) if found else 0


def _or_default(row: Row, key: str, default: str, log: _Log) -> str:
    """A material cell without spaces; a blank one (not already refused) warns and reads as ``default``."""
    text = row.text(key).replace(" ", "")
    if not text and key not in row.bad:
        log.blank(row, key, _MATERIAL_OPTIONAL[key])
        return default
    return text


def _add_material(item: _Item, row: Row, log: _Log) -> None:
    item.material_rows += 1
    name = row.text("material")
    if not name:
        if "material" not in row.bad and "material" not in log.absent:
            log.error(row.ref("material"), "材料名称为空")
    form_text = _or_default(row, "form", "原件", log)
    form = _FORMS.get(form_text)
    if form is None and "form" not in row.bad:
        log.error(row.ref("form"), f"材料形式只能是 原件、复印件、原件和复印件 或 电子，实际是「{_show(form_text)}」")
    copies_text = _or_default(row, "copies", "1", log)
    copies = _count(copies_text)
    if copies <= 0 and "copies" not in row.bad:
        log.error(row.ref("copies"), f"份数应为正整数（如 1、1份、2份），实际是「{_show(row.text('copies'))}」")
    need_text = _or_default(row, "need", "必要", log)
    need = _NEEDS.get(need_text)
    if need is None and "need" not in row.bad:
        log.error(row.ref("need"), f"必要性只能是 必要、非必要、容缺 或 情形必要，实际是「{_show(need_text)}」")
    situation = row.text("situation")
    if len(situation) + len(_QUESTION) > NAME_MAX:
        log.error(row.ref("situation"), f"「情形」过长：最多 {NAME_MAX - len(_QUESTION)} 个字，当前 {len(situation)} 个字")
        return
    if not name or form is None or copies <= 0 or need is None or not item.code:
        return
    key = f"{_slug(item.code)}-m{len(item.materials) + 1:02d}"
    note = row.text("note")
    form_note = form[1] or form[0].value
    requirement = f"{name}（{form_note}{copies}份）" + (f"：{note}" if note else "。")
    material: dict[str, object] = {"key": key, "name": name, "form": form[0].value, "copies": copies}
    if need[0] is Need.CONDITIONAL and not situation:
        when = _when(name, note)
        if "situation" not in row.bad:
            log.blank(row, "situation", "情形必要的材料没有写明适用情形：导入为必要材料，"
                                        "不适用时由窗口标记「不适用」" + (f"（适用情形：{when}）" if when else ""))
        requirement += f"（情形必要：{when}；不适用时标记“不适用”）" if when else "（情形必要：不适用时标记“不适用”）"
        need = (Need.REQUIRED, need[1])
    if len(requirement) > NOTE_MAX:
        log.error(row.ref("note", row.ref("material")),
                  f"材料要求过长：材料名称、形式、份数和备注合计最多 {NOTE_MAX} 个字，当前 {len(requirement)} 个字")
        return
    material["requirement"] = requirement
    if need[0] is not Need.REQUIRED:
        material["need"] = need[0].value
    if need[1]:
        material["tolerable"] = True
    if _says_yes(row, "commitment", log):
        if need[1] or need[0] is Need.OPTIONAL:
            log.error(row.ref("commitment"), "容缺材料须限期补交，告知承诺的材料不再提交：一项材料只能二选一"
                      if need[1] else "非必要材料无需以告知承诺代替")
            return
        commitment = _commitment(row, log, "可告知承诺的材料", "commitment", replaces=name)
        if commitment is None:
            return
        material["commitment"] = commitment
    if need[0] is Need.CONDITIONAL:
        item.situations.setdefault(situation, []).append(key)
    item.materials.append(material)


def _says_yes(row: Row, name: str, log: _Log) -> bool:
    """A yes/no cell (是 / 否 / blank) such as 可告知承诺; anything else is reported and reads as no."""
    text = row.text(name).replace(" ", "").lower()
    if not text or text in _NO or name in row.bad:
        return False
    if text in _YES:
        return True
    if name not in row.merged:
        log.error(row.ref(name), f"「{_label(name)}」只能填 是 或 否，实际是「{_show(row.text(name))}」")
    return False


def _commitment(row: Row, log: _Log, what: str, flag: str, *, replaces: str = "") -> dict[str, object] | None:
    """The terms of a commitment from a row's 核查方式 / 核查时限 / 抽查比例 / 承诺替代内容 / 承诺内容:
    ``replaces`` is the default of 承诺替代内容 (a material's own name); without one it is required."""
    ok = True
    where = row.ref(flag)

    def missing(name: str) -> None:
        nonlocal ok
        if name not in row.bad:
            log.error(row.ref(name, where), f"{what}没有填写「{_label(name)}」")
        ok = False

    out: dict[str, object] = {}
    given = row.text("replaces")
    if given:
        out["replaces"] = given
    elif not replaces:
        missing("replaces")
    method_text = row.text("verify_method").replace(" ", "")
    method = _METHOD_TEXT.get(method_text)
    if not method_text:
        missing("verify_method")
    elif method is None:
        log.error(row.ref("verify_method"), f"核查方式只能是 数据核查、现场核查 或 部门协查，实际是「{_show(method_text)}」")
        ok = False
    else:
        out["method"] = method.value
    limit_cell = row.text("verify_limit")
    limit = parse_limit(limit_cell)
    if not limit_cell:
        missing("verify_limit")
    elif limit is None or limit.count <= 0:
        log.error(row.ref("verify_limit"), f"核查时限无法识别「{_show(limit_cell)}」（应如 20个工作日、30日、3个月；"
                                           "不能是即办：核查在受理之后进行）")
        ok = False
    else:
        out["within"] = limit_text(limit)
    sample = _share(row)
    if sample is None:
        log.error(row.ref("sample"), f"抽查比例应为 1% 到 100% 之间（如 20%、100%），实际是「{_show(row.text('sample'))}」")
        ok = False
    elif sample != 100:
        out["sample"] = sample
    if row.text("basis"):
        out["basis"] = row.text("basis")
    return out if ok else None


def _share(row: Row) -> int | None:
    """The 抽查比例 cell as a whole percent (blank: 100, every case); None when unreadable or out of range.
    A number cell of at most 1 is a fraction (Excel stores 20% as 0.2 and 100% as 1)."""
    cell = row.cells.get("sample")
    text = row.text("sample")
    if not text or "sample" in row.bad:
        return 100
    share: int | None
    if cell is not None and cell.kind == NUMBER:
        number = float(text)
        share = round(number * 100) if number <= 1 else (int(number) if number.is_integer() else None)
    else:
        share = parse_percent(text)
    return share if share is not None and 1 <= share <= 100 else None


def _when(name: str, note: str) -> str:
    """When a 情形必要 material applies, if its name (in brackets) or its note says so."""
    bracketed: list[str] = re.findall(r"（([^（）]+)）", name)
    for clause in (*bracketed, *_CLAUSE_SPLIT.split(note)):
        clause = clause.strip()
        if 2 <= len(clause) <= 60 and _WHEN.search(clause):
            return clause
    return ""


def _slug(code: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", code.lower()).strip("-") or "item"


def _finish(item: _Item, log: _Log) -> dict[str, object]:
    row = item.row
    out: dict[str, object] = {"code": item.code}
    name = row.text("name")
    if not name and "name" not in row.bad and "name" not in log.absent:
        log.error(row.ref("name"), "事项名称为空")
    out["name"] = name
    if row.text("item_type"):
        out["item_type"] = row.text("item_type")
    aliases = [a for a in _ALIAS_SPLIT.split(row.text("aliases")) if a]
    for alias in aliases:
        refused = refusal("「别名」中的一个", alias, NAME_MAX)
        if refused is not None:
            log.error(row.ref("aliases"), refused)
    if aliases:
        out["aliases"] = [a for a in dict.fromkeys(aliases) if a != name]
    elif "aliases" not in row.bad:
        log.blank(row, "aliases", _ITEM_OPTIONAL["aliases"])
    out["department"] = row.text("department")
    if not out["department"] and "department" not in row.bad and "department" not in log.absent:
        log.error(row.ref("department"), "实施主体为空")
    limits = {}
    for which, label in (("statutory", "法定办结时限"), ("promised", "承诺办结时限")):
        limit = parse_limit(row.text(which))
        if limit is None and which not in row.bad and which not in log.absent:
            log.error(row.ref(which), f"{label}无法识别「{_show(row.text(which))}」"
                                      "（应如 20个工作日、二十个工作日、即办、30日、3个月）")
        limits[which] = limit
    if limits["statutory"] and limits["promised"]:
        if limits["promised"].surely_longer_than(limits["statutory"]):
            log.error(row.ref("promised"), f"承诺办结时限（{limits['promised']}）超过法定办结时限"
                                           f"（{limits['statutory']}）")
    out["kind"] = _kind(row, limits["promised"], log)
    for which in ("statutory", "promised"):
        limit = limits[which] or TimeLimit(1)
        out[f"{which}_days"] = limit.count
        if limit.unit is not LimitUnit.WORKING_DAYS:
            out[f"{which}_unit"] = limit.unit.value
    out["fee"] = _fee(row, log)
    out["result"] = row.text("result")
    if not out["result"]:
        out["result"] = DEFAULT_RESULT
        if "result" not in row.bad:
            log.blank(row, "result", _ITEM_OPTIONAL["result"])
    out["delivery"] = _delivery(row, log)
    out["phone"] = row.text("phone")
    if not out["phone"]:
        out["phone"] = DEFAULT_PHONE
        if "phone" not in row.bad:
            log.blank(row, "phone", _ITEM_OPTIONAL["phone"])
    if _says_yes(row, "item_commitment", log):
        commitment = _commitment(row, log, "实行告知承诺制的事项", "item_commitment")
        if commitment is not None:
            out["commitment"] = commitment
    if not item.material_rows and item.code:  # (rows with bad cells are reported where they are)
        log.error(row.ref("name"), f"事项 {_show(item.code)} 没有任何材料")
    out["materials"] = item.materials
    if item.situations:
        out["situations"] = [
            {"key": f"s{n}", "question": f"{_QUESTION}{text}",
             "options": [{"label": "否"}, {"label": "是", "adds": keys}]}
            for n, (text, keys) in enumerate(item.situations.items(), 1)
        ]
    return out


def _kind(row: Row, promised: TimeLimit | None, log: _Log) -> str:
    text = row.text("kind").replace(" ", "")
    if not text:
        guessed = ItemKind.ON_THE_SPOT if promised and promised.unit is LimitUnit.IMMEDIATE else ItemKind.PROMISED
        if "kind" not in row.bad:
            log.blank(row, "kind", f"办件类型为空：按承诺办结时限导入为{guessed.value}")
        return str(guessed.value)
    kind = {"即办件": ItemKind.ON_THE_SPOT, "即办": ItemKind.ON_THE_SPOT,
            "承诺件": ItemKind.PROMISED, "承诺": ItemKind.PROMISED}.get(text)
    if kind is None:
        log.error(row.ref("kind"), f"办件类型只能是 即办件 或 承诺件，实际是「{_show(text)}」")
        return ""
    return str(kind.value)


def _fee(row: Row, log: _Log) -> str:
    standard, charged = row.text("fee"), row.text("charged").replace(" ", "")
    if standard and standard.replace(" ", "") not in _FREE:
        return standard
    if standard or charged in _FREE:
        return "不收费"
    if "fee" in row.bad or "charged" in row.bad:
        return DEFAULT_FEE
    if charged:
        log.warn(row.ref("fee", row.ref("charged")),
                 f"收费事项没有写明收费标准：导入为「{CHARGED_FEE}」")
        return CHARGED_FEE
    log.blank(row, "fee", f"收费标准为空：导入为「{DEFAULT_FEE}」（不收费请填写“不收费”）")
    return DEFAULT_FEE


def _delivery(row: Row, log: _Log) -> list[str]:
    text = row.text("delivery")
    if not text:
        if "delivery" not in row.bad:
            log.blank(row, "delivery", f"送达方式为空：导入为「{'、'.join(DEFAULT_DELIVERY)}」")
        return list(DEFAULT_DELIVERY)
    chosen: list[str] = []
    unknown: list[str] = []
    for word in (w for w in _DELIVERY_SPLIT.split(text) if w):
        found = [value for value, pattern in ((Delivery.PICKUP.value, _PICKUP), (Delivery.EMS.value, _MAIL))
                 if pattern.search(word)]
        chosen += [value for value in found if value not in chosen]
        if not found:
            unknown.append(word)
    if not chosen:
        log.error(row.ref("delivery"), f"送达方式无法识别「{_show(text)}」（应如 窗口领取、EMS邮寄）")
        return list(DEFAULT_DELIVERY)
    if unknown:
        log.warn(row.ref("delivery"), f"送达方式中「{_show('、'.join(unknown))}」本系统不支持，"
                                      f"只导入 {'、'.join(chosen)}")
    return chosen


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
