"""Sub-commands of the store: ``setup``, ``db``, ``audit``, ``user``.

``clerk setup`` (what ``make run`` calls) upgrades the database, creates the
demo hall's accounts when there are none and checks that the catalog loads;
it prints what it did and is safe to run again.
"""

from __future__ import annotations

import getpass
import sys

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


def register(subparsers) -> None:
    setup = subparsers.add_parser("setup", help="升级数据库、创建演示账号并检查事项目录（可重复执行）")
    setup.set_defaults(handler=_setup)

    db = subparsers.add_parser("db", help="数据库维护")
    db_sub = db.add_subparsers(dest="db_command", metavar="ACTION")
    up = db_sub.add_parser("upgrade", help="把数据库升级到最新版本（不会丢失数据）")
    up.add_argument("--revision", default="head", help="目标版本（默认 head）")
    up.set_defaults(handler=_db_upgrade)
    cur = db_sub.add_parser("current", help="显示数据库当前版本")
    cur.set_defaults(handler=_db_current)
    rec = db_sub.add_parser("recompute-deadlines", help="载入新年度日历后重算临时期限")
    rec.set_defaults(handler=_db_recompute)

    audit = subparsers.add_parser("audit", help="审计记录")
    audit_sub = audit.add_subparsers(dest="audit_command", metavar="ACTION")
    verify = audit_sub.add_parser("verify", help="校验审计哈希链；发现篡改时退出码为1")
    verify.set_defaults(handler=_audit_verify)

    user = subparsers.add_parser("user", help="账号管理")
    user_sub = user.add_subparsers(dest="user_command", metavar="ACTION")
    add = user_sub.add_parser("add", help="新增账号")
    add.add_argument("id", help="工号")
    add.add_argument("name", help="姓名")
    add.add_argument("role", help="角色：window | fallback | mailroom | backoffice | supervisor | admin（或中文名称）")
    add.add_argument("--password-stdin", action="store_true", help="从标准输入读取密码")
    add.set_defaults(handler=_user_add)
    off = user_sub.add_parser("deactivate", help="停用账号（停用后不能登录，也不能再办理任何业务）")
    off.add_argument("id", help="工号")
    off.set_defaults(handler=_user_deactivate)


def _store():
    from clerk.config import get_settings
    from clerk.store.engine import Store

    return Store.from_settings(get_settings())


def _fail(message: str) -> int:
    print(message, file=sys.stderr)
    return 1


def _db_upgrade(args) -> int:
    from clerk.store.errors import StoreError
    from clerk.store.migrate import upgrade

    store = _store()
    try:
        before, after = upgrade(store, args.revision)
    except StoreError as exc:
        return _fail(str(exc))
    print(f"数据库 {store.redacted_url}：{before or '空库'} → {after}" if before != after
          else f"数据库 {store.redacted_url} 已是最新版本（{after}）")
    return 0


def _db_current(args) -> int:
    from clerk.store.errors import StoreError
    from clerk.store.migrate import current_revision, head_revision

    store = _store()
    try:
        current = current_revision(store)
    except StoreError as exc:
        return _fail(str(exc))
    print(f"当前版本：{current or '未初始化'}；最新版本：{head_revision()}")
    return 0 if current == head_revision() else 1


def _service():
    from clerk.services.cases import CaseService
    from clerk.config import get_settings

    return CaseService.from_settings(get_settings(), store=_store())


def _db_recompute(args) -> int:
    from clerk.store.errors import StoreError

    try:
        changed = _service().recompute_provisional_deadlines()
    except StoreError as exc:
        return _fail(str(exc))
    print(f"已重算期限 {changed} 个" if changed else "没有需要重算的期限")
    return 0


def _audit_verify(args) -> int:
    from clerk.store.audit import verify_chain
    from clerk.store.errors import StoreError

    store = _store()
    try:
        with store.session(write=False) as session:
            report = verify_chain(session)
    except StoreError as exc:
        return _fail(str(exc))
    if report.ok:
        print(report.message)
        return 0
    return _fail(f"审计链校验失败：{report.message}（第一条异常事件 #{report.bad_seq}）")


def _user_add(args) -> int:
    from clerk.domain.errors import ServiceError
    from clerk.domain.accounts import parse_role
    from clerk.store.errors import StoreError

    try:
        role = parse_role(args.role)
    except ValueError as exc:
        return _fail(str(exc))
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = getpass.getpass("密码：")
        if getpass.getpass("再次输入密码：") != password:
            return _fail("两次输入的密码不一致")
    try:
        user = _service_for_accounts().add_user(None, args.id, args.name, role, password)
    except (ServiceError, StoreError) as exc:
        return _fail(str(exc))
    print(f"已新增账号 {user.id}（{user.name}，{user.role.label}）")
    return 0


def _user_deactivate(args) -> int:
    from clerk.domain.errors import ServiceError
    from clerk.store.errors import StoreError

    try:
        _service_for_accounts().accounts.deactivate(None, args.id)
    except (ServiceError, StoreError) as exc:
        return _fail(str(exc))
    print(f"已停用账号 {args.id.strip()}")
    return 0


def _service_for_accounts():
    """Accounts need neither catalog nor calendar: a service without them."""
    from clerk.calendar import WorkCalendar
    from clerk.services.cases import CaseService
    from clerk.config import get_settings

    settings = get_settings()
    return CaseService(_store(), None, WorkCalendar({}), hall_code=settings.hall.code,
                       timezone=settings.timezone)


def _setup(args) -> int:
    from clerk.catalog import CatalogError, load_catalog
    from clerk.config import get_settings
    from clerk.domain.accounts import Role
    from clerk.store.errors import StoreError
    from clerk.store.migrate import upgrade

    settings = get_settings()
    store = _store()
    try:
        before, after = upgrade(store)
        print(f"数据库 {store.redacted_url}：" + (f"已升级 {before or '空库'} → {after}" if before != after
                                                 else f"已是最新版本（{after}）"))
        service = _service_for_accounts()
        if service.count_users() == 0:
            for clerk_id, name, role in DEMO_ACCOUNTS:
                service.add_user(None, clerk_id, name, Role(role), DEMO_PASSWORD)
            ids = "、".join(a[0] for a in DEMO_ACCOUNTS)
            print(f"已创建演示账号 {ids}，初始密码 {DEMO_PASSWORD}（正式使用前请更换）")
        else:
            print("已有账号，未创建演示账号")
        if service.accounts.active_with_role(Role.BACKOFFICE) == 0:
            print("提示：尚无“后台审批/出件”账号，审批结果只能由该岗位录入；"
                  "请用 clerk user add 工号 姓名 backoffice 新增")
    except StoreError as exc:
        return _fail(str(exc))
    try:
        catalog = load_catalog(settings.catalog_dir)
    except CatalogError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return _fail(f"事项目录 {settings.catalog_dir} 有 {len(exc.problems)} 处问题，请修正后重试")
    print(f"事项目录已载入：{len(catalog.items)} 个事项，{len(catalog.bundles)} 个一件事（版本 {catalog.version[:12]}）")
    return 0
