"""Clerk accounts: roles and scrypt password hashes (hashlib.scrypt, no extra library)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from dataclasses import dataclass
from enum import StrEnum

from clerk.identity.text import CLERK_ID_MAX, PERSON_NAME_MAX, text_problems

# scrypt cost: n=2**14, r=8, p=1 (16 MiB, ~50 ms) — the interactive-login
# parameters recommended by the scrypt paper.
_N, _R, _P = 2**14, 8, 1


class Role(StrEnum):
    WINDOW = "window"  # 综合受理窗口
    FALLBACK = "fallback"  # 兜底窗口
    MAILROOM = "mailroom"  # EMS工作站
    SUPERVISOR = "supervisor"  # 大厅管理
    ADMIN = "admin"  # 系统管理员
    BACKOFFICE = "backoffice"  # 后台审批/出件 (records the department's decisions)

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.WINDOW: "综合受理窗口",
    Role.FALLBACK: "兜底窗口",
    Role.MAILROOM: "EMS工作站",
    Role.SUPERVISOR: "大厅管理",
    Role.ADMIN: "系统管理员",
    Role.BACKOFFICE: "后台审批/出件",
}


@dataclass(frozen=True)
class ClerkUser:
    """A logged-in clerk as the service layer sees it."""

    id: str
    name: str
    role: Role


def account_text_problems(clerk_id: str, name: str) -> list[str]:
    """Why a new account's 工号 and 姓名 cannot be stored (the one text rule, their columns' lengths)."""
    found = text_problems((clerk_id, "工号", CLERK_ID_MAX), (name, "姓名", PERSON_NAME_MAX))
    if not found and any(ch.isspace() for ch in clerk_id.strip()):
        found.append("工号不能含空格")
    return found


def hash_password(password: str, *, salt: bytes | None = None) -> str:
    salt = salt or os.urandom(16)
    key = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    b64 = base64.b64encode
    return f"scrypt${_N}${_R}${_P}${b64(salt).decode()}${b64(key).decode()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, key = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(key)
        actual = hashlib.scrypt(
            password.encode("utf-8"),
            salt=base64.b64decode(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            dklen=len(expected),
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


def parse_role(text: str) -> Role:
    """A role from its English id or Chinese label; ValueError with a Chinese reason."""
    for role in Role:
        if text.strip() in (role.value, role.label):
            return role
    names = "、".join(f"{r.value}（{r.label}）" for r in Role)
    raise ValueError(f"未知角色“{text}”，可选：{names}")
