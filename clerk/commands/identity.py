"""``clerk check id|uscc|phone|mobile|postcode|waybill VALUE``: check one number."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

import clerk.identity as identity

if TYPE_CHECKING:
    from clerk.commands import Subcommands

_KINDS = {
    "id": ("check_resident_id", "居民身份证号码"),
    "uscc": ("check_uscc", "统一社会信用代码"),
    "phone": ("check_phone", "联系电话（手机或固定电话）"),
    "mobile": ("check_mobile", "手机号码"),
    "postcode": ("check_postcode", "邮政编码"),
    "waybill": ("check_waybill", "EMS 邮件号"),
}


def register(subparsers: Subcommands) -> None:
    parser = subparsers.add_parser(
        "check",
        help="校验证件号码、电话、邮编、邮件号",
        description="校验一个号码：通过时输出 ok 和规范化后的值（退出码 0），否则输出原因（退出码 1）。",
    )
    parser.add_argument(
        "kind",
        choices=sorted(_KINDS),
        metavar="KIND",
        help="; ".join(f"{k}={label}" for k, (_, label) in _KINDS.items()),
    )
    parser.add_argument("value", metavar="VALUE", help="要校验的号码（含空格时请加引号）")
    parser.set_defaults(handler=_check)


def _check(args: argparse.Namespace) -> int:
    result = getattr(identity, _KINDS[args.kind][0])(args.value)
    if result.ok:
        print(f"ok {result.value}")
        return 0
    print(result.reason)
    return 1
