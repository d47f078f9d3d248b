"""The core is usable without any UI library (STYLE.md: the harlequin contract)."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import clerk

CORE = ("catalog", "calendar", "identity", "domain", "store", "printing", "services")


def core_modules() -> list[str]:
    names = ["clerk.config", "clerk.cli"]
    for info in pkgutil.walk_packages(clerk.__path__, prefix="clerk."):
        top = info.name.split(".")[1]
        # Alembic's env.py and revision files only run under `alembic` itself.
        if top in CORE and ".migrations" not in info.name:
            names.append(info.name)
    return names


def test_core_modules_import_no_ui_library():
    modules = core_modules()
    assert any(m.startswith("clerk.domain") for m in modules)
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "leaked = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich') or m.startswith('clerk.tui'))\n"
        "print(leaked)\n"
        "sys.exit(1 if leaked else 0)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, f"core imported UI modules: {result.stdout}{result.stderr}"


def test_the_layers_contract_holds():
    """pyproject.toml's import-linter contracts (layers: cli > tui|commands > integration >
    services|reports > store|printing|carriers > domain > catalog|calendar|identity > config)."""
    from pathlib import Path

    lint = Path(sys.executable).parent / "lint-imports"
    root = Path(__file__).resolve().parent.parent
    result = subprocess.run([str(lint)], capture_output=True, text=True, cwd=root)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Layers: arrows run one way" in result.stdout
