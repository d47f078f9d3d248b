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
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from xml.etree.ElementTree import iterparse

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import range_boundaries

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
}
_BY_TEXT = {text: name for name, texts in COLUMNS.items() for text in texts}
_BRACKETED = re.compile(r"[(\[（【][^)\]）】]*[)\]）】]")  # "事项名称（必填）" names 事项名称
_HAN = r"\u3400-\u9fff"
_SPACE_NEAR_HAN = re.compile(rf"(?<=[{_HAN}\W])\s+|\s+(?=[{_HAN}\W])")
_SPACES = re.compile(r"\s+")
_HAN_CHAR = re.compile(rf"[{_HAN}]")


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


@dataclass(frozen=True)
class Cell:
    value: str
    ref: str  # "FILE!SHEET!C7"


@dataclass
class Row:
    number: int
    cells: dict[str, Cell]
    merged: set[str] = field(default_factory=set)  # fields whose value came from a merge above

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


def read_tables(path: Path) -> tuple[list[Table], list[str]]:
    """Every sheet with a recognisable header, and the sheets without one."""
    workbook = load_workbook(path, data_only=True, read_only=True)
    try:
        return _tables(path, workbook, get_column_letter)
    finally:
        workbook.close()  # read-only mode keeps the file open until closed


def _tables(path: Path, workbook: Workbook, get_column_letter: Callable[[int], str]) -> tuple[list[Table], list[str]]:
    tables: list[Table] = []
    skipped: list[str] = []
    for sheet, ranges in _sheets_with_merges(path, workbook):
        grid = [[clean(v) for v in row] for row in sheet.iter_rows(values_only=True)]
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
        prefix = f"{path.name}!{sheet.title}!"
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
                cells[name] = Cell(value, f"{prefix}{get_column_letter(c + 1)}{r + 1}")
            if any(cell.value for cell in cells.values()):
                rows.append(Row(r + 1, cells, merged_fields))
        letters = {name: get_column_letter(c + 1) for name, c in columns.items()}
        tables.append(Table(sheet.title, letters, f"{prefix}A{header_at + 1}", rows))
    return tables, skipped


def _sheets_with_merges(path: Path, workbook: Workbook) -> Iterator[tuple[Worksheet, list[_Range]]]:
    """Each worksheet with its merged ranges as (min_col, min_row, max_col, max_row).

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
        with stream:
            for _, element in iterparse(stream):
                ref = element.get("ref")
                if element.tag.endswith("}mergeCell") and ref:
                    min_col, min_row, max_col, max_row = range_boundaries(ref)
                    # a merge spans cells: every bound is given
                    assert min_col is not None and min_row is not None and max_col is not None and max_row is not None
                    ranges.append((min_col, min_row, max_col, max_row))
                element.clear()
        yield sheet, ranges


def _sheets_with_merges_slowly(path: Path) -> Iterator[tuple[Worksheet, list[_Range]]]:
    for sheet in load_workbook(path, data_only=True).worksheets:
        yield sheet, [(r.min_col, r.min_row, r.max_col, r.max_row) for r in sheet.merged_cells.ranges]


def _find_header(grid: list[list[str]]) -> tuple[int | None, dict[str, int]]:
    for r, row in enumerate(grid[:HEADER_ROWS]):
        columns: dict[str, int] = {}
        for c, value in enumerate(row):
            name = header_field(value)
            if name is not None and name not in columns:
                columns[name] = c
        if len(columns) >= 2 and ({"name", "material"} & set(columns)):
            return r, columns
    return None, {}
