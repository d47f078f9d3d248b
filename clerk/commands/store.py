"""Sub-commands of the store: ``setup``, ``db``, ``audit``, ``user``.

``clerk setup`` (what ``make run`` calls) upgrades the database, creates the
demo hall's accounts when there are none and checks that the catalog loads;
it prints what it did and is safe to run again.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from clerk.calendar import WorkCalendar
from clerk.catalog import CatalogError, load_catalog
from clerk.commands.admin_gate import add_admin_arguments, add_refused_no_change, no_change_refused, sign_in_admin
from clerk.config import get_settings
from clerk.domain.accounts import Role, parse_role
from clerk.domain.clock import now_utc
from clerk.domain.errors import ServiceError
from clerk.printing.data import PrintError
from clerk.store.errors import StoreError
from clerk.store.hallkey import HallKeyError

if TYPE_CHECKING:
    from collections.abc import Callable

    from clerk.commands import Subcommands
    from clerk.domain.accounts import ClerkUser
    from clerk.services.accounts import AccountService
    from clerk.services.cases import CaseService
    from clerk.store.engine import Store

DEMO_PASSWORD = "clerk123"
DEMO_ACCOUNTS = (
    ("1001", "王芳", "window"),
    ("1002", "李明", "window"),
    ("2001", "赵敏", "fallback"),
    ("3001", "陈刚", "mailroom"),
    ("4001", "孙丽", "backoffice"),
    ("9001", "刘洋", "supervisor"),
    ("admin", "系统管理员", "admin"),
)


def register(subparsers: Subcommands) -> None:
    setup = subparsers.add_parser("setup", help="升级数据库、创建演示账号并检查事项目录（可重复执行）")
    setup.set_defaults(handler=_setup)

    db = subparsers.add_parser("db", help="数据库维护")
    db_sub = db.add_subparsers(dest="db_command", metavar="ACTION")
    up = db_sub.add_parser("upgrade", help="把数据库升级到最新版本（不会丢失数据）")
    up.add_argument("--revision", default="head", help="目标版本（默认 head）")
    up.set_defaults(handler=_db_upgrade)
    cur = db_sub.add_parser("current", help="显示数据库当前版本")
    cur.set_defaults(handler=_db_current)
    rec = db_sub.add_parser("recompute-deadlines", help="载入新年度日历后重算临时期限（须管理员登录）")
    add_admin_arguments(rec)
    rec.set_defaults(handler=_db_recompute)
    from clerk.commands.backup import register_db
    from clerk.commands.roles import register_roles

    register_db(db_sub)
    register_roles(db_sub)

    audit = subparsers.add_parser("audit", help="审计记录")
    audit_sub = audit.add_subparsers(dest="audit_command", metavar="ACTION")
    verify = audit_sub.add_parser("verify", help="校验审计哈希链及其覆盖的数据；发现篡改时退出码为1")
    verify.add_argument("--anchor", metavar="SEQ:HASH", help="日报上签字的链头（序号:哈希），查出其后被截断或改写")
    verify.set_defaults(handler=_audit_verify)

    user = subparsers.add_parser("user", help="账号管理")
    user_sub = user.add_subparsers(dest="user_command", metavar="ACTION")
    add = user_sub.add_parser("add", help="新增账号（须管理员登录；本人首次登录时须修改密码）",
                              epilog=_STDIN_LINES)
    add.add_argument("id", help="工号")
    add.add_argument("name", help="姓名")
    add.add_argument("role", help="角色：window | fallback | mailroom | backoffice | supervisor | admin（或中文名称）")
    add.add_argument("--password-stdin", action="store_true", help="从标准输入读取新账号的初始密码")
    add_admin_arguments(add)
    add_refused_no_change(add)
    add.set_defaults(handler=_user_add)
    _register_user_admin(user_sub)


def _store() -> Store:
    from clerk.store.engine import Store

    return Store.from_settings(get_settings())


def _fail(message: str, status: int = 1) -> int:
    print(message, file=sys.stderr)
    return status


def _db_upgrade(args: argparse.Namespace) -> int:
    from clerk.store.migrate import upgrade

    store = _store()
    try:
        before, after = upgrade(store, args.revision)
    except (StoreError, HallKeyError) as exc:
        return _fail(str(exc))
    print(f"数据库 {store.redacted_url}：{before or '空库'} → {after}" if before != after
          else f"数据库 {store.redacted_url} 已是最新版本（{after}）")
    return 0


def _db_current(args: argparse.Namespace) -> int:
    from clerk.store import versioning
    from clerk.store.migrate import head_revision

    store = _store()
    try:
        current, refused = versioning.standing(store)
    except StoreError as exc:
        return _fail(str(exc))
    print(f"数据库版本：{current or '未初始化'}；本机 clerk {versioning.app_version()} 使用的数据库版本：{head_revision()}")
    if refused is not None:
        print(refused)
    return 0 if current == head_revision() else 1


def _service() -> CaseService:
    from clerk.services.cases import CaseService

    return CaseService.from_settings(get_settings(), store=_store())


def _db_recompute(args: argparse.Namespace) -> int:
    try:
        service = _service()
        sign_in_admin(args, service.store)
        changed = service.recompute_provisional_deadlines()
    except StoreError as exc:
        return _fail(str(exc))
    print(f"已重算期限 {changed} 个" if changed else "没有需要重算的期限")
    return 0


def _audit_verify(args: argparse.Namespace) -> int:
    from clerk.store.audit import parse_anchor, verify_chain

    store = _store()
    try:
        anchor = parse_anchor(args.anchor) if args.anchor else None
        store.require_existing()
        with store.session(write=False, snapshot=True) as session:
            report = verify_chain(session, anchor=anchor)  # the key file when needed; the database checks its own seals
    except (StoreError, HallKeyError, ValueError) as exc:
        return _fail(str(exc))
    if report.ok:
        print(report.message)
        if report.head is not None:
            print(f"链头：{report.head[0]}:{report.head[1]}")
        return 0
    first = f"（第一条异常事件 #{report.bad_seq}）" if report.bad_seq is not None else ""
    print(f"审计链校验失败：{report.message}{first}", file=sys.stderr)
    for line in report.rows:
        print(f"  数据不符：{line}", file=sys.stderr)
    return 1


def _user_add(args: argparse.Namespace) -> int:
    if (refused := no_change_refused(args)) is not None:
        return _fail(refused, 2)
    try:
        role = parse_role(args.role)
    except ValueError as exc:
        return _fail(str(exc))
    accounts = _service_for_accounts().accounts
    try:
        admin = sign_in_admin(args, accounts.store)
        password = _read_new_password(args)
        if password is None:
            return _fail("两次输入的密码不一致")
        user = accounts.add(admin, args.id, args.name, role, password, password_rule=True, must_change=True)
    except (ServiceError, StoreError) as exc:
        return _fail(str(exc))
    print(f"已新增账号 {user.id}（{user.name}，{user.role.label}），本人首次登录时须修改密码")
    return 0


def _service_for_accounts() -> CaseService:
    """Accounts need neither catalog nor calendar: a service without them."""
    from clerk.catalog.catalog import Catalog
    from clerk.services.cases import CaseService

    settings = get_settings()
    return CaseService(_store(), Catalog("", {}), WorkCalendar({}), hall_code=settings.hall.code,
                       timezone=settings.timezone)


def _setup(args: argparse.Namespace) -> int:
    from clerk.store.keybinding import setup_hall_key
    from clerk.store.migrate import upgrade

    settings = get_settings()
    # Everything setup reads is checked before it writes anything.
    try:
        catalog = load_catalog(settings.catalog_dir, settings.cross_region_catalog)
    except CatalogError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return _fail(f"事项目录 {settings.catalog_dir} 有 {len(exc.problems)} 处问题，请修正后重试")
    calendar = WorkCalendar.load(settings.calendar_dir)  # CalendarError: one line from clerk.cli
    store = _store()
    try:
        print(setup_hall_key(store, settings))  # never a new key for a store that has one
    except (HallKeyError, StoreError) as exc:
        return _fail(str(exc))
    try:
        before, after = upgrade(store)
        print(f"数据库 {store.redacted_url}：" + (f"已升级 {before or '空库'} → {after}" if before != after
                                                 else f"已是最新版本（{after}）"))
        service = _service_for_accounts()
        if service.count_users() == 0:
            for clerk_id, name, role in DEMO_ACCOUNTS:
                service.add_user(None, clerk_id, name, Role(role), DEMO_PASSWORD, must_change=True)
            ids = "、".join(a[0] for a in DEMO_ACCOUNTS)
            print(f"已创建演示账号 {ids}，初始密码 {DEMO_PASSWORD}（首次登录时须设置新密码）")
        else:
            print("已有账号，未创建演示账号")
        _protect_store_file(store)
        _hint_db_roles(store)
        if service.accounts.active_with_role(Role.BACKOFFICE) == 0:
            print("提示：尚无“后台审批/出件”账号，审批结果只能由该岗位录入；"
                  "请用 clerk user add 工号 姓名 backoffice --admin 管理员工号 新增")
    except StoreError as exc:
        return _fail(str(exc))
    print(f"事项目录已载入：{len(catalog.items)} 个事项，{len(catalog.bundles)} 个一件事（版本 {catalog.version[:12]}）")
    from clerk.printing.fonts import choose_font

    try:
        print(choose_font(settings.font_path).describe())
    except PrintError as exc:
        return _fail(f"通知书字体不可用：{exc}")
    years = calendar.years()
    print(f"节假日安排已载入：{years[0]}–{years[-1]} 年" if years else "没有任何年份的节假日安排")
    return 0


def _hint_db_roles(store: Store) -> None:
    """PostgreSQL: the windows should log in with the least-privilege role (clerk db roles)."""
    from clerk.store.roles import roles_applied

    if store.is_sqlite:
        return
    with store.connection(write=False) as conn:
        if roles_applied(conn):
            return
    print("提示：多个窗口共用 PostgreSQL 时，请以数据库超级用户运行 clerk db roles --reader，"
          "各窗口改用 clerk_window 角色登录（见 docs/deploy.md）")


def _protect_store_file(store: Store) -> None:
    """An SQLite file holds applicants' personal data: owner only (0600)."""
    from clerk.store.backup import sqlite_file

    if not store.is_sqlite:
        return
    path = sqlite_file(store)
    for file in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if file.exists():
            os.chmod(file, 0o600)
# -- clerk user list | passwd | disable | enable | unlock -------------------------

_STDIN_LINES = ("与 --admin-password-stdin 同用时，标准输入第一行是管理员密码，第二行是新密码。"
                "他人设置的密码一律须由本人在首次登录时修改。")


def _register_user_admin(user_sub: Subcommands) -> None:
    listing = user_sub.add_parser("list", help="列出账号及其状态（停用、锁定、须修改密码）")
    listing.set_defaults(handler=_user_list)
    passwd = user_sub.add_parser("passwd", help="为账号设置新密码（须管理员登录；本人下次登录时须修改）",
                                 epilog=_STDIN_LINES)
    passwd.add_argument("id", help="工号")
    passwd.add_argument("--password-stdin", action="store_true", help="从标准输入读取新密码")
    add_admin_arguments(passwd)
    add_refused_no_change(passwd)
    passwd.set_defaults(handler=_user_passwd)
    for name, text, handler in (("disable", "停用账号（离岗人员），停用后任何方式都不能登录；最后一个管理员不能停用",
                                 _user_disable),
                                ("enable", "重新启用账号", _user_enable),
                                ("unlock", "解除因连续登录失败造成的锁定", _user_unlock)):
        command = user_sub.add_parser(name, help=text + "（须管理员登录）")
        command.add_argument("id", help="工号")
        add_admin_arguments(command)
        command.set_defaults(handler=handler)


def _read_new_password(args: argparse.Namespace) -> str | None:
    """The new password from stdin or typed twice; None when the two differ."""
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    password = getpass.getpass("新密码：")
    if getpass.getpass("再次输入新密码：") != password:
        return None
    return password


def _user_list(args: argparse.Namespace) -> int:
    from clerk.store.account_admin import list_accounts

    try:
        accounts = list_accounts(_store())
    except StoreError as exc:
        return _fail(str(exc))
    tz, now = ZoneInfo(get_settings().timezone), now_utc()
    print("工号\t姓名\t角色\t状态\t密码")
    for a in accounts:
        state = "停用" if not a.active else (
            f"锁定至 {a.locked_until.astimezone(tz):%m-%d %H:%M}" if a.locked_until and a.locked(now) else "正常")
        password = "须修改" if a.must_change_password else "已设置"
        print(f"{a.id}\t{a.name}\t{a.role.label}\t{state}\t{password}")
    return 0


def _user_passwd(args: argparse.Namespace) -> int:
    if (refused := no_change_refused(args)) is not None:
        return _fail(refused, 2)
    accounts = _service_for_accounts().accounts
    try:
        admin = sign_in_admin(args, accounts.store)
        password = _read_new_password(args)
        if password is None:
            return _fail("两次输入的密码不一致")
        accounts.reset_password(admin, args.id, password)
    except (ServiceError, StoreError) as exc:
        return _fail(str(exc))
    print(f"已为账号 {args.id} 设置新密码，本人下次登录时须修改")
    return 0


def _user_disable(args: argparse.Namespace) -> int:
    return _user_change(args, lambda accounts, admin: accounts.set_active(admin, args.id, False),
                        f"已停用账号 {args.id}")


def _user_enable(args: argparse.Namespace) -> int:
    return _user_change(args, lambda accounts, admin: accounts.set_active(admin, args.id, True),
                        f"已启用账号 {args.id}")


def _user_unlock(args: argparse.Namespace) -> int:
    return _user_change(args, lambda accounts, admin: accounts.unlock(admin, args.id),
                        f"已解除账号 {args.id} 的锁定")


def _user_change(args: argparse.Namespace, change: Callable[[AccountService, ClerkUser | None], None],
                 done: str) -> int:
    accounts = _service_for_accounts().accounts
    try:
        change(accounts, sign_in_admin(args, accounts.store))
    except (ServiceError, StoreError) as exc:
        return _fail(str(exc))
    print(done)
    return 0
