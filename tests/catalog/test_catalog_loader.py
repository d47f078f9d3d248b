"""Loading and validating catalog files: every problem, with file and line."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

HALL = Path(__file__).parent / "fixtures" / "hall"

from clerk.catalog import CatalogError, ItemKind, Need, load_catalog

GOOD_MATERIAL = """\
materials:
  - key: id-card
    name: 申请人居民身份证
    form: 原件
    copies: 1
    requirement: 身份证原件。
"""

ITEM_HEAD = """\
  - code: "{code}"
    name: 测试事项{code}
    department: 区卫生健康局
    kind: 承诺件
    statutory_days: 20
    promised_days: 5
    fee: 不收费
    result: 许可证
    delivery: [EMS邮寄]
    phone: 0531-88888888
"""


def problems_of(path: Path) -> list[str]:
    with pytest.raises(CatalogError) as caught:
        load_catalog(path)
    assert str(caught.value) == "\n".join(str(p) for p in caught.value.problems)
    return [str(p) for p in caught.value.problems]


def assert_reported(problems: list[str], file: Path, line: int, fragment: str) -> None:
    prefix = f"{file}:{line}: "
    assert any(p.startswith(prefix) and fragment in p for p in problems), (
        f"expected {prefix}…{fragment}… in:\n" + "\n".join(problems)
    )


def test_the_test_hall_loads_across_files(hall):
    assert len(hall.items) == 9 and set(hall.bundles) == {"YJS-KCG", "YJS-XSE"}
    item = hall.items["370112-GGWS-001"]
    assert item.kind is ItemKind.PROMISED and (item.statutory_days, item.promised_days) == (20, 5)
    assert item.source.endswith("20-business.yaml:2")
    by_key = {m.key: m for m in item.materials}
    assert by_key["business-licence"].tolerable and not by_key["id-card"].tolerable
    assert by_key["proxy-letter"].need is Need.CONDITIONAL
    assert by_key["lease-contract"].alt_group == "premises"
    assert [s.key for s in item.situations] == ["applicant", "change"]


def test_version_is_sha256_of_the_files_sorted_by_name(hall):
    files = sorted(HALL.glob("*.yaml"), key=lambda p: p.name)
    assert hall.version == hashlib.sha256(b"".join(p.read_bytes() for p in files)).hexdigest()


def test_version_changes_with_any_byte(hall_copy, hall):
    path = hall_copy / "30-newborn.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "\n# 注释\n", encoding="utf-8")
    assert load_catalog(hall_copy).version != hall.version


def test_a_single_file_can_be_loaded(tmp_path):
    path = tmp_path / "one.yaml"
    path.write_text(GOOD_MATERIAL + "items:\n" + ITEM_HEAD.format(code="A-1")
                    + "    materials:\n      - ref: id-card\n", encoding="utf-8")
    catalog = load_catalog(path)
    assert list(catalog.items) == ["A-1"]


def test_every_problem_is_reported_at_once_with_its_line(tmp_path, line_with):
    text = GOOD_MATERIAL + """\
  - key: id-card
    name: 重复的材料
    form: 原件
    copies: 1
    requirement: 重复。
  - key: Bad_Key
    name: ""
    form: 扫描件
    copies: 0
    requirement: 写了。
    colour: red
items:
""" + ITEM_HEAD.format(code="A-1").replace("promised_days: 5", "promised_days: 30") + """\
    materials:
      - ref: no-such-material
      - ref: id-card
        need: 情形必要
      - key: plan
        name: 方案
        form: 原件
        copies: 2.5
        requirement: "  "
        alt: lonely
    situations:
      - key: who
        question: 办理方式
        options:
          - label: 本人办理
          - label: 委托代理人办理
            adds: [ghost-material]
""" + ITEM_HEAD.format(code="A-1") + """\
    materials: []
bundles:
  - code: "B-1"
    name: 测试一件事
    items: ["A-1", "NOPE-9"]
"""
    text = text.replace("kind: 承诺件", "kind: 马上办", 1)
    path = tmp_path / "broken.yaml"
    path.write_text(text, encoding="utf-8")
    problems = problems_of(path)
    expected = [
        (line_with(text, "name: 重复的材料") - 1, "材料 key id-card 重复"),
        (line_with(text, "Bad_Key"), "只能由小写字母、数字和 - 组成"),
        (line_with(text, 'name: ""'), "name 不能为空"),
        (line_with(text, "扫描件"), "只能是 原件 | 复印件 | 电子"),
        (line_with(text, "copies: 0"), "copies 应为正整数"),
        (line_with(text, "colour"), "未知字段 colour"),
        (line_with(text, "马上办"), "kind 只能是 即办件 | 承诺件"),
        (line_with(text, "promised_days: 30"), "承诺时限（30 个工作日）超过法定时限（20 个工作日）"),
        (line_with(text, "no-such-material"), "引用了未定义的材料 no-such-material"),
        (line_with(text, "need: 情形必要") - 1, "情形必要，但没有任何情形选项添加它"),
        (line_with(text, "copies: 2.5"), "copies 应为正整数"),
        (line_with(text, 'requirement: "  "'), "requirement 不能为空"),
        (line_with(text, "ghost-material"), "引用了未定义的材料 ghost-material"),
        (line_with(text, "NOPE-9"), "包含未定义的事项 NOPE-9"),
    ]
    for line, fragment in expected:
        assert_reported(problems, path, line, fragment)
    second_a1 = [n for n, l in enumerate(text.splitlines(), 1) if 'code: "A-1"' in l][1]
    assert_reported(problems, path, second_a1, f"编码 A-1 重复（首次定义于 {path}:")
    assert problems == sorted(problems, key=lambda p: int(p.split(":")[1]))


def test_alt_group_of_one_and_bundle_rules(tmp_path, line_with):
    text = GOOD_MATERIAL + """\
  - key: lease
    name: 租赁合同
    form: 复印件
    copies: 1
    requirement: 合同。
items:
""" + ITEM_HEAD.format(code="A-1") + """\
    materials:
      - ref: id-card
      - ref: lease
        alt: premises-only
""" + ITEM_HEAD.format(code="A-2") + """\
    materials:
      - ref: id-card
      - ref: id-card
    situations:
      - key: who
        question: 办理方式
        options:
          - label: 本人办理
bundles:
  - code: "B-1"
    name: 只有一个事项
    items: ["A-1"]
  - code: "B-2"
    name: ""
    items: ["A-1", "A-1"]
  - code: "A-2"
    name: 与事项同编码
    items: ["A-1", "A-2"]
"""
    path = tmp_path / "c.yaml"
    path.write_text(text, encoding="utf-8")
    problems = problems_of(path)
    assert_reported(problems, path, line_with(text, "alt: premises-only") - 1, "可替代组 premises-only 只有一个材料")
    dup_ref = [n for n, l in enumerate(text.splitlines(), 1) if "- ref: id-card" in l][2]
    assert_reported(problems, path, dup_ref, "材料 id-card 重复")
    assert_reported(problems, path, line_with(text, "options:"), "情形 who 至少需要两个选项")
    assert_reported(problems, path, line_with(text, 'items: ["A-1"]'), "至少需要包含两个事项")
    assert_reported(problems, path, line_with(text, 'items: ["A-1", "A-1"]'), "事项 A-1 重复")
    assert_reported(problems, path, line_with(text, 'name: ""'), "name 不能为空")
    bundle_a2 = [n for n, l in enumerate(text.splitlines(), 1) if 'code: "A-2"' in l][1]
    assert_reported(problems, path, bundle_a2, "编码 A-2 重复")


def test_bundle_items_must_ask_shared_situations_the_same_way(tmp_path, line_with):
    def item(code: str, second: str) -> str:
        return ITEM_HEAD.format(code=code) + f"""\
    materials:
      - ref: id-card
    situations:
      - key: who
        question: 办理方式
        options:
          - label: 本人办理
          - label: {second}
"""

    text = GOOD_MATERIAL + "items:\n" + item("A-1", "委托代理人办理") + item("A-2", "代办") + """\
bundles:
  - code: "B-1"
    name: 一件事
    items: ["A-1", "A-2"]
"""
    path = tmp_path / "c.yaml"
    path.write_text(text, encoding="utf-8")
    assert_reported(problems_of(path), path, line_with(text, 'items: ["A-1", "A-2"]'), "情形 who 问题或选项不一致")


def test_yaml_syntax_error_is_reported_with_its_line(hall_copy):
    broken = hall_copy / "40-broken.yaml"
    broken.write_text("items:\n  - code: \"X-1\"\n    name: [未闭合\n    kind: 承诺件\n", encoding="utf-8")
    problems = problems_of(hall_copy)
    assert len(problems) == 1
    assert problems[0].startswith(f"{broken}:") and "YAML 语法错误" in problems[0]
    assert int(problems[0].split(":")[1]) in (3, 4)


def test_a_broken_file_stops_the_whole_catalog(hall_copy):
    """Nothing is half-loaded: the good files do not produce a catalog either."""
    broken = hall_copy / "40-broken.yaml"
    broken.write_text("items:\n  - code: \"370112-HJ-001\"\n", encoding="utf-8")
    problems = problems_of(hall_copy)
    assert problems and all(p.startswith(f"{broken}:") for p in problems)
    assert any("编码 370112-HJ-001 重复（首次定义于" in p and "30-newborn.yaml" in p for p in problems)
    assert any("缺少字段 name" in p for p in problems)


def test_duplicate_yaml_keys_and_unknown_top_level_sections(tmp_path, line_with):
    text = GOOD_MATERIAL.replace("    copies: 1\n", "    copies: 1\n    copies: 2\n") + "item: []\n"
    path = tmp_path / "c.yaml"
    path.write_text(text, encoding="utf-8")
    problems = problems_of(path)
    assert_reported(problems, path, line_with(text, "copies: 2"), "字段 copies 重复出现")
    assert_reported(problems, path, line_with(text, "item: []"), "未知字段 item")


def test_unreadable_and_missing_catalogs(tmp_path):
    assert problems_of(tmp_path / "nowhere") == [f"{tmp_path / 'nowhere'}: 找不到事项目录（文件或文件夹不存在）"]
    assert problems_of(tmp_path) == [f"{tmp_path}: 目录中没有 *.yaml 文件"]
    (tmp_path / "gbk.yaml").write_bytes("items:\n  - name: 卫生\n".encode("gbk"))
    assert problems_of(tmp_path) == [f"{tmp_path / 'gbk.yaml'}:2: 文件不是 UTF-8 编码"]
    (tmp_path / "gbk.yaml").write_text("materials: []\n", encoding="utf-8")
    assert problems_of(tmp_path) == [f"{tmp_path}: 目录中没有任何事项（items）"]


def test_numbers_where_text_is_expected_are_refused(tmp_path, line_with):
    text = GOOD_MATERIAL + "items:\n" + ITEM_HEAD.format(code="A-1").replace(
        "phone: 0531-88888888", "phone: 12345") + "    materials:\n      - ref: id-card\n"
    path = tmp_path / "c.yaml"
    path.write_text(text, encoding="utf-8")
    assert_reported(problems_of(path), path, line_with(text, "phone: 12345"), "请加引号")


def test_an_item_may_word_a_shared_material_its_own_way(tmp_path, line_with):
    """Wording true for one item (居民户口簿 for a newborn) is that item's, not the shared material's."""
    path = tmp_path / "catalog.yaml"
    path.write_text(GOOD_MATERIAL + "items:\n"
                    + ITEM_HEAD.format(code="A-1") + "    materials:\n      - ref: id-card\n"
                    + "        requirement: 新生儿父（母）的身份证原件。\n"
                    + ITEM_HEAD.format(code="A-2") + "    materials:\n      - ref: id-card\n"
                    + ITEM_HEAD.format(code="A-3") + "    materials:\n      - ref: id-card\n"
                    + "        requirement: \"\"\n", encoding="utf-8")
    problems = problems_of(path)
    assert_reported(problems, path, line_with(path.read_text(encoding="utf-8"), 'requirement: ""'), "requirement 不能为空")
    path.write_text(path.read_text(encoding="utf-8").rsplit(ITEM_HEAD.format(code="A-3"), 1)[0], encoding="utf-8")
    catalog = load_catalog(path)
    assert catalog.checklist("A-1").entries[0].material.requirement == "新生儿父（母）的身份证原件。"
    assert catalog.checklist("A-2").entries[0].material.requirement == "身份证原件。"
