"""Random values for every setting and for command arguments: never a traceback.

For each setting, from the file and from its ``CLERK_*`` variable, any value
either loads or raises ``ConfigError`` with one line naming the setting, where
it came from and what is allowed.  Random command arguments end in one line
and an exit status of 0, 1 or 2, never in the "internal error" line.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import fields, replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from clerk.cli import main
from clerk.config import _ENV, ConfigError, HallInfo, Settings, load_settings

FILE_SETTINGS = [f.name for f in fields(Settings) if f.name != "hall"]
HALL_SETTINGS = [f.name for f in fields(HallInfo)]
VARIABLES = sorted(_ENV)

texts = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)
toml_values = st.one_of(
    texts, st.integers(-10**6, 10**6), st.floats(allow_nan=False), st.booleans(),
    st.lists(st.integers(0, 9), max_size=3), st.just("/etc/hostname"), st.just("sqlite:///"),
    st.just("Asia/Shanghai"), st.just("roll"), st.sampled_from(["7", "0", "-1", "1e9", "true"]),
)
env_values = st.one_of(texts, st.sampled_from(["7", "0", "-1", "1e9", "true", "nan", "inf", " ", "/etc/hostname",
                                               "/proc/x", "sqlite:///", "postgresql://h/db", "Mars/Olympus"]))

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _toml_literal(value) -> str:
    import json

    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value) if value == value and value not in (float("inf"), float("-inf")) else "0.0"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, list):
        return "[" + ", ".join(str(v) for v in value) + "]"
    text = json.dumps(value, ensure_ascii=False)  # a TOML basic string, but TOML refuses raw DEL
    return text.replace("\x7f", "\\u007f")


def _assert_one_clear_line(message: str, setting: str, where: str) -> None:
    assert "\n" not in message
    assert setting in message and where in message
    # what is allowed, or (the text rule) which character is not, by its code point
    assert "应为" in message or "未知" in message or "不能" in message or re.search(r"含有.*（U\+[0-9A-F]{4,6}）", message)


@FAST
@given(name=st.sampled_from(FILE_SETTINGS), value=toml_values)
def test_any_file_value_loads_or_is_named_with_file_and_line(tmp_path_factory, name, value):
    cfg = tmp_path_factory.mktemp("cfg") / "clerk.toml"
    text = f"# clerk\n{name} = {_toml_literal(value)}\n"
    tomllib.loads(text)  # the strategy writes valid TOML
    cfg.write_text(text, encoding="utf-8")
    try:
        loaded = load_settings({"CLERK_CONFIG": str(cfg)})
    except ConfigError as exc:
        _assert_one_clear_line(str(exc), name, f"{cfg}:2")
    else:
        assert getattr(loaded, name) is not None or name in {"window", "key_file"}


@FAST
@given(name=st.sampled_from(HALL_SETTINGS), value=toml_values)
def test_any_hall_value_loads_or_is_named(tmp_path_factory, name, value):
    cfg = tmp_path_factory.mktemp("cfg") / "clerk.toml"
    cfg.write_text(f"[hall]\n{name} = {_toml_literal(value)}\n", encoding="utf-8")
    try:
        loaded = load_settings({"CLERK_CONFIG": str(cfg)})
    except ConfigError as exc:
        _assert_one_clear_line(str(exc), f"hall.{name}", f"{cfg}:2")
    else:
        assert isinstance(getattr(loaded.hall, name), str)


@FAST
@given(key=st.sampled_from(["intake.finish", "checklist.original"]), value=toml_values)
def test_any_keymap_value_loads_or_is_named(tmp_path_factory, key, value):
    cfg = tmp_path_factory.mktemp("cfg") / "clerk.toml"
    cfg.write_text(f'[keymap]\n"{key}" = {_toml_literal(value)}\n', encoding="utf-8")
    try:
        load_settings({"CLERK_CONFIG": str(cfg)})
    except ConfigError as exc:
        _assert_one_clear_line(str(exc), f"keymap.{key}", f"{cfg}:2")
    else:
        assert isinstance(value, str) and value.strip()


@FAST
@given(name=st.sampled_from(["办不了", "很难办"]), value=toml_values)
def test_any_complaint_category_value_loads_or_is_named(tmp_path_factory, name, value):
    cfg = tmp_path_factory.mktemp("cfg") / "clerk.toml"
    cfg.write_text(f"[complaints.categories]\n\"{name}\" = {_toml_literal(value)}\n", encoding="utf-8")
    try:
        load_settings({"CLERK_CONFIG": str(cfg)})
    except ConfigError as exc:
        message = str(exc)
        assert "\n" not in message and name in message and str(cfg) in message
    else:
        assert isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 60


_TRUE, _FALSE = {"1", "true", "yes", "on", "是"}, {"0", "false", "no", "off", "否"}


def _said(var: str, value: str):
    """What the variable ``var`` set to ``value`` means (README and docs/deploy.md: its setting's type)."""
    name, kind = _ENV[var]
    if name == "window" and not value.strip():
        return None
    if kind is int:
        return int(value)
    if kind is float:
        return float(value)
    if kind is bool:
        word = value.strip().lower()
        assert word in _TRUE | _FALSE
        return word in _TRUE
    if kind is Path:
        return Path(value).expanduser()
    if name == "paper":
        return value.strip().lower()
    if name == "progress_url":
        return value.strip()
    if name == "serve_public_url":  # an origin: the spaces around it and a trailing slash are not part of it
        return value.strip().rstrip("/")
    if name == "database_url":
        scheme, rest = value.strip().split(":", 1)
        return value.strip() if scheme == "sqlite" else "postgresql+psycopg:" + rest
    return value


@FAST
@given(var=st.sampled_from(VARIABLES), value=env_values)
@example(var="CLERK_FALLBACK_MAY_DECIDE", value="0").via("a false word")
@example(var="CLERK_FALLBACK_MAY_DECIDE", value=" Yes").via("a true word")
@example(var="CLERK_WINDOW", value="7")
@example(var="CLERK_LOCKOUT_MINUTES", value=" 7 ")
@example(var="CLERK_STATEMENT_TIMEOUT", value="7")
@example(var="CLERK_HOME", value="/proc/x")
@example(var="CLERK_PAPER", value=" ROLL")
@example(var="CLERK_DATABASE_URL", value="postgresql://h/db")
@example(var="CLERK_TIMEZONE", value="Asia/Urumqi")
def test_any_variable_value_loads_or_is_named(var, value):
    baseline = load_settings({"CLERK_CONFIG": os.devnull})
    try:
        loaded = load_settings({"CLERK_CONFIG": os.devnull, var: value})
    except ConfigError as exc:
        _assert_one_clear_line(str(exc), _ENV[var][0], var)
    else:
        name = _ENV[var][0]
        if value == "":  # an empty variable is no setting
            assert loaded == baseline
            return
        if not value.strip() and loaded == baseline:  # nor is a blank one (spaces only)
            return
        assert getattr(loaded, name) == _said(var, value), (var, value)
        assert replace(loaded, **{name: getattr(baseline, name)}) == baseline  # nothing else changed


@pytest.fixture
def quiet_env(monkeypatch, tmp_path):
    from clerk.config import get_settings

    for var in [v for v in os.environ if v.startswith("CLERK_")]:
        monkeypatch.delenv(var)
    monkeypatch.setenv("CLERK_CONFIG", os.devnull)
    monkeypatch.setenv("CLERK_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("CLERK_LOG_DIR", str(tmp_path / "log"))
    monkeypatch.chdir(tmp_path)  # a random `-o` lands here, not in the checkout
    get_settings.cache_clear()
    yield tmp_path
    get_settings.cache_clear()


arguments = st.one_of(texts, st.sampled_from(["9999-12-31", "0001-01-01", "9999-12", "0001-01", "2026-02-29", "-1", "0", "99999999999",
                                              "--limit", "-o", "/proc/x.pdf", "/", "许可", "wsxk", ""]))
COMMANDS = [["calendar", "add"], ["calendar", "count"], ["calendar", "--dir"], ["catalog", "search"],
            ["catalog", "check"], ["print", "--sample"], ["print", "--font", "--format"],
            ["report", "daily", "--date"], ["report", "monthly", "--month"]]


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(command=st.sampled_from(COMMANDS), args=st.lists(arguments, min_size=0, max_size=3))
def test_random_arguments_end_in_one_line_and_a_status(quiet_env, capsys, command, args):
    try:
        status = main([*command, *args])
    except SystemExit as exc:  # argparse: usage line and status 2
        status = exc.code
    captured = capsys.readouterr()
    err = captured.err
    assert status in (0, 1, 2)
    assert "程序内部错误" not in err and "Traceback" not in err
    if status != 0:  # a reason on stderr, or the usage of an incomplete command
        assert err.strip() or captured.out.startswith("usage:")


SAFE_COMMANDS = [["catalog", "search", "xk"], ["calendar", "years"], ["calendar", "add", "2026-12-20", "5"],
                 ["print", "--sample", "promised", "-o", "out.pdf"], ["check", "id", "11010519491231002X"]]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(var=st.sampled_from([v for v in VARIABLES if v != "CLERK_DATABASE_URL"]),
       value=env_values.filter(lambda v: "\x00" not in v),
       command=st.sampled_from(SAFE_COMMANDS))  # (a real environment cannot hold NUL)
@pytest.mark.slow
def test_random_settings_then_a_command_end_in_one_line_and_a_status(quiet_env, monkeypatch, capsys, var, value,
                                                                    command):
    from clerk.config import get_settings

    monkeypatch.setenv(var, value)
    get_settings.cache_clear()
    try:
        status = main(command)
    finally:
        monkeypatch.delenv(var)
        get_settings.cache_clear()
    err = capsys.readouterr().err
    assert status in (0, 1, 2)
    assert "程序内部错误" not in err and "Traceback" not in err
    if status == 2:
        lines = err.strip().splitlines()
        assert len(lines) == 1 and _ENV[var][0] in lines[0] and var in lines[0]
