"""docs/deploy.md is a runbook: what it tells an IT person to type is what clerk accepts.

Every ``clerk …`` command line of its ```sh blocks, and every one quoted in its prose, parses with clerk's own parser
(``clerk.cli.build_parser``; parsed, never run), and every ```toml block is a configuration
file clerk's loader accepts as it stands (``clerk.config.load_settings``), so a setting, a
``[section]``, a queue table or a database URL the doc shows is one clerk knows.  The key
binding ids of its ``[keymap]`` examples are checked by tests/test_docs.py.
"""

from __future__ import annotations

import contextlib
import io
import re
import shlex
from collections.abc import Iterator
from pathlib import Path

import pytest

from clerk.cli import build_parser
from clerk.config import ConfigError, load_settings

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "docs" / "deploy.md"

_ENV_ASSIGNMENT = re.compile(r"[A-Z_][A-Z0-9_]*=\S*")


def _blocks(language: str) -> list[tuple[int, str]]:
    """(first line number, text) of every fenced block of ``language`` in deploy.md."""
    text = DEPLOY.read_text(encoding="utf-8")
    found = []
    for match in re.finditer(rf"^[ \t]*```{language}\n(.*?)^[ \t]*```", text, re.S | re.M):
        found.append((text.count("\n", 0, match.start(1)) + 1, match.group(1)))
    return found


def _commands(block: str) -> Iterator[str]:
    """The shell commands of a block: continuation lines joined, comments dropped, and split at
    pipes and ``&&``/``;`` so that ``printf … | clerk user add …`` yields the clerk command."""
    logical = re.sub(r"\\\n\s*", " ", block)
    for line in logical.splitlines():
        words = shlex.split(line, comments=True)
        command: list[str] = []
        for word in [*words, ";"]:
            if word in {"|", "&&", "||", ";"} or word.endswith(";"):
                if word not in {"|", "&&", "||", ";"}:
                    command.append(word[:-1])
                if command:
                    yield shlex.join(command)
                command = []
            else:
                command.append(word)


def clerk_commands() -> list[tuple[int, str, list[str]]]:
    """(line, text, argv) of every ``clerk …`` command in deploy.md's ```sh blocks."""
    found = []
    for line, block in _blocks("sh"):
        for command in _commands(block):
            words = shlex.split(command)
            while words and _ENV_ASSIGNMENT.fullmatch(words[0]):
                words = words[1:]  # CLERK_CONFIG=/dev/null CLERK_DATABASE_URL=… clerk audit verify
            if words and words[0] == "clerk":
                found.append((line, command, words[1:]))
    return found


def inline_clerk_commands() -> list[tuple[int, str, list[str]]]:
    """(line, text, argv) of the ``clerk …`` commands quoted in the runbook's prose
    (`` `clerk db recompute-deadlines --admin ID` ``), but for ``clerk user …``-style mentions
    of a command family and quoted output (``clerk 0.4.0（数据库版本 0014）``)."""
    text = DEPLOY.read_text(encoding="utf-8")
    prose = re.sub(r"```.*?```", lambda m: "\n" * m.group(0).count("\n"), text, flags=re.S)
    found = []
    for match in re.finditer(r"`([^`]+)`", prose):
        words = match.group(1).split()
        while words and _ENV_ASSIGNMENT.fullmatch(words[0]):
            words = words[1:]
        if not words or words[0] != "clerk" or "…" in words or (len(words) > 1 and words[1][0].isdigit()):
            continue
        found.append((prose.count("\n", 0, match.start()) + 1, " ".join(words), words[1:]))
    return found


def test_the_runbook_has_its_commands() -> None:
    """The extraction finds what the runbook is made of (a broken regex cannot pass it)."""
    names = {" ".join(argv[:2]) for _, _, argv in clerk_commands()}
    assert {"setup", "doctor", "db upgrade", "db roles", "user add", "audit verify"} <= names
    assert any(argv == ["--version"] for _, _, argv in clerk_commands())
    quoted = {" ".join(argv[:2]) for _, _, argv in inline_clerk_commands()}
    assert {"db recompute-deadlines", "db current", "demo --day"} <= quoted


@pytest.mark.parametrize("line, command, argv",
                         [pytest.param(*c, id=f"deploy.md:{c[0]} {c[1]}")
                          for c in [*clerk_commands(), *inline_clerk_commands()]])
def test_every_clerk_command_in_the_runbook_parses(line: int, command: str, argv: list[str]) -> None:
    if not argv or argv[0] in {"app", "--window"}:
        return  # the window app itself (clerk.cli: launched before the parser is built)
    parser = build_parser()
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            args = parser.parse_args(argv)
        except SystemExit as exc:  # --version / --help exit 0; a usage error exits 2
            assert exc.code == 0, f"deploy.md:{line}: `{command}` is refused:\n{err.getvalue()}"
            return
    assert getattr(args, "handler", None), f"deploy.md:{line}: `{command}` names no command"


def toml_samples() -> list[tuple[int, str]]:
    return _blocks("toml")


def test_the_runbook_has_configuration_samples() -> None:
    text = "\n".join(block for _, block in toml_samples())
    for part in ("database_url", "[hall]", "[[queues]]", "[window_queues]", "daily_cap", "[keymap]"):
        assert part in text


@pytest.mark.parametrize("line, block", [pytest.param(*b, id=f"deploy.md:{b[0]}") for b in toml_samples()])
def test_every_configuration_sample_in_the_runbook_loads(line: int, block: str, tmp_path: Path) -> None:
    """Loaded as a whole file by clerk's loader: an unknown setting or section, a bad value, a
    queue a window names but the file does not define, each stop it as they would stop a window."""
    config = tmp_path / "clerk.toml"
    config.write_text(block, encoding="utf-8")
    try:
        load_settings({"CLERK_CONFIG": str(config), "CLERK_HOME": str(tmp_path / "home")})
    except ConfigError as exc:
        pytest.fail(f"deploy.md block at line {line} is not a configuration clerk accepts: {exc}")


def _joined(text: str) -> str:
    """Shell text with continuation lines joined and runs of blanks made one."""
    return " ".join(re.sub(r"\\\n", " ", text).split())


def test_the_deploy_check_script_runs_the_runbooks_server_steps() -> None:
    """.ci/deploy-check (run by .ci/run) makes the certificate with the runbook's own openssl
    and chmod commands and starts the server with its ``ssl`` settings; if the runbook changes
    them, the script must change with it."""
    script = (ROOT / ".ci" / "deploy-check").read_text(encoding="utf-8")
    server_steps = [block for _, block in _blocks("sh") if "openssl req" in block]
    assert server_steps, "deploy.md shows no openssl command for the server's certificate"
    for command in re.sub(r"\\\n", " ", server_steps[0]).splitlines():
        assert _joined(command) in _joined(script), f"{command!r} is not what .ci/deploy-check runs"
    settings = [line.split("#")[0].strip() for _, block in _blocks("ini") for line in block.splitlines()
                if line.startswith("ssl")]
    assert settings
    for setting in settings:
        assert setting in script, f"{setting!r} of deploy.md is not set by .ci/deploy-check"


def test_the_runbooks_queues_for_its_28_windows_pass_doctors_cap_check(tmp_path: Path) -> None:
    from clerk.commands.doctor import Level, check_queue_caps

    [block] = [block for _, block in toml_samples() if "[[queues]]" in block]
    config = tmp_path / "clerk.toml"
    config.write_text(block, encoding="utf-8")
    settings = load_settings({"CLERK_CONFIG": str(config), "CLERK_HOME": str(tmp_path / "home")})
    check = check_queue_caps(settings)
    assert (check.level, check.detail) == (Level.OK, "各队列每日号源与办理窗口相符（按 28 个窗口计）")
