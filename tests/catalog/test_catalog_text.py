"""Catalog text under the one rule: a name with ESC or a bidi override fails ``clerk catalog check``
with FILE:LINE, the field and the code point, and the output never carries the character itself."""

from __future__ import annotations

import pytest

from clerk.catalog.errors import CatalogError
from clerk.catalog.loader import load_catalog
from clerk.cli import main


def _break(hall_copy, replacements):
    path = hall_copy / "20-business.yaml"
    text = path.read_text(encoding="utf-8")
    for old, new in replacements:
        assert old in text
        text = text.replace(old, new, 1)
    path.write_text(text, encoding="utf-8")
    return path


def test_catalog_check_names_file_line_field_and_character(hall_copy, capsys):
    bad = _break(hall_copy, [
        ("name: 公共场所卫生许可（新办）", 'name: "公共场所\\e[2J卫生许可（新办）"'),  # YAML's escape for ESC
        ("name: 卫生管理制度", "name: 卫生\u202e度制理管"),  # typed raw
        ("question: 办理方式", 'question: "办理\\L方式"'),  # U+2028
        ("label: 本人办理", 'label: "本人\\u200f办理"'),
    ])
    assert main(["catalog", "check", str(hall_copy)]) == 1
    out = capsys.readouterr()
    lines = out.out.splitlines()
    assert f"{bad}:3: 事项 370112-GGWS-001 的 name 含有不可见的控制字符（U+001B），请删除后重新输入" in lines
    assert f"{bad}:17: 事项 370112-GGWS-001 的材料的 name 含有改变文字方向的不可见字符（U+202E），请删除后重新输入" in lines
    assert f"{bad}:29: 事项 370112-GGWS-001 的情形 applicant 的 question 含有行分隔符（U+2028），请删除后重新输入" in lines
    assert f"{bad}:31: 事项 370112-GGWS-001 的情形 applicant 的选项的 label 含有改变文字方向的不可见字符（U+200F），" \
           "请删除后重新输入" in lines
    for ch in "\x1b\u202e\u2028\u200f":
        assert ch not in out.out + out.err


def test_aliases_and_long_names_are_held_to_the_rule(hall_copy):
    _break(hall_copy, [("name: 公共场所卫生许可（新办）", "name: " + "长" * 101 + "\n    aliases: [\"卫生\\x85许可\"]")])
    with pytest.raises(CatalogError) as refused:
        load_catalog(hall_copy)
    text = str(refused.value)
    assert "最多 100 个字，当前 101 个字" in text and "U+0085" in text


def test_catalog_import_names_the_cell(tmp_path, capsys):
    from tests.support.workbooks import item, material, two_sheets

    book = two_sheets(tmp_path / "清单.xlsx", [
        item("370112-MZJ-001", "内地居民\u202e结婚登记", material("户口\ufeff簿"), department="区民政局"),
    ])
    out = tmp_path / "catalog"
    assert main(["catalog", "import", str(book), "-o", str(out)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert "清单.xlsx!事项!B3: 「事项名称」含有改变文字方向的不可见字符（U+202E），请删除后重新输入" in lines
    assert "清单.xlsx!材料!B2: 「材料名称」含有不可见的格式字符（U+FEFF），请删除后重新输入" in lines
    assert not out.exists() or not any(out.iterdir())


def test_a_raw_escape_in_a_catalog_file_is_named_at_its_line(hall_copy, capsys):
    """YAML itself refuses a raw ESC in the file: the line says where and which, like the rule does."""
    bad = _break(hall_copy, [("name: 公共场所卫生许可（新办）", "name: 公共场所\x1b[2J卫生许可（新办）")])
    assert main(["catalog", "check", str(hall_copy)]) == 1
    out = capsys.readouterr()
    assert out.out.splitlines() == [f"{bad}:3: 文件含有不可见的控制字符（U+001B），请删除"]
    assert "\x1b" not in out.out + out.err
