"""Configuration in one typed place.

Read, in increasing priority, from built-in defaults, a TOML file
(``$CLERK_CONFIG`` or ``<user config dir>/clerk/clerk.toml``) and environment
variables (``CLERK_*``).  Everything here is plain data: no UI, no I/O beyond
reading the file.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields, replace
from functools import lru_cache
from pathlib import Path

import platformdirs

# The repository (or installed source tree) root: data/ and receipts/ live here.
PROJECT_ROOT = Path(__file__).resolve().parent.parent


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
class Settings:
    home: Path = field(default_factory=lambda: Path(platformdirs.user_data_dir("clerk")))
    database_url: str = ""  # empty: sqlite file inside ``home``
    catalog_dir: Path = PROJECT_ROOT / "data" / "catalog"
    calendar_dir: Path = PROJECT_ROOT / "data" / "calendar"
    receipts_dir: Path = PROJECT_ROOT / "receipts"
    timezone: str = "Asia/Shanghai"
    window: int | None = None
    printer: str = ""  # CUPS queue name for `lp -d`; empty: no printer, PDFs only
    print_command: str = ""  # alternative: a command taking the PDF path as last argument
    paper: str = "a4"  # a4 | a5 | roll
    font_path: str = ""  # fallback TrueType font for characters the shipped notice font lacks; "STSong-Light": CID
    scanner_prefix: str = ""  # prefix a barcode scanner sends before the case number
    hall: HallInfo = field(default_factory=HallInfo)
    # Security and multi-window settings shared by the hardening work.
    key_file: Path | None = None  # the hall key (HMAC of the audit chain, sealed visits)
    lockout_attempts: int = 5  # failed sign-ins before an account locks
    lockout_minutes: int = 15  # how long a locked account stays locked
    idle_lock_minutes: int = 10  # a window left alone this long locks its screen
    statement_timeout_seconds: float = 5.0  # a store call that takes longer is "not known yet"
    fallback_may_decide: bool = False  # may the fallback desk record back-office decisions
    progress_url: str = ""  # progress-query page; "{number}" becomes the case number; notices print a QR code

    @property
    def effective_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.home / 'clerk.db'}"

    @property
    def effective_key_file(self) -> Path:
        return self.key_file or self.home / "hall.key"


_ENV = {
    "CLERK_HOME": ("home", Path),
    "CLERK_DATABASE_URL": ("database_url", str),
    "CLERK_CATALOG_DIR": ("catalog_dir", Path),
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
}


class ConfigError(ValueError):
    """The configuration file or an environment variable is unusable."""


def config_path(env: dict[str, str] | None = None) -> Path:
    env = os.environ if env is None else env
    if env.get("CLERK_CONFIG"):
        return Path(env["CLERK_CONFIG"])
    return Path(platformdirs.user_config_dir("clerk")) / "clerk.toml"


def load_settings(env: dict[str, str] | None = None) -> Settings:
    """Build the settings from defaults, the TOML file and the environment."""
    env = dict(os.environ if env is None else env)
    settings = Settings()
    path = config_path(env)
    if path.is_file():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"配置文件 {path} 无法读取：{exc}") from exc
        settings = _apply_file(settings, data, path)
    for var, (name, kind) in _ENV.items():
        if env.get(var, "") != "":
            try:
                settings = replace(settings, **{name: kind(env[var])})
            except ValueError as exc:
                raise ConfigError(f"环境变量 {var} 的值无效：{env[var]!r}") from exc
    return settings


def _apply_file(settings: Settings, data: dict, path: Path) -> Settings:
    known = {f.name: f for f in fields(Settings)}
    changes: dict[str, object] = {}
    for key, value in data.items():
        if key == "hall":
            hall_known = {f.name for f in fields(HallInfo)}
            unknown = set(value) - hall_known
            if unknown:
                raise ConfigError(f"配置文件 {path}：[hall] 中有未知的设置 {sorted(unknown)}")
            changes["hall"] = replace(settings.hall, **value)
        elif key in known:
            default = getattr(settings, key)
            changes[key] = Path(value) if isinstance(default, Path) else value
        elif key == "keymap":
            continue  # read by the UI layer
        elif key == "complaints":
            continue  # read by clerk.catalog.complaint_categories
        else:
            raise ConfigError(f"配置文件 {path}：未知的设置 {key!r}")
    return replace(settings, **changes)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()
