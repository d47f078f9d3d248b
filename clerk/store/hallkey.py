"""The hall key: a secret kept outside the database.

It keys the audit chain (HMAC) and seals visits kept on a window's disk, so that
nobody with write access to the database or the state folder alone can forge
either.  ``clerk setup`` creates it (32 random bytes, hex, mode 0600); every
window of a hall that shares one store needs a copy of the same file.
"""

from __future__ import annotations

import hmac
import os
import secrets
from pathlib import Path

from clerk.config import Settings

KEY_BYTES = 32
_LABEL = b"clerk hall key fingerprint"


class HallKeyError(RuntimeError):
    """The hall key is missing, unreadable or damaged (message in Chinese)."""


def fingerprint(key: bytes) -> str:
    """A public name of the key (HMAC of a fixed label: says nothing about the key)."""
    return hmac.new(key, _LABEL, "sha256").hexdigest()


def short(fingerprint_hex: str) -> str:
    """The first 16 hex digits in groups of four, as printed for people."""
    head = fingerprint_hex[:16]
    return " ".join(head[i:i + 4] for i in range(0, len(head), 4))


def key_path(settings: Settings) -> Path:
    return settings.effective_key_file


def ensure_hall_key(settings: Settings) -> tuple[Path, bool]:
    """Create the key file if there is none; returns (path, created)."""
    path = key_path(settings)
    if path.exists():
        load_hall_key(settings)  # an existing file must be a good key
        return path, False
    return path, _create(path)


def local_key(settings: Settings) -> bytes:
    """The key of what this machine seals for itself: its kept and half-entered visits, and
    the sign-in tickets ``clerk serve`` hands its own children.

    A machine that has the hall key file keeps using it (files kept by earlier releases stay
    readable).  A window that needs no hall key (PostgreSQL sealing the chain itself) seals with
    a key of its own, ``window.key`` beside where the hall key would be, made on first use
    (0600): the state folder alone is not enough to forge a kept visit, and the hall's key
    never has to be copied to the window.
    """
    own = window_key_path(settings)
    if not own.exists() and key_path(settings).exists():
        return load_hall_key(settings)
    _create(own)
    return load_hall_key(settings, own)


def window_key_path(settings: Settings) -> Path:
    return key_path(settings).with_name("window.key")


def _create(path: Path) -> bool:
    if path.exists():
        return False
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as out:
            out.write(secrets.token_hex(KEY_BYTES) + "\n")
    except FileExistsError:
        return False  # another process of this window made it first
    except OSError as exc:
        raise HallKeyError(f"无法创建密钥文件 {path}：{exc.strerror or exc}") from exc
    return True


def load_hall_key(settings: Settings, path: Path | None = None) -> bytes:
    """The key's bytes; HallKeyError says clearly what is wrong."""
    path = path or key_path(settings)
    try:
        text = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        raise HallKeyError(
            f"找不到大厅密钥文件 {path}：请运行 clerk setup 创建，"
            "或从本大厅其他窗口复制同一密钥文件（设置 key_file）"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise HallKeyError(f"无法读取大厅密钥文件 {path}：{exc}") from exc
    try:
        key = bytes.fromhex(text)
    except ValueError:
        key = b""
    if len(key) != KEY_BYTES:
        raise HallKeyError(f"大厅密钥文件 {path} 已损坏：应为 {KEY_BYTES * 2} 位十六进制数")
    return key
