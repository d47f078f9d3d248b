"""The password rule (等保: at least 8 characters from 3 of 4 classes), as a pure function.

Classes are ASCII upper-case letters, ASCII lower-case letters, ASCII digits,
and symbols (any other printable character, a Chinese character included).
Control characters are refused outright: they cannot be typed reliably at
every way in (terminal, browser, scanner) and hide what was typed.
"""

from __future__ import annotations

import string

MIN_LENGTH = 8
MAX_LENGTH = 128  # scrypt cost grows with the input; nobody types more
MIN_CLASSES = 3

CLASS_NAMES = ("大写字母", "小写字母", "数字", "符号")


def character_classes(password: str) -> set[str]:
    """The classes (names from ``CLASS_NAMES``) present in ``password``."""
    found: set[str] = set()
    for ch in password:
        if ch in string.ascii_uppercase:
            found.add(CLASS_NAMES[0])
        elif ch in string.ascii_lowercase:
            found.add(CLASS_NAMES[1])
        elif ch in string.digits:
            found.add(CLASS_NAMES[2])
        elif not ch.isspace() and not _is_control(ch):
            found.add(CLASS_NAMES[3])
    return found


def _is_control(ch: str) -> bool:
    """Control, format, unassigned characters and every blank but the plain space."""
    return not (ch.isprintable() or ch == " ")


def password_problems(password: str, *, clerk_id: str = "") -> list[str]:
    """Why ``password`` may not be used (empty when it may), each a Chinese sentence."""
    problems: list[str] = []
    if len(password) < MIN_LENGTH:
        problems.append(f"密码至少需要{MIN_LENGTH}个字符（现在 {len(password)} 个）")
    if len(password) > MAX_LENGTH:
        problems.append(f"密码最多{MAX_LENGTH}个字符")
    if any(_is_control(ch) for ch in password):
        problems.append("密码不能含有控制字符或特殊空白字符")
    classes = character_classes(password)
    if len(classes) < MIN_CLASSES:
        have = "、".join(name for name in CLASS_NAMES if name in classes) or "无"
        problems.append(f"密码须包含大写字母、小写字母、数字、符号中至少{MIN_CLASSES}类（现有：{have}）")
    if clerk_id and clerk_id.strip() and clerk_id.strip().lower() in password.lower():
        problems.append("密码不能包含工号")
    return problems


def change_problems(new: str, old: str, *, clerk_id: str = "") -> list[str]:
    """Why ``new`` may not replace ``old`` at a password change (empty when it may).

    The rule for every password plus: the new one differs from the old in more
    than letter case (``clerk123`` → ``Clerk123`` is the same password to a guesser).
    """
    problems = password_problems(new, clerk_id=clerk_id)
    if new == old:
        problems.append("新密码不能与原密码相同")
    elif new.casefold() == old.casefold():
        problems.append("新密码不能只是改变原密码的大小写")
    return problems
