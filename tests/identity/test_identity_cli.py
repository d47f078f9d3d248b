"""``clerk check KIND VALUE`` and the core-without-UI rule."""

from __future__ import annotations

import argparse
import subprocess
import sys

import pytest

from clerk.commands import identity as cli


def run(argv, capsys):
    parser = argparse.ArgumentParser(prog="clerk")
    cli.register(parser.add_subparsers())
    args = parser.parse_args(argv)
    return args.handler(args), capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "code", "out"),
    [
        (["id", "11010519491231002x"], 0, "ok 11010519491231002X\n"),
        (["id", "110105194912310025"], 1, "校验位应为 X，当前为 5\n"),
        (["uscc", "91350100M000100Y43"], 0, "ok 91350100M000100Y43\n"),
        (["phone", "+86 138 1234 5678"], 0, "ok 13812345678\n"),
        (["phone", "(0531)8888 8888"], 0, "ok 0531-88888888\n"),
        (["postcode", "95000"], 1, "邮政编码应为6位数字，当前为 95000\n"),
        (["waybill", "EA123456785CN"], 0, "ok EA123456785CN\n"),
    ],
)
def test_check_command(capsys, argv, code, out):
    assert run(["check", *argv], capsys) == (code, out)


def test_unknown_kind_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exited:
        run(["check", "passport", "E123"], capsys)
    assert exited.value.code == 2


def test_core_packages_do_not_import_a_ui_library():
    code = (
        "import sys, clerk.identity, clerk.commands.identity, clerk.calendar, clerk.commands.calendar;"
        "bad = [m for m in ('textual', 'rich') if m in sys.modules]; print(bad); sys.exit(bool(bad))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
