"""``clerk db roles``: the PostgreSQL roles of a hall that shares one store (clerk.store.roles)."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from clerk.config import get_settings

if TYPE_CHECKING:
    from clerk.commands import Subcommands


def register_roles(db_sub: Subcommands) -> None:
    roles = db_sub.add_parser("roles", help="PostgreSQL：创建/更新属主、窗口（最小权限）和只读角色（可重复执行）")
    roles.add_argument("--owner", default="clerk_owner", help="属主角色：迁移、账号、密钥（默认 clerk_owner）")
    roles.add_argument("--window", default="clerk_window", help="各窗口登录用的角色（默认 clerk_window）")
    roles.add_argument("--reader", nargs="?", const="clerk_reader", default=None, metavar="NAME",
                       help="同时创建只读角色，供看板和报表使用（默认名 clerk_reader）")
    roles.set_defaults(handler=_roles)


def _roles(args: argparse.Namespace) -> int:
    from clerk.store.engine import Store
    from clerk.store.errors import StoreError
    from clerk.store.migrate import current_revision, head_revision
    from clerk.store.roles import apply_roles

    store = Store.from_settings(get_settings())
    try:
        if store.is_sqlite:
            print("SQLite 数据库没有数据库角色：数据文件的属主即可读写全部数据（见 docs/security.md）",
                  file=sys.stderr)
            return 1
        if current_revision(store) != head_revision():
            print("请先运行 clerk db upgrade，再设置角色", file=sys.stderr)
            return 1
        with store.connection() as conn:
            report = apply_roles(conn, owner=args.owner, window=args.window, reader=args.reader)
    except (StoreError, ValueError) as exc:
        print(str(exc), file=sys.stderr)
        return 1
    finally:
        store.dispose()
    for line in report.lines:
        print(line)
    print(f"各窗口的数据库地址请使用角色 {args.window}；迁移、账号和密钥由 {args.owner} 执行")
    return 0
