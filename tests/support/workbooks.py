"""实施清单 workbooks built with openpyxl, in both shapes the province's exports come in."""

from __future__ import annotations

import re
import zipfile
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


def two_sheets(path: Path, items: list[dict], *, title: str | None = "历城区政务服务事项实施清单",
               extra: tuple[tuple[str, str], ...] = (), material_extra: tuple[tuple[str, str], ...] = ()) -> Path:
    """Sheets 事项 and 材料 joined on 实施编码; columns in a shuffled order, an extra column.

    ``extra`` / ``material_extra``: columns added to 事项 / 材料 as (header, key), e.g.
    ("可告知承诺", "commitment"); a key an item or material lacks leaves its cell blank."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "事项"
    order = [9, 2, 0, 1, 5, 4, 3, 6, 7, 8, 10]  # not the export's order: headers are found by text
    if title:
        sheet.append([title])
    sheet.append([ITEM_HEADERS[i] for i in order] + ["更新时间"] + [h for h, _ in extra])
    for it in items:
        sheet.append([it[ITEM_KEYS[i]] for i in order] + ["2026-11-01"] + [it.get(k) for _, k in extra])
    mats = book.create_sheet("材料")
    mats.append(["实施编码"] + MATERIAL_HEADERS + [h for h, _ in material_extra])
    for it in items:
        for m in it["materials"]:
            mats.append([it["code"]] + [m[k] for k in MATERIAL_KEYS] + [m.get(k) for _, k in material_extra])
    book.save(path)
    return path


def one_sheet(path: Path, items: list[dict], *, merge: bool = True, drop: tuple[str, ...] = (),
              extra: tuple[tuple[str, str], ...] = (), material_extra: tuple[tuple[str, str], ...] = (),
              hidden: bool = False) -> Path:
    """One sheet, a row per material, title rows above the header, the item's columns merged
    down over its materials (``merge``) or left blank on the continuation rows.

    ``drop``: headers left out (a real export without 咨询电话 or 情形); ``extra``: item columns
    added as (header, key), e.g. ("送达方式", "delivery"), ``material_extra`` the same for material
    columns, e.g. ("可告知承诺", "commitment"); ``hidden``: the table's sheet is
    hidden behind a visible cover sheet without a table."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "实施清单"
    item_cols = [(h, k) for h, k in zip(ITEM_HEADERS, ITEM_KEYS, strict=True) if h not in drop] + list(extra)
    mat_cols = [(h, k) for h, k in zip(MATERIAL_HEADERS, MATERIAL_KEYS, strict=True) if h not in drop]
    mat_cols += list(material_extra)
    width = len(item_cols) + len(mat_cols)
    sheet.append(["历城区政务服务事项实施清单"])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    sheet.append(["填报单位：区行政审批服务局", None, None, "导出日期：2026-11-30"])
    headers = [h if h != "事项名称" else "事项名称\n（必填）" for h, _ in item_cols] + [h for h, _ in mat_cols]
    sheet.append(headers)
    row = sheet.max_row + 1
    for it in items:
        mats = it["materials"] or [material("")]
        for n, m in enumerate(mats):
            item_part = [it.get(k) if n == 0 else None for _, k in item_cols]
            sheet.append(item_part + [m.get(k) or None for _, k in mat_cols])
        if merge and len(mats) > 1:
            for col in range(1, len(item_cols) + 1):
                sheet.merge_cells(start_row=row, start_column=col, end_row=row + len(mats) - 1, end_column=col)
        row += len(mats)
    if hidden:
        sheet.sheet_state = "hidden"
        cover = book.create_sheet("说明", 0)
        cover.append(["本表由事项管理系统导出，请勿修改。"])
        book.active = 0
    book.save(path)
    return path


def patch_xml(path: Path, marker: str, xml: str) -> Path:
    """Rewrite the saved workbook so that ``marker`` (a cell's whole text, as openpyxl stored it)
    becomes ``xml`` in the sheets' and shared strings' XML: what openpyxl refuses to write
    (a control character as ``_x001F_``, a formula without its cached result) but real files hold."""
    with zipfile.ZipFile(path) as source:
        members = [(info, source.read(info)) for info in source.infolist()]
    found = False
    # openpyxl writes non-ASCII text as UTF-8, or as character references (``&#36523;``) when
    # it writes through lxml: match either
    forms = {marker.encode(), "".join(c if ord(c) < 128 else f"&#{ord(c)};" for c in marker).encode()}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info, data in members:
            if info.filename.endswith(".xml"):
                for form in forms:
                    data, count = re.subn(re.escape(form), xml.encode(), data)
                    found = found or count > 0
            target.writestr(info, data)
    assert found, f"{marker!r} not in {path}"
    return path


def compound_file(path: Path, *streams: str) -> Path:
    """An OLE2 compound file (the container of a real ``.xls`` and of a password-protected
    ``.xlsx``) whose directory names ``streams`` — what a renamed ``.xls`` (``Workbook``) or an
    encrypted workbook (``EncryptionInfo``, ``EncryptedPackage``) holds."""
    import struct

    header = bytearray(512)
    header[:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", header, 24, 0x3E, 3, 0xFFFE, 9, 6)  # version 3, little endian, 512-byte sectors
    struct.pack_into("<IIII", header, 44, 1, 1, 0, 0x1000)  # one FAT sector; the directory at sector 1
    struct.pack_into("<I", header, 76, 0)  # the FAT is sector 0
    fat = bytearray(b"\xff" * 512)
    struct.pack_into("<III", fat, 0, 0xFFFFFFFD, 0xFFFFFFFE, 0xFFFFFFFE)
    directory = bytearray()
    for n, name in enumerate(("Root Entry", *streams)):
        entry = bytearray(128)
        encoded = (name + "\0").encode("utf-16-le")
        entry[: len(encoded)] = encoded
        struct.pack_into("<HBB", entry, 64, len(encoded), 5 if n == 0 else 2, 1)
        struct.pack_into("<III", entry, 68, 0xFFFFFFFF, 0xFFFFFFFF, 1 if n == 0 and streams else 0xFFFFFFFF)
        directory += entry
    directory += b"\0" * (-len(directory) % 512)
    path.write_bytes(bytes(header + fat + directory))
    return path


def shared_string(path: Path, marker: str, escaped: str) -> Path:
    """Make the cell whose text is ``marker`` a shared string holding ``escaped``, as Excel stores
    it (openpyxl writes inline strings, which its reader does not unescape): ``_x001B_`` is an ESC."""
    ns = "http://schemas.openxmlformats.org/"
    patch_xml(path, f't="inlineStr"><is><t>{marker}</t></is>', 't="s"><v>0</v>')
    with zipfile.ZipFile(path) as source:
        members = {info.filename: source.read(info) for info in source.infolist()}
    members["xl/sharedStrings.xml"] = (f'<sst xmlns="{ns}spreadsheetml/2006/main" count="1" uniqueCount="1">'
                                       f"<si><t>{escaped}</t></si></sst>").encode()
    members["[Content_Types].xml"] = members["[Content_Types].xml"].replace(b"</Types>", (
        '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>').encode())
    members["xl/_rels/workbook.xml.rels"] = members["xl/_rels/workbook.xml.rels"].replace(b"</Relationships>", (
        f'<Relationship Id="rIdShared" Type="{ns}officeDocument/2006/relationships/sharedStrings" '
        'Target="sharedStrings.xml"/></Relationships>').encode())
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in members.items():
            target.writestr(name, data)
    return path
