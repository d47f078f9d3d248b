"""``clerk catalog check``, ``search``, ``import`` and ``diff`` sub-commands."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from clerk.catalog.errors import CatalogError
from clerk.config import get_settings

if TYPE_CHECKING:
    from clerk.catalog.catalog import Catalog
    from clerk.catalog.errors import Problem
    from clerk.commands import Subcommands


def register(subparsers: Subcommands) -> None:
    parser = subparsers.add_parser("catalog", help="事项目录：检查、检索")
    commands = parser.add_subparsers(dest="catalog_command", metavar="COMMAND")
    parser.set_defaults(handler=lambda args: _help(parser))

    check = commands.add_parser("check", help="检查事项目录，一次列出全部问题")
    check.add_argument("path", nargs="?", type=Path, help="目录文件夹或单个 YAML 文件（默认：配置中的 catalog_dir）")
    check.add_argument("--cross-region", type=Path, metavar="DIR",
                       help="跨域通办（其他地区）事项目录（默认：不指定 path 时用配置中的 cross_region_dir 或随附清单）")
    check.set_defaults(handler=check_command)

    search = commands.add_parser("search", help="按中文、拼音、拼音首字母或编码检索事项")
    search.add_argument("query", help="检索词，例如 wsxk、卫生许可、370112")
    search.add_argument("--limit", type=int, default=20, help="最多显示几条（默认 20）")
    search.add_argument("--catalog", type=Path, help="目录文件夹（默认：配置中的 catalog_dir）")
    search.set_defaults(handler=search_command)

    imp = commands.add_parser("import", help="从实施清单电子表格（.xlsx）导入事项目录")
    imp.add_argument("file", type=Path, help="事项管理系统导出的实施清单 .xlsx")
    imp.add_argument("-o", "--output", type=Path, required=True, help="写入的目录文件夹（生成 imported.yaml）")
    imp.add_argument("--strict", action="store_true",
                     help="把警告（缺少的可选列、空白的可选单元格）也当作错误，有警告就不导入")
    imp.set_defaults(handler=import_command)

    diff = commands.add_parser("diff", help="比较两个版本的事项目录：新增、删除、变更的事项和材料")
    diff.add_argument("old", type=Path, help="当前使用的目录文件夹")
    diff.add_argument("new", type=Path, help="准备切换到的目录文件夹")
    diff.set_defaults(handler=diff_command)


def _help(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 2


def _default_dir() -> Path:
    return get_settings().catalog_dir


def _load(path: Path | None, cross_region: Path | None = None) -> tuple[Catalog, list[Problem]] | tuple[None, list[Problem]]:
    """The catalog at ``path`` (default: the configured one, with the configured other regions'
    items; a path given alone is loaded alone)."""
    from clerk.catalog.loader import load_catalog

    if cross_region is None and path is None:
        cross_region = get_settings().cross_region_catalog
    try:
        return load_catalog(path or _default_dir(), cross_region), []
    except CatalogError as exc:
        return None, exc.problems


def check_command(args: argparse.Namespace) -> int:
    catalog, problems = _load(args.path, args.cross_region)
    if catalog is None:
        for problem in problems:
            print(problem)
        print(f"目录检查未通过：共 {len(problems)} 个问题", file=sys.stderr)
        return 1
    print(
        f"目录检查通过：{len(catalog.items)} 个事项，{len(catalog.bundles)} 个一件事，"
        f"版本 {catalog.version[:8]}"
    )
    if catalog.regional:  # the other regions' items (跨省通办 list), by the region that decides them
        regions = sorted({item.region.label for item in catalog.regional.values() if item.region})
        print(f"跨域通办：{len(catalog.regional)} 个其他地区事项，办理地 {len(regions)} 个（{'、'.join(regions)}）")
    items = sum(1 for item in catalog.items.values() if item.commitment)
    materials = sum(1 for item in catalog.items.values() for m in item.materials if m.commitment)
    if items or materials:  # what an import made of the 告知承诺 columns, to check against the list
        print(f"告知承诺：{items} 个事项实行告知承诺制，{materials} 项材料可告知承诺")
    return 0


def search_command(args: argparse.Namespace) -> int:
    if args.limit <= 0:
        print("--limit 应为正整数", file=sys.stderr)
        return 2
    catalog, problems = _load(args.catalog)
    if catalog is None:
        print(f"事项目录有 {len(problems)} 个问题，请先运行 clerk catalog check：", file=sys.stderr)
        for problem in problems:
            print(problem, file=sys.stderr)
        return 1
    hits = catalog.search(args.query, args.limit)
    if not hits:
        print(f"没有找到与「{args.query}」匹配的事项", file=sys.stderr)
        return 1
    for hit in hits:
        mark = "\t[一件事]" if hit.kind == "bundle" else ""
        via = f"\t（{hit.via}）" if hit.via else ""
        print(f"{hit.code}\t{hit.label}{mark}{via}")
    return 0


def import_command(args: argparse.Namespace) -> int:
    from clerk.catalog.importer import ImportError_, read_workbook, write_catalog
    from clerk.characters import terminal_safe

    if not args.file.is_file():
        print(f"{terminal_safe(str(args.file))}: 文件不存在", file=sys.stderr)
        return 2
    try:
        imported = read_workbook(args.file, strict=args.strict)
    except ImportError_ as exc:
        for problem in exc.problems:
            print(problem)
        for warning in exc.warnings:
            print(f"{warning}（警告）")
        also = f"，另有 {len(exc.warnings)} 条警告" if exc.warnings else ""
        print(f"导入未完成：共 {len(exc.problems)} 个错误{also}，未写入任何文件", file=sys.stderr)
        return 1
    items = imported.items
    for warning in imported.warnings:
        print(f"{warning}（警告）")
    if imported.warnings:
        print(f"共 {len(imported.warnings)} 条警告：这些值已按默认值导入，请核对；"
              "加 --strict 则有警告就不导入", file=sys.stderr)
    try:
        target = write_catalog(items, args.output, terminal_safe(args.file.name))
    except CatalogError as exc:
        for issue in exc.problems:
            print(issue)
        print(f"导入的事项与 {args.output} 中的其他文件不一致：共 {len(exc.problems)} 个问题，已恢复原文件",
              file=sys.stderr)
        return 1
    materials = sum(len(listed) for item in items if isinstance(listed := item["materials"], list))
    print(f"已导入 {len(items)} 个事项、{materials} 项材料 → {target}")
    return 0


def diff_command(args: argparse.Namespace) -> int:
    from clerk.catalog.diff import diff_catalogs

    old, old_problems = _load(args.old)
    new, new_problems = _load(args.new)
    for path, problems in ((args.old, old_problems), (args.new, new_problems)):
        if problems:
            print(f"{path}: 事项目录有 {len(problems)} 个问题，请先运行 clerk catalog check", file=sys.stderr)
            for problem in problems:
                print(problem, file=sys.stderr)
    if old is None or new is None:
        return 1
    for line in diff_catalogs(old, new).lines():
        print(line)
    return 0
