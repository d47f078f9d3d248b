"""``clerk doctor``: is this window ready for a working day?

Each check returns one :class:`Check` (✔ ok, ⚠ warning, ✖ failure) with one
Chinese line.  Checks never raise: an unexpected error in one is reported as
that check's failure and the others still run.  No UI imports.

Exit status of the command: 0 all ✔, 1 some ⚠ but no ✖, 2 any ✖.
"""

from __future__ import annotations

import shlex
import shutil
import stat
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import Enum
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import text

from clerk.calendar import CalendarError, WorkCalendar
from clerk.capture.sources import ScannerSource, configured_source, scanner_problem
from clerk.catalog import CatalogError, load_catalog
from clerk.commands.failures import explain
from clerk.config import Settings
from clerk.printing.coverage import CID_NAMES, SYSTEM_PACKAGE, coverage, system_faces
from clerk.printing.data import PrintError
from clerk.printing.fonts import choose_font, shipped_font_path
from clerk.printing.printers import explain_lp_error, explain_printer_state
from clerk.shipped import shipped_path
from clerk.store import versioning
from clerk.store.engine import Store
from clerk.store.errors import StoreError
from clerk.store.hallkey import HallKeyError, load_hall_key
from clerk.store.migrate import head_revision

SKEW_WARN_SECONDS = 2.0  # deadlines and audit times come from both clocks
SKEW_FAIL_SECONDS = 60.0
NEXT_YEAR_FROM_MONTH = 11  # the State Council publishes next year's schedule in November


class Level(Enum):
    OK = "✔"
    WARN = "⚠"
    FAIL = "✖"


@dataclass(frozen=True)
class Check:
    level: Level
    name: str
    detail: str

    def line(self) -> str:
        return f"{self.level.value} {self.name}：{self.detail}"


def exit_status(checks: list[Check]) -> int:
    levels = {c.level for c in checks}
    return 2 if Level.FAIL in levels else 1 if Level.WARN in levels else 0


def run_checks(settings: Settings, *, today: date | None = None,
               now: Callable[[], datetime] = lambda: datetime.now(UTC)) -> list[Check]:
    today = today or now().astimezone(ZoneInfo(settings.timezone)).date()
    checks: list[tuple[str, Callable[[], Check]]] = [
        ("数据库", lambda: check_store(settings)),
        ("时钟", lambda: check_clock(settings, now)),
        ("事项目录", lambda: check_catalog(settings)),
        ("节假日安排", lambda: check_calendar(settings, today)),
        ("通知书字体", lambda: check_font(settings)),
        ("生僻字", lambda: check_rare_characters(settings)),
        ("打印机", lambda: check_printer(settings)),
        ("文件权限", lambda: check_permissions(settings)),
        ("大厅密钥", lambda: check_hall_key(settings)),
        ("号源", lambda: check_queue_caps(settings)),
        ("扫描设备", lambda: check_capture(settings)),
        ("跨域通办", lambda: check_exchange(settings)),
    ]
    results = []
    for name, check in checks:
        try:
            results.append(check())
        except Exception as exc:  # noqa: BLE001  (one broken check must not hide the others)
            explained = explain(exc)
            text = explained[0] if explained else f"检查本身出错：{type(exc).__name__}: {exc}"
            results.append(Check(Level.FAIL, name, " ".join(text.split())))
    return results


def _store(settings: Settings) -> Store:
    return Store.from_settings(settings)


def check_store(settings: Settings) -> Check:
    name = "数据库"
    url = settings.effective_database_url
    if url.startswith("sqlite:///"):
        file = Path(url[len("sqlite:///"):].split("?", 1)[0]).expanduser()
        if not file.is_file():
            return Check(Level.FAIL, name, f"数据库文件 {file} 不存在：请运行 clerk setup")
    store = _store(settings)
    try:
        current, refused = versioning.standing(store)
    except StoreError as exc:
        return Check(Level.FAIL, name, f"{store.redacted_url} 无法连接：{exc}")
    finally:
        store.dispose()
    mine = f"本机 clerk {versioning.app_version()}"
    if refused is not None:
        return Check(Level.FAIL, name, f"{store.redacted_url}：{refused}")
    if current != head_revision():  # a newer schema that still admits this version
        return Check(Level.WARN, name, f"{store.redacted_url} 可连接，数据库版本 {current} 新于{mine}（仍可写入）："
                                       "请尽快为本机安装新版本")
    return Check(Level.OK, name, f"{store.redacted_url} 可连接，数据库版本 {current}（{mine}）")


def check_clock(settings: Settings, now: Callable[[], datetime]) -> Check:
    name = "时钟"
    store = _store(settings)
    if store.is_sqlite:
        return Check(Level.OK, name, "数据库为本机 SQLite 文件，与本机使用同一时钟")
    try:
        with store.session(write=False) as session:
            before = now()
            server = session.execute(text("SELECT now()")).scalar_one()
            after = now()
    except StoreError as exc:
        return Check(Level.FAIL, name, f"无法读取数据库服务器时间：{exc}")
    finally:
        store.dispose()
    local = before + (after - before) / 2
    skew = (server - local).total_seconds()
    text_ = f"本机与数据库服务器相差 {abs(skew):.1f} 秒（{'本机慢' if skew > 0 else '本机快'}）"
    if abs(skew) >= SKEW_FAIL_SECONDS:
        return Check(Level.FAIL, name, text_ + "：期限和审计时间会出错，请校准本机时间（NTP）")
    if abs(skew) >= SKEW_WARN_SECONDS:
        return Check(Level.WARN, name, text_ + "：请检查本机的时间同步（NTP）")
    return Check(Level.OK, name, f"本机与数据库服务器相差 {abs(skew):.1f} 秒")


def check_catalog(settings: Settings) -> Check:
    name = "事项目录"
    try:
        catalog = load_catalog(settings.catalog_dir, settings.cross_region_catalog)
    except CatalogError as exc:
        first = exc.problems[0] if exc.problems else ""
        return Check(Level.FAIL, name, f"{settings.catalog_dir} 有 {len(exc.problems)} 处问题，"
                                       f"第一处：{first}（clerk catalog check 列出全部）")
    return Check(Level.OK, name, f"{len(catalog.items)} 个事项，{len(catalog.bundles)} 个一件事")


def check_calendar(settings: Settings, today: date) -> Check:
    name = "节假日安排"
    try:
        calendar = WorkCalendar.load(settings.calendar_dir)
    except CalendarError as exc:
        return Check(Level.FAIL, name, f"年份文件有误：{exc.problems[0] if exc.problems else exc}")
    year = today.year
    if not calendar.has_schedule(year):
        return Check(Level.FAIL, name, f"缺少本年（{year}）的安排：期限只能按法定节日从宽推算，请在 "
                                       f"{settings.calendar_dir} 添加 {year}.toml")
    if today.month >= NEXT_YEAR_FROM_MONTH and not calendar.has_schedule(year + 1):
        return Check(Level.WARN, name, f"已载入 {year} 年；{year + 1} 年的安排尚未载入"
                                       f"（国务院通常在11月公布，公布后请在 calendar_dir 中添加 {year + 1}.toml）")
    return Check(Level.OK, name, f"已载入 {year} 年" + (f"和 {year + 1} 年" if calendar.has_schedule(year + 1) else ""))


def shipped_fonts() -> list[Path]:
    folder = shipped_path("fonts")
    return sorted(folder.glob("*.ttf")) if folder.is_dir() else []


def check_font(settings: Settings) -> Check:
    name = "通知书字体"
    spec = settings.font_path.strip()
    if spec and spec.lower() not in {"stsong-light", "cid"}:
        try:
            font = choose_font(spec)
        except PrintError as exc:
            return Check(Level.FAIL, name, f"配置的字体不可用：{exc}")
        return Check(Level.OK, name, f"使用配置的字体 {font.source}（嵌入）")
    fonts = shipped_fonts()
    if fonts:
        main = shipped_font_path()
        return Check(Level.OK, name, f"随程序附带的嵌入字体 {main.name if main in fonts else fonts[0].name}")
    if spec:
        return Check(Level.WARN, name, "按配置使用内置 CID 字体（未嵌入）：打印主机须装有中文字体")
    return Check(Level.WARN, name, "未附带嵌入字体（data/fonts/*.ttf）：将使用系统字体或不嵌入的 CID 字体")


def check_rare_characters(settings: Settings) -> Check:
    """Which fonts the notices fall back on and what they cover (CJK Extensions A–I, 通用规范汉字表)."""
    name = "生僻字"
    if settings.font_path.strip().lower() in CID_NAMES:
        return Check(Level.WARN, name, "使用内置 CID 字体（未嵌入）：生僻字能否打印取决于打印主机，无法检查")
    found = coverage(settings.font_path)
    detail = found.summary()
    if not found.complete_table:
        return Check(Level.WARN, name, f"{detail}；随程序发布的生僻字字体缺失，请重新安装 clerk")
    if not system_faces():
        detail += (f"；未安装 {SYSTEM_PACKAGE}：表外的字（繁体字、扩展区生僻字）录入时即提示无法打印"
                   f"（apt-get install {SYSTEM_PACKAGE}）")
    return Check(Level.OK, name, detail)


def check_printer(settings: Settings, run: Callable[..., subprocess.CompletedProcess[str]] = subprocess.run,
                  which: Callable[[str], str | None] = shutil.which) -> Check:
    name = "打印机"
    if settings.print_command:
        program = shlex.split(settings.print_command)[0] if settings.print_command.strip() else ""
        if program and (which(program) or Path(program).is_file()):
            return Check(Level.OK, name, f"打印命令 {program} 可用")
        return Check(Level.FAIL, name, f"打印命令 {program or settings.print_command!r} 找不到")
    if not settings.printer:
        return Check(Level.OK, name, "未配置打印机：通知书只生成 PDF")
    if not which("lpstat"):
        return Check(Level.FAIL, name, f"已配置打印队列 {settings.printer}，但本机没有 CUPS（找不到 lpstat）")

    try:
        result = run(["lpstat", "-l", "-p", settings.printer], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return Check(Level.FAIL, name, f"无法查询打印队列 {settings.printer}：{exc}")
    if result.returncode != 0:
        return Check(Level.FAIL, name, explain_lp_error(result.stderr, result.returncode, settings.printer))
    reason = explain_printer_state(result.stdout, settings.printer)
    if reason:
        return Check(Level.FAIL, name, reason)
    return Check(Level.OK, name, f"打印队列 {settings.printer} 就绪")


def _loose(path: Path) -> bool:
    return bool(path.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO))


def check_permissions(settings: Settings) -> Check:
    name = "文件权限"
    files: list[Path] = []
    url = settings.effective_database_url
    if url.startswith("sqlite:///"):
        db = Path(url[len("sqlite:///"):].split("?", 1)[0]).expanduser()
        files += [db, db.with_name(db.name + "-wal")]
    folders: list[Path] = []
    if url.startswith("sqlite:///"):  # the scans beside the store (clerk.store.materials) and their subfolders
        from clerk.store.materials import folder_beside

        scans = folder_beside(db)
        folders = [scans, *sorted(p for p in scans.glob("??") if p.is_dir())] if scans.is_dir() else []
    files.append(settings.effective_key_file)
    loose = [f for f in files if f.exists() and _loose(f)]
    loose_folders = [f for f in folders if _loose(f)]
    if loose or loose_folders:
        said = [f"{'、'.join(str(f) for f in loose)} 同组或其他用户可读写：请执行 chmod 600"] if loose else []
        if loose_folders:
            said.append(f"材料扫描件文件夹 {'、'.join(str(f) for f in loose_folders[:3])}"
                        f"{' 等' if len(loose_folders) > 3 else ''} 同组或其他用户可访问：请执行 chmod -R go-rwx {folders[0]}")
        return Check(Level.FAIL, name, "；".join(said))
    present = [f for f in files if f.exists()]
    return Check(Level.OK, name, "数据库与密钥文件仅本用户可读写" if present else "没有需要检查的本地文件")


def check_hall_key(settings: Settings) -> Check:
    """The key file works and is the store's (clerk.store.keybinding); a window of a store the
    database seals needs none."""
    from clerk.store.keybinding import SEALED_BY_DATABASE, fingerprint, mismatch, read_binding, short

    name = "大厅密钥"
    store = _store(settings)
    try:
        with store.connection(write=False) as conn:
            binding = read_binding(conn)
    except StoreError:
        binding = None  # the database check says why
    finally:
        store.dispose()
    try:
        key = load_hall_key(settings)
    except HallKeyError as exc:
        if binding is not None and binding.sealed_by == SEALED_BY_DATABASE and not settings.effective_key_file.exists():
            return Check(Level.OK, name, f"审计记录由数据库封存（密钥指纹 {short(binding.fingerprint)}），本机无需大厅密钥")
        return Check(Level.FAIL, name, str(exc))
    if binding is not None and fingerprint(key) != binding.fingerprint:
        return Check(Level.FAIL, name, str(mismatch(binding, key)))
    return Check(Level.OK, name, f"{settings.effective_key_file} 可用")


def check_queue_caps(settings: Settings) -> Check:
    """Each queue's daily_cap against what the windows serving it can serve in a day.

    The hall's windows: ``hall_windows``, else the highest window number the config names
    (``[window_queues]``, this window's ``window``).  A cap below ``SERVED_LOW`` tickets a serving
    window is a warning with the cap that fits (``SERVED_HIGH`` a window); so is a queue no window serves.
    """
    from clerk.domain.queueing import serving_windows_by_queue
    from clerk.queue_spec import CAP_MAX, SERVED_HIGH, SERVED_LOW

    name = "号源"
    windows = max([settings.hall_windows, settings.window or 0, *settings.window_queues])
    serving = serving_windows_by_queue(settings.queues, settings.window_queues, windows)
    problems = []
    for spec in settings.queues:
        count = serving[spec.prefix]
        if count == 0:
            problems.append(f"{spec.prefix} {spec.name} 没有窗口办理（[window_queues] 中没有窗口列出 {spec.prefix}）")
        elif spec.daily_cap < count * SERVED_LOW:
            problems.append(f"{spec.prefix} {spec.name} 每日号源 {spec.daily_cap} 个，远少于 {count} 个窗口一天能办的量，"
                            f"建议 daily_cap 约 {min(count * SERVED_HIGH, CAP_MAX)}")
    where = f"按 {windows} 个窗口计" + ("" if settings.hall_windows else "，可用 hall_windows 设置大厅窗口数")
    if problems:
        return Check(Level.WARN, name, f"{'；'.join(problems)}（{where}）")
    return Check(Level.OK, name, f"各队列每日号源与办理窗口相符（{where}）")


def check_capture(settings: Settings, run: Callable[..., subprocess.CompletedProcess[bytes]] = subprocess.run,
                  timeout: float = 20.0) -> Check:
    """The window's scanner answers (``scanimage -A``: its options, no scan), or its camera's folder is there
    and the clerk's own (issue 26)."""
    name = "扫描设备"
    source = configured_source(settings.capture)
    if source is None:
        return Check(Level.OK, name, "未配置扫描仪或高拍仪：材料扫描件只能从文件添加")
    if isinstance(source, ScannerSource):
        program = shutil.which(source.command)
        if program is None:
            return Check(Level.FAIL, name, f"已配置扫描仪 {source.device}，但本机没有 scanimage：请安装 sane-utils")
        try:
            done = run([program, "-d", source.device, "-A"], capture_output=True, timeout=timeout, check=False,
                       stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            return Check(Level.FAIL, name, f"扫描仪 {source.device} {timeout:g} 秒内没有应答：请检查连接和电源")
        if done.returncode != 0:
            return Check(Level.FAIL, name, scanner_problem(source.device, done.stderr.decode("utf-8", "replace")))
        return Check(Level.OK, name, f"扫描仪 {source.device} 可用（{source.resolution} dpi）")
    folder = source.folder
    if not folder.is_dir():
        return Check(Level.FAIL, name, f"找不到高拍仪文件夹 {folder}：请在高拍仪软件中设置保存位置，或改配置 "
                                       "capture.drop_folder")
    if _loose(folder):
        return Check(Level.WARN, name, f"高拍仪文件夹 {folder} 同组或其他用户可读写（扫描件是个人信息）：请执行 chmod 700")
    return Check(Level.OK, name, f"高拍仪文件夹 {folder} 可用")


def check_exchange(settings: Settings) -> Check:
    """跨域通办 (docs/exchange.md): this hall's SM2 key is there, private and valid, and the partners' keys read."""
    from clerk.exchange.errors import ExchangeError
    from clerk.exchange.keys import fingerprint, read_private_key, read_trusted

    name = "跨域通办"
    hall_id = settings.exchange.hall_id
    if not hall_id:
        return Check(Level.OK, name, "未设置 [exchange] hall_id：本大厅不办理跨域通办数据包")
    path = settings.exchange_key_file
    if not path.exists():
        return Check(Level.WARN, name, f"本大厅（{hall_id}）尚未生成 SM2 密钥：请运行 clerk exchange keygen")
    loose = _loose(path)
    try:
        pair = read_private_key(path)  # tightens a loose file it owns
        partners = read_trusted(settings.exchange_trusted_keys)
    except ExchangeError as exc:
        return Check(Level.FAIL, name, str(exc))
    said = f"本大厅 {hall_id}，公钥指纹 {fingerprint(pair.public_xy)}"
    if loose:
        return Check(Level.WARN, name, f"私钥文件 {path} 曾可被他人读取，已改为仅本用户可读：请考虑更换密钥（{said}）")
    if not partners:
        return Check(Level.WARN, name, f"{said}；尚未安装任何合作大厅的公钥（clerk exchange trust）")
    return Check(Level.OK, name, f"{said}；受信任的合作大厅 {len(partners)} 个：{'、'.join(sorted(partners))}")
