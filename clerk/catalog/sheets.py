"""Reading the 实施清单 spreadsheet export: headers found by their text, merged cells filled.

A sheet is a table once its header row is found: the first row, among the first
``HEADER_ROWS``, whose cells name at least two known columns (title rows such as
``XX区政务服务事项实施清单`` above it are skipped).  Column order is free and
unknown columns are ignored.  Every value is normalised the same way: NFKC
(full-width letters, digits and brackets become half-width), line breaks and
stray spaces removed between Chinese characters, runs of spaces collapsed.  A
merged range gives its value to every cell it covers, so an item's columns
merged down over its materials read as if repeated on each row.
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING
from xml.etree.ElementTree import iterparse

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import coordinate_to_tuple, range_boundaries

from clerk.characters import first_refused, terminal_safe

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from openpyxl.workbook.workbook import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

_Range = tuple[int, int, int, int]  # a merged range: min_col, min_row, max_col, max_row

HEADER_ROWS = 12

# Field -> the header texts that name it (after normalisation, brackets removed).
COLUMNS: dict[str, tuple[str, ...]] = {
    "item_code": ("事项编码", "基本编码", "事项代码"),
    "impl_code": ("实施编码", "实施清单编码", "业务办理项编码"),
    "name": ("事项名称", "实施清单名称"),
    "item_type": ("事项类型",),
    "department": ("实施主体", "实施部门", "实施机构", "办理部门"),
    "kind": ("办件类型",),
    "statutory": ("法定办结时限", "法定时限"),
    "promised": ("承诺办结时限", "承诺时限"),
    "fee": ("收费标准",),
    "charged": ("是否收费",),
    "phone": ("咨询电话", "咨询方式"),
    "aliases": ("别名", "俗称"),
    "result": ("办理结果名称", "结果名称", "审批结果名称", "办理结果"),
    "material": ("材料名称", "申请材料名称"),
    "form": ("材料类型", "材料形式"),
    "copies": ("份数", "材料份数"),
    "need": ("必要性", "材料必要性"),
    "situation": ("情形", "适用情形"),
    "note": ("备注", "填报须知", "材料要求"),
    "delivery": ("送达方式", "结果送达方式", "送达形式"),
    # 告知承诺制: a material that a signed commitment may replace, an item run wholly on commitment,
    # and the terms of its verification (on the 材料 sheet for a material, on 事项 for an item)
    "commitment": ("可告知承诺", "是否可告知承诺", "是否告知承诺", "告知承诺", "是否可以告知承诺"),
    "item_commitment": ("实行告知承诺制", "是否实行告知承诺制", "是否实行告知承诺", "告知承诺制"),
    "replaces": ("承诺替代内容", "告知承诺替代内容", "承诺代替内容", "承诺替代"),
    "verify_method": ("核查方式", "核查方法", "事后核查方式"),
    "verify_limit": ("核查时限", "核查期限"),
    "sample": ("抽查比例", "核查比例"),
    "basis": ("承诺内容", "告知承诺内容"),
}
#: Columns whose cells may hold a number (a bare ``20`` days, ``2`` copies, a fee of ``0``, 20 %).
NUMERIC = frozenset({"copies", "statutory", "promised", "fee", "charged", "verify_limit", "sample"})
_BY_TEXT = {text: name for name, texts in COLUMNS.items() for text in texts}
_BRACKETED = re.compile(r"[(\[（【][^)\]）】]*[)\]）】]")  # "事项名称（必填）" names 事项名称
_HAN = r"\u3400-\u9fff"
_SPACE_NEAR_HAN = re.compile(rf"(?<=[{_HAN}\W])\s+|\s+(?=[{_HAN}\W])")
_SPACES = re.compile(r"\s+")
_HAN_CHAR = re.compile(rf"[{_HAN}]")
_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")  # openpyxl leaves these as written


def clean(value: object) -> str:
    """A cell's text, normalised (see the module doc); numbers as written (1.0 -> "1")."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = unicodedata.normalize("NFKC", str(value))
    text = _SPACES.sub(" ", _SPACE_NEAR_HAN.sub("", text.strip()))
    if _HAN_CHAR.search(text):  # Chinese text keeps Chinese brackets: 食品经营许可（新办）
        text = text.replace("(", "（").replace(")", "）")
    return text


def header_field(value: object) -> str | None:
    text = _BRACKETED.sub("", clean(value)).replace(" ", "").strip("*＊:：")
    return _BY_TEXT.get(text)


class UnreadableWorkbook(Exception):
    """The file is not an ``.xlsx`` workbook openpyxl can read; the message says, in Chinese,
    what the file is and what to do."""


# What a cell holds besides text (``Cell.kind``); the empty string is text or blank.
DATE, NUMBER, BOOLEAN, UNCACHED, FAILED = "date", "number", "boolean", "uncached", "failed"


@dataclass(frozen=True)
class Cell:
    value: str
    ref: str  # "FILE!SHEET!C7"
    kind: str = ""  # DATE, NUMBER, BOOLEAN, UNCACHED (a formula without its result), FAILED (#REF! ...)
    refused: str = ""  # the first character the text rule refuses, as the file holds it


@dataclass
class Row:
    number: int
    cells: dict[str, Cell]
    merged: set[str] = field(default_factory=set)  # fields whose value came from a merge above
    bad: set[str] = field(default_factory=set)  # fields whose cell was reported unreadable (now blank)

    def text(self, name: str) -> str:
        cell = self.cells.get(name)
        return cell.value if cell else ""

    def ref(self, name: str, fallback: str = "") -> str:
        cell = self.cells.get(name)
        return cell.ref if cell else fallback


@dataclass
class Table:
    sheet: str
    columns: dict[str, str]  # field -> column letter
    header_ref: str
    rows: list[Row]
    hidden: bool = False  # the sheet is hidden (or "very hidden") in Excel


def read_tables(path: Path) -> tuple[list[Table], list[str]]:
    """Every sheet with a recognisable header, and the sheets without one.

    Raises ``UnreadableWorkbook`` (in Chinese) for a file openpyxl cannot read.
    """
    not_xlsx = sniff(path)
    if not_xlsx is not None:
        raise UnreadableWorkbook(not_xlsx)
    try:
        workbook = load_workbook(path, data_only=True, read_only=True)
    except Exception as exc:  # openpyxl raises many kinds, in English, for a broken package
        raise UnreadableWorkbook(_broken(exc)) from exc
    try:
        return _tables(path, workbook, get_column_letter)
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, SyntaxError, EOFError) as exc:
        raise UnreadableWorkbook(_broken(exc)) from exc  # a damaged sheet inside a readable package
    finally:
        workbook.close()  # read-only mode keeps the file open until closed


_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the compound-file signature of .xls/.doc and of encrypted .xlsx
_SAVE_AS = "请在 Excel 或 WPS 中打开，另存为「Excel 工作簿（*.xlsx）」后再导入"


def sniff(path: Path) -> str | None:
    """Why the file is not an ``.xlsx`` package, in Chinese, judged by its first bytes; None if it may be one."""
    with path.open("rb") as stream:
        head = stream.read(8)
        if head.startswith(b"PK"):
            return None
        if head == _OLE2:
            whole = head + stream.read()  # the directory names the streams: EncryptionInfo or Workbook/Book
            if "EncryptionInfo".encode("utf-16-le") in whole:
                return ("文件设有打开密码（加密的 Excel 工作簿），无法读取：请在 Excel 中打开，"
                        "在「文件 → 信息 → 保护工作簿 → 用密码进行加密」中清除密码并保存后再导入")
            if "Workbook".encode("utf-16-le") in whole or "Book".encode("utf-16-le") in whole:
                return f"这是旧版 Excel 97-2003 工作簿（.xls），只是扩展名为 {path.suffix}：{_SAVE_AS}"
            return f"这是旧版 Office 文件（不是 Excel 工作簿 .xlsx）：{_SAVE_AS}"
        head += stream.read(1024)
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith(b"%pdf"):
        return "这是 PDF 文件，不是电子表格：请从事项管理系统导出 Excel 格式（.xlsx）的实施清单"
    if text.startswith((b"<!doctype html", b"<html", b"<table", b"<meta")) or b"<html" in text:
        return f"这是网页（HTML）格式的表格，只是扩展名为 {path.suffix}：{_SAVE_AS}"
    if text.startswith(b"<?xml"):
        return f"这是 XML 格式的表格（Excel 2003 XML），不是 .xlsx：{_SAVE_AS}"
    if not head:
        return "文件是空的（0 字节）：请重新导出实施清单"
    return f"这不是 Excel 工作簿（.xlsx），可能是文本或 CSV 文件：{_SAVE_AS}"


def _broken(exc: BaseException) -> str:
    """openpyxl's English reason, said in Chinese (its class name kept for the IT person)."""
    what = type(exc).__name__
    if isinstance(exc, zipfile.BadZipFile):
        return f"文件已损坏（压缩包不完整，{what}），可能下载或复制未完成：请重新导出或重新复制后再导入"
    if isinstance(exc, KeyError):
        return (f"这是压缩包，但其中没有 Excel 工作簿（{what}），可能是 Word 文档或其他压缩文件："
                "请选择实施清单的 .xlsx 文件")
    if what == "InvalidFileException":
        return f"文件扩展名不是 .xlsx / .xlsm（{what}）：{_SAVE_AS}"
    return f"工作簿内容已损坏或不是标准的 .xlsx（{what}）：{_SAVE_AS}"


def _tables(path: Path, workbook: Workbook, get_column_letter: Callable[[int], str]) -> tuple[list[Table], list[str]]:
    tables: list[Table] = []
    skipped: list[str] = []
    for sheet, ranges, formulas in _sheets_with_merges(path, workbook):
        grid: list[list[str]] = []
        marks: dict[tuple[int, int], tuple[str, str]] = dict(formulas)  # (r, c) -> (kind, refused)
        for r, values in enumerate(sheet.iter_rows(values_only=True)):
            line = []
            for c, value in enumerate(values):
                if value is None:
                    line.append("")
                    continue
                if type(value) is not str:
                    marks.setdefault((r, c), (_kind(value), ""))
                    line.append(clean(value))
                    continue
                if "_x" in value:  # Excel's escape of a character XML cannot hold: _x001B_ is ESC
                    value = _ESCAPED.sub(lambda found: chr(int(found.group(1), 16)), value)
                if not value.isprintable():  # the refused characters are all unprintable: one C pass
                    bad = first_refused(value.replace("\n", " ").replace("\r", " ").replace("\t", " "))
                    if bad is not None:
                        marks[(r, c)] = (marks.get((r, c), ("", ""))[0], bad)
                line.append(clean(value))
            grid.append(line)
        merged_from: dict[tuple[int, int], tuple[int, int]] = {}
        for min_col, min_row, max_col, max_row in ranges:
            top, left = min_row - 1, min_col - 1
            for r in range(min_row - 1, max_row):
                for c in range(min_col - 1, max_col):
                    if (r, c) != (top, left):
                        merged_from[(r, c)] = (top, left)
        header_at, columns = _find_header(grid)
        if header_at is None:
            skipped.append(sheet.title)
            continue
        prefix = f"{terminal_safe(path.name)}!{terminal_safe(sheet.title)}!"
        rows = []
        for r in range(header_at + 1, len(grid)):
            cells: dict[str, Cell] = {}
            merged_fields: set[str] = set()
            for name, c in columns.items():
                source = merged_from.get((r, c))
                value = grid[source[0]][source[1]] if source else (grid[r][c] if c < len(grid[r]) else "")
                if source and source[0] > header_at:
                    merged_fields.add(name)
                elif source:
                    value = ""  # a merge reaching up into the header is not data
                    source = None
                kind, bad = marks.get(source or (r, c), ("", ""))
                cells[name] = Cell(value, f"{prefix}{get_column_letter(c + 1)}{r + 1}", kind, bad)
            if any(cell.value for cell in cells.values()):
                rows.append(Row(r + 1, cells, merged_fields))
        letters = {name: get_column_letter(c + 1) for name, c in columns.items()}
        hidden = getattr(sheet, "sheet_state", "visible") != "visible"
        tables.append(Table(sheet.title, letters, f"{prefix}A{header_at + 1}", rows, hidden))
    return tables, skipped


def _kind(value: object) -> str:
    if isinstance(value, bool):
        return BOOLEAN
    if isinstance(value, (datetime, date, time, timedelta)):
        return DATE
    return NUMBER


_Marks = dict[tuple[int, int], tuple[str, str]]


def _sheets_with_merges(path: Path, workbook: Workbook) -> Iterator[tuple[Worksheet, list[_Range], _Marks]]:
    """Each worksheet with its merged ranges as (min_col, min_row, max_col, max_row), and its
    formula cells without a stored result or with an error result, by 0-based (row, column).

    Read-only mode streams values fast but does not expose merged ranges, and the
    full mode spends seconds styling every merged cell of a large export; so the
    ranges are read from the sheet's own XML (``<mergeCell ref="A4:A9"/>``), and
    the full mode is the fallback should openpyxl's reader change shape.
    """
    for sheet in workbook.worksheets:
        try:
            # openpyxl 3.1 read-only internals (not in its type stubs)
            stream = getattr(workbook, "_archive").open(getattr(sheet, "_worksheet_path"))
        except AttributeError:
            yield from _sheets_with_merges_slowly(path)
            return
        ranges: list[_Range] = []
        marks: _Marks = {}
        with stream:
            for _, element in iterparse(stream):
                tag = element.tag
                if tag[-2:] == "}c":  # <c r="N5" t="e"><f>…</f><v>…</v></c>: the formula comes first
                    formula = len(element) > 0 and element[0].tag[-2:] == "}f"
                    failed = element.get("t") == "e"
                    if formula or failed:
                        values = [child.text for child in element if child.tag[-2:] == "}v"]
                        valued = bool(values and values[0])
                        where = element.get("r")
                        if where and (failed or not valued):
                            row, column = coordinate_to_tuple(where)
                            marks[(row - 1, column - 1)] = (FAILED if failed and valued else UNCACHED, "")
                    element.clear()
                elif tag.endswith("}mergeCell") and (ref := element.get("ref")):
                    min_col, min_row, max_col, max_row = range_boundaries(ref)
                    # a merge spans cells: every bound is given
                    assert min_col is not None and min_row is not None and max_col is not None and max_row is not None
                    ranges.append((min_col, min_row, max_col, max_row))
                elif tag[-4:] == "}row":
                    element.clear()
        yield sheet, ranges, marks


def _sheets_with_merges_slowly(path: Path) -> Iterator[tuple[Worksheet, list[_Range], _Marks]]:
    for sheet in load_workbook(path, data_only=True).worksheets:
        yield sheet, [(r.min_col, r.min_row, r.max_col, r.max_row) for r in sheet.merged_cells.ranges], {}


def _find_header(grid: list[list[str]]) -> tuple[int | None, dict[str, int]]:
    for r, row in enumerate(grid[:HEADER_ROWS]):
        columns: dict[str, int] = {}
        for c, value in enumerate(row):
            name = header_field(value)
            if name is not None and name not in columns:
                columns[name] = c
        # a header names the item or the material, or at least three known columns (one may be missing)
        if len(columns) >= 3 or (len(columns) >= 2 and {"name", "material"} & set(columns)):
            return r, columns
    return None, {}
