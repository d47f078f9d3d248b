"""``clerk db backup FILE``, ``clerk db restore FILE`` (SQLite stores) and ``clerk db purge-materials``."""

from __future__ import annotations

import argparse
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from clerk.commands.admin_gate import add_admin_arguments, sign_in_admin
from clerk.config import get_settings
from clerk.domain.clock import now_utc
from clerk.store.backup import backup, record_restore, restore, sqlite_file, verify_copy
from clerk.store.engine import Store
from clerk.store.migrate import head_revision

if TYPE_CHECKING:
    from clerk.commands import Subcommands


def register_db(db_sub: Subcommands) -> None:
    backup = db_sub.add_parser("backup", help="在线备份 SQLite 数据库到 FILE，并校验副本（审计链）")
    backup.add_argument("file", type=Path, metavar="FILE", help="备份文件（不能已存在）")
    backup.set_defaults(handler=_backup)
    restore = db_sub.add_parser("restore", help="用已校验的备份替换 SQLite 数据库（当前库先另存）")
    restore.add_argument("file", type=Path, metavar="FILE", help="clerk db backup 生成的备份文件")
    restore.add_argument("--yes", action="store_true", help="不再询问，直接恢复（所有窗口须已退出）")
    add_admin_arguments(restore)
    restore.set_defaults(handler=_restore)
    purge = db_sub.add_parser("purge-materials",
                              help="删除已办结案件的材料扫描件（保留摘要，记入审计；须管理员登录）")
    purge.add_argument("--before", type=_date, metavar="DATE",
                       help="只清理在此日期（YYYY-MM-DD，大厅时间）之前办结的案件；省略时按 material_retention_days")
    add_admin_arguments(purge)
    purge.set_defaults(handler=_purge_materials)


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期应为 YYYY-MM-DD，收到 {text!r}") from None


def _purge_materials(args: argparse.Namespace) -> int:
    from clerk.domain.errors import ServiceError
    from clerk.services.cases import CaseService
    from clerk.services.materials import MaterialService
    from clerk.store.errors import StoreError

    settings = get_settings()
    before = args.before
    if before is None:
        if not settings.material_retention_days:
            print("请用 --before YYYY-MM-DD 指定日期（或在配置中设置 material_retention_days）", file=sys.stderr)
            return 2
        before = now_utc().astimezone(ZoneInfo(settings.timezone)).date() - timedelta(
            days=settings.material_retention_days)
    service = CaseService.from_settings(settings, store=_store())
    try:
        admin = sign_in_admin(args, service.store)
        if admin is None:
            print("清理材料扫描件须由系统管理员登录：本库还没有管理员账号（请先运行 clerk setup）", file=sys.stderr)
            return 1
        report = MaterialService(service).purge(admin, before)
    except (StoreError, ServiceError) as exc:
        print(str(exc), file=sys.stderr)
        return 1
    print(f"已清理 {before.isoformat()} 之前办结的 {len(report.cases)} 件案件的 {report.files} 份扫描件"
          f"（释放 {report.bytes} 字节；摘要保留，已记入审计）"
          + (f"；另删除未被任何案件引用的残留文件 {report.orphans} 个" if report.orphans else ""))
    return 0


def _store() -> Store:
    return Store.from_settings(get_settings())


def _backup(args: argparse.Namespace) -> int:
    verified = backup(_store(), args.file)
    from clerk.store.materials import folder_beside

    size = verified.path.stat().st_size
    files = folder_beside(verified.path)
    scans = f"；材料扫描件 {len(list(files.glob('??/*.pdf')))} 个在 {files}" if files.is_dir() else ""
    print(f"已备份到 {verified.path}（{size} 字节，版本 {verified.revision}{scans}）；副本校验通过：{verified.message}")
    return 0


def _restore(args: argparse.Namespace) -> int:
    store = _store()
    admin = None
    if _readable(store):
        admin = sign_in_admin(args, store)  # an administrator of the store being replaced
    else:
        print("当前数据库缺失或已损坏：恢复无需管理员登录（数据库文件的所有者本可直接替换文件）", file=sys.stderr)
    if not args.yes:
        checked = verify_copy(args.file.expanduser())
        print(f"备份 {checked.path}：版本 {checked.revision}，{checked.message}")
        print("恢复将替换当前数据库（当前库会先另存一份）。请确认所有窗口已退出。", file=sys.stderr)
        try:
            answer = input("输入 yes 确认恢复：")
        except EOFError:  # no terminal (a script without --yes)
            answer = ""
        if answer.strip().lower() != "yes":
            print("已取消，未做任何改动", file=sys.stderr)
            return 1
    verified, aside = restore(store, args.file)
    if verified.revision == head_revision():
        record_restore(store, admin, args.file, aside, at=now_utc())
    if aside is not None:
        print(f"原数据库已另存为 {aside}")
    print(f"已从 {args.file} 恢复；{verified.message}")
    if verified.revision != head_revision():
        print(f"备份的数据库版本为 {verified.revision}：请运行 clerk db upgrade")
    return 0


def _readable(store: Store) -> bool:
    """Whether the current database is there and readable as a clerk store (then it has its own
    administrators, and one of them must do the restore)."""
    from sqlalchemy.exc import DatabaseError

    from clerk.store.errors import StoreError

    if not sqlite_file(store).is_file():
        return False
    try:
        with store.session(write=False) as session:
            session.connection().exec_driver_sql("SELECT count(*) FROM clerk_accounts").scalar_one()
    except (DatabaseError, StoreError):
        store.dispose()
        return False
    return True
