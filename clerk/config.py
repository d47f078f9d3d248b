"""Configuration in one typed, validated place, read once.

Read, in increasing priority, from built-in defaults, a TOML file
(``$CLERK_CONFIG`` or ``<user config dir>/clerk/clerk.toml``) and environment
variables (``CLERK_*``).  Every value is checked here, before anything is
written: a bad one raises :class:`ConfigError` with one Chinese line naming the
setting, where it came from (``file:line`` or the variable) and what is allowed.
The ``[keymap]`` and ``[complaints]`` tables are checked here too (their
readers, ``clerk.tui.keymap`` and ``clerk.complaint_categories``, use them); a
``[keymap]`` id not in ``clerk.binding_ids`` is an error.

A named config file (``CLERK_CONFIG``) must exist; ``CLERK_CONFIG=/dev/null``
(``os.devnull``) means "no file".  Everything here is plain data: no UI, no I/O
beyond reading the file and looking at paths.
"""

from __future__ import annotations

import os
import re
import shlex
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import platformdirs

from clerk.binding_ids import BINDING_IDS, unknown_id_hint
from clerk.characters import refusal
from clerk.queue_spec import (
    DEFAULT_QUEUES,
    DEFAULT_WINDOW_QUEUES,
    QueueSpec,
    QueueSpecError,
    parse_queues,
    parse_window_queues,
)
from clerk.shipped import running_from_checkout, shipped_path
from clerk.tomlkeys import defines, lines_of

# The repository (or installed source tree) root.  Shipped data is found through
# clerk.shipped, never through this path.
PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _default_receipts_dir() -> Path:
    """``receipts/`` of the checkout; installed: the user's data folder."""
    if running_from_checkout():
        return PROJECT_ROOT / "receipts"
    return Path(platformdirs.user_data_dir("clerk")) / "receipts"


@dataclass(frozen=True)
class HallInfo:
    """What a printed notice says about the hall that issued it."""

    name: str = "示范区政务服务中心"
    code: str = "SF"  # short hall code used inside case numbers
    address: str = "示范区人民路1号政务服务中心一楼"
    enquiry_phone: str = "0531-12345678"
    complaint_phone: str = "12345"
    fallback_desk_phone: str = "0531-12345600"
    seal_caption: str = "受理专用章"


@dataclass(frozen=True)
class CaptureSettings:
    """The window's capture device (issue 26): the ``[capture]`` table.

    ``scanner`` is a SANE device name (``scanimage -L``; ``"test"`` is SANE's test backend),
    ``drop_folder`` the folder a document camera's software saves its pictures in.  With
    both set, ``source`` chooses (``"scanner"`` or ``"folder"``); with neither, pages come
    from files only.  Read by ``clerk.capture.sources.configured_source``.
    """

    source: str = ""  # "" (the one that is set; the scanner when both are) | "scanner" | "folder"
    scanner: str = ""  # SANE device, e.g. "test" or "epson2:libusb:001:004"
    resolution: int = 300  # dpi asked of the scanner
    scanner_options: str = ""  # more scanimage options, e.g. "--mode Color -x 210 -y 297"
    drop_folder: str = ""  # a document camera's save folder
    keep_camera_files: bool = False  # leave a picture in drop_folder once taken (default: removed, personal data)
    timeout_seconds: float = 30.0  # a scan, or the wait for the camera's picture, longer than this fails
    max_pages: int = 50  # pages of one material


@dataclass(frozen=True)
class ExchangeSettings:
    """跨域通办 (issue 29, docs/exchange.md): the ``[exchange]`` table.

    ``hall_id`` names this hall to its partners (6-digit 行政区划代码, "-", the hall's name);
    empty: this hall exchanges no packets.  ``key_file`` is this hall's SM2 private key
    (default ``<home>/exchange/sm2-private.key``), ``trusted_keys`` the folder of the partner
    halls' public keys the administrator installs (default ``<home>/exchange/trusted``).
    """

    hall_id: str = ""
    key_file: Path | None = None
    trusted_keys: Path | None = None


def _default_home() -> Path:
    return Path(platformdirs.user_data_dir("clerk"))


@dataclass(frozen=True, kw_only=True)
class Settings:
    """Every setting, checked.  Read them with :func:`get_settings` (or :func:`load_settings`
    for a given environment): the loader honours the config file and every ``CLERK_*`` variable.

    ``Settings.defaults(**overrides)`` is the built-in defaults alone, ignoring the machine's
    configuration: for tests and tools whose output must not depend on it.  ``home`` has no
    default, so a bare ``Settings()`` is an error instead of silently meaning "defaults without
    the environment"; construction is keyword-only.
    """

    home: Path
    database_url: str = ""  # empty: sqlite file inside ``home``
    catalog_dir: Path = field(default_factory=lambda: shipped_path("catalog"))
    cross_region_dir: Path | None = None  # 跨域通办: other regions' items; None: the shipped list
    calendar_dir: Path = field(default_factory=lambda: shipped_path("calendar"))
    receipts_dir: Path = field(default_factory=_default_receipts_dir)
    timezone: str = "Asia/Shanghai"
    window: int | None = None
    printer: str = ""  # CUPS queue name for `lp -d`; empty: no printer, PDFs only
    print_command: str = ""  # alternative: a command taking the PDF path as last argument
    paper: str = "a4"  # a4 | a5 | roll
    font_path: str = ""  # fallback TrueType font for characters the shipped notice font lacks; "STSong-Light": CID
    scanner_prefix: str = ""  # prefix a barcode scanner sends before the case number
    hall: HallInfo = field(default_factory=HallInfo)
    capture: CaptureSettings = field(default_factory=CaptureSettings)  # [capture]: scanner or document camera
    exchange: ExchangeSettings = field(default_factory=ExchangeSettings)  # [exchange]: 跨域通办 packets
    # Security and multi-window settings.
    key_file: Path | None = None  # the hall key (HMAC of the audit chain, sealed visits)
    lockout_attempts: int = 5  # failed sign-ins before an account locks
    lockout_minutes: int = 15  # how long a locked account stays locked
    idle_lock_minutes: int = 10  # a window left alone this long locks its screen
    statement_timeout_seconds: float = 5.0  # a store call that takes longer is "not known yet"
    repeat_visit_minutes: int = 30  # same applicant and item saved this recently: the confirmation warns (0: never)
    fallback_may_decide: bool = False  # may the fallback desk record back-office decisions
    progress_url: str = ""  # progress-query page; "{number}" becomes the case number; notices print a QR code
    # The file's [keymap] and [complaints.categories] tables, checked with everything else
    # (read through clerk.tui.keymap.keymap_from_settings / clerk.complaint_categories.categories_for).
    keymap: tuple[tuple[str, str], ...] = ()  # (binding id, keys)
    complaint_categories: tuple[tuple[str, int, str], ...] = ()  # (name, working days, hint); empty: shipped
    seat_stale_minutes: int = 3  # a seat without a heartbeat this long is 离线: taken without a question
    # Tickets and calling (docs/tickets.md): [[queues]] and [window_queues] in the file.
    queues: tuple[QueueSpec, ...] = DEFAULT_QUEUES
    window_queues: dict[int, tuple[str, ...]] = field(default_factory=lambda: dict(DEFAULT_WINDOW_QUEUES), hash=False)
    hall_windows: int = 0  # windows in the hall, for `clerk doctor`'s daily_cap check; 0: the highest window named
    priority_max_wait_minutes: int = 30  # an ordinary ticket never waits longer than this behind priority ones
    no_show_recall_minutes: int = 30  # a no-show may be called once more within this time
    appointment_grace_minutes: int = 15  # check-in accepted this long before/after the half-day slot
    announce_command: str = ""  # run with the Chinese call text as its last argument (no shell); "": none
    wait_alert_minutes: int = 45  # the supervisor's 排队叫号 screen alerts when someone waits longer than this
    # ``clerk serve``: the address browsers open (https://看板.大厅.gov.cn); its origin is the only one
    # the gate accepts; required to serve on a non-loopback address.  "": loopback only.
    serve_public_url: str = ""
    # Material files (issue 26, docs/security.md "Material files"): the command that opens a scan's PDF
    # (the PDF's path is its last argument) and how long the bytes of a closed case are kept by
    # ``clerk db purge-materials`` without ``--before`` (0: until a date is given).
    material_viewer: str = "xdg-open"
    material_retention_days: int = 0

    @classmethod
    def defaults(cls, **overrides: Any) -> Settings:
        """The built-in defaults with ``overrides``, ignoring the config file and ``CLERK_*``."""
        return cls(**{"home": _default_home(), **overrides})

    @property
    def effective_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.home / 'clerk.db'}"

    @property
    def effective_key_file(self) -> Path:
        return self.key_file or self.home / "hall.key"

    @property
    def cross_region_catalog(self) -> Path | None:
        """The other regions' items (跨省通办 list): the configured folder, else the shipped one
        when this installation has it."""
        if self.cross_region_dir is not None:
            return self.cross_region_dir
        shipped = shipped_path("cross_region")
        return shipped if shipped.is_dir() else None

    @property
    def exchange_key_file(self) -> Path:
        """This hall's SM2 private key (跨域通办)."""
        return self.exchange.key_file or self.home / "exchange" / "sm2-private.key"

    @property
    def exchange_trusted_keys(self) -> Path:
        """The folder of the partner halls' SM2 public keys."""
        return self.exchange.trusted_keys or self.home / "exchange" / "trusted"


_ENV = {
    "CLERK_HOME": ("home", Path),
    "CLERK_DATABASE_URL": ("database_url", str),
    "CLERK_CATALOG_DIR": ("catalog_dir", Path),
    "CLERK_CROSS_REGION_DIR": ("cross_region_dir", Path),
    "CLERK_CALENDAR_DIR": ("calendar_dir", Path),
    "CLERK_RECEIPTS_DIR": ("receipts_dir", Path),
    "CLERK_TIMEZONE": ("timezone", str),
    "CLERK_WINDOW": ("window", int),
    "CLERK_PRINTER": ("printer", str),
    "CLERK_PRINT_COMMAND": ("print_command", str),
    "CLERK_PAPER": ("paper", str),
    "CLERK_FONT": ("font_path", str),
    "CLERK_PROGRESS_URL": ("progress_url", str),
    "CLERK_SCANNER_PREFIX": ("scanner_prefix", str),
    "CLERK_KEY_FILE": ("key_file", Path),
    "CLERK_LOCKOUT_ATTEMPTS": ("lockout_attempts", int),
    "CLERK_LOCKOUT_MINUTES": ("lockout_minutes", int),
    "CLERK_IDLE_LOCK_MINUTES": ("idle_lock_minutes", int),
    "CLERK_STATEMENT_TIMEOUT": ("statement_timeout_seconds", float),
    "CLERK_REPEAT_VISIT_MINUTES": ("repeat_visit_minutes", int),
    "CLERK_FALLBACK_MAY_DECIDE": ("fallback_may_decide", bool),
    "CLERK_SEAT_STALE_MINUTES": ("seat_stale_minutes", int),
    "CLERK_HALL_WINDOWS": ("hall_windows", int),
    "CLERK_PRIORITY_MAX_WAIT": ("priority_max_wait_minutes", int),
    "CLERK_NO_SHOW_RECALL_MINUTES": ("no_show_recall_minutes", int),
    "CLERK_APPOINTMENT_GRACE": ("appointment_grace_minutes", int),
    "CLERK_ANNOUNCE_COMMAND": ("announce_command", str),
    "CLERK_WAIT_ALERT_MINUTES": ("wait_alert_minutes", int),
    "CLERK_SERVE_PUBLIC_URL": ("serve_public_url", str),
    "CLERK_MATERIAL_VIEWER": ("material_viewer", str),
    "CLERK_MATERIAL_RETENTION_DAYS": ("material_retention_days", int),
}


class ConfigError(ValueError):
    """The configuration file or an environment variable is unusable."""


class _Bad(ValueError):
    """A value is not allowed; the text says what is."""


def config_path(env: Mapping[str, str] | None = None) -> Path:
    env = os.environ if env is None else env
    if env.get("CLERK_CONFIG"):
        return Path(env["CLERK_CONFIG"])
    return Path(platformdirs.user_config_dir("clerk")) / "clerk.toml"


# -- value checks: raw value (TOML value or variable text) -> typed value ------

def _text(raw: object, *, max_len: int = 200, allowed: str = "") -> str:
    """A string setting under the one text rule (``clerk.characters``): the reason names the character."""
    if not isinstance(raw, str):
        raise _Bad(allowed or "应为字符串（用引号括起）")
    refused = refusal("", raw)
    if refused is not None:
        raise _Bad(refused)
    if len(raw) > max_len:
        raise _Bad(allowed or f"应为不超过 {max_len} 个字符的字符串")
    return raw


def _path(raw: object) -> Path:
    text = _text(raw, max_len=4096, allowed="应为文件或文件夹路径（字符串）")
    if not text.strip():
        raise _Bad("路径不能为空")
    return _expand(text)


def _expand(text: str) -> Path:
    try:
        return Path(text).expanduser()
    except RuntimeError:  # "~name" of a user that does not exist
        raise _Bad(f"应为可用的路径，无法展开 {text.split('/')[0]}（没有这个用户）") from None


def _blocked_by_file(path: Path) -> Path | None:
    """The first part of ``path`` that exists but is not a folder (a folder can't go there)."""
    for parent in reversed(path.parents):
        try:
            if parent.exists() and not parent.is_dir():
                return parent
        except OSError:
            return parent
    return None


def _folder_to_create(raw: object) -> Path:
    path = _path(raw)
    blocker = _blocked_by_file(path)
    if blocker is not None or (path.exists() and not path.is_dir()):
        raise _Bad(f"应为文件夹，但 {blocker or path} 是文件")
    return path


def _existing_folder(raw: object) -> Path:
    path = _path(raw)
    if not path.is_dir():
        raise _Bad(f"应为已存在的文件夹，找不到 {path}" if not path.exists() else f"应为文件夹，{path} 是文件")
    return path


def _existing_catalog(raw: object) -> Path:
    path = _path(raw)
    if not path.exists():
        raise _Bad(f"应为已存在的事项目录文件夹（或单个 YAML 文件），找不到 {path}")
    return path


def _file_path(raw: object) -> Path:
    path = _path(raw)
    blocker = _blocked_by_file(path)
    if blocker is not None or path.is_dir():
        raise _Bad(f"应为文件路径，但 {blocker or path} " + ("是文件" if blocker else "是文件夹"))
    return path


def _integer(low: int, high: int) -> Callable[[object], int]:
    def check(raw: object) -> int:
        allowed = f"应为 {low} 至 {high} 之间的整数"
        if isinstance(raw, bool):
            raise _Bad(allowed)
        if isinstance(raw, str):
            if not re.fullmatch(r"\s*[+-]?\d{1,12}\s*", raw):
                raise _Bad(allowed)
            raw = int(raw)
        if not isinstance(raw, int) or not low <= raw <= high:
            raise _Bad(allowed)
        return raw

    return check


def _seconds(raw: object) -> float:
    allowed = "应为 0.1 至 600 之间的秒数"
    if isinstance(raw, bool):
        raise _Bad(allowed)
    if isinstance(raw, str):
        try:
            raw = float(raw)
        except ValueError:
            raise _Bad(allowed) from None
    if not isinstance(raw, int | float) or not 0.1 <= raw <= 600:  # also rejects nan
        raise _Bad(allowed)
    return float(raw)


def _boolean(raw: object) -> bool:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, str):
        word = raw.strip().lower()
        if word in {"1", "true", "yes", "on", "是"}:
            return True
        if word in {"0", "false", "no", "off", "否"}:
            return False
    raise _Bad("应为 true 或 false")


def _timezone(raw: object) -> str:
    allowed = "应为 IANA 时区名，例如 Asia/Shanghai"
    name = _text(raw, max_len=64, allowed=allowed)
    try:
        ZoneInfo(name)
    except Exception:  # ZoneInfoNotFoundError, ValueError, IsADirectoryError…
        raise _Bad(allowed) from None
    return name


def _paper(raw: object) -> str:
    allowed = "应为 a4、a5 或 roll"
    value = _text(raw, max_len=8, allowed=allowed).strip().lower()
    if value not in {"a4", "a5", "roll"}:
        raise _Bad(allowed)
    return value


def _printer(raw: object) -> str:
    allowed = "应为 CUPS 打印队列名（字母、数字、-、_、.，不含空格），留空表示不接打印机"
    value = _text(raw, max_len=127, allowed=allowed)
    if value and not re.fullmatch(r"[A-Za-z0-9_.\-@]+", value):
        raise _Bad(allowed)
    return value


def _print_command(raw: object) -> str:
    value = _text(raw, max_len=1000)
    try:
        shlex.split(value)
    except ValueError:
        raise _Bad("应为一条命令（引号须成对）") from None
    return value


def _font(raw: object) -> str:
    value = _text(raw, max_len=4096)
    spec = value.strip()
    if spec and spec.lower() not in {"stsong-light", "cid"}:
        file = spec.split("#", 1)[0]
        if not _expand(file).is_file():
            raise _Bad(f"应为已存在的 TrueType 字体文件（或 STSong-Light），找不到 {file}")
    return value


def _database_url(raw: object) -> str:
    allowed = "应为 sqlite:///文件路径 或 postgresql+psycopg://用户@主机/库名，留空表示使用 home 下的 clerk.db"
    value = _text(raw, max_len=2000, allowed=allowed).strip()
    if not value:
        return ""
    scheme = value.split(":", 1)[0].lower()
    if scheme == "sqlite":
        if not value.startswith("sqlite:///"):
            raise _Bad(allowed)
        database = value[len("sqlite:///"):].split("?", 1)[0]
        if not database or database == ":memory:" or "mode=memory" in value:
            raise _Bad("不能使用内存数据库（案件会随程序退出而丢失）；" + allowed)
        path = _expand(database)
        if path.is_dir():
            raise _Bad(f"{path} 是文件夹，应为数据库文件；" + allowed)
        blocker = _blocked_by_file(path)
        if blocker is not None:
            raise _Bad(f"{blocker} 是文件，不能在其下存放数据库；" + allowed)
        return value
    if scheme in {"postgresql", "postgres", "postgresql+psycopg"}:
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import ArgumentError

        try:
            url = make_url(value)
        except (ArgumentError, ValueError):
            raise _Bad(allowed) from None
        if not url.database:
            raise _Bad("缺少数据库名；" + allowed)
        # Plain postgresql:// would pick psycopg2, which clerk does not install.
        return url.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    raise _Bad(allowed)


def _window(raw: object) -> int | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    return _integer(1, 999)(raw)


def _hall_code(raw: object) -> str:
    allowed = "应为 1 至 8 位大写字母或数字（用于受理编号）"
    value = _text(raw, max_len=8, allowed=allowed).strip().upper()
    if not re.fullmatch(r"[A-Z0-9]{1,8}", value):
        raise _Bad(allowed)
    return value


def _hall_text(raw: object) -> str:
    value = _text(raw, max_len=100, allowed="应为 1 至 100 个字符的字符串")
    if not value.strip():
        raise _Bad("不能为空")
    return value


def _progress_url(raw: object) -> str:
    allowed = "应为空，或以 http:// 或 https:// 开头的网址（{number} 处填入受理编号）"
    value = _text(raw, max_len=500, allowed=allowed).strip()
    if value and not re.match(r"https?://[^\s]+$", value):
        raise _Bad(allowed)
    return value


def public_origin(url: str) -> str:
    """The origin (``scheme://host[:port]``, lower case, default port left out) of ``clerk serve``'s
    public address; ``ValueError`` (Chinese) unless it is an http(s) address with a host and
    no user, query or fragment."""
    allowed = "应为浏览器访问看板的地址，如 https://kanban.example.gov.cn 或 http://10.0.0.5:8000"
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        raise ValueError(allowed) from None
    if (parts.scheme.lower() not in ("http", "https") or not parts.hostname or parts.username is not None
            or parts.query or parts.fragment or re.search(r"\s", url.strip())):
        raise ValueError(allowed)
    scheme, host = parts.scheme.lower(), parts.hostname.lower()
    if ":" in host:  # IPv6
        host = f"[{host}]"
    default = {"http": 80, "https": 443}[scheme]
    return f"{scheme}://{host}" + (f":{port}" if port is not None and port != default else "")


def _serve_public_url(raw: object) -> str:
    value = _text(raw, max_len=500).strip().rstrip("/")
    if value:
        try:
            public_origin(value)
        except ValueError as exc:
            raise _Bad(str(exc)) from None
    return value


_CHECKS: dict[str, Callable[[object], object]] = {
    "home": _folder_to_create,
    "database_url": _database_url,
    "catalog_dir": _existing_catalog,
    "cross_region_dir": _existing_catalog,
    "calendar_dir": _existing_folder,
    "receipts_dir": _folder_to_create,
    "timezone": _timezone,
    "window": _window,
    "printer": _printer,
    "print_command": _print_command,
    "paper": _paper,
    "font_path": _font,
    "scanner_prefix": lambda raw: _text(raw, max_len=16),
    "key_file": _file_path,
    "lockout_attempts": _integer(1, 100),
    "lockout_minutes": _integer(1, 1440),
    "idle_lock_minutes": _integer(0, 480),
    "statement_timeout_seconds": _seconds,
    "repeat_visit_minutes": _integer(0, 1440),
    "fallback_may_decide": _boolean,
    "progress_url": _progress_url,
    "seat_stale_minutes": _integer(1, 1440),
    "hall_windows": _integer(0, 999),
    "priority_max_wait_minutes": _integer(1, 480),
    "no_show_recall_minutes": _integer(0, 480),
    "appointment_grace_minutes": _integer(0, 240),
    "announce_command": _print_command,
    "wait_alert_minutes": _integer(1, 480),
    "serve_public_url": _serve_public_url,
    "material_viewer": _print_command,
    "material_retention_days": _integer(0, 36500),
}

_HALL_CHECKS: dict[str, Callable[[object], str]] = {
    f.name: (_hall_code if f.name == "code" else _hall_text) for f in fields(HallInfo)
}


# -- reading ------------------------------------------------------------------


def _show(raw: object) -> str:
    text = repr(raw)
    return text if len(text) <= 60 else text[:57] + "…"


class _Source:
    """The config file's text, to name ``file:line`` of a key."""

    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.lines = lines_of(text)

    def where(self, key: str, section: str = "", table: int = 1) -> str:
        """``file:line`` of ``key`` in ``section`` (its ``table``-th ``[[section]]``), else the file."""
        current, seen = "", 0
        for number, line in enumerate(self.lines, 1):
            header = re.match(r"\s*\[+\s*([^\]]+?)\s*\]+", line)
            if header:
                current = header.group(1)
                seen += current == section
                continue
            if current == section and (not section or seen == table) and defines(line, key):
                return f"{self.path}:{number}"
        return str(self.path)


def _bad(setting: str, raw: object, where: str, reason: str) -> ConfigError:
    return ConfigError(f"设置 {setting} 的值 {_show(raw)} 无效（{where}）：{reason}")


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Build the settings from defaults, the TOML file and the environment."""
    env = dict(os.environ if env is None else env)
    changes: dict[str, Any] = {}
    path = config_path(env)
    named = bool(env.get("CLERK_CONFIG"))
    if named and str(path) == os.devnull:
        pass  # explicitly no file
    elif path.is_file():
        changes = _read_file(path)
    elif path.exists():
        raise ConfigError(f"配置文件 {path} 不是文件（来自环境变量 CLERK_CONFIG）")
    elif named:
        raise ConfigError(f"配置文件 {path} 不存在（来自环境变量 CLERK_CONFIG）；不使用配置文件请设为 {os.devnull}")
    for var, (name, _kind) in _ENV.items():
        raw = env.get(var, "")
        if raw == "":
            continue
        try:
            changes[name] = _CHECKS[name](raw)
        except _Bad as exc:
            raise _bad(name, raw, f"来自环境变量 {var}", str(exc)) from None
    return Settings.defaults(**changes)


def _read_file(path: Path) -> dict[str, Any]:
    try:
        text = path.read_bytes().decode("utf-8-sig")  # Notepad writes a BOM
    except UnicodeDecodeError:
        raise ConfigError(f"配置文件 {path} 无法读取：不是 UTF-8 编码的文本") from None
    except OSError as exc:
        raise ConfigError(f"配置文件 {path} 无法读取：{exc.strerror or exc}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"配置文件 {path} 无法读取：TOML 格式错误（{' '.join(str(exc).split())}）") from None
    except RecursionError:  # tomllib parses nested arrays and tables recursively
        raise ConfigError(f"配置文件 {path} 无法读取：数组或表嵌套层数过多，不是 clerk 的设置") from None
    return _apply_file(data, _Source(path, text))


def _apply_file(data: Mapping[str, Any], source: _Source) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    for key, value in data.items():
        if key == "hall":
            changes["hall"] = _hall(value, source)
        elif key == "keymap":
            changes["keymap"] = _check_keymap(value, source)
        elif key == "capture":
            changes["capture"] = _capture(value, source)
        elif key == "exchange":
            changes["exchange"] = replace(ExchangeSettings(),
                                          **_checked_table(value, "exchange", _EXCHANGE_CHECKS, source))
        elif key == "complaints":
            changes["complaint_categories"] = _check_complaints(value, source)
        elif key in ("queues", "window_queues"):
            continue  # after the loop: window_queues names the queues' prefixes
        elif key in _CHECKS:
            try:
                changes[key] = _CHECKS[key](value)
            except _Bad as exc:
                raise _bad(key, value, source.where(key), str(exc)) from None
        else:
            raise ConfigError(f"配置文件 {source.where(key)}：未知的设置 {key!r}"
                              f"（可用：{'、'.join(_CHECKS)}、[hall]、[capture]、[exchange]、[keymap]、[complaints]、[[queues]]、"
                              "[window_queues]）")
    if "queues" in data or "window_queues" in data:
        changes.update(_check_queues(data, source))
    return changes


def _check_queues(data: Mapping[str, Any], source: _Source) -> dict[str, Any]:
    try:
        queues = parse_queues(data["queues"], source) if "queues" in data else DEFAULT_QUEUES
        prefixes = {q.prefix for q in queues}
        if "window_queues" in data:
            windows = parse_window_queues(data["window_queues"], prefixes, source)
        else:  # the default map, minus queues this hall does not have
            windows = {w: tuple(p for p in ps if p in prefixes) for w, ps in DEFAULT_WINDOW_QUEUES.items()}
            windows = {w: ps for w, ps in windows.items() if ps}
    except QueueSpecError as exc:
        raise ConfigError(str(exc)) from None
    return {"queues": queues, "window_queues": windows}


def _table(value: object, name: str, source: _Source) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise ConfigError(f"配置文件 {source.where(name)}：{name} 应为一个表（[{name}]）")
    return value


def _checked_table(value: object, name: str, checks: Mapping[str, Callable[[object], Any]],
                   source: _Source) -> dict[str, Any]:
    """The ``[name]`` table's settings, each through its check; an unknown key or a bad value is a
    ``ConfigError`` naming where it was set."""
    table = _table(value, name, source)
    unknown = set(table) - set(checks)
    if unknown:
        raise ConfigError(f"配置文件 {source.path}：[{name}] 中有未知的设置 {sorted(unknown)}"
                          f"（可用：{'、'.join(checks)}）")
    checked: dict[str, Any] = {}
    for key, raw in table.items():
        try:
            checked[key] = checks[key](raw)
        except _Bad as exc:
            raise _bad(f"{name}.{key}", raw, source.where(key, name), str(exc)) from None
    return checked


def _hall(value: object, source: _Source) -> HallInfo:
    return replace(HallInfo(), **_checked_table(value, "hall", _HALL_CHECKS, source))


def _capture_source(raw: object) -> str:
    value = _text(raw, max_len=10)
    if value not in ("", "scanner", "folder"):
        raise _Bad("应为 scanner（扫描仪）或 folder（高拍仪保存文件夹）")
    return value


def _sane_device(raw: object) -> str:
    value = _text(raw, max_len=200)
    if value and not re.fullmatch(r"[A-Za-z0-9_.:/\-@+=,]+", value):
        raise _Bad("应为 scanimage -L 列出的设备名，例如 test 或 epson2:libusb:001:004")
    return value


def _scanner_options(raw: object) -> str:
    value = _text(raw, max_len=300)
    try:
        words = shlex.split(value)
    except ValueError as exc:
        raise _Bad(f"无法拆分为命令参数：{exc}") from None
    for word in words:
        if word.split("=", 1)[0] in ("-d", "--device-name", "-o", "--output-file", "--format", "-b", "--batch"):
            raise _Bad(f"{word} 由 clerk 自己设置，请使用 scanner、resolution 等设置")
    return value


def _drop_folder(raw: object) -> str:
    """A folder, not necessarily there yet (the camera's software may make it): the first capture says so."""
    text = _text(raw, max_len=400)
    return str(_folder_to_create(text)) if text else ""


_CAPTURE_CHECKS: dict[str, Callable[[object], object]] = {
    "source": _capture_source,
    "scanner": _sane_device,
    "resolution": _integer(75, 1200),
    "scanner_options": _scanner_options,
    "drop_folder": _drop_folder,
    "keep_camera_files": _boolean,
    "timeout_seconds": _seconds,
    "max_pages": _integer(1, 500),
}


def _capture(value: object, source: _Source) -> CaptureSettings:
    settings = replace(CaptureSettings(), **_checked_table(value, "capture", _CAPTURE_CHECKS, source))
    if settings.source == "scanner" and not settings.scanner:
        raise ConfigError(f"配置文件 {source.where('source', 'capture')}：capture.source = \"scanner\" 需要设置 capture.scanner")
    if settings.source == "folder" and not settings.drop_folder:
        raise ConfigError(f"配置文件 {source.where('source', 'capture')}：capture.source = \"folder\" 需要设置 "
                          "capture.drop_folder")
    return settings


def _exchange_hall_id(raw: object) -> str:
    value = _text(raw, max_len=47).strip()
    if value and not re.fullmatch(r"[1-9]\d{5}-[^\s/\\]{1,40}", value):
        raise _Bad("应为6位行政区划代码、“-”和大厅名称（不含空格和斜杠），例如 370171-高新区政务服务中心；留空表示不办理跨域通办")
    return value


_EXCHANGE_CHECKS: dict[str, Callable[[object], object]] = {
    "hall_id": _exchange_hall_id,
    "key_file": _file_path,
    "trusted_keys": _folder_to_create,
}


def _check_keymap(value: object, source: _Source) -> tuple[tuple[str, str], ...]:
    pairs = []
    for binding_id, keys in _table(value, "keymap", source).items():
        refused = refusal("", keys) if isinstance(keys, str) else None
        if not isinstance(keys, str) or not keys.strip() or refused is not None:
            raise _bad(f"keymap.{binding_id}", keys, source.where(binding_id, "keymap"),
                       refused or "应为非空的按键名字符串，多个按键用逗号分隔，例如 \"f12\" 或 \"1,space\"")
        if binding_id not in BINDING_IDS:
            raise ConfigError(f"设置 keymap.{binding_id} 无效（{source.where(binding_id, 'keymap')}）："
                              f"{unknown_id_hint(binding_id)}")
        pairs.append((binding_id, keys))
    return tuple(pairs)


def _check_complaints(value: object, source: _Source) -> tuple[tuple[str, int, str], ...]:
    table = _table(value, "complaints", source)
    unknown = set(table) - {"categories"}
    if unknown:
        raise ConfigError(f"配置文件 {source.path}：[complaints] 中有未知的设置 {sorted(unknown)}"
                          "（可用：[complaints.categories]）")
    if "categories" in table:
        from clerk.complaint_categories import CategoryError, parse_categories

        categories = _table(table["categories"], "complaints.categories", source)
        try:
            parsed = parse_categories(categories, str(source.path),
                                      lambda name: source.where(name, "complaints.categories"))
        except CategoryError as exc:
            raise ConfigError(str(exc)) from None
        return tuple((c.name, c.days, c.hint) for c in parsed.values())
    return ()


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()
